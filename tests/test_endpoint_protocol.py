"""`ncts serve` /sparql beyond queries: its Service Description, method and parameter errors,
relative IRIs, the format names clients send, and a query from a page of another origin in a
real browser (CORS preflight)."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")


def fetch(url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.parametrize("accept, syntax", [("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                                            ("application/ld+json", "json-ld"), ("", "turtle"),
                                            ("text/html,application/xhtml+xml,*/*;q=0.8", "turtle")])
def test_service_description(ncts_endpoint, accept, syntax):
    """GET /sparql without a query: SPARQL 1.1 Service Description by content negotiation."""
    import ncts_graph

    status, headers, body = fetch(ncts_endpoint, headers={"Accept": accept} if accept else {})
    assert status == 200 and headers["Content-Type"].startswith(accept.split(",")[0] if syntax != "turtle" else "text/turtle")
    sd = Graph().parse(data=body, format=syntax)
    me = URIRef(ncts_endpoint)
    assert (me, SD.endpoint, me) in sd and (me, SD.supportedLanguage, SD.SPARQL11Query) in sd
    assert (me, SD.feature, SD.UnionDefaultGraph) in sd
    assert len(set(sd.objects(me, SD.resultFormat))) == 8
    sizes = {str(r["g"]): int(r["n"]) for r in ncts_graph.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    named = {str(sd.value(n, SD.name)): int(sd.value(sd.value(n, SD.graph), VOID.triples))
             for n in sd.objects(None, SD.namedGraph)}
    assert named == sizes
    total = int(ncts_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    default = sd.value(sd.value(me, SD.defaultDataset), SD.defaultGraph)
    assert sd.value(default, VOID.triples) == Literal(total)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(ncts_endpoint, method):
    status, headers, body = fetch(ncts_endpoint, data=b"x", method=method)
    assert status == 405 and headers["Allow"] == "GET, HEAD, POST, OPTIONS" and b"read-only" in body


def test_repeated_query_is_400(ncts_endpoint):
    status, _, body = fetch(ncts_endpoint + "?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")]))
    assert status == 400 and b"more than one query" in body
    status, _, body = fetch(ncts_endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}"}), data=b"ASK {}",
                            headers={"Content-Type": "application/sparql-query"})
    assert status == 400 and b"more than one query" in body


@pytest.mark.parametrize("accept, syntax", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                            ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")])
def test_relative_iris_resolve_against_the_endpoint(ncts_endpoint, accept, syntax):
    """RDF has no relative IRIs: those of a query resolve against its base, the endpoint URL
    (SPARQL 1.1 Protocol: the service's base), unless the query sets BASE."""
    base = urllib.parse.urljoin(ncts_endpoint, "a")
    for text, subject in [("CONSTRUCT { <a> <b> <c> } WHERE {}", base),
                          ("BASE <http://example.org/x/> CONSTRUCT { <a> <b> <c> } WHERE {}", "http://example.org/x/a")]:
        status, _, body = fetch(ncts_endpoint, data=text.encode(),
                                headers={"Content-Type": "application/sparql-query", "Accept": accept})
        assert status == 200, body
        graph = Graph().parse(data=body, format=syntax, publicID="http://elsewhere.invalid/")
        assert [str(s) for s in graph.subjects()] == [subject]


@pytest.mark.parametrize("form, fmt, ctype", [
    ("CONSTRUCT WHERE { m:meldplicht rdfs:label ?l }", "turtle", "text/turtle"),
    ("CONSTRUCT WHERE { m:meldplicht rdfs:label ?l }", "json", "application/ld+json"),
    ("CONSTRUCT WHERE { m:meldplicht rdfs:label ?l }", "xml", "application/rdf+xml"),
    ("CONSTRUCT WHERE { m:meldplicht rdfs:label ?l }", "application/n-triples", "application/n-triples"),
    ("DESCRIBE m:meldplicht", "n3", "text/turtle"),
    ("SELECT * WHERE { m:meldplicht rdfs:label ?l }", "xml", "application/sparql-results+xml"),
    ("SELECT * WHERE { m:meldplicht rdfs:label ?l }", "tsv", "text/tab-separated-values"),
    ("ASK { m:meldplicht ?p ?o }", "json", "application/sparql-results+json"),
])
def test_format_and_output_names(ncts_endpoint, form, fmt, ctype):
    for name in ("format", "output", "results"):
        status, headers, _ = fetch(ncts_endpoint + "?" + urllib.parse.urlencode({"query": form, name: fmt}))
        assert status == 200 and headers["Content-Type"].startswith(ctype), (name, fmt, headers["Content-Type"])


def test_unknown_format_is_400(ncts_endpoint):
    status, _, body = fetch(ncts_endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}", "format": "yaml"}))
    assert status == 400 and b"unknown result format 'yaml'" in body


class _Page(http.server.BaseHTTPRequestHandler):
    html = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.html)))
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args):
        pass


def test_a_page_of_another_origin_queries_in_a_browser(ncts_endpoint):
    """Chromium on a page served from another port (another origin) POSTs a query as
    application/sparql-query (a preflighted request) and reads the Service Description."""
    from playwright.sync_api import sync_playwright

    from browser import launch, offline_page

    _Page.html = b"<!doctype html><title>client</title><p>client page</p>"
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            try:
                page, blocked, errors = offline_page(browser)
                page.goto(f"http://127.0.0.1:{site.server_address[1]}/")
                answer = page.evaluate("""async url => {
                    const r = await fetch(url, {method: 'POST', body: 'ASK { m:meldplicht ?p ?o }',
                        headers: {'Content-Type': 'application/sparql-query', 'Accept': 'application/sparql-results+json'}});
                    const sd = await fetch(url, {headers: {'Accept': 'application/ld+json'}});
                    return {status: r.status, body: await r.json(), sd: (await sd.json()).length};
                }""", ncts_endpoint)
            finally:
                browser.close()
    finally:
        site.shutdown()
        site.server_close()
    assert answer["status"] == 200 and answer["body"]["boolean"] is True and answer["sd"] > 3
    assert blocked == [] and errors == []


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_relative_iris_on_the_embedded_engines(engine):
    """Without an endpoint there is no base IRI: a relative IRI without BASE is one clear error
    on both engines (rdflib returned it as an IRI, and the output crashed); with BASE, resolved."""
    from conftest import run_ncts

    bad = run_ncts("query", "--engine", engine, "-e", "SELECT * WHERE {\n  ?s ?p <x> }")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "query:2:9: relative IRI <x> and no BASE" in bad.stderr
    good = run_ncts("query", "--engine", engine, "-e", "BASE <http://example.org/> CONSTRUCT { <a> <b> <c> } WHERE {}",
                    "--format", "nt")
    assert good.returncode == 0 and good.stdout.strip() == "<http://example.org/a> <http://example.org/b> <http://example.org/c> ."
