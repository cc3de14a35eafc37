"""The SHACL engine path of `ncts validate`, case by case: each test is a defect it once had.

Every case runs in both of the project's modes: the whole graph (``scope="all"``) and a
user's file (``validate([file])``: results restricted to the nodes the file defines).
The W3C suite (tests/test_w3c_shacl.py) covers the rest of the specification.
"""

from __future__ import annotations

import http.server
import threading

import pytest
from rdflib import BNode, Literal, Namespace, URIRef

from ncts_graph.errors import NctsError
from ncts_graph.load import load
from ncts_graph.validate import validate

from conftest import ROOT, run_ncts

SH = Namespace("http://www.w3.org/ns/shacl#")
EX = Namespace("http://example.org/ns#")
HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/ns#"^^xsd:anyURI ] .
"""
VALID = ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl"


def run(tmp_path, shapes: str, data: str, mode: str, **options):
    (tmp_path / "shapes.ttl").write_text(HEAD + shapes)
    (tmp_path / "data.ttl").write_text(HEAD + data)
    files = [tmp_path / "data.ttl"]
    dataset = load(files, bundled=False)
    return validate(files if mode == "files" else None, graph=dataset, shapes=[tmp_path / "shapes.ttl"],
                    bundled_shapes=False, **options)


def keys(report):
    return {(r.focus, r.component) for r in report.results}


MODES = pytest.mark.parametrize("mode", ["all", "files"])


@MODES
def test_this_is_pre_bound_inside_union_and_not_exists(tmp_path, mode):
    """$this is substituted everywhere, not joined in front: a union branch sees it too."""
    shapes = """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:prefixes ex: ; sh:select '''
        SELECT $this WHERE { { FILTER NOT EXISTS { $this ex:p ?x } } UNION { $this ex:q "bad" } }''' ] ."""
    data = "ex:a a ex:C . ex:b a ex:C ; ex:p 1 . ex:c a ex:C ; ex:p 1 ; ex:q 'bad' ."
    report = run(tmp_path, shapes, data, mode)
    assert keys(report) == {(EX.a, "sh:SPARQLConstraintComponent"), (EX.c, "sh:SPARQLConstraintComponent")}


@MODES
def test_sparql_constraint_of_a_shape_reached_through_sh_node(tmp_path, mode):
    shapes = """ex:Outer a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:Inner .
    ex:Inner a sh:NodeShape ; sh:sparql [ sh:prefixes ex: ; sh:select
        "SELECT $this WHERE { FILTER NOT EXISTS { $this ex:p ?x } }" ] ."""
    report = run(tmp_path, shapes, "ex:a a ex:C . ex:b a ex:C ; ex:p 1 .", mode)
    assert keys(report) == {(EX.a, "sh:NodeConstraintComponent")}


def test_literal_and_blank_target_nodes(tmp_path):
    """sh:targetNode may name a literal or a blank node; both are focus nodes (whole graph)."""
    shapes = """ex:S a sh:NodeShape ; sh:targetNode "x" , 3 ; sh:datatype xsd:integer .
    ex:T a sh:NodeShape ; sh:targetNode "y" ; sh:sparql [ sh:select "SELECT $this WHERE { FILTER(isLiteral($this)) }" ] ."""
    report = run(tmp_path, shapes, "ex:a ex:p 1 .", "all")
    assert keys(report) == {(Literal("x"), "sh:DatatypeConstraintComponent"),
                            (Literal("y"), "sh:SPARQLConstraintComponent")}


@MODES
def test_nested_shapes_named_by_iri_and_implicit_class_targets(tmp_path, mode):
    shapes = """ex:C a rdfs:Class , sh:NodeShape ; sh:property ex:PS ; sh:or ( ex:S1 ex:S2 ) ; sh:node ex:N .
    ex:PS sh:path ex:p ; sh:minCount 1 .
    ex:S1 sh:property [ sh:path ex:q ; sh:minCount 1 ] .
    ex:S2 sh:property [ sh:path ex:r ; sh:minCount 1 ] .
    ex:N sh:property [ sh:path ex:s ; sh:maxCount 0 ] ."""
    report = run(tmp_path, shapes, "ex:a a ex:C ; ex:s 1 . ex:b a ex:C ; ex:p 1 ; ex:q 1 .", mode)
    assert keys(report) == {(EX.a, "sh:MinCountConstraintComponent"), (EX.a, "sh:OrConstraintComponent"),
                            (EX.a, "sh:NodeConstraintComponent")}


@MODES
def test_blank_node_focus_in_a_users_file(tmp_path, mode):
    shapes = """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ;
      sh:sparql [ sh:select "SELECT $this WHERE { FILTER(isBlank($this)) }" ] ."""
    report = run(tmp_path, shapes, "[] a ex:C .", mode)
    assert {c for f, c in keys(report)} == {"sh:MinCountConstraintComponent", "sh:SPARQLConstraintComponent"}
    assert all(isinstance(r.focus, BNode) for r in report.results)


@MODES
def test_prefixes_follow_owl_imports(tmp_path, mode):
    shapes = """ex:Mine owl:imports ex: ; sh:declare [ sh:prefix "t" ; sh:namespace "http://test.org/ns#"^^xsd:anyURI ] .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:prefixes ex:Mine ; sh:select
        "SELECT $this ?value WHERE { $this ex:p ?value . FILTER(?value = t:bad) }" ] ."""
    report = run(tmp_path, shapes, "ex:a a ex:C ; ex:p <http://test.org/ns#bad> . ex:b a ex:C .", mode)
    assert [(r.focus, r.value) for r in report.results] == [(EX.a, URIRef("http://test.org/ns#bad"))]


@MODES
def test_any_result_makes_the_report_not_conform(tmp_path, mode):
    """sh:conforms is false with any result (a warning, a custom severity); the CLI's verdict
    follows --fail-on separately."""
    shapes = """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity ex:Critical ;
      sh:sparql [ sh:select "SELECT $this WHERE { }" ] .
    ex:W a sh:NodeShape ; sh:targetClass ex:D ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] ."""
    for data, verdict in (("ex:a a ex:C .", False), ("ex:a a ex:D .", True)):
        report = run(tmp_path, shapes, data, mode)
        root = report.graph.value(predicate=URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                  object=SH.ValidationReport)
        assert report.graph.value(root, SH.conforms) == Literal(False)
        assert len(report.results) == 1 and report.conforms is verdict  # fail-on violation: a warning passes


@pytest.mark.parametrize("query, construct", [
    ("SELECT $this WHERE { $this ?p ?o . MINUS { $this ex:p 1 } }", "MINUS"),
    ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "VALUES"),
    ("SELECT $this WHERE { $this ?p ?o } VALUES ?o { 1 }", "VALUES"),
    ("SELECT $this WHERE { BIND(ex:a AS $this) }", "AS ?this"),
    ("SELECT $this WHERE { $this ?p ?o . { SELECT ?o WHERE { ?s ?q ?o } } }", "nested SELECT"),
    ("SELECT $this WHERE { $this ?p ?o . SERVICE <http://example.org/sparql> { ?o ?q ?r } }", "SERVICE"),
])
@MODES
def test_forbidden_sparql_is_a_shapes_error(tmp_path, mode, query, construct):
    shapes = f"""ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:prefixes ex: ; sh:select "{query}" ] ."""
    with pytest.raises(NctsError) as err:
        run(tmp_path, shapes, "ex:a a ex:C ; ex:p 1 .", mode)
    assert str(tmp_path / "shapes.ttl") in str(err.value) and construct in str(err.value)
    assert err.value.exit_code == 2


class _Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802 - the http.server API
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("where", ["sh:sparql", "property", "component"])
def test_service_in_shapes_is_refused_and_never_called(tmp_path, where):
    """A SERVICE in any SPARQL of the shapes is refused before anything runs: no request leaves."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/sparql"
        select = f'"SELECT $this WHERE {{ SERVICE <{url}> {{ }} }}"'
        shapes = {
            "sh:sparql": f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select {select} ] .",
            "property": f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:sparql [ sh:select {select} ] ] .",
            "component": f"""ex:Comp a sh:ConstraintComponent ; sh:parameter [ sh:path ex:flag ] ;
                sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK {{ SERVICE <{url}> {{ }} }}" ] .
                ex:S a sh:NodeShape ; sh:targetClass ex:C ; ex:flag true .""",
        }[where]
        (tmp_path / "shapes.ttl").write_text(HEAD + shapes)
        (tmp_path / "data.ttl").write_text(HEAD + "ex:a a ex:C ; ex:p 1 .")
        out = run_ncts("validate", "--no-bundled-shapes", "--shapes", tmp_path / "shapes.ttl", tmp_path / "data.ttl")
        assert out.returncode == 2 and out.stdout == ""
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
        assert str(tmp_path / "shapes.ttl") in out.stderr and "SERVICE" in out.stderr
        assert _Counter.hits == 0
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("shapes, message", [
    # pyshacl's own refusal (ValidationFailure) of a constraint it runs itself
    ("""ex:S a sh:NodeShape ; sh:targetClass ncts:Measure ; sh:property [ sh:path ex:p ; sh:sparql [
        sh:prefixes ex: ; sh:select "SELECT $this WHERE { $this $PATH ?v . MINUS { $this ex:p 2 } }" ] ] .""", "MINUS"),
    ("ex:S a sh:NodeShape ; sh:targetClass ncts:Measure ; sh:property [ sh:path ex:p ; sh:minCount \"many\" ] .",
     "minCount"),
    ("""ex:S a sh:NodeShape ; sh:targetClass ncts:Measure ; sh:sparql [ sh:select "SELECT $this WHERE { $this ?p }" ] .""",
     "SPARQL syntax error"),
])
def test_unusable_shapes_are_one_line_exit_2(tmp_path, shapes, message):
    (tmp_path / "shapes.ttl").write_text(HEAD + "@prefix ncts: <https://w3id.org/ncts-graph/def#> .\n" + shapes)
    out = run_ncts("validate", "--shapes", tmp_path / "shapes.ttl", VALID)
    assert out.returncode == 2 and out.stdout == "", out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert str(tmp_path / "shapes.ttl") in out.stderr and message in out.stderr
    with pytest.raises(NctsError, match=message):
        validate([VALID], shapes=[tmp_path / "shapes.ttl"])


