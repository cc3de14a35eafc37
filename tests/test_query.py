"""The query layer: CLI, parameters as data, engines, errors, push, and the local endpoint."""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import ncts_graph
from conftest import free_port, run_ncts, server

INJECTIONS = ['x" || true || "', "} ; DELETE WHERE { ?s ?p ?o } ; SELECT * WHERE {", "x' ) } #", '\\" . } #\n']
INJECTIONS += ["?text", "$text", '""" ) } #', "''' ) } #", r"\u0022 || true || \u0022", 'x\\" ) } #', "<http://x> ) }"]
SEARCH = """SELECT ?r ?label WHERE { ?r rdfs:label ?label . FILTER(CONTAINS(LCASE(STR(?label)), LCASE(?text))) }"""


def test_queries_lists_the_library():
    out = run_ncts("queries", "--lang", "en")
    assert out.returncode == 0, out.stderr
    listed = json.loads(run_ncts("queries", "--format", "json").stdout)
    assert len(listed) >= 20
    for item in listed:
        assert item["title"] and item["name"] in out.stdout
    assert any(item["params"] for item in listed)


def test_query_formats():
    table = run_ncts("query", "-e", "SELECT ?m WHERE { ?m ncts:addressesThreat threat:pgee } ORDER BY ?m")
    assert table.returncode == 0 and "m:aanpak-pgee" in table.stdout and table.stdout.rstrip().endswith("(4 rows)")
    csv = run_ncts("query", "--format", "csv", "-e", "SELECT ?m WHERE { ?m ncts:addressesThreat threat:pgee } ORDER BY ?m")
    assert csv.stdout.splitlines() == ["m", "https://w3id.org/ncts-graph/measure/aanpak-pgee",
                                       "https://w3id.org/ncts-graph/measure/herbezinning-bevoegdheden-informatiedeling-pgee",
                                       "https://w3id.org/ncts-graph/measure/ontwikkeling-nieuwe-aanslagmiddelen",
                                       "https://w3id.org/ncts-graph/measure/samenwerking-veiligheid-en-zorg-pgee"]
    md = run_ncts("query", "--format", "md", "-e", "SELECT ?n WHERE { BIND(1 AS ?n) }")
    assert md.stdout.splitlines() == ["| n |", "|---|", "| 1 |"]
    js = json.loads(run_ncts("query", "--format", "json", "-e", "SELECT ?l WHERE { m:meldplicht rdfs:label ?l } ORDER BY ?l").stdout)
    assert js["results"]["bindings"][0]["l"] == {"type": "literal", "value": "Meldplicht", "xml:lang": "nl"}
    ask = run_ncts("query", "-e", "ASK { m:meldplicht ncts:statedLegalBasis law:twbmt }")
    assert ask.stdout.strip() == "true"
    ttl = run_ncts("query", "-e", "CONSTRUCT WHERE { m:meldplicht rdfs:label ?l }")
    from rdflib import Graph

    assert len(Graph().parse(data=ttl.stdout, format="turtle")) == 2
    nt = run_ncts("query", "--format", "nt", "-e", "DESCRIBE law:twbmt")
    assert nt.returncode == 0 and nt.stdout.count("<https://w3id.org/ncts-graph/legal/twbmt>") > 5


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib", "virtuoso"])
@pytest.mark.parametrize("value", INJECTIONS)
def test_parameters_are_data_not_query_text(engine, value, request):
    """A hostile value is a literal to compare with, on every engine: no rows, no error, graph intact."""
    where = {"endpoint": request.getfixturevalue("virtuoso_endpoint")} if engine == "virtuoso" else {"engine": engine}
    rows = ncts_graph.query(SEARCH, {"text": value}, **where)
    assert rows == []
    rows = ncts_graph.query(SEARCH, {"text": "meldplicht"}, **where)
    assert {str(r["r"]) for r in rows} >= {"https://w3id.org/ncts-graph/measure/meldplicht"}
    rows = ncts_graph.query(SEARCH, {"text": "Coördinator Terrorismebestrijding"}, **where)  # not ASCII: matched as such
    assert {str(r["r"]) for r in rows} == {"https://w3id.org/ncts-graph/partner/nctv"}
    count = ncts_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **where)[0]["n"]
    assert int(count) > 7000


