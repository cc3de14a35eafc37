"""The embedded SPARQL engines: Oxigraph (fast, default) and rdflib's own.

Curated data is edited and parsed with rdflib; queries run on an in-memory Oxigraph
copy of the same quads, built once per graph (and rebuilt if the graph's size
changes). Results come back as rdflib terms, so callers see one API either way.
"""

from __future__ import annotations

import weakref

from .errors import NctsError
from .namespaces import PREFIXES

ENGINES = ("oxigraph", "rdflib")
_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def to_oxigraph(graph):
    """An in-memory Oxigraph store holding the quads of an rdflib graph or dataset."""
    import pyoxigraph as ox

    cached = _CACHE.get(graph)
    if cached is not None and cached[0] == len(graph):
        return cached[1]
    store = ox.Store()
    quads = graph.quads((None, None, None, None)) if hasattr(graph, "quads") else ((s, p, o, None) for s, p, o in graph)
    store.bulk_extend(_ox_quad(s, p, o, c) for s, p, o, c in quads)
    _CACHE[graph] = (len(graph), store)
    return store


def _ox_term(term):
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise NctsError(f"cannot convert RDF term {term!r}")


def _ox_quad(s, p, o, c):
    import pyoxigraph as ox
    from rdflib import URIRef

    graph_name = c.identifier if hasattr(c, "identifier") else c
    g = ox.NamedNode(str(graph_name)) if isinstance(graph_name, URIRef) and not str(graph_name).startswith("urn:x-rdflib:default") else ox.DefaultGraph()
    return ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), g)


def to_rdflib(term):
    """An Oxigraph term as the equal rdflib term (None stays None)."""
    if term is None:
        return None
    make = (_MAKERS or _makers()).get(type(term))
    if make is None:
        raise NctsError(f"cannot convert query result term {term!r}")
    return make(term)


def converter():
    """:func:`to_rdflib` for many rows: each distinct term converted once, and shared (the rows of a
    large validation repeat the same legal bases, dates and graphs tens of thousands of times)."""
    done: dict = {}

    def convert(term):
        out = done.get(term)
        if out is None and term is not None:
            out = done[term] = to_rdflib(term)
        return out

    return convert


_MAKERS: dict = {}  # Oxigraph term type -> its conversion; imported once (a result has 100,000s of terms)


def _makers() -> dict:
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    def literal(term):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # a simple literal, as rdflib parses it
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))

    _MAKERS.update({ox.NamedNode: lambda t: URIRef(t.value), ox.BlankNode: lambda t: BNode(t.value),
                    ox.Literal: literal})
    return _MAKERS


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def select(graph, query: str, bindings: dict | None = None, engine: str = "oxigraph") -> list[dict]:
    """Run a SELECT; rows are dicts of variable name to rdflib term (None if unbound).

    ``bindings`` bind variables to RDF terms before evaluation (never pasted into text).
    """
    if engine == "rdflib":
        result = graph.query(query, initNs=PREFIXES, initBindings=bindings or {})
        names = [str(v) for v in result.vars]
        return [{n: row[i] for i, n in enumerate(names)} for row in result]
    if engine != "oxigraph":
        raise NctsError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
    import pyoxigraph as ox

    store = to_oxigraph(graph)
    subs = {ox.Variable(k): _ox_term(v) for k, v in (bindings or {}).items()}
    try:
        solutions = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs)
    except SyntaxError as exc:
        raise NctsError(f"SPARQL syntax error: {' '.join(str(exc).split())}") from None
    except (ValueError, RuntimeError, OSError) as exc:
        raise NctsError(f"SPARQL query failed: {' '.join(str(exc).split())}") from None
    names = [v.value for v in solutions.variables]
    return [{n: to_rdflib(sol[n]) for n in names} for sol in solutions]
