"""Issue 12, section 3: a page for every resource (linked data), browse, search, ontology docs, `ncts docs`.

Against a real `ncts serve` on 127.0.0.1 (free port): every IRI of the graph answers 200 HTML and, by
content negotiation and by suffix, RDF that holds the resource's triples; headless Chromium walks
browse -> measure -> partner -> back with every non-local request refused, and axe-core finds no
serious or critical accessibility violation; the static site of `ncts docs` has no broken link.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import FIXTURES, free_port, run_ncts, server

NCTS = str(Path(sys.executable).with_name("ncts"))
BASE = "https://w3id.org/ncts-graph/"


@pytest.fixture(scope="module")
def site():
    port = free_port()
    with server([NCTS, "serve", "--port", str(port)], f"http://127.0.0.1:{port}", "/browse") as base:
        yield port, base


@pytest.fixture(scope="module")
def index():
    from ncts_graph.pages import index_of
    from ncts_graph.query import oxigraph_store

    return index_of(oxigraph_store())


def get(port, path, headers=None, host=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}", **(headers or {})})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def store_triples(index, iri):
    """(predicate, object) pairs of the resource in the store, blank objects as None."""
    from ncts_graph.pages import Blank, Lit

    pairs = []
    for p, o in index.out[iri]:
        pairs.append((p, None if isinstance(o, Blank) else (o.value, o.lang or "") if isinstance(o, Lit) else o))
    return sorted(pairs, key=repr)


def parsed_triples(body: bytes, fmt, iri):
    import pyoxigraph as ox

    pairs = []
    for t in ox.parse(body, format=fmt):
        if isinstance(t.subject, ox.NamedNode) and t.subject.value == iri:
            o = t.object
            pairs.append((t.predicate.value, None if isinstance(o, ox.BlankNode) else
                          (o.value, o.language or "") if isinstance(o, ox.Literal) else o.value))
    return sorted(pairs, key=repr)


# --- every IRI dereferences ------------------------------------------------------------------------

def test_every_iri_returns_html_and_its_triples_by_conneg_and_suffix(site, index):
    import pyoxigraph as ox

    from ncts_graph.pages import local_path

    port, _ = site
    kinds = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/ld+json": ox.RdfFormat.JSON_LD}
    suffixes = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json"}
    assert len(index.resources) > 400
    seen_kinds = set()
    for n, iri in enumerate(index.resources):
        path = "/" + local_path(iri)
        status, head, body = get(port, path, {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
        assert status == 200 and head["content-type"].startswith("text/html"), (iri, status)
        assert iri.encode() in body
        for t in index.types(iri):
            if isinstance(t, str) and t.startswith(BASE):
                seen_kinds.add(t)
        expected = store_triples(index, iri)
        media = list(kinds)[n % 3]  # every resource by Accept, each format on a third of them ...
        status, head, body = get(port, path, {"Accept": f"text/html;q=0.5, {media}"})
        assert status == 200 and head["content-type"].startswith(media), (iri, head)
        assert parsed_triples(body, kinds[media], iri) == expected, iri
        suffix = list(suffixes)[(n + 1) % 3]  # ... and by suffix, a different format
        status, head, body = get(port, path + suffix)
        assert status == 200 and head["content-type"].startswith(suffixes[suffix]), (iri, head)
        assert parsed_triples(body, kinds[suffixes[suffix]], iri) == expected, iri
    for kind in ("Measure", "Partner", "DutchAct", "Threat", "Pillar", "PillarGoal", "SourceDocument"):
        assert BASE + "def#" + kind in seen_kinds, kind


def test_ontology_terms_dereference_at_def(site):
    port, _ = site
    status, _, body = get(port, "/def/Measure.ttl")
    assert status == 200 and b"ncts:Measure" in body and b"owl:Class" in body
    status, _, body = get(port, "/def", {"Accept": "text/turtle"})  # the hash IRIs' document: the whole ontology
    assert status == 200 and b"ncts:Measure a owl:Class" in body and b"ncts:statedLegalBasis a owl:ObjectProperty" in body
    status, _, body = get(port, "/def?lang=en")
    assert status == 200 and b'href="/def/Measure?lang=en"' in body and b'id="Measure"' in body


def test_named_graphs_dereference_as_their_file(site, index):
    import pyoxigraph as ox

    port, _ = site
    name = BASE + "graph/data/partners"
    in_store = {str(q.subject) + str(q.predicate) + str(q.object)
                for q in index.store.quads_for_pattern(None, None, None, ox.NamedNode(name))}
    status, head, body = get(port, "/graph/data/partners", {"Accept": "text/turtle"})
    assert status == 200 and head["content-type"].startswith("text/turtle")
    parsed = {str(t.subject) + str(t.predicate) + str(t.object) for t in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    assert len(parsed) == len(in_store) > 500  # every triple of the file (blank node labels differ)
    text = page_text(port, "/graph/data/partners?lang=en")
    assert 'href="/partner/nctv?lang=en"' in text and 'href="/graph/data/partners.ttl"' in text
    assert 'href="/graph/data/partners?lang=en"' in page_text(port, "/browse?lang=en")


def test_unknown_iri_is_a_404_page(site):
    port, _ = site
    status, head, body = get(port, "/measure/uitreisverbodd?lang=en")
    assert status == 404 and head["content-type"].startswith("text/html")
    assert b"<h1>Not found</h1>" in body and b"https://w3id.org/ncts-graph/measure/uitreisverbodd" in body
    assert b'href="/measure/uitreisverbod?lang=en"' in body  # the nearest IRI is offered
    assert get(port, "/browse/nothing")[0] == 404
    for bad in ("/measure/%00", "/measure/a%20b", "/def/%22%3E", "/measure/%3Cx%3E.ttl", "/legal/" + "x" * 3000):
        status, head, body = get(port, bad)  # no valid IRI at all: still a 404 page, never an error
        assert status == 404 and head["content-type"].startswith("text/html"), bad
    assert get(port, "/measure/uitreisverbodd.ttl")[0] == 404
    assert get(port, "/browse.ttl")[0] == 404  # a page without data has no .ttl ...
    status, head, _ = get(port, "/browse", {"Accept": "text/turtle"})  # ... and is HTML whatever the Accept
    assert status == 200 and head["content-type"].startswith("text/html")


def test_language_by_parameter_and_accept_language(site):
    port, _ = site
    _, head, body = get(port, "/measure/uitreisverbod", {"Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"})
    assert b'<html lang="en">' in body and b"<h1>Exit ban</h1>" in body and head["content-language"] == "en"
    _, _, body = get(port, "/measure/uitreisverbod", {"Accept-Language": "nl-NL"})
    assert b'<html lang="nl">' in body and b"<h1>Uitreisverbod</h1>" in body
    _, _, body = get(port, "/measure/uitreisverbod?lang=nl", {"Accept-Language": "en"})
    assert b"<h1>Uitreisverbod</h1>" in body and b'href="/measure/uitreisverbod?lang=en"' in body
    assert b'lang="en">Exit ban</span>' in body  # both languages' labels on every page


def test_server_security_rules_apply_to_the_pages(site):
    port, _ = site
    status, _, _ = get(port, "/measure/uitreisverbod", host="evil.example:80")
    assert status == 403
    status, _, _ = get(port, "/measure/uitreisverbod", {"Origin": "http://evil.example"})
    assert status == 403
    status, head, _ = get(port, "/measure/uitreisverbod")
    assert "script-src" not in head["content-security-policy"] and "default-src 'none'" in head["content-security-policy"]
    status, _, body = get(port, "/search?lang=en&q=" + "a" * 300)  # search words are capped
    assert status == 200 and b"The search is too long" in body


# --- what a page shows -------------------------------------------------------------------------------

def page_text(port, path):
    status, _, body = get(port, path)
    assert status == 200, path
    return body.decode()


def test_measure_page_shows_links_quotes_curator_marks_legal_basis_and_citation(site):
    port, _ = site
    text = page_text(port, "/measure/uitreisverbod?lang=en")
    assert '<a href="/partner/' in text and '<a href="/legal/twbmt?lang=en">' in text
    assert '<a href="/pillar/voorkomen?lang=en">' in text
    assert '<time datetime="2027-03-01">' in text  # validity beside the legal basis
    assert "<blockquote" in text and 'href="/source/ncts-2022-2026?lang=en"' in text
    anchors = re.findall(r'href="/sources/ncts-2022-2026\?lang=en#(q-\d+-\d+)"', text)
    assert anchors  # the source-text page, at the quote's position (oa:TextPositionSelector)
    source_page = page_text(port, "/sources/ncts-2022-2026?lang=en")
    for anchor in anchors:  # the same ids as the /sources page marks (sources_view)
        assert f'id="{anchor}"' in source_page, anchor
    cite = text[text.index('id="cite"'):]
    assert "<cite>Nationale Contraterrorismestrategie 2022-2026</cite> (2022)" in cite
    assert "ncts-graph 1.0.0" in cite and "https://w3id.org/ncts-graph/def/1.0.0" in cite
    assert "https://w3id.org/ncts-graph/measure/uitreisverbod" in cite

    # curator legal basis, curator restriction and two curator-supplied involvements (data/pillar-vervolgen.ttl)
    curated = page_text(port, "/measure/strafbaarstelling-voorbereidingshandelingen?lang=en")
    assert curated.count('class="badge cur"') >= 6 and "Curator notes" in curated
    assert "curator-supplied legal basis" in curated and "restriction in the curator" in curated
    assert re.search(r'<li> <span class="badge cur"[^>]*>curator</span><dl class="nested">(?:(?!</li>).)*'
                     r'href="/partner/openbaar-ministerie', curated), "the curator-supplied involvement is marked"


def test_partner_and_law_pages_mark_the_curator_and_link_the_register(site):
    port, _ = site
    ministry = page_text(port, "/partner/ministerie-jenv?lang=en")
    assert 'class="curator-box"' in ministry and "Curator-supplied" in ministry
    wwft = page_text(port, "/legal/wwft?lang=en")
    assert 'href="https://wetten.overheid.nl/BWBR0024282"' in wwft and "BWBR0024282" in wwft
    twbmt = page_text(port, "/legal/twbmt?lang=nl")
    assert '<time datetime="2017-03-01">' in twbmt and '<time datetime="2027-03-01">' in twbmt
    nctv = page_text(port, "/partner/nctv?lang=en")
    assert "Links to this resource" in nctv and 'href="/measure/' in nctv  # incoming, through the involvement
    bzk = page_text(port, "/partner/ministerie-bzk?lang=nl")  # a curator's sentence inside a definition
    assert '<span class="cur-text">Naar het oordeel van de curator valt de AIVD eronder.</span>' in bzk
    pnr = page_text(port, "/legal/wet-pnr?lang=en")
    assert "Identified by the curator" in pnr


def test_source_document_page_lists_its_quotes_with_their_anchors(site):
    port, _ = site
    text = page_text(port, "/source/ncts-2022-2026?lang=en")
    anchors = re.findall(r'<li id="(q-\d+-\d+)" class="quote">', text)
    assert len(anchors) > 100
    measure = page_text(port, "/measure/uitreisverbod?lang=en")
    assert len(anchors) == len(set(anchors))  # a passage cited twice is listed once
    used = re.findall(r"#(q-\d+-\d+)", measure)
    assert used and set(used) <= set(anchors)  # every quote of the measure is on its document's page


def test_class_and_property_pages_document_domain_range_and_shapes(site):
    port, _ = site
    measure = page_text(port, "/def/Measure?lang=en")
    assert "Properties with this domain" in measure and 'href="/def/statedLegalBasis?lang=en"' in measure
    assert "SHACL shapes that apply" in measure and "A measure needs a Dutch label" in measure
    prop = page_text(port, "/def/statedLegalBasis?lang=en")
    assert "SHACL shapes that apply" in prop and "legal basis" in prop.lower()
    assert 'href="/def/LegalBasis?lang=en"' in prop  # its range


def test_browse_facets_and_scheme_trees(site):
    port, _ = site
    home = page_text(port, "/browse?lang=en")
    for facet in ("pillar", "threat", "partner", "legal-basis", "right"):
        assert f'href="/browse/{facet}?lang=en"' in home
        text = page_text(port, f"/browse/{facet}?lang=en")
        assert text.count('<a href="/measure/') >= 20, facet
    legal = page_text(port, "/browse/legal-basis?lang=en")
    assert 'class="badge cur"' in legal and 'class="badge src"' in legal
    for scheme in ("threats", "pillars-2022-2026", "measure-types", "fundamental-rights"):
        assert f'href="/browse/scheme/{scheme}?lang=en"' in home
        assert page_text(port, f"/browse/scheme/{scheme}?lang=en").count("<li>") >= 4, scheme
    tree = page_text(port, "/browse/scheme/threats?lang=en")
    assert re.search(r'href="/threat/rechts-extremisme\?lang=en">[^<]*</a><ul><li><a href="/threat/accelerationisme', tree), \
        "accelerationism is shown under right-wing extremism"
    assert re.search(r'href="/threat/alleenhandelende-daders\?lang=en">[^<]*</a><ul><li><a href="/threat/pgee', tree)
    concept = page_text(port, "/threat/accelerationisme?lang=en")  # its place in the scheme, as Skosmos shows it
    assert re.search(r'<nav class="crumbs"[^>]*><ol><li><a href="/browse/scheme/threats\?lang=en">Threats</a></li>'
                     r'<li><a href="/threat/terrorisme-en-gewelddadig-extremisme\?lang=en">.*?</li><li><a href="/threat/'
                     r'rechts-extremisme\?lang=en">.*?</li><li aria-current="page">Accelerationism</li></ol></nav>', concept)


def test_search_finds_labels_in_both_languages(site):
    port, _ = site
    for q in ("exit ban", "uitreisverbod", "UITREIS", "financiele stromen"):
        text = page_text(port, "/search?lang=en&q=" + q.replace(" ", "+"))
        assert "Found for" in text, q
    assert 'href="/measure/uitreisverbod?lang=en"' in page_text(port, "/search?lang=en&q=exit+ban")
    assert "Nothing found for" in page_text(port, "/search?lang=en&q=zzzqqq")


def test_labels_with_markup_are_escaped(tmp_path):
    import pyoxigraph as ox

    from ncts_graph.pages import respond
    from ncts_graph.query import oxigraph_store

    store = oxigraph_store([FIXTURES / "pages-escape.ttl"])
    assert isinstance(store, ox.Store)
    pages = ["/measure/escape-test", "/partner/nctv", "/legal/twbmt", "/browse/partner", "/browse/legal-basis"]
    for lang in ("nl", "en"):
        for path in pages:
            status, _, body, _ = respond(store, path, {"lang": [lang]}, {})
            text = body.decode()
            assert status == 200
            assert "<script" not in text and "<img" not in text and "<b>bold" not in text and "<h1>breaker" not in text
        _, _, body, _ = respond(store, "/search", {"lang": [lang], "q": ['"><script>']}, {})
        assert b'value="&quot;&gt;&lt;script&gt;"' in body and b"<script" not in body  # the query stays in the field
    _, _, body, _ = respond(store, "/measure/escape-test", {"lang": ["en"]}, {})
    assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in body
    assert b'href="javascript' not in body.lower() and b"<code>javascript:alert(1)</code>" in body  # shown, not linked


# --- the static site ------------------------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src", "action"):
            if attrs.get(name):
                self.links.append(attrs[name])


def test_ncts_docs_writes_a_site_whose_links_all_resolve(tmp_path):
    out = tmp_path / "site"
    result = run_ncts("docs", "-o", out, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "pages" in result.stdout and (out / "index.html").is_file()
    htmls = sorted(out.rglob("*.html"))
    assert len(htmls) > 800
    parsed = {}
    for f in htmls:
        p = _Links()
        p.feed(f.read_text(encoding="utf-8"))
        parsed[f] = p
    checked = 0
    for f, p in parsed.items():
        for link in p.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not link.startswith("/"), f"{f}: absolute link {link} breaks a static site"
            assert not parts.query, f"{f}: {link}"
            target = (f.parent / unquote(parts.path)).resolve() if parts.path else f
            assert target.is_file(), f"{f.relative_to(out)}: broken link {link}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in parsed[target].ids, f"{f.relative_to(out)}: no #{parts.fragment} in {link}"
            checked += 1
    assert checked > 10000
    ttl = (out / "measure" / "uitreisverbod.ttl").read_text()
    assert "m:uitreisverbod" in ttl and (out / "def" / "Measure.jsonld").is_file()
    assert (out / "en" / "def" / "Measure.html").is_file() and (out / "nl" / "browse" / "scheme" / "threats.html").is_file()
    assert json.loads((out / "measure" / "uitreisverbod.jsonld").read_text())


def test_docs_replaces_its_own_site_atomically_and_refuses_other_folders(tmp_path):
    from ncts_graph.pages import write_site

    out = tmp_path / "site"
    write_site(out)
    (out / "stale.html").write_text("old")
    write_site(out)
    assert not (out / "stale.html").exists() and (out / "en" / "browse.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left behind
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("do not delete")
    result = run_ncts("docs", "-o", mine)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a site written by `ncts docs`" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (mine / "thesis.txt").read_text() == "do not delete" and [p.name for p in mine.iterdir()] == ["thesis.txt"]


# --- in the browser ---

def test_axe_helper_reports_violations():
    """The accessibility check is no empty pass: a page with an unlabelled field and an image without
    alternative text has serious or critical violations."""
    from playwright.sync_api import sync_playwright

    from a11y import axe_violations
    from browser import launch

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.set_content('<html lang="en"><title>t</title><main><img src="data:,"><input type="text"></main></html>')
            found = {v["id"] for v in axe_violations(page)}
            assert {"image-alt", "label"} <= found, found
        finally:
            browser.close()


# --- in the browser (the walk) ----------------------------------------------------------------------------------------

def test_browse_open_measure_follow_partner_back_offline_and_accessible(site):
    from playwright.sync_api import sync_playwright

    from a11y import axe_violations
    from browser import ARTIFACTS, launch, offline_page

    port, base = site
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page, blocked, errors = offline_page(browser)
            page.goto(f"{base}/browse?lang=en")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.className") == "skip"  # keyboard: skip link first
            assert axe_violations(page) == []
            page.get_by_role("link", name="Measures by pillar").click()
            page.wait_for_url("**/browse/pillar?lang=en")
            assert axe_violations(page) == []
            page.locator('main a[href^="/measure/"]').first.click()
            page.wait_for_url("**/measure/**")
            measure_url = page.url
            assert page.locator("h1").inner_text()
            page.screenshot(path=str(ARTIFACTS / "pages-measure.png"), full_page=True)
            assert axe_violations(page) == []
            partner = page.locator('section[aria-labelledby="out"] a[href^="/partner/"]').first
            name = partner.inner_text()
            partner.focus()
            page.keyboard.press("Enter")  # followed with the keyboard
            page.wait_for_url("**/partner/**")
            assert page.locator("h1").inner_text() == name
            page.screenshot(path=str(ARTIFACTS / "pages-partner.png"), full_page=True)
            page.go_back()
            page.wait_for_url(measure_url)
            page.goto(f"{base}/threat/accelerationisme?lang=nl")
            assert axe_violations(page) == []
            page.goto(f"{base}/browse/scheme/threats?lang=en")
            assert axe_violations(page) == []
            page.goto(f"{base}/def/Measure?lang=en")
            assert axe_violations(page) == []
            page.screenshot(path=str(ARTIFACTS / "pages-class.png"), full_page=True)
            page.goto(f"{base}/search?lang=nl")
            page.get_by_label("Zoek in de labels (Nederlands en Engels)").fill("uitreis")
            page.keyboard.press("Enter")
            page.wait_for_url("**/search?q=uitreis**")
            assert page.locator('main a[href^="/measure/uitreisverbod"]').count() == 1
            assert axe_violations(page) == []
            page.screenshot(path=str(ARTIFACTS / "pages-search.png"), full_page=True)
            assert blocked == [] and errors == []
        finally:
            browser.close()
