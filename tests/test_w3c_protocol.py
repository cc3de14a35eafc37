"""The W3C SPARQL 1.1 Protocol tests, run against `ncts serve`.

The test list is the W3C manifest (sparql11/protocol/manifest.ttl) as shipped in rdflib's
source distribution on PyPI (scripts/install-clients.sh unpacks it into .cache/). That
manifest names each test but carries no requests; the requests below are the ones the W3C
suite's protocol validator describes for each name, with the test data graphs data1/2/3
replaced by three graphs of the bundled data (partners, threats, sources). Every entry of the
manifest must have a case here. `ncts serve` is read-only, so the seven update tests that
expect a successful update are checked for a clear refusal instead (counted apart).
"""

from __future__ import annotations

import glob
import http.client
import json
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
G = "https://w3id.org/ncts-graph/graph/data/"
DATA1, DATA2, DATA3 = G + "partners", G + "threats", G + "sources"
IN1 = "https://w3id.org/ncts-graph/partner/nctv"  # a subject of DATA1 only
IN2 = "https://w3id.org/ncts-graph/threat/pgee"  # a subject of DATA2 only
READ_ONLY = {"update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
             "update_dataset_full", "update_post_form", "update_post_direct", "update_base_uri"}


def manifest_entries() -> list[str]:
    found = sorted(glob.glob(str(ROOT / ".cache/sparql-protocol-tests/rdflib-*/manifest.ttl")))
    assert found, "the W3C protocol manifest is missing: run `make clients` (scripts/install-clients.sh)"
    from rdflib import Graph, URIRef
    from rdflib.collection import Collection

    graph = Graph().parse(found[-1], format="turtle")
    head = next(graph.objects(None, URIRef(MF + "entries")))
    return [str(e).rsplit("#", 1)[1] for e in Collection(graph, head)]


def request(base: str, method: str, target: str = "", body: bytes | None = None, ctype: str | None = None,
            accept: str | None = None) -> tuple[int, str, bytes]:
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Content-Length": str(len(body or b""))}
    if ctype:
        headers["Content-Type"] = ctype
    if accept:
        headers["Accept"] = accept
    try:
        conn.request(method, url.path + target, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def q(**params) -> str:
    """?a=b&... with repeated names for list values."""
    pairs = [(k.replace("_", "-"), v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])]
    return "?" + urllib.parse.urlencode(pairs)


def direct(base, text, target="", **kw):
    return request(base, "POST", target, text.encode(), "application/sparql-query", **kw)


def form(base, fields: list, ctype="application/x-www-form-urlencoded", **kw):
    return request(base, "POST", "", urllib.parse.urlencode(fields).encode(), ctype, **kw)


def ok(status):
    return 200 <= status < 400


def boolean(response) -> bool | None:
    status, _, body = response
    return json.loads(body)["boolean"] if ok(status) else None


def refused(response, *words) -> bool:
    status, _, body = response
    return 400 <= status < 500 and all(w in body.decode() for w in words)


RDF_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json")


