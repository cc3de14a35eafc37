"""The inference step of ``ncts validate --inference rdfs|owlrl``: the data to validate,
expanded by a reasoner, leaving the loaded dataset as it was.

``owlrl`` runs on ``reasonable`` (an OWL 2 RL reasoner in Rust) when it is installed and
the shapes are the bundled ones: on those its closure gives the same validation results
as owlrl's (tests/test_inference.py), its inference step 20-40 times faster
(benchmarks/inference.py). The two closures are not equal: owlrl also adds reflexive
``owl:sameAs`` for every node, triples about literals (``"5"^^xsd:integer a xsd:integer``),
datatype axioms and schema triples (``C rdfs:subClassOf C``, domains and ranges along the
class tree); reasonable also types classes, properties and blank nodes ``owl:Thing``. The bundled shapes see none of these; other shapes might (a closed
shape, a SPARQL constraint over every property), so with them owlrl runs, as it did
before. ``rdfs`` always runs on owlrl: reasonable has no RDFS mode. See docs/validating.md.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from functools import lru_cache

REASONER = "reasonable"  # for --inference owlrl; "owlrl" runs owlrl (benchmarks and tests compare the two)
INFERRED = "urn:ncts-graph:inferred"  # the named graph of reasonable's triples during a run


def reasoner_for(inference: str, bundled_shapes_only: bool = True) -> str:
    """The reasoner that runs for ``inference`` ("rdfs" or "owlrl")."""
    if inference != "owlrl" or REASONER != "reasonable" or not bundled_shapes_only:
        return "owlrl"
    try:
        import reasonable  # noqa: F401
    except ImportError:  # no wheel for this platform: owlrl, as before
        return "owlrl"
    return "reasonable"


@contextmanager
def expanded(dataset, inference: str, bundled_shapes_only: bool = True):
    """The data to validate: ``dataset`` with what ``inference`` adds ("none": the dataset).

    reasonable's triples go into a named graph of the dataset itself for the run, and are
    taken out after it: no copy of the data, in rdflib or in Oxigraph (big inputs). owlrl
    expands an rdflib copy, as pyshacl's pre-inference does."""
    from rdflib import URIRef

    if inference == "none":
        yield dataset
        return
    if reasoner_for(inference, bundled_shapes_only) == "owlrl":
        yield _owlrl(dataset, inference)
        return
    graph = dataset.graph(URIRef(INFERRED))
    try:
        _reasonable(dataset)
        yield dataset
    finally:
        dataset.remove_graph(graph)


def _owlrl(dataset, inference: str):
    """An rdflib copy expanded in place by owlrl, exactly as pyshacl's pre-inference does it
    (pyshacl.run_type._run_pre_inference on a single graph)."""
    import owlrl
    from pyshacl.inference import CustomRDFSSemantics

    from .build import union_graph

    data = union_graph(dataset)
    semantics = CustomRDFSSemantics if inference == "rdfs" else owlrl.OWLRL_Semantics
    owlrl.DeductiveClosure(semantics).expand(data)
    return data


def _reasonable(dataset) -> None:
    """Add reasonable's closure of the dataset (less what it holds already) to the INFERRED graph."""
    import reasonable
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from .shacl import oxigraph_of

    kept = oxigraph_of(dataset)
    reasoner = reasonable.PyReasoner()
    if kept is not None:  # big inputs: to reasonable as a file written by Oxigraph, not as rdflib triples
        return _reasonable_oxigraph(kept.store, reasoner)
    graphs = [g for g in dataset.graphs() if str(g.identifier) != INFERRED]
    reasoner.from_graph((s, p, o) for g in graphs for s, p, o in g)
    base = {t for g in graphs for t in g}

    def plain(t):  # reasonable writes some plain literals "x" as "x"^^xsd:string: rdflib tells them apart
        return Literal(str(t)) if isinstance(t, Literal) and t.datatype == XSD.string else t

    graph = dataset.graph(URIRef(INFERRED))
    closure = ((s, p, plain(o)) for s, p, o in reasoner.reason() if not isinstance(s, Literal) and isinstance(p, URIRef))
    graph.addN((*t, graph) for t in closure if t not in base)


def _reasonable_oxigraph(store, reasoner) -> None:
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    from .store import _ox_term

    inferred = ox.NamedNode(INFERRED)
    fd, path = tempfile.mkstemp(suffix=".ttl", prefix="ncts-inference-")  # reasonable reads .ttl/.n3 only
    try:
        os.close(fd)
        ox.serialize((q.triple for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != inferred),
                     output=path, format=ox.RdfFormat.N_TRIPLES)  # N-Triples is Turtle
        reasoner.load_file(path)
    finally:
        os.unlink(path)
    term = lru_cache(maxsize=None)(_ox_term)  # each term converted once
    store.bulk_extend(ox.Quad(term(s), term(p), term(o), inferred) for s, p, o in reasoner.reason()
                      if not isinstance(s, Literal) and isinstance(p, URIRef))
    # reason() gives the data too: keep only what is new ("x" and "x"^^xsd:string are one term here)
    store.update(f"""DELETE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }}
                     FILTER EXISTS {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED}>) }} }} }}""")
