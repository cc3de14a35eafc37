"""SHACL validation engine: core constraints through pyshacl, SHACL-SPARQL constraints on Oxigraph.

pyshacl evaluates a SPARQL constraint once per focus node on rdflib's engine, which is
where nearly all of its time goes (70 s for the bundled graph). Here each such
constraint of a node shape runs once, as one query on Oxigraph: the shape's targets
are joined in front of the constraint's own WHERE clause (``$this`` and ``?this`` are
the same variable in SPARQL). Constraints this cannot express faithfully (property
shapes, nested SELECTs, ``$currentShape``/``$shapesGraph``) stay with pyshacl.
The results are the SHACL results pyshacl would give; benchmarks/validate.py checks that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import NctsError

SH = "http://www.w3.org/ns/shacl#"
FOCUS_GRAPH = "urn:ncts-graph:focus"  # named graph in the Oxigraph store holding the triples to report on


@dataclass
class SparqlConstraint:
    shape: object
    constraint: object
    select: str
    severity: object
    messages: list


def split_shapes(shapes, restrict: bool = True):
    """(core shapes for pyshacl, SHACL-SPARQL constraints to run on Oxigraph).

    ``restrict`` limits focus nodes to those with triples in FOCUS_GRAPH.
    """
    from rdflib import Graph, Literal, Namespace

    sh = Namespace(SH)
    core = Graph()
    for prefix, ns in shapes.namespaces():
        core.bind(prefix, ns)
    core += shapes
    fast = []
    for shape, constraint in list(shapes.subject_objects(sh.sparql)):
        if (shape, sh.path, None) in shapes or (constraint, sh.deactivated, Literal(True)) in shapes:
            continue
        if (shape, sh.deactivated, Literal(True)) in shapes:
            core.remove((shape, sh.sparql, constraint))
            continue
        select = shapes.value(constraint, sh.select)
        if select is None or not _fast_path_ok(str(select)):
            continue
        text = _prologue(shapes, constraint) + str(select)
        messages = list(shapes.objects(constraint, sh.message)) or list(shapes.objects(shape, sh.message))
        severity = shapes.value(shape, sh.severity) or sh.Violation
        fast.append(SparqlConstraint(shape, constraint, _with_targets(shapes, shape, text, restrict), severity, messages))
        core.remove((shape, sh.sparql, constraint))
    return core, fast


def _fast_path_ok(select: str) -> bool:
    from .sparql import blank_out

    body = blank_out(select)
    return (len(re.findall(r"\bSELECT\b", body, re.I)) == 1
            and not re.search(r"[$?](currentShape|shapesGraph)\b", body))




def _prologue(shapes, constraint) -> str:
    from rdflib import Namespace

    sh = Namespace(SH)
    lines = []
    for decl_owner in shapes.objects(constraint, sh.prefixes):
        for decl in shapes.objects(decl_owner, sh.declare):
            prefix, ns = shapes.value(decl, sh.prefix), shapes.value(decl, sh.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(lines) + "\n"


TARGET_PREDICATES = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")


def _target_pattern(shapes, shape, restrict: bool) -> str:
    """A subquery binding ?this to the shape's focus nodes (only those in FOCUS_GRAPH if ``restrict``)."""
    from rdflib import Namespace, URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    sh = Namespace(SH)
    branches = [f"{{ ?this a/<{RDFS.subClassOf}>* <{c}> }}" for c in shapes.objects(shape, sh.targetClass)]
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        branches.append(f"{{ ?this a/<{RDFS.subClassOf}>* <{shape}> }}")
    branches += [f"{{ ?this <{p}> ?ncts_o }}" for p in shapes.objects(shape, sh.targetSubjectsOf)]
    branches += [f"{{ ?ncts_s <{p}> ?this }}" for p in shapes.objects(shape, sh.targetObjectsOf)]
    nodes = [n for n in shapes.objects(shape, sh.targetNode) if isinstance(n, URIRef)]
    if nodes:
        branches.append("{ VALUES ?this { " + " ".join(f"<{n}>" for n in nodes) + " } }")
    if not branches:
        branches = ["{ FILTER(false) }"]
    only = f" FILTER EXISTS {{ GRAPH <{FOCUS_GRAPH}> {{ ?this ?ncts_fp ?ncts_fo }} }}" if restrict else ""
    return " { SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + only + " } } "


def _with_targets(shapes, shape, query: str, restrict: bool) -> str:
    """The query with the shape's focus nodes joined in front of its WHERE clause."""
    from .sparql import inject

    return inject(query, _target_pattern(shapes, shape, restrict))


def focus_by_shape(store, shapes) -> dict:
    """Each shape with targets -> its focus nodes among the FOCUS_GRAPH nodes (rdflib terms)."""
    from rdflib import Namespace

    from .store import to_rdflib

    sh = Namespace(SH)
    targeted = {s for name in TARGET_PREDICATES for s in shapes.subjects(sh[name], None)}
    out = {}
    for shape in targeted:
        rows = store.query("SELECT ?this WHERE {" + _target_pattern(shapes, shape, True) + "}")
        nodes = [to_rdflib(row["this"]) for row in rows]
        if nodes:
            out[shape] = nodes
    return out


def run_sparql(store, constraints) -> list[dict]:
    """Each SHACL-SPARQL constraint as one Oxigraph query; rows as SHACL result fields."""
    from rdflib import URIRef

    from .store import to_rdflib

    results = []
    for c in constraints:
        try:
            solutions = store.query(c.select)
        except SyntaxError as exc:
            raise NctsError(f"shapes: SPARQL syntax error in a constraint of {c.shape}: {' '.join(str(exc).split())}") from None
        names = [v.value for v in solutions.variables]
        for sol in solutions:
            row = {n: to_rdflib(sol[n]) for n in names}
            if row.get("failure") is not None and str(row["failure"]) == "true":
                raise NctsError(f"shapes: constraint of {c.shape} reported a failure")
            focus = row.get("this")
            results.append({"focus": focus, "path": row.get("path"), "value": row.get("value", focus) or focus,
                            "shape": c.shape, "constraint": c.constraint, "severity": c.severity,
                            "component": URIRef(SH + "SPARQLConstraintComponent"), "messages": c.messages,
                            "bindings": row})
    return results


def to_store(graph, focus_triples=()):
    """An Oxigraph store: the data graph as default graph, the focus triples in FOCUS_GRAPH."""
    import pyoxigraph as ox

    from .store import _ox_term

    cache: dict = {}

    def term(t):
        out = cache.get(t)
        if out is None:
            out = cache[t] = _ox_term(t)
        return out

    from rdflib import Literal, URIRef

    store = ox.Store()
    # inference (owlrl) can produce generalised triples, literal subjects say; RDF has no place for them
    store.bulk_extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in graph
                      if not isinstance(s, Literal) and isinstance(p, URIRef))
    focus = ox.NamedNode(FOCUS_GRAPH)
    store.bulk_extend(ox.Quad(term(s), term(p), term(o), focus) for s, p, o in focus_triples)
    return store
