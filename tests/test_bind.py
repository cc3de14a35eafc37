"""Parameters are written in as escaped terms at their variable tokens, and nowhere else."""

from __future__ import annotations

import pytest

import ncts_graph
from conftest import run_ncts
from ncts_graph.bind import bind, tokens
from ncts_graph.errors import NctsError
from ncts_graph.results import Term

EN = Term("literal", "en")
PGEE = Term("uri", "https://w3id.org/ncts-graph/threat/pgee")


@pytest.mark.parametrize("query, bound", [
    # variable tokens only: not in strings (all four forms), IRIs, comments, prefixed-name escapes
    ('SELECT ?x WHERE { ?x ?p ?lang FILTER(?x != "?lang" && ?x != \'$lang\') } # ?lang',
     'SELECT ?x WHERE { ?x ?p "en" FILTER(?x != "?lang" && ?x != \'$lang\') } # ?lang'),
    ("SELECT ?x WHERE { ?x <http://e/?lang#x> $lang ; ex:it\\'s '''it's ?lang''' }",
     "SELECT ?x WHERE { ?x <http://e/?lang#x> \"en\" ; ex:it\\'s '''it's ?lang''' }"),
    ('SELECT ?x WHERE { ?x ?p """a "?lang" b""" . ?x ?q ?language }',
     'SELECT ?x WHERE { ?x ?p """a "?lang" b""" . ?x ?q ?language }'),
    # where the grammar wants a variable, the meaning is kept
    ("SELECT ?x ?lang WHERE { ?x ?p ?l FILTER(LANG(?l) = ?lang) } GROUP BY ?x ?lang ORDER BY DESC(?lang) ?lang",
     'SELECT ?x ("en" AS ?lang) WHERE { ?x ?p ?l FILTER(LANG(?l) = "en") } GROUP BY ?x ("en" AS ?lang_group) ORDER BY DESC("en") ("en")'),
    ("ASK { ?x ?p ?l FILTER(BOUND(?lang) && !BOUND( ?l )) }", 'ASK { ?x ?p ?l FILTER((true) && !BOUND( ?l )) }'),
    ("SELECT * WHERE { ?x ?p ?o }", 'SELECT * WHERE { ?x ?p ?o  BIND("en" AS ?lang) }'),
    ("SELECT ?x WHERE { { SELECT * WHERE { ?x ?p ?lang } } }", 'SELECT ?x WHERE { { SELECT * WHERE { ?x ?p "en" } } }'),
])
def test_only_variable_tokens_are_replaced(query, bound):
    assert bind(query, {"lang": EN}) == bound
    assert "".join(text for _, text in tokens(query)) == query  # the tokenizer loses nothing


@pytest.mark.parametrize("query", ["SELECT ?x WHERE { ?x ?p ?o BIND(1 AS ?lang) }",
                                   "SELECT (LANG(?o) AS ?lang) WHERE { ?x ?p ?o }",
                                   "SELECT ?x WHERE { VALUES (?x ?lang) { (1 2) } }",
                                   "SELECT ?x WHERE { ?x ?p ?o } VALUES ?lang { 1 }"])
def test_a_query_that_binds_the_parameter_itself_is_refused(query):
    with pytest.raises(NctsError, match="the query binds [?]lang itself"):
        bind(query, {"lang": EN})


@pytest.mark.parametrize("term", [Term("uri", "http://x/> } DELETE { ?s ?p ?o"), Term("uri", "no iri"),
                                  Term("literal", "x", lang="en } ; DROP ALL"), Term("bnode", "b0")])
def test_terms_that_are_not_rdf_are_refused(term):
    with pytest.raises(NctsError):
        bind("SELECT ?x WHERE { ?x ?p ?v }", {"v": term})


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib", "virtuoso"])
def test_bound_queries_mean_the_same_on_each_engine(engine, request):
    where = {"endpoint": request.getfixturevalue("virtuoso_endpoint")} if engine == "virtuoso" else {"engine": engine}
    select = "SELECT ?lang ?l WHERE { m:meldplicht rdfs:label ?l FILTER(LANG(?l) = ?lang) } GROUP BY ?lang ?l ORDER BY ?lang"
    rows = ncts_graph.query(select, {"lang": "en"}, **where)
    assert [(str(r["lang"]), str(r["l"])) for r in rows] == [("en", "Reporting obligation")]  # the column stays
    star = ncts_graph.query("SELECT * WHERE { m:meldplicht rdfs:label ?l FILTER(LANG(?l) = ?lang) }", {"lang": "en"},
                            **where)
    assert [(str(r["lang"]), str(r["l"])) for r in star] == [("en", "Reporting obligation")]
    # a FILTER in a nested group sees the parameter too (a VALUES block at the top would not reach it)
    nested = ncts_graph.query("SELECT ?l WHERE { { m:meldplicht rdfs:label ?l FILTER(LANG(?l) = ?lang) } }",
                              {"lang": "en"}, **where)
    assert [str(r["l"]) for r in nested] == ["Reporting obligation"]
    assert ncts_graph.query("ASK { ?m ncts:addressesThreat ?t FILTER(BOUND(?t)) }", {"t": "threat:pgee"}, **where)


def test_cli_refuses_a_parameter_the_query_binds():
    out = run_ncts("query", "-e", "SELECT ?x WHERE { BIND(1 AS ?x) }", "-p", "x=2")
    assert out.returncode == 2 and "parameter x: the query binds ?x itself" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_library_text_bound_for_the_page_has_no_values_block():
    from ncts_graph.library import bindings, find
    from ncts_graph.sparql import bind_values

    q = find("measures-per-threat")
    text = bind_values(q.text, bindings(q, {}, "en"))
    assert "VALUES" not in text and '"en"' in text and "<https://w3id.org/ncts-graph/threat/" in text
    assert "?lang" not in text.split("\n", 1)[1] or "# " in text  # only in the header comments


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_value_that_cannot_stand_there_is_named(engine):
    """A string where the query has ?p as a predicate: the parameter is named, not a parser position."""
    out = run_ncts("query", "--engine", engine, "-e", "SELECT ?s WHERE { ?s ?p ?o }", "-p", "p=hello")
    assert out.returncode == 2 and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert 'parameter p: its value "hello" cannot stand where the query uses ?p' in out.stderr