@MODES
def test_subquery_limit_is_per_focus_node(tmp_path, mode):
    """A LIMIT inside a subquery applies per focus node (pre-binding), not once over all of them."""
    shapes = """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:prefixes ex: ; sh:select
        "SELECT $this WHERE { { SELECT $this WHERE { $this ex:p ?x } LIMIT 1 } }" ] ."""
    report = run(tmp_path, shapes, "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:p 2 . ex:c a ex:C .", mode)
    assert keys(report) == {(EX.a, "sh:SPARQLConstraintComponent"), (EX.b, "sh:SPARQLConstraintComponent")}


def test_bundled_sparql_constraints_run_as_one_query_each():
    """Speed: every SHACL-SPARQL constraint of the bundled shapes is one Oxigraph query."""
    from ncts_graph import shacl
    from ncts_graph.validate import load_shapes

    shapes = load_shapes()
    core, fast = shacl.split_shapes(shapes)
    assert len(fast) == len(list(shapes.subject_objects(SH.sparql))) >= 8
    assert all(c.join for c in fast)
    for c in fast:
        assert shacl.analyse(c.select)["forbidden"] is None


@pytest.mark.parametrize("query, endpoints", [
    ("SELECT * WHERE { ?s ?p ?o . SERVICE <http://example.org/sparql> { ?s ?p ?o } }", ["http://example.org/sparql"]),
    ("SELECT * WHERE { FILTER EXISTS { SERVICE SILENT ncts:x { ?s ?p ?o } } }", ["https://w3id.org/ncts-graph/def#x"]),
    ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }", [None]),
    ("sElEcT * WHERE { service <http://a.example/> { ?s ?p ?o } }", ["http://a.example/"]),
    ('ASK { ?s ?p "SERVICE <http://example.org/>" } # SERVICE <http://example.org/>', []),
])
def test_service_targets_from_the_parsed_query(query, endpoints):
    from ncts_graph.sparql import service_targets

    assert service_targets(query) == endpoints


