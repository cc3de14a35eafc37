"""The HTML export in headless Chromium (Debian's package), with every network request refused:
nodes are drawn, search finds a measure, a click shows its quote; a screenshot is kept."""

from __future__ import annotations

import time
from pathlib import Path


from ncts_graph.export import export

from browser import ARTIFACTS, offline_page


def open_offline(browser, path: Path):
    """A page that may load the file itself and nothing else; returns (page, blocked, errors)."""
    page, blocked, errors = offline_page(browser)
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    return page, blocked, errors


def test_html_works_offline_search_click_quote(tmp_path, graph, browser):
    path = export(graph, "measures", "html", tmp_path / "measures.html", lang="en", provenance="all")
    text = path.read_text()
    assert "<script src" not in text and "https://cdn" not in text and "unpkg" not in text
    page, blocked, errors = open_offline(browser, path)
    assert errors == [] and blocked == []
    assert page.evaluate("cy.nodes().length") == 209
    assert page.evaluate("cy.edges().length") == 497
    # nodes are drawn: the canvas has coloured pixels
    assert page.evaluate("""() => { const cs = [...document.querySelectorAll('#cy canvas')];
        return cs.some(c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; i < d.length; i += 4) if (d[i+3] > 0 && !(d[i] > 240 && d[i+1] > 240 && d[i+2] > 240)) return true;
          return false; }); }""")
    assert page.locator("#legend label").count() == 5
    page.fill("#search", "exit ban")
    page.wait_for_selector("#results li")
    assert page.inner_text("#results li >> nth=0").startswith("Exit ban")
    page.click("#results li >> nth=0")
    page.wait_for_selector("#panel-label")
    panel = page.inner_text("#panel")
    assert "Uitreisverbod" in panel and "Exit ban" in panel
    assert "Maatregelen die kunnen worden opgelegd zijn onder meer een uitreis-, gebieds- of contactverbod" in panel
    assert "involves partner (Contributing; curator): Ministry of Justice and Security" in panel  # curator-supplied
    page.wait_for_timeout(400)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "html-measures-exit-ban.png"))
    # clicking a node on the canvas itself opens the panel too
    pos = page.evaluate("(() => { const n = cy.getElementById('https://w3id.org/ncts-graph/partner/nctv'); "
                        "cy.center(n); const p = n.renderedPosition(); const r = document.getElementById('cy').getBoundingClientRect();"
                        " return [p.x + r.left, p.y + r.top]; })()")
    page.mouse.click(*pos)
    page.wait_for_function("document.getElementById('panel-label') && "
                           "document.getElementById('panel-label').textContent.includes('NCTV')")
    assert blocked == []


def test_filters_by_type_and_pillar(tmp_path, graph, browser):
    path = export(graph, "measures", "html", tmp_path / "m.html", lang="nl")
    page, _blocked, errors = open_offline(browser, path)
    visible = "cy.nodes().filter(n => !n.hasClass('hidden')).length"
    page.uncheck("#legend input[data-type=Partner]")
    assert page.evaluate(visible) == 209 - 55
    page.check("#legend input[data-type=Partner]")
    page.select_option("#pillar", "Vervolgen")
    shown = page.evaluate("cy.nodes().filter(n => !n.hasClass('hidden') && n.data('type') === 'Measure').length")
    assert shown == sum(1 for _n, d in __import__("ncts_graph.views", fromlist=["x"]).to_networkx(
        "measures", lang="nl", graph=graph).nodes(data=True) if d["type"] == "Measure" and d.get("pillar") == "Vervolgen")
    assert errors == []


