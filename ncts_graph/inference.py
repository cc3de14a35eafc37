"""The inference step of ``ncts validate --inference rdfs|owlrl``: the data to validate,
expanded by a reasoner, leaving the loaded dataset as it was.

``owlrl`` runs on ``reasonable`` (an OWL 2 RL reasoner in Rust) when it is installed and
the shapes are the bundled ones: on those its closure gives the same validation results
as owlrl's (tests/test_inference.py, benchmarks/inference.py) 30-50 times faster. The two
closures are not equal: owlrl also adds reflexive ``owl:sameAs`` for every node, triples
about literals (``"5"^^xsd:integer a xsd:integer``), datatype axioms and schema triples
(``C rdfs:subClassOf C``, domains and ranges along the class tree); reasonable types every
node ``owl:Thing``. The bundled shapes see none of these; other shapes might (a closed
shape, a SPARQL constraint over every property), so with them owlrl runs, as it did
before. ``rdfs`` always runs on owlrl: reasonable has no RDFS mode. See docs/validating.md.
"""

from __future__ import annotations

import os
import tempfile

REASONERS = ("reasonable", "owlrl")
REASONER = "reasonable"  # for --inference owlrl; "owlrl" runs owlrl (benchmarks and tests compare the two)


def reasoner_for(inference: str, bundled_shapes_only: bool = True) -> str:
    """The reasoner that runs for ``inference`` ("rdfs" or "owlrl")."""
    if inference != "owlrl" or REASONER != "reasonable" or not bundled_shapes_only:
        return "owlrl"
    try:
        import reasonable  # noqa: F401
    except ImportError:  # no wheel for this platform: owlrl, as before
        return "owlrl"
    return "reasonable"


def expand(dataset, inference: str, bundled_shapes_only: bool = True):
    """The data to validate: ``dataset``'s triples and what ``inference`` adds (a new graph:
    kept in Oxigraph when the dataset is, big inputs say; else an rdflib graph, which
    pyshacl, for the shapes the compiled engine leaves to it, reads much faster)."""
    from .shacl import oxigraph_of

    if reasoner_for(inference, bundled_shapes_only) == "owlrl":
        return _owlrl(dataset, inference)
    kept = oxigraph_of(dataset)
    return _reasonable_rdflib(dataset) if kept is None else _reasonable_oxigraph(kept.store)


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


def _reasonable_rdflib(dataset):
    """An rdflib copy of the dataset with reasonable's closure of it added."""
    import reasonable
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from .build import union_graph

    data = union_graph(dataset)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(data)

    def plain(t):  # reasonable writes some plain literals "x" as "x"^^xsd:string: rdflib tells them apart
        return Literal(str(t)) if isinstance(t, Literal) and t.datatype == XSD.string else t

    data.addN((s, p, plain(o), data) for s, p, o in reasoner.reason()
              if not isinstance(s, Literal) and isinstance(p, URIRef))
    return data


def _reasonable_oxigraph(kept):
    """An rdflib Dataset kept in Oxigraph (the SHACL engine queries it without a copy)
    holding the data of the Oxigraph store ``kept`` and reasonable's closure of it. The data
    goes to reasonable as a file written by Oxigraph, never as a million rdflib triples."""
    import pyoxigraph as ox
    import reasonable
    from rdflib import Dataset, Literal, URIRef

    from .namespaces import PREFIXES
    from .store import _ox_term

    data = Dataset(store="Oxigraph", default_union=True)
    for prefix, iri in PREFIXES.items():
        data.bind(prefix, iri, override=True)
    store = data.store._inner
    default = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default)
                      for q in kept.quads_for_pattern(None, None, None, None))
    fd, path = tempfile.mkstemp(suffix=".ttl", prefix="ncts-inference-")  # reasonable reads .ttl/.n3 only
    try:
        os.close(fd)
        store.dump(path, format=ox.RdfFormat.N_TRIPLES, from_graph=default)  # N-Triples is Turtle
        reasoner = reasonable.PyReasoner()
        reasoner.load_file(path)
    finally:
        os.unlink(path)
    cache: dict = {}

    def term(t):
        out = cache.get(t)
        if out is None:
            out = cache[t] = _ox_term(t)
        return out

    # reason() gives the base triples too; the store keeps each triple once ("x" and
    # "x"^^xsd:string, which reasonable writes for some plain literals, are one term there)
    store.bulk_extend(ox.Quad(term(s), term(p), term(o), default) for s, p, o in reasoner.reason()
                      if not isinstance(s, Literal) and isinstance(p, URIRef))
    return data
