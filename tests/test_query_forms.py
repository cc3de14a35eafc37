"""Output formats must fit the query form; GRAPH and FROM mean the same on every engine."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import ncts_graph
from conftest import GRAPH_ALL, ROOT, run_ncts

PARTNERS = "https://w3id.org/ncts-graph/graph/data/partners"


@pytest.mark.parametrize("args, message", [
    (["describe-legal-basis", "--format", "json"], "--format json does not fit a DESCRIBE query"),
    (["measure-card", "--format", "csv"], "--format csv does not fit a CONSTRUCT query"),
    (["measures-per-threat", "--format", "ttl"], "--format ttl is for graphs, but a SELECT query"),
    (["measure-has-stated-legal-basis", "--format", "jsonld"], "--format jsonld is for graphs, but an ASK query"),
])
def test_a_format_that_does_not_fit_the_query_is_refused(args, message):
    out = run_ncts("query", *args)
    assert out.returncode == 2 and out.stdout == ""
    assert message in out.stderr and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_fitting_formats_still_work():
    out = run_ncts("query", "describe-legal-basis", "--format", "jsonld")
    assert out.returncode == 0 and out.stdout.lstrip().startswith(("[", "{"))
    out = run_ncts("query", "measure-has-stated-legal-basis", "--format", "json")
    assert out.returncode == 0 and '"boolean"' in out.stdout


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib", "virtuoso"])
def test_named_graphs_on_every_engine(engine, request):
    """GRAPH <g>, GRAPH ?g and FROM <g> count the same triples everywhere (rdflib once gave a
    traceback; Oxigraph once ignored FROM). On Virtuoso the bundle is one pushed graph, so
    only the graph it was pushed into is there."""
    if engine == "virtuoso":
        where, graph = {"endpoint": request.getfixturevalue("virtuoso_endpoint")}, GRAPH_ALL
        expected = int(ncts_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **where)[0]["n"])
    else:
        where, graph = {"engine": engine}, PARTNERS
        expected = len(set(ox.parse(path=str(ROOT / "data" / "partners.ttl"), format=ox.RdfFormat.TURTLE)))
    in_graph = ncts_graph.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", **where)
    assert int(in_graph[0]["n"]) == expected
    from_graph = ncts_graph.query(f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}", **where)
    assert int(from_graph[0]["n"]) == expected
    per_graph = ncts_graph.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", **where)
    assert {str(r["g"]): int(r["n"]) for r in per_graph}[graph] == expected


def test_cli_rdflib_graph_count_matches_oxigraph():
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PARTNERS}> {{?s ?p ?o}} }}"
    answers = [run_ncts("query", "--engine", engine, "--format", "csv", "-e", query) for engine in ("rdflib", "oxigraph")]
    assert [a.returncode for a in answers] == [0, 0], answers[0].stderr
    assert answers[0].stdout == answers[1].stdout and int(answers[0].stdout.split()[1]) > 100
