"""The source texts on `ncts serve`: /sources lists the documents, /sources/DOC shows the text with
every quoted passage highlighted (<mark id="q-START-END">) and linked to the resources citing it."""

from __future__ import annotations

import http.client
import re
import urllib.request
from html.parser import HTMLParser

import pytest

from ncts_graph.anchors import read_source
from ncts_graph.sources_view import render_text
from ncts_graph.sparql import select

from browser import ARTIFACTS, launch, offline_page

STRATEGY = "ncts-2022-2026"


@pytest.fixture(scope="module")
def base(ncts_serve):
    return ncts_serve


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class Marks(HTMLParser):
    """Text inside each passage's marks (by data-q), and whether the elements nest properly."""

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.ids, self.balanced = [], {}, [], True

    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "link", "br", "img", "input", "hr"):  # void elements have no end tag
            return
        a = dict(attrs)
        self.stack.append((tag, a.get("data-q") if tag == "mark" else None))
        if tag == "mark" and "id" in a:
            self.ids.append(a["id"])

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.balanced = False
            return
        self.stack.pop()

    def handle_data(self, data):
        for tag, q in self.stack:
            if tag == "mark":
                self.text[q] = self.text.get(q, "") + data


def parse(html: str) -> Marks:
    m = Marks()
    m.feed(html)
    return m


def test_overlapping_passages_nest_and_each_keeps_its_whole_text():
    text = "abcdefghij & <k>"
    spans = [{"start": 1, "end": 5, "resources": ["https://w3id.org/ncts-graph/measure/a"]},
             {"start": 3, "end": 8, "resources": ["https://w3id.org/ncts-graph/measure/b"]},
             {"start": 3, "end": 5, "resources": ["https://w3id.org/ncts-graph/measure/c"]},
             {"start": 9, "end": 16, "resources": []}]
    out = render_text(text, spans, {}, "en")
    m = parse("<div>" + out + "</div>")
    assert m.balanced and m.stack == []
    assert sorted(m.ids) == ["q-1-5", "q-3-5", "q-3-8", "q-9-16"]  # one id per passage, never repeated
    for s in spans:
        assert m.text[f"q-{s['start']}-{s['end']}"] == text[s["start"]:s["end"]]
    assert "&lt;k&gt;" in out and "&amp;" in out  # the source's text is escaped
    assert out.count('href="/measure/b"') == 1


def test_index_lists_every_source_with_its_attribution(base, graph):
    status, page = get(base + "/sources?lang=en")
    assert status == 200
    docs = select(graph, "SELECT ?doc ?title WHERE { ?doc a ncts:SourceDocument ; dcterms:title ?title }")
    assert len(docs) == 5
    for d in docs:
        slug = str(d["doc"]).rsplit("/", 1)[-1]
        assert f'href="/sources/{slug}?lang=en"' in page and str(d["title"]) in page
    assert "NCTV (nctv.nl)" in page and "Licence" in page  # the sources README's publisher column


def test_every_passage_of_a_document_is_marked_with_its_exact_text(base, graph, sources_dir):
    status, page = get(f"{base}/sources/{STRATEGY}")
    assert status == 200
    m = parse(page)
    assert m.balanced
    rows = select(graph, """SELECT DISTINCT ?s ?e WHERE { ?q oa:hasSource src:ncts-2022-2026 ; oa:hasSelector ?p .
                             ?p a oa:TextPositionSelector ; oa:start ?s ; oa:end ?e }""")
    source = read_source(sources_dir / "004_a171b61eab7447e2.txt").text
    assert len(rows) >= 150 and sorted(m.ids) == sorted(f"q-{r['s']}-{r['e']}" for r in rows)
    for r in rows:
        assert m.text[f"q-{r['s']}-{r['e']}"] == source[int(r["s"]):int(r["e"])]
    assert "DT&amp;V" in page  # escaped source text


@pytest.mark.parametrize("path", ["/sources/nope", "/sources/..%2F..%2Fetc%2Fpasswd", "/sources/../../etc/passwd",
                                  "/sources/004_a171b61eab7447e2.txt", "/sources/%2Fetc%2Fpasswd",
                                  "/sources/README.md", f"/sources/{STRATEGY}/..%2Fnope"])
def test_only_the_known_documents_are_served(base, path):
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", path)  # sent as is: no client-side normalisation of ..
    r = conn.getresponse()
    body = r.read().decode()
    conn.close()
    assert r.status == 404 and "root:" not in body and "Source documents" not in body


def test_read_a_quote_in_its_source_and_follow_its_link(base, graph):
    """Open the sources, pick the strategy, land on a passage by its anchor, follow its citing link."""
    from playwright.sync_api import sync_playwright

    row = select(graph, """SELECT ?s ?e ?exact WHERE { m:uitreisverbod ncts:evidence ?q .
        ?q oa:hasSource src:ncts-2022-2026 ; oa:hasSelector ?p , ?t . ?t oa:exact ?exact .
        ?p a oa:TextPositionSelector ; oa:start ?s ; oa:end ?e } ORDER BY ?s LIMIT 1""")[0]
    anchor = f"q-{row['s']}-{row['e']}"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page, blocked, errors = offline_page(browser)
            page.goto(base + "/sources?lang=en")
            page.click(f'a[href="/sources/{STRATEGY}?lang=en"]')
            page.wait_for_selector("div.text mark.q")
            page.goto(f"{base}/sources/{STRATEGY}?lang=en#{anchor}")
            target = page.locator(f"mark#{anchor}")
            assert target.evaluate("e => e.matches(':target')")
            assert target.is_visible() and target.evaluate(
                "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }")  # scrolled to
            shown = " ".join(page.locator(f'mark[data-q="{anchor}"]').all_inner_texts())
            assert re.sub(r"[\s-]+", "", shown) == re.sub(r"[\s-]+", "", str(row["exact"]))
            page.screenshot(path=str(ARTIFACTS / "sources-quote.png"))
            link = page.locator(f'sup.cites[data-q="{anchor}"] a.cite[href="/measure/uitreisverbod"]')
            assert link.count() == 1
            link.click()
            page.wait_for_url(f"{base}/measure/uitreisverbod")  # the resource page (issue 12 section 3)
            assert blocked == [] and errors == []
        finally:
            browser.close()
