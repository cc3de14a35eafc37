"""The look every export shares: a colour per node type, the legend name of a node's category,
and labels shortened or wrapped at word boundaries (never cut mid-word). One module, imported by
the figure, the HTML page and the network formats, so they agree and import no one else."""

from __future__ import annotations

import textwrap

WRAP = 22  # characters per label line in a figure

#: colour per node type (colour-blind-friendly, after Okabe & Ito and Tol), grey for the rest
TYPE_COLOURS = {
    "Measure": "#0072B2", "Partner": "#E69F00", "LegalBasis": "#009E73", "Threat": "#D55E00",
    "ThreatFactor": "#CC79A7", "Pillar": "#56B4E9", "Goal": "#F0E442", "Spearhead": "#882255",
    "Strategy": "#332288", "StrategicPrinciple": "#44AA99", "MeasureType": "#999933",
    "FundamentalRight": "#AA4499", "SourceDocument": "#117733", "LegalStatus": "#88CCEE",
    "PartnerType": "#DDCC77", "PartnerRole": "#661100", "Emphasis": "#6699CC",
    "ThreatLevelAssessment": "#AA4466", "ConceptScheme": "#BBBBBB",
}
DEFAULT_COLOUR = "#777777"


def colour(node_type: str) -> str:
    return TYPE_COLOURS.get(node_type, DEFAULT_COLOUR)


def short(d: dict, limit: int = 30) -> str:
    """A one-line label for the HTML export: the short label, else the label cut at a word."""
    text = d.get("short_label") or d.get("label", "")
    if len(text) <= limit:
        return text
    return textwrap.shorten(text, limit, placeholder=" …", break_long_words=False) if " " in text[:limit] else text


def wrap(text: str, width: int = WRAP) -> str:
    """``text`` on lines of about ``width`` characters, broken at spaces only (never in a word)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def category(d: dict) -> str:
    """The legend entry of a node: its type, with partner groups ("Municipalities") apart from
    single organisations."""
    if d.get("type") == "Partner" and "PartnerGroup" in str(d.get("class", "")).split("; "):
        return "PartnerGroup"
    return d.get("type", "") or "Resource"


MARKERS = {"PartnerGroup": "D"}


def shown(d: dict) -> str:
    """The label drawn: the short label when it is shorter (an acronym), else the label."""
    alt, label = d.get("short_label", ""), d.get("label", "")
    return alt if alt and len(alt) < len(label) else label


def category_name(c: str, lang: str, names: dict | None = None) -> str:
    """The legend name of category ``c`` in ``lang``: its class's rdfs:label from the ontology,
    which :func:`ncts_graph.views.to_networkx` puts in ``g.graph["type_labels"]`` (``names``);
    the class's local name when the graph carries none."""
    return (names or {}).get(c, {}).get(lang) or c