@pytest.mark.parametrize("body, safe", [
    ("$this ex:a/ex:b ?v FILTER NOT EXISTS { $this ex:f+ ?y }", True),
    ("$this (ex:a|^ex:b)+ ?v", True),
    ("$this ex:a ?v FILTER NOT EXISTS { ?v ?p ?y }", False),  # a variable predicate
    ("$this ?p ?v FILTER NOT EXISTS { $this ?q ?y }", True),  # ... but of $this, a data node
    ("$this !ex:a ?v", False),  # a negated property set
    ("$this ex:a* ?v", False),  # length zero: every node of every graph
    ("$this ex:a? ?v", False),
    ("GRAPH ?g { $this ex:a ?v }", False),
    ("$this ex:a ?v . { SELECT ?v WHERE { ?v ?q ?z } }", False),
    ("$this ex:a ?v ; <urn:ncts-graph:compiled-focus> ?z", False),  # the focus graphs' own predicate
])
def test_union_safe(body, safe):
    """Which SHACL-SPARQL queries may read every graph of the store, the focus graphs included."""
    from ncts_graph.shacl import union_safe

    assert union_safe(f"PREFIX ex: <http://example.org/ns#> SELECT $this WHERE {{ {body} }}") is safe


@pytest.mark.parametrize("mode", ["all", "files", "big"])
@pytest.mark.parametrize("select", [
    "SELECT $this WHERE { ?s ?p $this }",  # incoming links: the focus graph links to every focus node
    "SELECT $this WHERE { ?x ex:p* ?y FILTER(STRSTARTS(STR(?y), 'urn:ncts-graph')) }",  # every node, length zero
])
def test_sparql_constraints_never_see_the_focus_graph(tmp_path, mode, select):
    """A query that could see the engine's own focus-node graphs reads the data graphs only."""
    shapes = f"""ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:prefixes ex: ; sh:select "{select}" ] ."""
    if mode == "big":  # files parsed by Oxigraph into named graphs, as `ncts validate` loads big input
        from ncts_graph.bigload import load_oxigraph

        (tmp_path / "shapes.ttl").write_text(HEAD + shapes)
        (tmp_path / "data.ttl").write_text(HEAD + "ex:a a ex:C . ex:b a ex:C .")
        report = validate(graph=load_oxigraph([tmp_path / "data.ttl"], bundled=False), scope="all",
                          shapes=[tmp_path / "shapes.ttl"], bundled_shapes=False)
    else:
        report = run(tmp_path, shapes, "ex:a a ex:C . ex:b a ex:C .", mode)
    assert report.conforms and keys(report) == set()


