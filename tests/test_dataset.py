"""SPARQL 1.1 dataset rules (Query 13.2, Protocol 2.1.4) on every engine, with the same answers.

Each rule is one case: the query (with or without FROM / FROM NAMED), the protocol's
default-graph-uri / named-graph-uri (``--default-graph`` / ``--named-graph`` on the CLI), and
the expected answer computed from the bundled files themselves (each file is one named graph).
Engines: embedded Oxigraph, rdflib, `ncts serve` over HTTP GET, and `ncts query --endpoint`
(SPARQLWrapper, POST) against `ncts serve`.
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

import ncts_graph
from conftest import run_ncts

G = "https://w3id.org/ncts-graph/graph/data/"
P, T, S = G + "partners", G + "threats", G + "sources"
COUNT = "SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?s ?p ?o }}"
GRAPHS = "SELECT DISTINCT ?g {dataset} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"


@pytest.fixture(scope="module")
def sizes():
    """Triples per named graph, read from the files with a parser (no query engine)."""
    import pyoxigraph as ox

    from ncts_graph.load import bundled_files, graph_name

    return {graph_name(f): len(set(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))) for f in bundled_files()}


# (id, query template, FROM clause, protocol default graphs, protocol named graphs, expected(sizes))
RULES = [
    ("no-dataset-default-is-union", COUNT, "", (), (), lambda s: sum(s.values())),
    ("no-dataset-all-named-graphs", GRAPHS, "", (), (), lambda s: sorted(g for g, n in s.items() if n)),
    ("from-is-the-default-graph", COUNT, f"FROM <{P}>", (), (), lambda s: s[P]),
    ("two-from-merge", COUNT, f"FROM <{P}> FROM <{T}>", (), (), lambda s: s[P] + s[T]),
    ("from-named-only-empty-default", COUNT, f"FROM NAMED <{P}>", (), (), lambda s: 0),
    ("from-named-only-those-graphs", GRAPHS, f"FROM NAMED <{P}> FROM NAMED <{S}>", (), (), lambda s: sorted([P, S])),
    ("from-only-no-named-graphs", GRAPHS, f"FROM <{P}>", (), (), lambda s: []),
    ("from-and-from-named", GRAPHS, f"FROM <{T}> FROM NAMED <{P}>", (), (), lambda s: [P]),
    ("from-unknown-graph-is-empty", COUNT, "FROM <https://example.org/no-such-graph>", (), (), lambda s: 0),
    ("protocol-default-graph", COUNT, "", (T,), (), lambda s: s[T]),
    ("protocol-default-graphs-merge", COUNT, "", (T, S), (), lambda s: s[T] + s[S]),
    ("protocol-overrides-from", COUNT, f"FROM <{P}>", (T,), (), lambda s: s[T]),
    ("protocol-named-only-empty-default", COUNT, f"FROM <{P}>", (), (S,), lambda s: 0),
    ("protocol-named-overrides-from-named", GRAPHS, f"FROM NAMED <{P}>", (), (S,), lambda s: [S]),
    ("protocol-default-no-named-graphs", GRAPHS, f"FROM NAMED <{P}>", (T,), (), lambda s: []),
]
ENGINES = ["oxigraph", "rdflib", "serve", "endpoint"]


def answer(result):
    if result.vars == ["n"]:
        return int(result.rows[0]["n"].value)
    return sorted(row["g"].value for row in result.rows)


def ask(engine, text, default, named, ncts_endpoint):
    if engine in ("oxigraph", "rdflib"):
        return answer(ncts_graph.query(text, engine=engine, default_graph=default, named_graph=named, as_result=True))
    if engine == "endpoint":
        return answer(ncts_graph.query(text, endpoint=ncts_endpoint, default_graph=default, named_graph=named,
                                       as_result=True))
    params = [("query", text)] + [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]
    request = urllib.request.Request(ncts_endpoint + "?" + urllib.parse.urlencode(params),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.load(response)
    from ncts_graph.results import Result, from_json

    names = data["head"]["vars"]
    return answer(Result("select", vars=names, rows=[{n: from_json(b[n]) for n in b} for b in data["results"]["bindings"]]))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name, template, clause, default, named, expected", RULES, ids=[r[0] for r in RULES])
def test_dataset_rule(engine, name, template, clause, default, named, expected, sizes, ncts_endpoint):
    assert ask(engine, template.format(dataset=clause), default, named, ncts_endpoint) == expected(sizes)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):
        self.hits.append(self.path)
        body = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("engine", ENGINES)
def test_from_never_fetches_a_graph_from_the_web(engine, ncts_endpoint):
    """A FROM / FROM NAMED / default-graph-uri IRI the data lacks is an empty graph: no engine
    fetches it (rdflib would, by default: a query must not make the machine do requests)."""
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{web.server_address[1]}/graph.ttl"
    try:
        assert ask(engine, COUNT.format(dataset=f"FROM <{url}>"), (), (), ncts_endpoint) == 0
        assert ask(engine, GRAPHS.format(dataset=f"FROM NAMED <{url}>"), (), (), ncts_endpoint) == []
        assert ask(engine, COUNT.format(dataset=""), (url,), (url + "?named",), ncts_endpoint) == 0
    finally:
        web.shutdown()
        web.server_close()
    assert _Recorder.hits == []


def test_cli_dataset_options(sizes):
    """`ncts query --default-graph/--named-graph` as a user types them, and a bad IRI in one line."""
    out = run_ncts("query", "-e", COUNT.format(dataset=f"FROM <{P}>"), "--default-graph", T, "--format", "csv")
    assert out.returncode == 0 and out.stdout.split() == ["n", str(sizes[T])], out.stderr
    rdflib = run_ncts("query", "--engine", "rdflib", "-e", COUNT.format(dataset=f"FROM <{P}>"), "--default-graph", T,
                      "--format", "csv")
    assert rdflib.stdout == out.stdout
    bad = run_ncts("query", "-e", "ASK {}", "--default-graph", "not an iri")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "not an absolute IRI" in bad.stderr


def test_endpoint_refuses_a_bad_graph_iri(ncts_endpoint):
    url = ncts_endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}", "default-graph-uri": "no iri"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=30)
    assert err.value.code == 400 and b"not an absolute IRI" in err.value.read()
