"""GraphML and GEXF exports checked against what the project did not write: the official XSDs
(from Debian's libjgrapht-java, which ships them) with xmllint, and a second reader (graphology,
from npm) that must find the same nodes, edges and attributes. scripts/install-format-checks.sh
fetches all three (make test runs it; so does the fixture below when something is missing)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ncts_graph.export import export
from ncts_graph.views import to_networkx

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / ".cache" / "schemas"
READER = ROOT / "tests" / "readers" / "read.js"
VIEWS = ["full", "measures", "partners", "threats", "legal"]
FORMATS = ["graphml", "gexf"]


@pytest.fixture(scope="module")
def checkers():
    """xmllint, the XSDs and graphology; installed on first use (failing loudly, never skipping)."""
    ready = (shutil.which("xmllint") and all((SCHEMAS / f"{f}.xsd").is_file() for f in FORMATS)
             and (READER.parent / "node_modules" / "graphology-gexf").is_dir())
    if not ready:
        subprocess.run(["bash", str(ROOT / "scripts" / "install-format-checks.sh")], check=True)
    return {f: SCHEMAS / f"{f}.xsd" for f in FORMATS}


def _xmllint(xsd: Path, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["xmllint", "--noout", "--nonet", "--schema", str(xsd), str(path)],
                          capture_output=True, text=True)


def _graphology(path: Path) -> dict:
    out = subprocess.run(["node", str(READER), str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_schemas_reject_what_they_should(checkers, tmp_path, fmt):
    """The check can fail: the kind of file the exporter used to write is invalid."""
    bad = {"graphml": '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
                      '<node id="https://w3id.org/ncts-graph/partner/nctv"/></graph></graphml>',
           "gexf": '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph name="x" mode="static">'
                   '<nodes/><edges/></graph></gexf>'}[fmt]
    path = tmp_path / f"bad.{fmt}"
    path.write_text(bad, encoding="utf-8")
    result = _xmllint(checkers[fmt], path)
    assert result.returncode != 0, result.stderr
    assert ("NMTOKEN" if fmt == "graphml" else "'name' is not allowed") in result.stderr


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_schema_valid_and_reads_back_in_graphology(checkers, tmp_path, graph, view, fmt):
    path = export(graph, view, fmt, tmp_path / f"{view}.{fmt}", lang="en")
    result = _xmllint(checkers[fmt], path)
    assert result.returncode == 0, result.stderr[:2000]

    g = to_networkx(view, lang="en", graph=graph)
    back = _graphology(path)
    assert (back["order"], back["size"]) == (g.number_of_nodes(), g.number_of_edges())
    by_iri = {attrs["iri"]: (key, attrs) for key, attrs in back["nodes"].items()}
    assert len(by_iri) == len(g)
    for n, d in g.nodes(data=True):
        key, attrs = by_iri[n]
        assert key == d["curie"]  # readable, stable ids
        assert {k: attrs.get(k) for k in ("label", "label_nl", "label_en", "type")} == \
               {k: d[k] for k in ("label", "label_nl", "label_en", "type")}, n
        for k in ("pillar", "valid_until", "definition"):
            if k in d:
                assert attrs[k] == d[k], (n, k)
    iri = {key: attrs["iri"] for key, attrs in back["nodes"].items()}
    got = Counter((iri[e["source"]], iri[e["target"]], e["attrs"]["predicate"], e["attrs"]["label"],
                   float(e["attrs"].get("weight", 1)), e["attrs"].get("role", "")) for e in back["edges"])
    want = Counter((u, v, d["predicate"], d["label"], float(d["weight"]), d.get("role", ""))
                   for u, v, d in g.edges(data=True))
    if not g.is_directed():  # an undirected edge may come back either way round
        got = Counter((*sorted(k[:2]), *k[2:]) for k in got.elements())
        want = Counter((*sorted(k[:2]), *k[2:]) for k in want.elements())
    assert got == want


def test_graphml_has_one_key_per_attribute_and_unique_edge_ids(tmp_path, graph):
    import xml.etree.ElementTree as ET

    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(export(graph, "full", "graphml", tmp_path / "f.graphml", lang="en")).getroot()
    keys = [(k.get("attr.name"), k.get("for")) for k in root.findall("g:key", ns)]
    assert len(keys) == len(set(keys)) and ("iri", "node") in keys
    edge_ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(edge_ids) == len(set(edge_ids)) and None not in edge_ids
