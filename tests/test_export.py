"""Views and exports: every format round-trips, pictures show every node, errors are one line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import canonical
from ncts_graph.build import union_graph
from ncts_graph.cli.export import export as export_cmd
from ncts_graph.errors import NctsError
from ncts_graph.export import export
from ncts_graph.views import to_networkx, view_names, view_rdf

VIEWS = ["full", "measures", "partners", "threats", "legal"]


@pytest.fixture(scope="module")
def nets(graph):
    return {v: to_networkx(v, lang="en", graph=graph) for v in VIEWS}


def test_views_are_the_rq_files():
    assert view_names() == sorted(VIEWS)


def test_attributes_are_scalar_and_labelled(nets):
    for name, g in nets.items():
        assert len(g) > 0 and g.number_of_edges() > 0, name
        for n, d in g.nodes(data=True):
            assert n.startswith("https://w3id.org/ncts-graph/"), n
            assert {"label", "label_nl", "label_en", "type", "curie"} <= d.keys(), (name, n)
            assert all(isinstance(x, (str, int, float)) and x != "" for x in d.values()), (name, n, d)
        for _u, _v, d in g.edges(data=True):
            assert {"predicate", "label", "weight"} <= d.keys()
            assert all(isinstance(x, (str, int, float)) for x in d.values())
            assert ":" in d["predicate"] and not d["predicate"].startswith("http")


def test_measures_view_content(nets, graph):
    g = nets["measures"]
    types = {d["type"] for _n, d in g.nodes(data=True)}
    assert types == {"Measure", "Partner", "LegalBasis", "Threat", "Pillar"}
    assert sum(1 for _n, d in g.nodes(data=True) if d["type"] == "Measure") == 90
    exit_ban = "https://w3id.org/ncts-graph/measure/uitreisverbod"
    assert g.nodes[exit_ban]["label"] == "Exit ban" and g.nodes[exit_ban]["label_nl"] == "Uitreisverbod"
    assert g.nodes[exit_ban]["pillar"] == "Prevent"
    edges = {(v, k): d for _u, v, k, d in g.out_edges(exit_ban, keys=True, data=True)}
    jenv = ("https://w3id.org/ncts-graph/partner/ministerie-jenv", "nv:involvesPartner")
    assert jenv not in edges  # curator-supplied: not in the default (source-stated) view
    everything = to_networkx("measures", lang="en", graph=graph, provenance="all")
    supplied = everything.edges[exit_ban, jenv[0], jenv[1]]
    assert supplied["role"] == "Contributing" and supplied["provenance"] == "curator"
    assert supplied["label"] == "involves partner"
    police = "https://w3id.org/ncts-graph/partner/nationale-politie"
    stated = [d["provenance"] for _u, v, d in g.in_edges(police, data=True) if d["predicate"] == "nv:involvesPartner"]
    assert stated and set(stated) == {"stated"}
    basis = edges[("https://w3id.org/ncts-graph/legal/twbmt", "ncts:statedLegalBasis")]
    assert basis["label"] == "legal basis stated in source"
    twbmt = g.nodes["https://w3id.org/ncts-graph/legal/twbmt"]
    assert twbmt["valid_until"] == "2027-03-01" and twbmt["class"] == "DutchAct"


def test_partners_view_weights_count_shared_measures(nets, graph):
    from ncts_graph.sparql import select

    g = nets["partners"]
    assert not g.is_directed() and len(g) == 55
    shared = """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m a ncts:Measure ; ncts:involvement ?a , ?b .
        ?a ncts:partner partner:nationale-politie . ?b ncts:partner partner:openbaar-ministerie . %s }"""
    stated = int(select(graph, shared % "FILTER NOT EXISTS { ?a ncts:curatorSupplied true } "
                                         "FILTER NOT EXISTS { ?b ncts:curatorSupplied true }")[0]["n"])
    pair = ("https://w3id.org/ncts-graph/partner/nationale-politie", "https://w3id.org/ncts-graph/partner/openbaar-ministerie")
    edge = g.edges[pair]
    assert edge["weight"] == edge["stated_weight"] == stated > 1 and edge["provenance"] == "stated"
    assert edge["label"] == "shares measures with"
    both = to_networkx("partners", lang="en", graph=graph, provenance="all")
    assert both.edges[pair]["weight"] == int(select(graph, shared % "")[0]["n"]) > stated
    assert both.edges[pair]["provenance"] == "mixed" and both.edges[pair]["stated_weight"] == stated
    assert len(both) == 55 and both.number_of_edges() > g.number_of_edges()


def test_full_view_has_no_ontology_axioms(nets):
    g = nets["full"]
    assert not any(n.startswith("https://w3id.org/ncts-graph/def") for n in g)
    assert not any(d["type"] in ("Class", "ObjectProperty") for _n, d in g.nodes(data=True))
    assert len(g) > 300


def test_dutch_labels(graph):
    g = to_networkx("measures", lang="nl", graph=graph)
    d = g.nodes["https://w3id.org/ncts-graph/measure/uitreisverbod"]
    assert d["label"] == "Uitreisverbod" and d["pillar"] == "Voorkomen"


def _edge_sig(g):
    it = g.edges(data=True)
    return sorted((u, v, d["predicate"], d["label"], d["weight"], d.get("role", "")) for u, v, d in it)


@pytest.mark.parametrize("view", VIEWS)
def test_graphml_and_gexf_round_trip(tmp_path, graph, nets, view):
    g = nets[view]
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = export(graph, view, fmt, tmp_path / f"v.{fmt}", lang="en")
        back = read(str(path))
        back = nx.relabel_nodes(back, {n: d["iri"] for n, d in back.nodes(data=True)})  # ids are CURIEs; IRI kept
        assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges(), fmt
        for n, d in g.nodes(data=True):
            got = {k: v for k, v in back.nodes[n].items() if k in d}
            assert got == d, (fmt, n)
        assert _edge_sig(back) == _edge_sig(g), fmt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.gexf", "v.graphml"]  # no temp files left


@pytest.mark.parametrize("view", ["measures", "partners"])
def test_cytoscape_and_nodelink_load_with_networkx(tmp_path, graph, nets, view):
    g = nets[view]
    cy = json.loads(export(graph, view, "cytoscape", tmp_path / "v.cyjs", lang="en").read_text())
    back = nx.cytoscape_graph(cy)
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    some = sorted(g)[0]
    assert back.nodes[some]["label"] == g.nodes[some]["label"]
    assert _edge_sig(back) == _edge_sig(g)
    nl = json.loads(export(graph, view, "nodelink", tmp_path / "v.json", lang="en").read_text())
    assert "links" in nl  # d3's key
    back = nx.node_link_graph(nl, edges="links")
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    assert _edge_sig(back) == _edge_sig(g)
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))


def test_dot_has_every_node_and_edge(tmp_path, graph, nets):
    text = export(graph, "threats", "dot", tmp_path / "t.dot", lang="en").read_text()
    g = nets["threats"]
    assert text.startswith("digraph ") and text.rstrip().endswith("}")
    assert text.count(" -> ") == g.number_of_edges()
    for n in g:
        assert f'"{n}" [' in text
    assert 'label="Jihadism"' in text  # labels in the chosen language


@pytest.mark.parametrize("fmt, parse", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("trig", "trig")])
def test_rdf_view_export_isomorphic_to_construct(tmp_path, graph, fmt, parse):
    path = export(graph, "partners", fmt, tmp_path / f"p.{fmt}", lang="en")
    expected = view_rdf(graph, "partners")
    if fmt == "trig":
        ds = Dataset(default_union=True)
        ds.parse(path, format="trig")
        back = union_graph(ds)
    else:
        back = Graph().parse(path, format=parse)
    assert len(back) == len(expected) > 100
    assert isomorphic(back, expected)  # small view: rdflib's own comparison is quick
    assert canonical(back) == canonical(expected)


@pytest.mark.parametrize("fmt, parse", [("ttl", "turtle"), ("nt", "nt"), ("trig", "trig")])
def test_rdf_whole_graph_export_isomorphic_to_source(tmp_path, graph, fmt, parse):
    path = export(graph, "graph", fmt, tmp_path / f"g.{fmt}")
    if fmt == "trig":
        ds = Dataset(default_union=True)
        ds.parse(path, format="trig")
        assert len([g for g in ds.graphs() if len(g)]) == len([g for g in graph.graphs() if len(g)])
        back = union_graph(ds)
    else:
        back = Graph().parse(path, format=parse)
    assert canonical(back) == canonical(union_graph(graph))


def _svg_node_counts(path):
    """Markers per type: each node is one <path> or <use> inside <g id="nodes-TYPE">."""
    root = ET.parse(path).getroot()
    counts = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        gid = g.get("id", "")
        if gid.startswith("nodes-"):
            counts[gid[6:]] = sum(1 for e in g.iter() if e.tag in ("{http://www.w3.org/2000/svg}use",
                                                                   "{http://www.w3.org/2000/svg}path"))
    return counts


@pytest.mark.parametrize("view", ["partners", "measures", "legal"])
def test_svg_draws_every_node(tmp_path, graph, nets, view):
    path = export(graph, view, "svg", tmp_path / "v.svg", lang="en")
    g = nets[view]
    from ncts_graph.export.style import category

    expected = {}
    for _n, d in g.nodes(data=True):  # partner groups have their own legend entry
        expected[category(d)] = expected.get(category(d), 0) + 1
    assert _svg_node_counts(path) == expected
    assert g.graph["title"] in path.read_text()


def test_png_is_a_real_picture(tmp_path, graph):
    path = export(graph, "partners", "png", tmp_path / "p.png", lang="en")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    import matplotlib.image

    img = matplotlib.image.imread(str(path))
    assert img.shape[0] > 800 and img.shape[1] > 800
    assert img[..., :3].std() > 0.02  # not a blank canvas


def _run(*args, cwd=None):
    return CliRunner().invoke(export_cmd, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("args, message", [
    (["--view", "nope", "--format", "graphml"], "unknown view 'nope'"),
    (["--view", "measures", "--format", "xls"], "unknown format 'xls'"),
    (["--view", "measures", "--format", "gexf", "--lang", "de"], "unknown language 'de'"),
    (["--view", "measures", "--format", "gexf", "--provenance", "x"], "unknown provenance 'x'"),
    (["--view", "graph", "--format", "gexf"], "only for the RDF formats"),
    (["--view", "measures", "--format", "gexf", "-o", "/nonexistent-dir/x.gexf"], "does not exist"),
])
def test_usage_errors_exit_2_with_one_line(args, message):
    out = CliRunner().invoke(export_cmd, args)
    assert out.exit_code == 2, out.output
    assert message in out.output
    assert len(out.output.strip().splitlines()) == 1 and "Traceback" not in out.output


def test_unwritable_path_exit_2(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        out = CliRunner().invoke(export_cmd, ["--view", "partners", "--format", "dot", "-o", str(locked / "p.dot")])
        import os

        if os.geteuid() == 0:  # root writes anyway: then a directory as the target must fail
            out = CliRunner().invoke(export_cmd, ["--view", "partners", "--format", "dot", "-o", str(locked)])
            assert "is a directory" in out.output
        else:
            assert "not writable" in out.output
        assert out.exit_code == 2 and "Traceback" not in out.output
    finally:
        locked.chmod(0o700)


def test_failed_export_keeps_previous_file(tmp_path, graph, monkeypatch):
    target = tmp_path / "p.gexf"
    target.write_text("previous")
    import ncts_graph.export as ex

    def boom(g, path):
        path.write_text("half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ex, "write_gexf", boom)
    with pytest.raises(NctsError, match="cannot write"):
        export(graph, "partners", "gexf", target)
    assert target.read_text() == "previous" and [p.name for p in tmp_path.iterdir()] == ["p.gexf"]


def test_cli_writes_default_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = _run("--view", "threats", "--format", "nodelink", "--lang", "en")
    assert out.exit_code == 0
    assert json.loads((tmp_path / "ncts-threats.json").read_text())["nodes"]


def test_cli_provenance_option_sets_the_edge_attribute(tmp_path):
    """ncts export --provenance all writes curator-supplied involvements too, each edge saying which."""
    counts = {}
    for provenance in ("stated", "all"):
        out = tmp_path / f"m-{provenance}.graphml"
        result = _run("--view", "measures", "--format", "graphml", "--provenance", provenance, "-o", out)
        assert result.exit_code == 0, result.output
        back = nx.read_graphml(out)
        kinds = [d.get("provenance") for _u, _v, d in back.edges(data=True) if d["predicate"] == "nv:involvesPartner"]
        counts[provenance] = {k: kinds.count(k) for k in set(kinds)}
    assert set(counts["stated"]) == {"stated"} and set(counts["all"]) == {"stated", "curator"}
    assert counts["all"]["stated"] == counts["stated"]["stated"]
