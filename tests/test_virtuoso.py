"""Virtuoso 7 (Debian's virtuoso-opensource) as a second real triple store: push with its
Digest auth, query with and without it, and the errors a user meets on the way.
The library questions on it are in test_library.py (engine "virtuoso")."""

from __future__ import annotations

import urllib.parse

import ncts_graph
from conftest import GRAPH_ALL, run_ncts
from test_remote_errors import one_line_exit_2

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_push_replaces_and_every_triple_arrives(virtuoso_server, virtuoso_endpoint):
    distinct = len({tuple(r.values()) for r in ncts_graph.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")})
    assert int(ncts_graph.query(COUNT, endpoint=virtuoso_endpoint)[0]["n"]) == distinct
    again = run_ncts("push", "--endpoint", virtuoso_server + "/sparql-graph-crud-auth", "--graph", GRAPH_ALL,
                     "--user", "dba", env={"NCTS_ENDPOINT_PASSWORD": "dba"})
    assert again.returncode == 0 and f"pushed {distinct} triples" in again.stdout, again.stderr
    assert int(ncts_graph.query(COUNT, endpoint=virtuoso_endpoint)[0]["n"]) == distinct  # PUT: still one copy


def test_authenticated_query_endpoint_uses_digest(virtuoso_server, virtuoso_endpoint):
    url = virtuoso_server + "/sparql-auth?" + urllib.parse.urlencode({"default-graph-uri": GRAPH_ALL})
    out = run_ncts("query", "--endpoint", url, "--user", "dba", "--format", "csv", "-e", COUNT,
                   env={"NCTS_ENDPOINT_PASSWORD": "dba"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[1] == str(ncts_graph.query(COUNT, endpoint=virtuoso_endpoint)[0]["n"])
    wrong = run_ncts("query", "--endpoint", url, "--user", "dba", "-e", COUNT, env={"NCTS_ENDPOINT_PASSWORD": "nope"})
    one_line_exit_2(wrong, "401 unauthorised: the store refused user 'dba' (wrong user or password?)")
    anonymous = run_ncts("query", "--endpoint", url, "-e", COUNT)
    one_line_exit_2(anonymous, "401 unauthorised: the store wants a user and password")


def test_push_without_or_with_wrong_credentials_says_401(virtuoso_server):
    """Virtuoso answers a PUT without credentials with 401 and hangs up before reading the
    body: a broken pipe that must still read as what it is."""
    store = virtuoso_server + "/sparql-graph-crud-auth"
    out = run_ncts("push", "--endpoint", store, "--graph", "https://example.org/g")
    one_line_exit_2(out, "401 unauthorised: the store wants a user and password")
    out = run_ncts("push", "--endpoint", store, "--graph", "https://example.org/g", "--user", "dba",
                   env={"NCTS_ENDPOINT_PASSWORD": "not-the-password"})
    one_line_exit_2(out, "401 unauthorised: the store refused user 'dba' (wrong user or password?)")
    anonymous_store = virtuoso_server + "/sparql-graph-crud"  # no auth asked, but no right to write either
    out = run_ncts("push", "--endpoint", anonymous_store, "--graph", "https://example.org/g")
    one_line_exit_2(out, "HTTP 403")


def test_virtuoso_errors_are_one_line(virtuoso_endpoint):
    out = run_ncts("query", "--endpoint", virtuoso_endpoint, "-e", "SELECT ?x WHERE { ?x ?y ?z FILTER(?x = ) }")
    one_line_exit_2(out, "HTTP 400: Virtuoso 37000 Error SP030")