def case(name: str, base: str) -> bool:
    """Run one manifest test; True when the endpoint behaves as the test expects."""
    if name == "query_get":
        return boolean(request(base, "GET", q(query="ASK {}"))) is True
    if name == "query_post_form":
        return boolean(form(base, [("query", "ASK {}")])) is True
    if name == "query_post_direct":
        return boolean(direct(base, "ASK {}")) is True
    if name == "query_dataset_default_graphs_get":
        return (boolean(request(base, "GET", q(query=f"ASK {{ <{IN1}> ?p ?o }}", default_graph_uri=DATA1))) is True
                and boolean(request(base, "GET", q(query=f"ASK {{ <{IN1}> ?p ?o }}", default_graph_uri=DATA2))) is False)
    if name == "query_dataset_default_graphs_post":
        text = f"ASK {{ <{IN1}> ?p ?o . <{IN2}> ?q ?r }}"
        return (boolean(direct(base, text, q(default_graph_uri=[DATA1, DATA2]))) is True
                and boolean(direct(base, text, q(default_graph_uri=[DATA1]))) is False)
    if name == "query_dataset_named_graphs_post":
        return (boolean(form(base, [("query", "ASK { GRAPH ?g { ?s ?p ?o } }"), ("named-graph-uri", DATA1),
                                    ("named-graph-uri", DATA2)])) is True
                and boolean(form(base, [("query", f"ASK {{ GRAPH <{DATA3}> {{ ?s ?p ?o }} }}"),
                                        ("named-graph-uri", DATA1)])) is False)
    if name == "query_dataset_named_graphs_get":
        target = q(query="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graph_uri=[DATA1, DATA2])
        status, _, body = request(base, "GET", target)
        return ok(status) and sorted(b["g"]["value"] for b in json.loads(body)["results"]["bindings"]) == [DATA1, DATA2]
    if name == "query_dataset_full":
        text = "SELECT DISTINCT ?g WHERE { ?x ?y ?o GRAPH ?g { ?s ?p ?o } }"
        status, _, body = direct(base, text, q(default_graph_uri=DATA3, named_graph_uri=[DATA1, DATA2]))
        graphs = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]} if ok(status) else None
        return graphs is not None and graphs <= {DATA1, DATA2} and len(graphs) >= 1
    if name == "query_multiple_dataset":
        return boolean(direct(base, f"ASK FROM <{DATA1}> {{ <{IN2}> ?p ?o }}", q(default_graph_uri=DATA2))) is True
    if name in ("query_content_type_select", "query_content_type_ask", "query_content_type_describe",
                "query_content_type_construct"):
        text = {"select": "SELECT (1 AS ?value) {}", "ask": "ASK {}", "describe": "DESCRIBE <http://example.org/>",
                "construct": "CONSTRUCT { <s> <p> 1 } WHERE {}"}[name.rsplit("_", 1)[1]]
        allowed = {"select": ("application/sparql-results+xml", "application/sparql-results+json", "text/csv",
                              "text/tab-separated-values"),
                   "ask": ("application/sparql-results+xml", "application/sparql-results+json")}.get(
            name.rsplit("_", 1)[1], RDF_TYPES)
        status, ctype, _ = form(base, [("query", text), ("default-graph-uri", DATA1)])
        return ok(status) and ctype.split(";")[0] in allowed
    if name == "bad_query_method":
        return 400 <= request(base, "PUT", q(query="ASK {}"))[0] < 500
    if name == "bad_multiple_queries":
        return refused(request(base, "GET", q(query=["ASK {}", "SELECT * {}"])))
    if name == "bad_query_wrong_media_type":
        return refused(request(base, "POST", "", b"ASK {}", "text/plain"))
    if name == "bad_query_missing_form_type":
        return refused(request(base, "POST", "", b"query=ASK%20%7B%7D"))
    if name == "bad_query_missing_direct_type":
        return refused(request(base, "POST", "", b"ASK {}"))
    if name == "bad_query_non_utf8":
        return refused(request(base, "POST", "", "ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"))
    if name == "bad_query_syntax":
        return refused(request(base, "GET", q(query="ASK {")))
    if name == "bad_update_get":
        return refused(request(base, "GET", q(update="CLEAR ALL")))
    if name == "bad_multiple_updates":
        return refused(form(base, [("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT")]))
    if name == "bad_update_wrong_media_type":
        return refused(request(base, "POST", "", b"CLEAR NAMED", "text/plain"))
    if name == "bad_update_missing_form_type":
        return refused(request(base, "POST", "", b"update=CLEAR%20NAMED"))
    if name == "bad_update_non_utf8":
        return refused(request(base, "POST", "", "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16"))
    if name == "bad_update_syntax":
        return refused(form(base, [("update", "CLEAR XYZ")]))
    if name == "bad_update_dataset_conflict":
        return refused(form(base, [("using-named-graph-uri", "http://example/people"),
                                   ("update", "WITH <http://example/addresses> DELETE { ?p ?q 'Bill' } "
                                              "INSERT { ?p ?q 'William' } WHERE { ?p ?q 'Bill' }")]))
    # updates that should succeed on a read-write service: a read-only one refuses them plainly
    if name in ("update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
                "update_dataset_full"):
        param = {"update_dataset_named_graphs": "using-named-graph-uri"}.get(name, "using-graph-uri")
        return refused(request(base, "POST", q(**{param.replace("-", "_"): DATA1}), b"CLEAR ALL",
                               "application/sparql-update"), "read-only")
    if name == "update_post_form":
        return refused(form(base, [("update", "CLEAR ALL")]), "read-only")
    if name == "update_post_direct":
        return refused(request(base, "POST", "", b"CLEAR ALL", "application/sparql-update"), "read-only")
    if name == "update_base_uri":  # refused; and a query's relative IRI resolves against the service endpoint
        status, _, body = direct(base, "SELECT ?o WHERE { BIND(<test> AS ?o) }")
        value = json.loads(body)["results"]["bindings"][0]["o"]["value"] if ok(status) else None
        return (refused(request(base, "POST", "", b"INSERT DATA { <s> <p> <test> }", "application/sparql-update"),
                        "read-only") and value == urllib.parse.urljoin(base, "test"))
    raise AssertionError(f"no case for the W3C protocol test {name!r}")


def test_manifest_is_complete():
    """The manifest from rdflib's sdist is the W3C list this file implements, all 34 of it."""
    entries = manifest_entries()
    assert len(entries) == 34 and READ_ONLY <= set(entries)


@pytest.mark.parametrize("name", manifest_entries() if glob.glob(str(ROOT / ".cache/sparql-protocol-tests/*/manifest.ttl"))
                         else ["manifest-missing"])
def test_w3c_protocol(name, ncts_endpoint):
    if name == "manifest-missing":
        manifest_entries()  # fails with the way to get it
    assert case(name, ncts_endpoint), name