def test_html_stays_responsive_with_thousands_of_nodes(tmp_path, browser, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from synthetic import synthetic  # the benchmarks' generator (benchmarks/synthetic.py)

    path = export(synthetic(3000), "measures", "html", tmp_path / "big.html", lang="en")
    page, blocked, errors = open_offline(browser, path)
    assert errors == [] and blocked == [] and page.evaluate("cy.nodes().length") > 3000
    start = time.perf_counter()
    page.fill("#search", "synthetic measure 2999")
    page.wait_for_selector("#results li")
    assert time.perf_counter() - start < 2.0
    took = page.evaluate("""() => { const t0 = performance.now();
        for (let i = 0; i < 10; i++) { cy.zoom(cy.zoom() * 1.1); cy.panBy({x: 15, y: 10}); }
        return performance.now() - t0; }""")
    assert took < 1000, f"10 zoom+pan steps took {took:.0f} ms"
    page.screenshot(path=str((ARTIFACTS.mkdir(exist_ok=True) or ARTIFACTS) / "html-synthetic-3000.png"))


def _labelled_at_current_zoom(page) -> list[str]:
    """Labels cytoscape draws now: a label whose font, at this zoom, reaches min-zoomed-font-size."""
    return page.evaluate("""cy.nodes().filter(n => !n.hasClass('hidden') && n.style('label') &&
        parseFloat(n.style('font-size')) * cy.zoom() >= parseFloat(n.style('min-zoomed-font-size')))
        .map(n => n.data('label'))""")


def _overlapping_labels(page) -> list:
    """Pairs of drawn labels whose boxes (as cytoscape measures the rendered text) overlap."""
    return page.evaluate("""(() => {
        const ns = cy.nodes().filter(n => !n.hasClass('hidden') && n.style('label') &&
            parseFloat(n.style('font-size')) * cy.zoom() >= parseFloat(n.style('min-zoomed-font-size')));
        const bb = ns.map(n => [n.data('label'), n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true})]);
        const out = [], tol = 1 / cy.zoom();
        for (let i = 0; i < bb.length; i++) for (let j = i + 1; j < bb.length; j++) {
          const a = bb[i][1], b = bb[j][1];
          if (Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) > tol && Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) > tol)
            out.push([bb[i][0], bb[j][0]]);
        }
        return out; })()""")


def test_labels_at_initial_zoom(tmp_path, graph, browser):
    path = export(graph, "measures", "html", tmp_path / "m.html", lang="en")
    page, _blocked, errors = open_offline(browser, path)
    assert page.evaluate("cy.zoom()") < 0.5  # the fitted view of 199 nodes is zoomed out
    shown = _labelled_at_current_zoom(page)
    assert len(shown) >= 15 and "Prevent" in shown  # a pillar: a hub of the measures view
    assert _overlapping_labels(page) == []
    page.screenshot(path=str((ARTIFACTS.mkdir(exist_ok=True) or ARTIFACTS) / "html-measures-initial.png"))
    small = export(graph, "partners", "html", tmp_path / "p.html", lang="en")  # few nodes: every label
    page, _blocked, errors2 = open_offline(browser, small)
    assert len(_labelled_at_current_zoom(page)) == page.evaluate("cy.nodes().length") == 55
    assert _overlapping_labels(page) == []
    page.screenshot(path=str(ARTIFACTS / "html-partners-initial.png"))
    assert errors == errors2 == []


def test_pillar_filter_after_search_refits(tmp_path, graph, browser):
    path = export(graph, "measures", "html", tmp_path / "m.html", lang="en")
    page, _blocked, errors = open_offline(browser, path)
    page.fill("#search", "exit ban")
    page.wait_for_selector("#results li")
    page.click("#results li >> nth=0")  # zooms in on one measure
    page.wait_for_timeout(100)
    page.select_option("#pillar", "Prosecute")
    page.wait_for_timeout(400)
    inside = page.evaluate("""(() => { const bb = cy.nodes().not('.hidden').boundingBox(), ex = cy.extent();
        return [bb.x1 >= ex.x1 - 1, bb.x2 <= ex.x2 + 1, bb.y1 >= ex.y1 - 1, bb.y2 <= ex.y2 + 1]; })()""")
    assert inside == [True, True, True, True]
    assert page.evaluate("cy.nodes().not('.hidden').length") < 199
    assert errors == []


def test_search_finds_restricted_rights_and_notes(tmp_path, graph, browser):
    path = export(graph, "measures", "html", tmp_path / "m.html", lang="en")
    page, _blocked, errors = open_offline(browser, path)
    page.fill("#search", "freedom of movement")
    page.wait_for_selector("#results li")
    hits = page.locator("#results li").all_inner_texts()
    assert len(hits) >= 10 and any(h.startswith("Exit ban") for h in hits)
    page.click("#results li >> text=Exit ban")
    page.wait_for_selector("#panel-label")
    panel = page.inner_text("#panel")
    assert "restricts_right" in panel and "Freedom of movement" in panel and "proportionality_note" in panel
    assert errors == []