def test_bundled_constraints_with_fixed_predicates_read_the_union():
    """Speed: a bundled constraint whose predicates are all fixed reads Oxigraph's union of graphs."""
    from ncts_graph import shacl
    from ncts_graph.validate import load_shapes

    _, fast = shacl.split_shapes(load_shapes())
    union = {str(c.shape).rsplit("#", 1)[-1] for c in fast if c.union}
    assert {"LegalBasisInForceShape", "MeasureShape", "LegalBasisProvenanceShape", "NoPersonalDataShape"} <= union
    assert "NoEmailAddressShape" in union  # `$this ?path ?value`


@pytest.mark.parametrize("path, empty", [
    ("ex:p", False), ("( ex:p ex:q )", False), ("[ sh:inversePath ex:p ]", False),
    ("[ sh:oneOrMorePath ex:p ]", False), ("[ sh:zeroOrMorePath ex:p ]", True), ("[ sh:zeroOrOnePath ex:p ]", True),
    ("( [ sh:zeroOrOnePath ex:p ] [ sh:zeroOrMorePath ex:q ] )", True), ("( [ sh:zeroOrOnePath ex:p ] ex:q )", False),
    ("[ sh:alternativePath ( ex:p [ sh:zeroOrOnePath ex:q ] ) ]", True),
    ("[ sh:inversePath [ sh:zeroOrMorePath ex:p ] ]", True),
])
def test_may_be_empty(path, empty):
    """A path of length zero gives no prefilter (`[] path ?v` would miss a focus node not in the data)."""
    from rdflib import Graph

    from ncts_graph.shacl_compiled import _Compiler

    sg = Graph().parse(data=HEAD + f"ex:S sh:path {path} .", format="turtle")
    assert _Compiler(sg).may_be_empty(sg.value(EX.S, SH.path)) is empty


