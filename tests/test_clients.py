"""`ncts serve` through real SPARQL clients: SPARQLWrapper (every result format, every query
form, GET and POST), rdflib's SPARQLStore, and two npm clients (fetch-sparql-endpoint,
sparql-http-client; tests/clients, installed by scripts/install-clients.sh), each answer
compared with the embedded engine's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

import ncts_graph
from conftest import run_ncts

CLIENTS = Path(__file__).resolve().parent / "clients"
PROLOGUE = ("PREFIX ncts: <https://w3id.org/ncts-graph/def#> PREFIX threat: <https://w3id.org/ncts-graph/threat/> "
            "PREFIX m: <https://w3id.org/ncts-graph/measure/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
QUERIES = {
    "select": PROLOGUE + "SELECT ?m WHERE { ?m ncts:addressesThreat threat:pgee }",
    "ask": PROLOGUE + "ASK { m:meldplicht ?p ?o }",
    "construct": PROLOGUE + "CONSTRUCT { ?m rdfs:label ?l } WHERE { ?m ncts:addressesThreat threat:pgee ; rdfs:label ?l }",
    "describe": PROLOGUE + "DESCRIBE m:meldplicht WHERE {}",
}
P = "https://w3id.org/ncts-graph/graph/data/partners"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term(kind: str, value: str, lang=None, datatype=None) -> str:
    """One term as run.mjs writes it: IRIs bare, blank nodes '_', literals quoted."""
    if kind == "bnode":
        return "_"
    if kind != "literal":
        return value
    if lang:
        return f'"{value}"@{lang.lower()}'
    return f'"{value}"' + (f"^^{datatype}" if datatype and datatype != XSD_STRING else "")


def _rdflib_term(t) -> str:
    from rdflib import BNode, Literal

    if isinstance(t, Literal):
        return _term("literal", str(t), t.language, str(t.datatype) if t.datatype else None)
    return _term("bnode" if isinstance(t, BNode) else "uri", str(t))


def _graph_lines(graph) -> list:
    return sorted(" ".join(_rdflib_term(t) for t in triple) for triple in graph)


@pytest.fixture(scope="module")
def expected():
    """The embedded engine's answers, normalised the way each client's answer is."""
    out = {}
    for form, text in QUERIES.items():
        r = ncts_graph.query(text, as_result=True)
        if form == "select":
            out[form] = sorted(row["m"].value for row in r.rows)
        elif form == "ask":
            out[form] = r.boolean
        else:
            out[form] = sorted(" ".join(_term(t.type, t.value, t.lang, t.datatype) for t in tr) for tr in r.triples)
    assert len(out["select"]) >= 3 and out["ask"] is True and len(out["construct"]) >= 3 and len(out["describe"]) >= 5
    return out


# --- SPARQLWrapper ----------------------------------------------------------------------------

def _from_sparqlwrapper(converted, form: str, ctype: str):
    """A SPARQLWrapper convert() answer (dict, DOM, rdflib Graph or bytes) in normal form."""
    import csv
    import io
    from xml.dom.minidom import Document

    from rdflib import Graph

    if isinstance(converted, dict):
        if "boolean" in converted:
            return converted["boolean"]
        if "head" in converted:
            var = converted["head"]["vars"][0]
            return sorted(b[var]["value"] for b in converted["results"]["bindings"])
        return _graph_lines(Graph().parse(data=json.dumps(converted), format="json-ld"))
    if isinstance(converted, Document):
        booleans = converted.getElementsByTagName("boolean")
        if booleans:
            return booleans[0].firstChild.data.strip() == "true"
        return sorted(b.getElementsByTagName("uri")[0].firstChild.data for b in converted.getElementsByTagName("binding"))
    if isinstance(converted, Graph):
        return _graph_lines(converted)
    text = converted.decode() if isinstance(converted, bytes) else converted
    if ctype.startswith("text/csv"):
        rows = list(csv.reader(io.StringIO(text)))
        return rows[-1][0] == "true" if form == "ask" else sorted(r[0] for r in rows[1:])
    if ctype.startswith("text/tab-separated-values"):
        rows = [line.split("\t") for line in text.splitlines()]
        return rows[-1][0] == "true" if form == "ask" else sorted(r[0].strip("<>") for r in rows[1:])
    syntax = {"application/n-triples": "nt"}.get(ctype.split(";")[0], "turtle")
    return _graph_lines(Graph().parse(data=text, format=syntax))


SW_FORMATS = ["json", "xml", "turtle", "n3", "rdf", "rdf+xml", "csv", "tsv", "json-ld"]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", SW_FORMATS)
@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper(form, fmt, method, ncts_endpoint, expected):
    """Every return format SPARQLWrapper has, on every query form: it sends format=/output=/results=
    with its own names (and Accept), and its convert() must read what comes back."""
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(ncts_endpoint)
    client.setQuery(QUERIES[form])
    client.setReturnFormat(fmt)
    client.setMethod(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SPARQLWrapper warns when it sends Accept */* (e.g. Turtle for a SELECT)
        response = client.query()
        ctype = response.response.headers.get("Content-Type", "")
        converted = response.convert()
    assert _from_sparqlwrapper(converted, form, ctype) == expected[form], ctype


def test_sparqlwrapper_dataset_parameters(ncts_endpoint):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(ncts_endpoint)
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    client.addDefaultGraph(P)
    client.setReturnFormat(JSON)
    n = int(client.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert n == int(ncts_graph.query(f"SELECT (COUNT(*) AS ?n) FROM <{P}> WHERE {{ ?s ?p ?o }}")[0]["n"])


@pytest.mark.parametrize("form", ["construct", "describe", "select", "ask"])
def test_ncts_query_endpoint_on_ncts_serve(form, ncts_endpoint):
    """`ncts query --endpoint` (SPARQLWrapper inside) on `ncts serve` prints what the embedded engine prints."""
    remote = run_ncts("query", "-e", QUERIES[form], "--endpoint", ncts_endpoint)
    local = run_ncts("query", "-e", QUERIES[form])
    assert remote.returncode == 0, remote.stderr
    if form in ("construct", "describe"):  # the same graph (blank node labels may differ)
        from rdflib import Graph

        assert _graph_lines(Graph().parse(data=remote.stdout, format="turtle")) == \
            _graph_lines(Graph().parse(data=local.stdout, format="turtle"))
    else:
        assert remote.stdout == local.stdout


# --- rdflib SPARQLStore -----------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_rdflib_sparqlstore(method, fmt, ncts_endpoint, expected):
    from rdflib import Dataset, Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(ncts_endpoint, method=method, returnFormat=fmt)
    union = Dataset(store=store, default_union=True)
    assert sorted(str(row[0]) for row in union.query(QUERIES["select"])) == expected["select"]
    assert union.query(QUERIES["ask"]).askAnswer is expected["ask"]
    assert _graph_lines(union.query(QUERIES["construct"]).graph) == expected["construct"]
    assert _graph_lines(union.query(QUERIES["describe"]).graph) == expected["describe"]
    partners = Graph(store=store, identifier=URIRef(P))  # sent as default-graph-uri
    expected_size = int(ncts_graph.query(f"SELECT (COUNT(*) AS ?n) FROM <{P}> WHERE {{ ?s ?p ?o }}")[0]["n"])
    assert len(partners) == expected_size
    assert sum(1 for _ in partners.triples((None, None, None))) == expected_size


# --- npm clients ------------------------------------------------------------------------------

NPM_CASES = [(client, method) for client, methods in
             {"fetch-sparql-endpoint": ["GET", "POST"], "sparql-http-client": ["get", "postUrlencoded", "postDirect"]}.items()
             for method in methods]


def _node(endpoint: str, cases: list) -> dict:
    node = shutil.which("node")
    assert node, "Node.js is needed for the npm client tests (make clients)"
    assert (CLIENTS / "node_modules" / "fetch-sparql-endpoint").is_dir(), "run `make clients` (scripts/install-clients.sh)"
    out = subprocess.run([node, str(CLIENTS / "run.mjs")], input=json.dumps({"endpoint": endpoint, "cases": cases}),
                         capture_output=True, text=True, timeout=300, cwd=CLIENTS)
    assert out.returncode == 0, out.stderr
    return {r["id"]: r for r in json.loads(out.stdout)}


@pytest.mark.parametrize("client, method", NPM_CASES)
def test_npm_clients(client, method, ncts_endpoint, expected):
    cases = [{"id": form, "client": client, "method": method, "form": form, "query": text} for form, text in QUERIES.items()]
    cases.append({"id": "dataset", "client": client, "method": method, "form": "select", "defaultGraph": [P],
                  "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    got = _node(ncts_endpoint, cases)
    for form in QUERIES:
        assert got[form].get("value") == expected[form], (form, got[form])
    size = ncts_graph.query(f"SELECT (COUNT(*) AS ?n) FROM <{P}> WHERE {{ ?s ?p ?o }}")[0]["n"]
    assert got["dataset"].get("value") == [str(size)], got["dataset"]
