"""The figures of ``ncts export --format svg/png`` looked at as data: every label is SVG
<text> (not glyph paths), no two label boxes overlap (boxes as matplotlib reports them),
labels are wrapped at spaces and never cut, and nodes sit in the same place in nl and en."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from ncts_graph.export import export
from ncts_graph.export.figure import draw, overlapping_labels, plan
from ncts_graph.views import to_networkx

VIEWS = ["partners", "legal", "threats", "measures", "full"]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def nets(graph):
    return {(v, lang): to_networkx(v, lang=lang, graph=graph) for v in VIEWS for lang in ("nl", "en")}


@pytest.mark.parametrize("view", VIEWS)
def test_no_label_boxes_overlap(nets, view):
    for lang in ("nl", "en"):
        fig, texts = draw(nets[view, lang])
        assert len(texts) >= 5, (view, lang)
        assert overlapping_labels(fig, texts) == [], (view, lang)


@pytest.mark.parametrize("view", VIEWS)
def test_same_positions_in_nl_and_en(nets, view):
    nl, en = plan(nets[view, "nl"]), plan(nets[view, "en"])
    assert nl.pos.keys() == en.pos.keys() == set(nets[view, "en"])
    assert all(nl.pos[v] == pytest.approx(en.pos[v], abs=1e-9) for v in nl.pos), view


@pytest.mark.parametrize("view", ["partners", "legal", "full"])
def test_svg_text_is_text_and_labels_are_whole(tmp_path, graph, nets, view):
    path = export(graph, view, "svg", tmp_path / "v.svg", lang="en")
    root = ET.parse(path).getroot()
    # matplotlib draws text as glyph paths in <defs> unless svg.fonttype is 'none'
    assert not [e for e in root.iter(f"{SVG}path") if (e.get("id") or "").startswith("DejaVuSans")]
    shown = " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    shown = re.sub(r"\s+", " ", shown)
    g = nets[view, "en"]
    assert g.graph["title"] in shown
    p = plan(g)
    if p.mode == "network":
        assert p.labels
        for v, text in p.labels.items():
            assert "…" not in text
            assert text.replace("\n", " ") in (g.nodes[v]["label"], g.nodes[v].get("short_label"))
            assert re.sub(r"\s+", " ", text) in shown
    else:  # cluster figure: each group's count and its most connected members, by their whole names
        assert p.clusters
        for c, _xy, _r, n in p.clusters:
            assert f"({n})" in shown
        assert "National Coordinator for Security and Counterterrorism (NCTV)" in shown
