"""Issue 14: property-based (hypothesis) tests of what reads user text.

* the parameter parser and binder (library.to_term, bind.bind): any text for any parameter
  type either binds to an escaped RDF term, giving a query that parses and hands the value
  back unchanged, or is refused with NctsError; never injected query text, never another
  exception;
* the query-text handling (bind.tokens, sparql.check_nesting, service_targets, query_form,
  blank_out, strip_comments): arbitrary text raises nothing but NctsError, and the tokenizer
  gives the text back exactly;
* the RDF loaders (load.load with rdflib, query.fill with Oxigraph): arbitrary or mutated
  bytes as .ttl, .nt, .jsonld, .rdf or .trig give a graph or NctsError.

Derandomized and without an example database, so every run (and CI) tries the same cases;
a modest number of examples keeps the file to seconds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from ncts_graph.errors import NctsError

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

#: any text, lone surrogates too (a non-UTF-8 command-line argument arrives as one)
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)

#: text made of the pieces that matter to a SPARQL scanner, mixed with arbitrary characters
SPARQL_PIECES = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "SERVICE", "SILENT", "FILTER", "EXISTS", "BIND",
                 "AS", "VALUES", "GROUP BY", "ORDER BY", "BOUND", "{", "}", "(", ")", "[", "]", "?x", "$y", "*", ".",
                 ";", ",", "<http://a/>", "<", ">", "ncts:x", "zz:y", ":", '"', "'", '"""', "'''", "\\", "\\u0049",
                 "#", "\n", " ", "1", "true", "@en", "^^xsd:date", "a"]
SPARQL_TEXT = st.lists(st.one_of(st.sampled_from(SPARQL_PIECES), ANY_TEXT), max_size=25).map(" ".join)


# --- the parameter parser and binder ---------------------------------------------------------

TEMPLATES = [
    "SELECT ?v WHERE { BIND(?x AS ?v) }",  # an expression
    "SELECT ?x WHERE { }",  # the projection: becomes (term AS ?x)
    "SELECT ?v WHERE { BIND(?x AS ?v) FILTER(STR(?x) != '?x # \"?x') } # ?x",  # the name in strings and comments
]


@pytest.mark.parametrize("kind", ["iri", "date", "integer", "boolean", "string", None])
@FUZZ
@given(value=ANY_TEXT)
@example(value='x" || true || "')
@example(value="x' } ; DROP ALL ; SELECT * { '")
@example(value="<http://a/> } UNION { ?s ?p ?o")
@example(value="ncts:x> ?p ?o . <y")
@example(value="\udcff")
@example(value="2024-02-30")
@example(value="+0007")
def test_a_parameter_binds_as_one_term_or_is_refused(kind, value):
    import pyoxigraph as ox

    from ncts_graph.bind import bind
    from ncts_graph.library import to_term
    from ncts_graph.results import from_oxigraph

    try:
        term = to_term(value, kind, "x")
    except NctsError:
        return
    for template in TEMPLATES:
        try:
            text = bind(template, {"x": term})
        except NctsError:
            continue
        answer = list(ox.Store().query(text))  # parses (else SyntaxError: the test fails)
        assert len(answer) == 1, text
        got = from_oxigraph(answer[0][0])
        assert (got.type, got.value, _datatype(got), got.lang or None) == \
            (term.type, term.value, _datatype(term), term.lang or None), text
        if kind == "string":
            assert got.value == value  # a string comes back as given: nothing of it became query text


def _datatype(term):
    """A plain literal's datatype is xsd:string (RDF 1.1), however a term spells it."""
    if term.type == "literal" and not term.lang:
        return term.datatype or "http://www.w3.org/2001/XMLSchema#string"
    return None


# --- the query-text handling -------------------------------------------------------------------

@FUZZ
@given(query=SPARQL_TEXT)
@example(query="SELECT * WHERE { SERVICE <http://a/> { ?s ?p ?o }")
@example(query="'''" + "a'" * 50)
@example(query="{" * 150 + "}" * 150)
def test_query_text_handling_raises_only_ncts_errors(query):
    from ncts_graph.bind import tokens
    from ncts_graph.sparql import blank_out, check_nesting, query_form, service_targets, strip_comments

    assert "".join(text for _, text in tokens(query)) == query  # the tokenizer loses nothing
    assert len(blank_out(query)) == len(query) and blank_out(query).count("\n") == query.count("\n")
    assert strip_comments(query).count("\n") == query.count("\n")  # error positions on later lines stay right
    assert query_form(query) in ("select", "ask", "construct", "describe")
    for check in (check_nesting, service_targets):
        try:
            check(query)
        except NctsError:
            pass


# --- the RDF loaders ---------------------------------------------------------------------------

SAMPLES = {
    ".ttl": b'@prefix ex: <http://example.org/> .\nex:a ex:b "c"@en, 1, true ; ex:d [ ex:e ex:f ] .\n',
    ".nt": b'<http://example.org/a> <http://example.org/b> "c\\u00e9"^^<http://example.org/t> .\n',
    ".trig": b'@prefix ex: <http://example.org/> .\nex:g { ex:a ex:b ex:c . }\n',
    ".jsonld": b'{"@context": {"ex": "http://example.org/"}, "@id": "ex:a", "ex:b": [{"@value": "c"}, {"@id": "ex:d"}]}',
    ".rdf": b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
            b'<ex:b>c</ex:b></rdf:Description></rdf:RDF>\n',
}


@st.composite
def mutated(draw, sample: bytes) -> bytes:
    """A valid sample with a few bytes inserted, deleted or replaced."""
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(st.binary(min_size=1, max_size=4) | st.sampled_from([b"<", b">", b'"', b"{", b"}", b"@", b"\\",
                                                                         b"\xff", b"\x00", b"&", b"]]>", b":"]))
        if action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at:at + len(chunk)]
        else:
            data[at:at + len(chunk)] = chunk
    return bytes(data)


@pytest.mark.parametrize("ext", sorted(SAMPLES))
@FUZZ
@given(data=st.data())
def test_rdf_loaders_give_a_graph_or_an_ncts_error(ext, data):
    import pyoxigraph as ox

    from ncts_graph.load import load
    from ncts_graph.query import fill

    content = data.draw(st.binary(max_size=200) | mutated(SAMPLES[ext]), label="content")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{ext}"
        path.write_bytes(content)
        for attempt in (lambda: load([path], bundled=False), lambda: fill(ox.Store(), [path])):
            try:
                attempt()
            except NctsError as exc:
                assert "\n" not in str(exc) and path.name in str(exc), str(exc)


def test_the_samples_load():
    """The fuzzed samples are valid to begin with (else every mutation would test only the error path)."""
    import pyoxigraph as ox

    from ncts_graph.load import load
    from ncts_graph.query import fill

    with tempfile.TemporaryDirectory() as folder:
        for ext, content in SAMPLES.items():
            path = Path(folder) / f"sample{ext}"
            path.write_bytes(content)
            assert len(load([path], bundled=False)) >= 1, ext
            store = ox.Store()
            fill(store, [path])
            assert len(store) >= 1, ext
