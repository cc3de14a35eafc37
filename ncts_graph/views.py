"""Named network views of the graph: SPARQL CONSTRUCTs (queries/views/*.rq) turned into networkx graphs.

A raw RDF-to-networkx dump has literals as nodes and collapsed predicates; a view says
which resources and links make a network that means something. The rules that turn a
view's CONSTRUCT into a network are in queries/views/README.md; attributes are always
scalar (str, int, float), never None or lists, so every exporter can write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import paths
from .errors import NctsError
from .namespaces import NCTS, compact

VIEW_NS = "https://w3id.org/ncts-graph/view#"
LANGS = ("nl", "en")
PROVENANCES = ("stated", "curator", "all")  # which partner involvements a view counts (see queries/views/README.md)
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
_NODE_ATTRS = ("short_label", "type", "class", "definition", "pillar", "strategy", "status", "valid_from",
               "valid_until", "identifier", "partner_type", "restricts_right", "proportionality_note")


def views_dir() -> Path:
    return paths.queries_dir() / "views"


@dataclass(frozen=True)
class View:
    """A view: its name, CONSTRUCT text and header (title-nl, title-en, description-en, directed)."""

    name: str
    text: str
    meta: dict
    params: tuple = ()

    def bound(self, provenance: str = "stated") -> str:
        """The view's text with its parameters bound (a view may declare ``provenance``)."""
        from .library import bindings, Query
        from .sparql import bind_values

        _check_provenance(provenance)
        given = {"provenance": provenance} if any(p.name == "provenance" for p in self.params) else {}
        # bind_values writes the term at every token of the variable, sub-SELECTs included
        return bind_values(self.text, bindings(Query(self.name, self.text, None, self.meta, list(self.params)), given))

    @property
    def directed(self) -> bool:
        return self.meta.get("directed", "true").strip().lower() != "false"

    def title(self, lang: str = "en") -> str:
        return self.meta.get(f"title-{lang}") or self.meta.get("title-en") or self.name


def view_names() -> list[str]:
    return sorted(p.stem for p in views_dir().glob("*.rq") if not p.name.startswith("_"))


def get_view(name: str) -> View:
    """The view called ``name``, or a one-line error listing the known views."""
    from .sparql import read_rq

    names = view_names()
    if name not in names:
        raise NctsError(f"unknown view {name!r} (use one of {', '.join(names)})")
    rq = read_rq(views_dir() / f"{name}.rq")
    return View(name, rq.text, rq.meta, tuple(rq.params))


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise NctsError(f"unknown language {lang!r} (use one of {', '.join(LANGS)})")


def _check_provenance(provenance: str) -> None:
    if provenance not in PROVENANCES:
        raise NctsError(f"unknown provenance {provenance!r} (use one of {', '.join(PROVENANCES)})")


def construct(graph, view: View | str, provenance: str = "stated") -> list:
    """The view's CONSTRUCT result as a list of pyoxigraph triples (fast; no rdflib terms).
    ``provenance``: which partner involvements count (stated by the source, curator-supplied, all)."""
    from .namespaces import PREFIXES
    from .store import to_oxigraph

    view = get_view(view) if isinstance(view, str) else view
    try:
        return list(to_oxigraph(graph).query(view.bound(provenance), prefixes=PREFIXES, use_default_graph_as_union=True))
    except (SyntaxError, ValueError, RuntimeError, OSError) as exc:
        raise NctsError(f"{views_dir() / (view.name + '.rq')}: view query failed: {' '.join(str(exc).split())}") from None


def view_rdf(graph, view: View | str, provenance: str = "stated"):
    """The view's CONSTRUCT as an rdflib Graph (for the RDF export formats)."""
    from rdflib import BNode, Graph

    from .namespaces import PREFIXES
    from .store import to_rdflib
    import pyoxigraph as ox

    out = Graph()
    for prefix, iri in PREFIXES.items():
        out.bind(prefix, iri, override=True)
    out.bind("nv", VIEW_NS)
    bnodes: dict = {}

    def term(t):
        if isinstance(t, ox.BlankNode):
            return bnodes.setdefault(t.value, BNode())
        return to_rdflib(t)

    out.addN((term(t.subject), term(t.predicate), term(t.object), out) for t in construct(graph, view, provenance))
    return out


def _literal_value(lit):
    """A literal as a scalar Python value: integers and decimals as numbers, all else as text."""
    dt = lit.datatype.value if lit.datatype is not None else ""
    if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
        try:
            return int(lit.value)
        except ValueError:
            return lit.value
    if dt.endswith(("#decimal", "#double", "#float")):
        try:
            return float(lit.value)
        except ValueError:
            return lit.value
    return lit.value


def curie(iri: str) -> str:
    """An IRI as prefix:local, including the view vocabulary (nv:)."""
    return compact(iri, {"nv": VIEW_NS})


def _local(iri: str) -> str:
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]


class Labels:
    """Labels (nl, en) and scalar attributes of every labelled resource, from queries/views/_nodes.rq."""

    def __init__(self, graph, lang: str):
        from rdflib import Literal

        from .sparql import read_rq, select

        self.lang = lang
        rows = select(graph, read_rq(views_dir() / "_nodes.rq").text, {"lang": Literal(lang)})
        self.rows = {str(r["x"]): {k: str(v) for k, v in r.items() if k not in ("x", "lang") and v is not None and str(v) != ""}
                     for r in rows}

    def label(self, iri: str) -> str:
        row = self.rows.get(iri, {})
        other = "en" if self.lang == "nl" else "nl"
        return row.get(f"label_{self.lang}") or row.get(f"label_{other}") or _local(iri)

    def value(self, term) -> str | int | float:
        """An attribute value: IRIs by their label, literals as scalars."""
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return self.label(term.value)
        if isinstance(term, ox.Literal):
            return _literal_value(term)
        return str(term)


