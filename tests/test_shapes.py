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
