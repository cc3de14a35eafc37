"""Hygiene of the shapes themselves: every shape and constraint speaks Dutch and English
and says how severe it is (the report shows these words to researchers)."""

from __future__ import annotations

import pytest
from rdflib import Namespace, URIRef

from ncts_graph.validate import load_shapes

SH = Namespace("http://www.w3.org/ns/shacl#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SHAPES = load_shapes()
NODE_SHAPES = sorted(SHAPES.subjects(RDF_TYPE, SH.NodeShape))
CONSTRAINTS = sorted(SHAPES.objects(None, SH.property)) + sorted(SHAPES.objects(None, SH.sparql))


def langs(node, prop):
    return {lit.language for lit in SHAPES.objects(node, prop)}


def test_there_are_shapes_for_each_concern():
    names = {str(s).rsplit("#", 1)[-1] for s in NODE_SHAPES}
    assert {"MeasureShape", "LegalBasisShape", "PartnerShape", "ThreatShape", "QuoteShape", "SourceDocumentShape",
            "LegalBasisInForceShape", "NoNaturalPersonShape", "NoPersonalDataShape",
            "LegalBasisProvenanceShape"} <= names


@pytest.mark.parametrize("shape", NODE_SHAPES, ids=[str(s).rsplit("#", 1)[-1] for s in NODE_SHAPES])
def test_node_shape_is_labelled(shape):
    assert langs(shape, RDFS_LABEL) >= {"nl", "en"}


def test_every_constraint_has_nl_en_message_and_severity():
    assert len(CONSTRAINTS) > 60
    for c in CONSTRAINTS:
        owner = next(SHAPES.subjects(SH.sparql, c), None)
        assert langs(c, SH.message) >= {"nl", "en"}, c
        severity = SHAPES.value(c, SH.severity) if owner is None else SHAPES.value(owner, SH.severity)
        assert severity in (SH.Violation, SH.Warning, SH.Info), c


# --- values of the right kind -------------------------------------------------------

#: the shapes files of what a user writes: measures, legal bases, partners, quotes (and threats)
KIND_FILES = ["measure.ttl", "legal-basis.ttl", "legal-basis-provenance.ttl", "partner.ttl", "quote.ttl", "threat.ttl"]
#: constraints that fix whether a value is a node or a literal (sh:class: only nodes are instances)
KIND = (SH["class"], SH.nodeKind, SH.datatype)


def _path_key(graph, path):
    from rdflib import BNode
    from rdflib.collection import Collection

    if isinstance(path, BNode):
        alt = graph.value(path, SH.alternativePath)
        if alt is not None:
            return ("alt",) + tuple(map(str, Collection(graph, alt)))
        return ("seq",) + tuple(map(str, Collection(graph, path)))
    return (str(path),)


@pytest.mark.parametrize("name", KIND_FILES)
def test_every_property_says_whether_its_values_are_nodes_or_literals(name):
    """A literal where a node is required (ncts:evidence "text") or a node where a literal is
    required (rdfs:label ex:x) must fail: every property path a file constrains has, in that
    file, a sh:class, sh:nodeKind or sh:datatype constraint; sh:node never stands alone."""
    from rdflib import Graph

    from ncts_graph import paths

    g = Graph().parse(paths.home() / "shapes" / name)
    paths_seen, kinded = {}, set()
    for shape in set(g.subjects(SH.path, None)):
        key = _path_key(g, g.value(shape, SH.path))
        paths_seen[key] = shape
        if any(g.value(shape, k) is not None for k in KIND):
            kinded.add(key)
        if g.value(shape, SH.node) is not None:
            assert g.value(shape, SH.nodeKind) is not None, f"{name}: sh:node without sh:nodeKind on {key}"
    missing = sorted(set(paths_seen) - kinded)
    assert paths_seen and not missing, f"{name}: no value-kind constraint on {missing}"


# --- the privacy rule names every personal-data property it targets ------------------

PERSONAL = sorted(SHAPES.objects(URIRef("https://w3id.org/ncts-graph/shapes#NoPersonalDataShape"), SH.targetSubjectsOf))


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_every_personal_data_property_is_a_violation(tmp_path, engine):
    """Its query is one UNION branch a property (an index lookup each, not a scan of every triple):
    a property the targets name but no branch reads would pass silently."""
    from ncts_graph.validate import validate

    assert len(PERSONAL) == 18
    f = tmp_path / "person.ttl"
    f.write_text("".join(f"<https://example.org/x{i}> <{p}> \"x\" .\n" for i, p in enumerate(PERSONAL)), encoding="utf-8")
    report = validate([f], engine=engine)
    found = {r.path for r in report.results if str(r.source_shape).endswith("#NoPersonalDataShape")}
    assert found == set(PERSONAL)