def to_networkx(view: str = "full", lang: str = "nl", graph=None, provenance: str = "stated"):
    """The view as a networkx graph: MultiDiGraph (keys = compact predicates), or Graph if undirected.

    Node ids are IRIs; nodes carry label (in ``lang``), label_nl, label_en, curie, type and
    the scalar attributes of _nodes.rq; edges carry predicate (compact IRI), label (the
    property's rdfs:label in ``lang``), weight (1 unless the view states one) and any
    reified attributes (e.g. role, provenance). ``provenance`` picks the partner involvements:
    ``stated`` (default: named by the sources), ``curator`` (curator-supplied) or ``all``.
    """
    import networkx as nx
    import pyoxigraph as ox

    _check_lang(lang)
    _check_provenance(provenance)
    v = get_view(view)
    if graph is None:
        from .load import load

        graph = load()
    triples = construct(graph, v, provenance)
    labels = Labels(graph, lang)
    view_labels: dict[str, dict[str, str]] = {}  # labels stated in the view (of its own properties)
    statements: dict = {}
    typed: set[str] = set()
    edges: list[tuple[str, str, str]] = []
    literals: list = []
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if isinstance(s, ox.BlankNode):
            statements.setdefault(s.value, {})[p] = o
            continue
        if p == _RDF + "type":
            typed.add(s.value)
        elif isinstance(o, ox.NamedNode):
            edges.append((s.value, p, o.value))
        elif isinstance(o, ox.Literal):
            if p == _RDFS_LABEL and o.language:
                view_labels.setdefault(s.value, {})[o.language] = o.value
            elif p != _RDFS_COMMENT:
                literals.append((s.value, p, o))
    g = nx.MultiDiGraph() if v.directed else nx.Graph()
    g.graph.update({"name": f"ncts-{v.name}", "view": v.name, "lang": lang, "title": v.title(lang),
                    "provenance": provenance})

    def add_node(iri: str) -> None:
        if iri in g:
            return
        row = labels.rows.get(iri, {})
        attrs = {"label": labels.label(iri), "curie": curie(iri),
                 "label_nl": row.get("label_nl") or labels.label(iri),
                 "label_en": row.get("label_en") or labels.label(iri)}
        attrs.update({k: row[k] for k in _NODE_ATTRS if k in row})
        attrs.setdefault("type", row.get("class", "Resource").split("; ")[0] or "Resource")
        g.add_node(iri, **attrs)

    for iri in sorted(typed):
        add_node(iri)
    # legend names of the node types (and of partner groups): the classes' labels in the ontology
    classes = {d["type"] for _n, d in g.nodes(data=True)} | {"PartnerGroup"}
    g.graph["type_labels"] = {c: {k[-2:]: v for k, v in labels.rows[NCTS + c].items() if k in ("label_nl", "label_en")}
                              for c in sorted(classes) if NCTS + c in labels.rows}
    for s, p, o in literals:
        if s in g:
            g.nodes[s][_local(p)] = _literal_value(o)

    def edge_label(p: str) -> str:
        own = view_labels.get(p, {})
        other = "en" if lang == "nl" else "nl"
        return own.get(lang) or own.get(other) or labels.label(p)

    reified: dict[tuple[str, str, str], dict] = {}
    rdf_s, rdf_p, rdf_o = _RDF + "subject", _RDF + "predicate", _RDF + "object"
    for props in statements.values():
        if not all(k in props for k in (rdf_s, rdf_p, rdf_o)):
            continue
        key = (props[rdf_s].value, props[rdf_p].value, props[rdf_o].value)
        extra = {_local(k): labels.value(val) for k, val in props.items()
                 if k not in (rdf_s, rdf_p, rdf_o, _RDF + "type")}
        reified.setdefault(key, {}).update(extra)
    for s, p, o in sorted(set(edges)):
        add_node(s)
        add_node(o)
        attrs = {"predicate": curie(p), "label": edge_label(p), "weight": 1}
        attrs.update(reified.get((s, p, o), {}))
        if g.is_multigraph():
            g.add_edge(s, o, key=curie(p), **attrs)
        else:
            g.add_edge(s, o, **attrs)
    return g


class ViewData:
    """A view's network plus what the HTML side panel needs (quotes), computed once."""

    def __init__(self, graph, view: str, lang: str, provenance: str = "stated"):
        self.graph = graph
        self.view = get_view(view)
        self.lang = lang
        self.nx = to_networkx(view, lang=lang, graph=graph, provenance=provenance)

    @cached_property
    def quotes(self) -> dict[str, list[dict]]:
        from rdflib import Literal

        from .sparql import read_rq, select

        out: dict[str, list[dict]] = {}
        for r in select(self.graph, read_rq(views_dir() / "_quotes.rq").text, {"lang": Literal(self.lang)}):
            x = str(r["x"])
            if x in self.nx:
                out.setdefault(x, []).append({"exact": str(r["exact"]), "source": compact(str(r["source"])),
                                              "source_label": str(r["sourceLabel"] or compact(str(r["source"])))})
        return out