@pytest.mark.parametrize("body, binds", [
    ("$this ex:p ?x", True),
    ("{ $this ex:p ?x } UNION { ?y ex:q $this }", True),
    ("{ $this ex:p ?x } UNION { ?y ex:q ?x }", False),  # a branch leaves $this unbound
    ("OPTIONAL { $this ex:p ?x }", False),
    ("FILTER NOT EXISTS { $this ex:p ?x }", False),
    ("?x ex:p ?y FILTER(?x = $this)", False),
])
def test_binds_this(body, binds):
    from ncts_graph.shacl import binds_this

    assert binds_this(f"PREFIX ex: <http://example.org/ns#> SELECT $this WHERE {{ {body} }}") is binds


@pytest.mark.parametrize("mode", ["all", "files", "big"])
@pytest.mark.parametrize("few", [0, 1, 50])
def test_constraint_run_without_focus_nodes_first(tmp_path, monkeypatch, mode, few):
    """A query binding $this itself runs anywhere first, then for its $this alone (few results)
    or on every focus node (many): the results are the focus nodes' either way, never ex:b's."""
    from ncts_graph import shacl

    monkeypatch.setattr(shacl, "FEW", few)
    shapes = """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:prefixes ex: ; sh:select
        "SELECT $this ?value WHERE { { $this ex:p ?value } UNION { $this ex:q ?value } }" ] ."""
    data = "ex:a a ex:C ; ex:p 1 . ex:b ex:p 2 . ex:c a ex:C ; ex:q 3 . ex:d a ex:C ."
    if mode == "big":
        from ncts_graph.bigload import load_oxigraph

        (tmp_path / "shapes.ttl").write_text(HEAD + shapes)
        (tmp_path / "data.ttl").write_text(HEAD + data)
        report = validate(graph=load_oxigraph([tmp_path / "data.ttl"], bundled=False), scope="all",
                          shapes=[tmp_path / "shapes.ttl"], bundled_shapes=False)
    else:
        report = run(tmp_path, shapes, data, mode)
    assert {(r.focus, r.value) for r in report.results} == {(EX.a, Literal(1)), (EX.c, Literal(3))}


@pytest.mark.parametrize("flag", ["true", '"1"^^xsd:boolean', '"TRUE"^^xsd:boolean', '"false"^^xsd:boolean'])
@pytest.mark.parametrize("shapes", [
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:uniqueLang {flag} ; sh:message 'm'@en ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated {flag} ; sh:property [ sh:path ex:q ; sh:minCount 1 ;"
    " sh:message 'm'@en ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:deactivated {flag} ;"
    " sh:message 'm'@en ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:datatype"
    " rdf:langString ] ; sh:qualifiedMaxCount 1 ; sh:qualifiedValueShapesDisjoint {flag} ; sh:message 'm'@en ] ,"
    " [ sh:path ex:p ; sh:qualifiedValueShape [ sh:languageIn ( 'en' ) ] ; sh:qualifiedMinCount 1 ;"
    " sh:message 'm'@en ] .",
], ids=["uniqueLang", "deactivated-node", "deactivated-property", "disjoint"])
def test_shapes_read_booleans_as_pyshacl_does(tmp_path, flag, shapes):
    """Boolean parameters by value, as pyshacl reads them (the shapes parsed under its patch of
    rdflib, run from its module without importing pyshacl): "TRUE" is true, "1" is not."""
    import pyshacl

    data = "ex:a a ex:C ; ex:p 'x'@en , 'y'@en ."
    report = run(tmp_path, HEAD.replace("@prefix owl", "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
                                        "@prefix owl") + shapes.format(flag=flag), data, "all")
    _, graph, _ = pyshacl.validate(str(tmp_path / "data.ttl"), shacl_graph=str(tmp_path / "shapes.ttl"))
    expected = {(graph.value(n, SH.focusNode), "sh:" + str(graph.value(n, SH.sourceConstraintComponent)).rsplit("#", 1)[-1])
                for n in graph.subjects(None, SH.ValidationResult)}
    assert keys(report) == expected


def test_one_measure_validates_without_importing_pyshacl():
    """Speed of the cold start: a valid measure needs nothing of pyshacl (its import is 0.2 s)."""
    import subprocess
    import sys

    code = ("import sys; from ncts_graph.validate import validate; "
            f"report = validate([{str(VALID)!r}]); print(report.conforms, 'pyshacl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["True", "False"], out.stderr