def test_hostile_iri_parameter_is_refused(tmp_path):
    hostile = "<threat:pgee> } ; DELETE WHERE { ?s ?p ?o"
    rq = tmp_path / "q.rq"
    rq.write_text("# title-en: q\n# param: t iri threat:pgee the threat\nSELECT ?m WHERE { ?m ncts:addressesThreat ?t }\n")
    out = run_ncts("query", rq, "-p", f"t={hostile}")
    assert out.returncode == 2 and "parameter t:" in out.stderr and "is not an IRI" in out.stderr
    # in an ad-hoc query an untyped value that is not an IRI is a string literal: data, no rows
    adhoc = run_ncts("query", "--format", "csv", "-e", "SELECT ?m WHERE { ?m ncts:addressesThreat ?t }", "-p", f"t={hostile}")
    assert adhoc.returncode == 0 and adhoc.stdout.splitlines() == ["m"]


def test_cli_parameter_binding_on_both_engines():
    for engine in ("oxigraph", "rdflib"):
        out = run_ncts("query", "--engine", engine, "--format", "csv", "-e", SEARCH, "-p", f"text={INJECTIONS[0]}")
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines() == ["r,label"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["no-such-question"], "unknown query 'no-such-question'"),
        (["-e", "SELECT ?x WHERE {\n  ?x ?y }"], "query:2:10: SPARQL syntax error"),
        (["-e", "SELECT ?x WHERE { ?x ?y ?z }", "-p", "oops"], "use -p NAME=VALUE"),
        (["--endpoint", "http://127.0.0.1:9/sparql", "-e", "ASK {}"], "endpoint unreachable"),
        (["--store", "/proc/no-store-here", "-e", "ASK {}"], "cannot open the store"),
        (["--data", "missing.ttl", "-e", "ASK {}"], "missing.ttl: file not found"),
    ],
)
def test_query_errors_exit_2(args, message):
    out = run_ncts("query", *args)
    assert out.returncode == 2, out.stdout
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_syntax_error_in_a_query_file_names_file_line_column(tmp_path):
    bad = tmp_path / "mine.rq"
    bad.write_text("# title-en: mine\nSELECT ?x WHERE {\n  ?x ?y\n}\n")
    out = run_ncts("query", bad)
    assert out.returncode == 2
    match = re.search(re.escape(str(bad)) + r":(\d+):(\d+): SPARQL syntax error", out.stderr)
    assert match and 3 <= int(match.group(1)) <= 5, out.stderr  # the parser's position, at or just after the fault


