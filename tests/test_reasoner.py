"""HermiT (through owlready2, on Java) finds ontology + data consistent, and is not vacuous."""

from __future__ import annotations

from pathlib import Path

from ncts_graph.load import load
from ncts_graph.reason import check_consistency, hermit_ready_graph

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_bundled_graph_is_consistent_and_all_classes_satisfiable(graph):
    result = check_consistency(graph)
    assert result.consistent, result.message
    assert result.unsatisfiable_classes == []


def test_a_partner_used_as_legal_basis_is_inconsistent():
    result = check_consistency(load([FIXTURES / "inconsistent-legal-basis.ttl"]))
    assert not result.consistent


def test_only_owl2_datatypes_reach_hermit(graph):
    from rdflib import Literal, XSD

    ready = hermit_ready_graph(graph)
    kinds = {o.datatype for _, _, o in ready if isinstance(o, Literal) and o.datatype is not None}
    assert XSD.gYear not in kinds and XSD.date not in kinds and XSD.gYearMonth not in kinds
    assert len(ready) == len(graph)
