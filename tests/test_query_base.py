"""The base IRI of a query read from a .rq file is the file's URI (SPARQL 1.1 Query 4.1.1.1,
RFC 3986 5.1.3: the URI the query was retrieved from), unless the query sets BASE; the same
answer on every engine of ``ncts query``: embedded Oxigraph, rdflib, a --store, and a remote
--endpoint (sent with that BASE, so the server resolves as the embedded engines do). Before,
``ncts query my.rq`` refused relative IRIs on the embedded engines and a remote endpoint
resolved them against its own URL. SPARQL text (-e) has no base outside an endpoint: refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, run_ncts

CASES = {  # file name -> (query, the subject of the one triple it constructs, relative to the file)
    "relative.rq": ("# relative IRIs, no BASE\nCONSTRUCT { <a> <#p> <../c> } WHERE {}\n", "a"),
    "own-base.rq": ("BASE <http://example.org/x/>\nCONSTRUCT { <a> <b> <c> } WHERE {}\n", None),
    "relative-base.rq": ("BASE <deeper/>\nCONSTRUCT { <a> <b> <c> } WHERE {}\n", "deeper/a"),
    "prefix.rq": ("PREFIX here: <terms#>\nCONSTRUCT { here:a here:b here:c } WHERE {}\n", "terms#a"),
}


def _expected(path: Path, name: str) -> str:
    """The N-Triples line the query in ``path`` constructs."""
    folder = path.parent.resolve().as_uri() + "/"
    if name == "relative.rq":
        return f"<{folder}a> <{path.resolve().as_uri()}#p> <{path.parent.parent.resolve().as_uri()}/c> ."
    if name == "own-base.rq":
        return "<http://example.org/x/a> <http://example.org/x/b> <http://example.org/x/c> ."
    if name == "relative-base.rq":
        return f"<{folder}deeper/a> <{folder}deeper/b> <{folder}deeper/c> ."
    return f"<{folder}terms#a> <{folder}terms#b> <{folder}terms#c> ."


@pytest.fixture
def queries(tmp_path):
    folder = tmp_path / "my queries" / "sub"  # a space: the file URI is percent-encoded
    folder.mkdir(parents=True)
    for name, (text, _) in CASES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _nt(graph) -> str:
    return "\n".join(sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph))


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib", "store"])
def test_a_query_file_resolves_against_its_own_uri(queries, tmp_path, engine, name):
    from ncts_graph.query import query

    path = queries / name
    options = {"store": tmp_path / "store"} if engine == "store" else {"engine": engine}
    assert _nt(query(str(path), **options)) == _expected(path, name)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_cli_resolves_a_query_file_against_it(queries, engine):
    path = queries / "relative.rq"
    out = run_ncts("query", "--engine", engine, "--format", "nt", path.name, cwd=queries)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == _expected(path, "relative.rq")
    text = run_ncts("query", "--engine", engine, "--format", "nt", "-e", CASES["relative.rq"][0], cwd=queries)
    assert text.returncode == 2 and "relative IRI <a> and no BASE" in text.stderr  # SPARQL text: no base
    text = run_ncts("query", "--engine", engine, "-e", CASES["relative-base.rq"][0], cwd=queries)
    assert text.returncode == 2 and "query:1:6: relative IRI <deeper/> and no BASE" in text.stderr  # (rdflib kept <deeper/a>)


@pytest.mark.parametrize("name", list(CASES))
def test_endpoint_gets_the_file_base_and_resolves_the_same(queries, ncts_endpoint, name):
    """ncts serve's /sparql would resolve <a> against its own URL; the query arrives with the
    file's BASE, so the answer is the embedded engines' answer."""
    from ncts_graph.query import query

    path = queries / name
    assert _nt(query(str(path), endpoint=ncts_endpoint)) == _expected(path, name)


def test_a_real_oxigraph_server_resolves_the_same(queries, oxigraph_server):
    from ncts_graph.query import query

    for name in CASES:
        path = queries / name
        assert _nt(query(str(path), endpoint=oxigraph_server + "/query")) == _expected(path, name)


def test_the_file_path_is_sent_only_when_the_query_needs_a_base(queries):
    from ncts_graph.protocol import with_base

    base = (queries / "x.rq").resolve().as_uri()
    assert with_base("SELECT * WHERE { ?s <http://e/p> ?o }", base) == "SELECT * WHERE { ?s <http://e/p> ?o }"
    assert with_base(CASES["own-base.rq"][0], base) == CASES["own-base.rq"][0]
    assert with_base(CASES["relative.rq"][0], base) == f"BASE <{base}>\n" + CASES["relative.rq"][0]
    assert with_base(CASES["relative-base.rq"][0], base).startswith(f"BASE <{base}>\nBASE <deeper/>")


def test_library_queries_need_no_base():
    """Library queries run locally (base: their installed file) and in the workbench on /sparql
    (base: the endpoint): with absolute IRIs only, both answer alike wherever ncts is installed."""
    from ncts_graph.protocol import relative_iri

    files = sorted((ROOT / "queries").rglob("*.rq"))
    assert len(files) > 20
    assert [(f.name, relative_iri(f.read_text(encoding="utf-8"))) for f in files
            if relative_iri(f.read_text(encoding="utf-8"))] == []
