"""Namespaces of ncts-graph: one base, one prefix per kind of resource, so IRIs read well."""

from __future__ import annotations

import re

BASE = "https://w3id.org/ncts-graph/"
NCTS = BASE + "def#"

#: prefix -> namespace IRI, as used in data files, queries and exports.
PREFIXES: dict[str, str] = {
    "ncts": NCTS,
    "strategy": BASE + "strategy/",
    "pillar": BASE + "pillar/",
    "goal": BASE + "goal/",
    "principle": BASE + "principle/",
    "spearhead": BASE + "spearhead/",
    "emphasis": BASE + "emphasis/",
    "threat": BASE + "threat/",
    "factor": BASE + "threat-factor/",
    "dtn": BASE + "threat-level/",
    "m": BASE + "measure/",
    "mtype": BASE + "measure-type/",
    "right": BASE + "right/",
    "law": BASE + "legal/",
    "status": BASE + "legal-status/",
    "partner": BASE + "partner/",
    "ptype": BASE + "partner-type/",
    "role": BASE + "role/",
    "src": BASE + "source/",
    "scheme": BASE + "scheme/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def sparql_prologue() -> str:
    """PREFIX lines for every known prefix, prepended to library queries that omit them."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def compact(term, prefixes: dict | None = None) -> str:
    """An IRI as ``prefix:local`` where a known prefix fits (the project's, then ``prefixes``);
    anything else as its string (None stays None)."""
    if term is None:
        return None
    text = str(term)
    for prefix, iri in (PREFIXES | prefixes).items() if prefixes else PREFIXES.items():
        if text.startswith(iri) and len(text) > len(iri):
            return f"{prefix}:{text[len(iri):]}"
    return text


def prefixes_of(graph) -> dict:
    """Prefixes bound in a parsed graph (e.g. a user's ``ex:``), for compact display."""
    known = set(PREFIXES.values())
    invented = re.compile(r"(ns|" + "|".join(PREFIXES) + r")\d+")  # rdflib's names when a prefix clashes
    return {p: str(ns) for p, ns in graph.namespaces() if p and str(ns) not in known and not invented.fullmatch(p)}
