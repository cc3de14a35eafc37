"""``ncts analyze``: the numbers agree with SPARQL on the graph; every format and figure is written."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from ncts_graph.analyze import analyze, coverage_matrix, render
from ncts_graph.cli.export import analyze as analyze_cmd
from ncts_graph.sparql import select
from ncts_graph.views import to_networkx


@pytest.fixture(scope="module")
def tables(graph):
    return analyze(graph, lang="en")


def test_tables_and_scalars(tables):
    assert set(tables) == {"centrality", "communities", "coverage", "gaps", "per_partner", "per_legal_basis", "expiry"}
    for t in tables.values():
        assert t["rows"] and all(len(r) == len(t["columns"]) for r in t["rows"])
        assert all(isinstance(x, (str, int, float)) for r in t["rows"] for x in r)


def test_centrality_matches_networkx(graph, tables):
    g = to_networkx("partners", lang="en", graph=graph)
    bc = nx.betweenness_centrality(g)
    rows = {r[1]: r for r in tables["centrality"]["rows"]}
    assert len(rows) == 55
    assert rows["partner:nctv"][2] == g.degree("https://w3id.org/ncts-graph/partner/nctv")
    assert rows["partner:nctv"][5] == round(bc["https://w3id.org/ncts-graph/partner/nctv"], 4)
    top = tables["centrality"]["rows"][0]
    assert top[5] == max(r[5] for r in rows.values())


PER_PARTNER = """SELECT ?p (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ncts:Measure ; ncts:involvement ?i . ?i ncts:partner ?p .
    FILTER(%s EXISTS { ?i ncts:curatorSupplied true }) } GROUP BY ?p"""


def _per_partner(graph, curator: bool) -> dict:
    return {str(r["p"]).replace("https://w3id.org/ncts-graph/partner/", "partner:"): int(r["n"])
            for r in select(graph, PER_PARTNER % ("" if curator else "NOT"))}


def test_measures_per_partner_agree_with_sparql(graph, tables):
    """By default only the involvements the sources state count (no curator-supplied ones)."""
    assert {r[2] for r in tables["per_partner"]["rows"]} == {"stated"}
    rows = {r[1]: r[3] for r in tables["per_partner"]["rows"]}
    assert rows == _per_partner(graph, curator=False)
    assert "partner:nctv" not in rows  # the NCTV is in 26 measures, every one curator-supplied


def test_provenance_all_keeps_stated_and_curator_apart(graph):
    """With provenance=all a partner has a row per provenance; the counts are never summed."""
    rows = analyze(graph, lang="en", provenance="all")["per_partner"]["rows"]
    for origin, curator in (("stated", False), ("curator", True)):
        assert {r[1]: r[3] for r in rows if r[2] == origin} == _per_partner(graph, curator)
    nctv = [r for r in rows if r[1] == "partner:nctv"]
    assert [r[2:4] for r in nctv] == [["curator", 26]] and nctv[0][4] == 0  # no lead role
    assert "curator-supplied" in analyze(graph, lang="en", provenance="curator")["centrality"]["title"]


def test_measures_per_legal_basis_query_both_subproperties(graph, tables):
    rows = {r[1]: r for r in tables["per_legal_basis"]["rows"]}
    n = select(graph, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ncts:Measure . "
                      "{ ?m ncts:statedLegalBasis law:twbmt } UNION { ?m ncts:curatorLegalBasis law:twbmt } }")
    assert rows["law:twbmt"][2] == int(n[0]["n"]) > 0
    assert len(rows) == int(select(graph, "SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE { ?l a/rdfs:subClassOf* ncts:LegalBasis . FILTER(isIRI(?l)) }")[0]["n"]) == 45


def test_coverage_and_its_gaps(graph, tables):
    matrix, threats, pillars = coverage_matrix(to_networkx("threats", lang="en", graph=graph))
    assert len(pillars) == 4 and len(threats) == 12
    cov = {r[0]: dict(zip(tables["coverage"]["columns"][1:], r[1:])) for r in tables["coverage"]["rows"]}
    n = select(graph, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m ncts:addressesThreat threat:terugkeerders ; "
                      "ncts:pillar pillar:vervolgen }")
    row = next(k for k in cov if k.startswith("Foreign fighters"))
    assert cov[row]["Prosecute"] == int(n[0]["n"]) > 0
    gaps = {(t, p) for t, p in tables["gaps"]["rows"]}
    assert ("Accelerationism", "Prosecute") in gaps
    assert sum(1 for r in tables["coverage"]["rows"] for x in r[1:-1] if x == 0) == len(gaps)


def test_expiry_sorted_with_twbmt(tables):
    rows = tables["expiry"]["rows"]
    dated = [r[0] for r in rows if r[0]]
    assert dated == sorted(dated) and rows[: len(dated)] == [r for r in rows if r[0]]
    assert any(r[2] == "law:twbmt" and r[0] == "2027-03-01" for r in rows)


def test_communities_partition_the_partners(tables):
    members = [p for r in tables["communities"]["rows"] for p in r[2].split("; ")]
    assert len(members) == len(set(members)) == 55
    assert "modularity" in tables["communities"]["title"]


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md"])
def test_formats(tables, fmt):
    text = render(tables, fmt)
    if fmt == "json":
        assert json.loads(text) == json.loads(json.dumps(tables))
    elif fmt == "csv":
        block = text.split("# gaps:")[1].split("\n", 1)[1].split("\n# ")[0]
        rows = list(csv.reader(io.StringIO(block)))
        assert rows[0] == ["threat", "pillar"] and len(rows) - 1 == len(tables["gaps"]["rows"])
    elif fmt == "md":
        assert "| partner | curie | degree |" in text and "|---|---|---:|" in text
    else:
        assert "National Coordinator" in text and "Accelerationism" in text


def test_cli_writes_figures(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # as in the README: a relative folder that does not exist yet
    out = CliRunner().invoke(analyze_cmd, ["--lang", "en", "--format", "csv", "--table", "gaps", "-o", "figures/"])
    assert out.exit_code == 0, out.output
    tmp_path = tmp_path / "figures"
    names = sorted(p.name for p in tmp_path.iterdir())
    for stem in ("partners-network", "coverage-heatmap", "measures-per-partner", "measures-per-legal-basis",
                 "legal-bases-expiry"):
        assert f"{stem}.png" in names and f"{stem}.svg" in names
        assert (tmp_path / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
        assert (tmp_path / f"{stem}.png").stat().st_size > 10_000
    assert "Accelerationism,Prosecute" in out.output
    svg = (tmp_path / "coverage-heatmap.svg").read_text()
    assert "Accelerationism" in svg and "Prosecute" in svg


@pytest.mark.parametrize("args, message", [
    (["--format", "xls"], "unknown format 'xls'"), (["--table", "nope"], "unknown table 'nope'"),
    (["-o", "{file}/figures"], "is not a directory"), (["--lang", "fr"], "unknown language 'fr'"),
    (["--provenance", "curated"], "unknown provenance 'curated'")])
def test_usage_errors(args, message, tmp_path):
    (tmp_path / "a-file").write_text("x")
    args = [a.replace("{file}", str(tmp_path / "a-file")) for a in args]
    out = CliRunner().invoke(analyze_cmd, args)
    assert out.exit_code == 2 and message in out.output and len(out.output.strip().splitlines()) == 1


def test_coverage_counts_a_measure_with_its_parts_once(graph, tables):
    """A part (ncts:partOfMeasure, e.g. tackling disseminators within the online approach) is not counted twice."""
    cell = "?m ncts:addressesThreat threat:terrorisme-en-gewelddadig-extremisme ; ncts:pillar pillar:voorkomen ."
    units = select(graph, "SELECT (COUNT(DISTINCT ?unit) AS ?n) WHERE { %s ?m ncts:partOfMeasure* ?unit . "
                          "FILTER NOT EXISTS { ?unit ncts:partOfMeasure ?whole } }" % cell)
    records = select(graph, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { %s }" % cell)
    row = next(r for r in tables["coverage"]["rows"] if r[0].startswith("Terrorism and violent extremism"))
    prevent = row[tables["coverage"]["columns"].index("Prevent")]
    assert prevent == int(units[0]["n"]) < int(records[0]["n"])