def test_unknown_parameter_of_a_library_query(tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("# title-en: q\n# param: t iri threat:pgee the threat\nSELECT ?m WHERE { ?m ncts:addressesThreat ?t }\n")
    out = run_ncts("query", rq, "-p", "threat=threat:pgee")
    assert out.returncode == 2 and "unknown parameter 'threat'" in out.stderr and "its parameters: t" in out.stderr
    ok = run_ncts("query", rq, "--format", "csv", "-p", "t=threat:pgee")
    assert ok.returncode == 0 and len(ok.stdout.splitlines()) == 5


def test_python_api_forms_and_dataframe():
    rows = ncts_graph.query("SELECT ?m WHERE { ?m ncts:statedLegalBasis ?law } ORDER BY ?m", {"law": "law:twbmt"})
    assert [str(r["m"]).rsplit("/", 1)[-1] for r in rows][:2] == ["contactverbod", "gebiedsverbod"]
    assert ncts_graph.query("ASK { ?m ncts:statedLegalBasis ?law }", {"law": "law:twbmt"}) is True
    graph = ncts_graph.query("CONSTRUCT WHERE { m:meldplicht rdfs:label ?l }")
    assert len(graph) == 2
    frame = ncts_graph.query("SELECT ?l WHERE { m:meldplicht rdfs:label ?l } ORDER BY ?l", as_result=True).dataframe()
    assert list(frame["l"]) == ["Meldplicht", "Reporting obligation"]


def test_persistent_store(tmp_path):
    store = tmp_path / "store"
    extra = tmp_path / "mine.ttl"
    extra.write_text("<https://example.org/m> <http://www.w3.org/2000/01/rdf-schema#label> \"Mine\"@en .\n")
    first = run_ncts("query", "--store", store, "--data", extra, "--format", "csv",
                     "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert first.returncode == 0, first.stderr
    assert any(store.iterdir())
    again = run_ncts("query", "--store", store, "--format", "csv", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert again.stdout == first.stdout and int(first.stdout.split()[1]) > 7000  # filled once, not twice
    mine = run_ncts("query", "--store", store, "--format", "csv", "-e", "SELECT ?l WHERE { <https://example.org/m> rdfs:label ?l }")
    assert mine.stdout.splitlines() == ["l", "Mine"]


# --- a real Oxigraph server --------------------------------------------------------------

def test_push_then_query_remotely(oxigraph_server):
    out = run_ncts("push", "--endpoint", oxigraph_server + "/store", "--graph", "https://w3id.org/ncts-graph/graph/all")
    assert out.returncode == 0, out.stderr and "pushed" in out.stdout
    again = run_ncts("push", "--endpoint", oxigraph_server + "/store", "--graph", "https://w3id.org/ncts-graph/graph/all")
    assert again.returncode == 0  # PUT replaces: no duplicates
    endpoint = oxigraph_server + "/query"
    assert ncts_graph.query("ASK { GRAPH <https://w3id.org/ncts-graph/graph/all> { m:meldplicht a ncts:Measure } }",
                            endpoint=endpoint) is True
    local = ncts_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    remote = ncts_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", endpoint=endpoint)
    assert int(remote[0]["n"]) == len({tuple(r.values()) for r in ncts_graph.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")})
    assert int(local[0]["n"]) >= int(remote[0]["n"]) > 7000
    for value in INJECTIONS:
        assert ncts_graph.query(SEARCH, {"text": value}, endpoint=endpoint) == []


def test_push_to_unreachable_store_exits_2():
    out = run_ncts("push", "--endpoint", "http://127.0.0.1:9/store")
    assert out.returncode == 2 and "endpoint unreachable" in out.stderr


# --- ncts serve ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def endpoint(oxigraph_server):
    port = free_port()
    exe = Path(sys.executable).with_name("ncts")
    with server([str(exe), "serve", "--port", str(port), "--timeout", "2", "--max-rows", "5000",
                 "--allow-service", oxigraph_server + "/query"], f"http://127.0.0.1:{port}") as base:
        yield base


def http(url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode()


Q = "SELECT ?m WHERE { ?m ncts:addressesThreat threat:pgee } ORDER BY ?m"


@pytest.mark.parametrize("accept, ctype, check", [
    ("application/sparql-results+json", "application/sparql-results+json", lambda b: len(json.loads(b)["results"]["bindings"]) == 4),
    ("application/sparql-results+xml", "application/sparql-results+xml", lambda b: b.count("<result>") == 4),
    ("text/csv", "text/csv", lambda b: b.splitlines()[0] == "m" and len(b.splitlines()) == 5),
    ("text/tab-separated-values", "text/tab-separated-values", lambda b: b.splitlines()[1].startswith("<https://")),
    ("text/html;q=0.5, text/csv", "text/csv", lambda b: len(b.splitlines()) == 5),
])
def test_endpoint_content_negotiation(endpoint, accept, ctype, check):
    status, got, body = http(endpoint + "/sparql?" + urllib.parse.urlencode({"query": Q}), headers={"Accept": accept})
    assert status == 200 and got.startswith(ctype) and check(body)


def test_endpoint_post_forms_and_graphs(endpoint):
    status, _, body = http(endpoint + "/sparql", data=Q.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 4
    status, _, body = http(endpoint + "/sparql", data=urllib.parse.urlencode({"query": Q}).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert status == 200 and len(body.splitlines()) == 5
    status, ctype, body = http(endpoint + "/sparql?" + urllib.parse.urlencode(
        {"query": "CONSTRUCT WHERE { m:meldplicht rdfs:label ?l }"}), headers={"Accept": "text/turtle"})
    assert status == 200 and ctype.startswith("text/turtle") and "Meldplicht" in body


def test_endpoint_with_sparqlwrapper(endpoint):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery("PREFIX ncts: <https://w3id.org/ncts-graph/def#> SELECT (COUNT(?m) AS ?n) WHERE { ?m a ncts:Measure }")
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == 90
    assert ncts_graph.query(Q, endpoint=endpoint + "/sparql") == ncts_graph.query(Q)


@pytest.mark.parametrize("data, headers, message", [
    (b"update=DELETE+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D", {"Content-Type": "application/x-www-form-urlencoded"}, "read-only"),
    (b"DELETE WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-update"}, "read-only"),
    (b"DELETE WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-query"}, "syntax error"),
    (b"SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", {"Content-Type": "application/sparql-query"},
     "not on this endpoint's allow-list"),
    (b"SELECT * WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-query"}, "more than 5000 rows"),
    (b"SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", {"Content-Type": "application/sparql-query"},
     "time limit of 2 s"),
])
def test_endpoint_refuses_with_400(endpoint, data, headers, message):
    status, _, body = http(endpoint + "/sparql", data=data, headers=headers)
    assert status == 400 and message in body
    status, _, body = http(endpoint + "/sparql?" + urllib.parse.urlencode({"query": "ASK { m:meldplicht ?p ?o }"}))
    assert status == 200 and json.loads(body)["boolean"] is True  # still serving after a refusal or a kill


def test_endpoint_allow_listed_service(endpoint, oxigraph_server):
    query = f"SELECT ?x WHERE {{ SERVICE <{oxigraph_server}/query> {{ BIND(42 AS ?x) }} }}"
    status, _, body = http(endpoint + "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["x"]["value"] == "42"


def test_endpoint_page_works_offline(endpoint):
    status, ctype, page = http(endpoint + "/")
    assert status == 200 and ctype.startswith("text/html")
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # nothing from a CDN
    status, _, body = http(endpoint + "/queries")
    library = json.loads(body)
    assert len(library["queries"]) >= 20 and library["prefixes"]["ncts"].startswith("https://w3id.org/")
    first = library["queries"][0]
    status, _, answer = http(endpoint + "/sparql", data=first["bound"]["en"].encode(),
                             headers={"Content-Type": "application/sparql-query"})
    assert status == 200, answer


def test_remote_query_with_update_words_in_comments(pushed_endpoint, tmp_path):
    """SPARQLWrapper guesses update vs query from the text; words in comments must not mislead it."""
    rq = tmp_path / "q.rq"
    rq.write_text("# title-en: which measures address freedom of movement? (add, delete, insert, load, move)\n"
                  "# description-en: drop nothing\n"
                  "SELECT ?m WHERE { ?m ncts:statedRestriction|ncts:curatorRestriction right:freedom-of-movement } # movement\n")
    remote = ncts_graph.query(str(rq), endpoint=pushed_endpoint)
    local = ncts_graph.query(str(rq))
    assert sorted(map(str, (r["m"] for r in remote))) == sorted(map(str, (r["m"] for r in local))) and len(remote) > 3
