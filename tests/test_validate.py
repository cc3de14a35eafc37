"""SHACL validation: the bundled graph, the rules, the engine, the CLI and bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from ncts_graph.namespaces import compact
from ncts_graph.validate import validate

from conftest import BAD_RDF_IDS, BAD_RDF_INPUTS, FIXTURES, ROOT, run_ncts

SH = Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
VALID = ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl"
INVALID = ROOT / "examples" / "measures" / "invalid"


@pytest.fixture(scope="module")
def bundled_report(graph):
    return validate(graph=graph, lang="en", as_of="2026-11-23")


def test_bundled_graph_conforms_without_violations(bundled_report):
    assert bundled_report.conforms
    assert bundled_report.counts()["violation"] == 0
    # the two Dutch acts whose BWB identifier could not be verified (see data/legal-bases.ttl)
    warned = sorted(compact(r.focus) for r in bundled_report.results if r.severity == "warning")
    assert warned == ["law:twbmt", "law:wet-langdurig-toezicht"]


def test_every_curator_supplied_basis_gets_one_info(graph, bundled_report):
    from ncts_graph import select

    rows = select(graph, """SELECT ?m ?law WHERE { ?m a ncts:Measure ; ncts:curatorLegalBasis ?law .
                            FILTER NOT EXISTS { ?m ncts:statedLegalBasis ?law } }""")
    infos = {(r.focus, r.value) for r in bundled_report.results if r.severity == "info"}
    assert infos == {(row["m"], row["law"]) for row in rows} and len(infos) > 50
    assert all(r.file.startswith("data/") and r.line for r in bundled_report.results)


def test_temporal_rule_follows_the_reference_date(graph):
    """The Tijdelijke wet ends on 1 March 2027: the measures resting on it alone lose their basis then."""
    before = validate(graph=graph, as_of="2027-02-28")
    after = validate(graph=graph, as_of="2027-03-01")
    shape = "https://w3id.org/ncts-graph/shapes#LegalBasisInForceShape"
    assert not [r for r in before.results if str(r.source_shape) == shape]
    lost = {compact(r.focus): compact(r.value) for r in after.results if str(r.source_shape) == shape}
    assert lost == {"m:meldplicht": "law:twbmt", "m:gebiedsverbod": "law:twbmt", "m:contactverbod": "law:twbmt",
                    "m:uitreisverbod": "law:twbmt"}
    assert all(r.severity == "warning" and "2027-03-01" in r.message for r in after.results
               if str(r.source_shape) == shape)
    # a measure with a second basis in force keeps it: m:tijdelijke-wet-... measures with Wet op de ... are absent
    assert after.conforms and not after.counts()["violation"]


def test_reference_date_defaults_to_today():
    report = validate([VALID])
    assert report.as_of == dt.date.today()


def test_project_engine_matches_plain_pyshacl():
    """SHACL-SPARQL runs on Oxigraph; the results must be exactly those of pyshacl alone."""
    import pyshacl

    from ncts_graph.build import union_graph
    from ncts_graph.load import load
    from ncts_graph.validate import load_shapes

    dataset = load([FIXTURES / "validation-engines.ttl"], bundled=False)
    ours = validate(graph=dataset, scope="all", as_of="2027-03-01")
    data = union_graph(dataset)
    data.add((URIRef("https://w3id.org/ncts-graph/shapes#run"), URIRef("https://w3id.org/ncts-graph/shapes#asOf"),
              Literal("2027-03-01", datatype=XSD_DATE)))
    _, plain, _ = pyshacl.validate(data, shacl_graph=load_shapes(), allow_warnings=True, allow_infos=True)

    def keys(report_graph):
        return {(report_graph.value(n, SH.focusNode), report_graph.value(n, SH.resultPath) if not
                 isinstance(report_graph.value(n, SH.resultPath), type(n)) else "complex",
                 report_graph.value(n, SH.value), report_graph.value(n, SH.resultSeverity),
                 report_graph.value(n, SH.sourceConstraintComponent))
                for n in report_graph.subjects(RDF_TYPE, SH.ValidationResult)}

    plain_keys, our_keys = keys(plain), keys(ours.graph)
    sparql = {k for k in plain_keys if k[4] == SH.SPARQLConstraintComponent}
    assert len(sparql) >= 15  # the fixture trips every SHACL-SPARQL constraint
    assert {str(k[3]) for k in sparql} == {str(SH.Violation), str(SH.Warning), str(SH.Info)}
    assert our_keys == plain_keys


def test_files_scope_reports_only_the_files_nodes(graph):
    report = validate([VALID])
    assert report.results == []
    everything = validate([VALID], scope="all")
    assert everything.counts()["info"] > 50  # the bundled data's curator-supplied bases


def test_dataset_is_left_as_it_was():
    from ncts_graph.load import load

    dataset = load([INVALID / "involvement-without-role.ttl"])
    before = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    validate([INVALID / "involvement-without-role.ttl"], graph=dataset)
    after = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    assert before == after


def test_inference_rdfs_types_a_measure_from_its_properties():
    untyped = INVALID / "not-typed-as-measure.ttl"
    assert not validate([untyped]).conforms
    for inference in ("rdfs", "owlrl"):  # rdfs:domain of ncts:addressesThreat is ncts:Measure
        inferred = validate([untyped], inference=inference)
        assert inferred.conforms, (inference, [r.as_dict() for r in inferred.failing])


def test_extra_and_replacement_shapes(tmp_path):
    extra = tmp_path / "spearhead.ttl"
    extra.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ncts: <https://w3id.org/ncts-graph/def#> .
<https://example.org/shapes#NeedsSpearhead> a sh:NodeShape ; sh:targetClass ncts:Measure ;
  sh:property [ sh:path ncts:spearhead ; sh:minCount 1 ; sh:severity sh:Warning ;
                sh:message "Noem een speerpunt."@nl , "Name a spearhead."@en ] .""")
    added = validate([VALID], shapes=[extra], lang="en")
    assert [(r.severity, r.message) for r in added.results] == [("warning", "Name a spearhead.")]
    only = validate([INVALID / "no-legal-basis.ttl"], shapes=[extra], bundled_shapes=False)
    assert [r.component for r in only.results] == ["sh:MinCountConstraintComponent"]
    assert compact(only.results[0].path) == "ncts:spearhead"


# --- the command line ---------------------------------------------------------------

def test_cli_valid_file_exit_0():
    out = run_ncts("validate", VALID)
    assert out.returncode == 0, out.stderr
    assert "0 overtredingen" in out.stdout and "voldoet" in out.stdout


def test_cli_text_report_is_made_for_people():
    bad = INVALID / "involvement-without-role.ttl"
    out = run_ncts("validate", "--lang", "en", bad)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    line_no = next(i for i, l in enumerate(bad.read_text().splitlines(), 1) if "ncts:involvement [" in l)
    assert lines[0].startswith(f"{bad.relative_to(ROOT)}:{line_no}  [ ] under ex:gebiedsverbod-zonder-rol") or \
        lines[0].startswith(f"{bad}:{line_no}  [ ] under ex:gebiedsverbod-zonder-rol")
    assert '"Area ban with a partner without a role"' in lines[0]
    assert "violation" in lines[1] and "ncts:role:" in lines[1] and "exactly one role" in lines[1]
    assert "sh:MinCountConstraintComponent, nctsh:PartnerInvolvementShape" in lines[2]
    assert lines[-1] == f"1 measure, 1 quote in {bad}; 1 violation, 0 warnings, 0 infos: does not conform (fail-on: violation)"


def test_cli_fail_on_and_as_of():
    expired = INVALID / "only-basis-expired.ttl"
    assert run_ncts("validate", "--as-of", "2027-03-01", expired).returncode == 0
    out = run_ncts("validate", "--as-of", "2027-03-01", "--fail-on", "warning", expired)
    assert out.returncode == 1 and "1 waarschuwing" in out.stdout
    assert run_ncts("validate", "--as-of", "2027-02-28", "--fail-on", "warning", expired).returncode == 0


def test_cli_json_and_ttl_reports():
    bad = INVALID / "no-legal-basis.ttl"
    out = run_ncts("validate", "--format", "json", "--lang", "en", bad)
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert data["conforms"] is False and data["counts"] == {"violation": 1, "warning": 0, "info": 0}
    (result,) = data["results"]
    assert result["focus"] == "ex:gebiedsverbod-zonder-grondslag" and result["severity"] == "violation"
    assert result["component"] == "sh:MinCountConstraintComponent" and result["line"] > 1
    assert result["path"] == "ncts:statedLegalBasis|ncts:curatorLegalBasis|ncts:legalBasis"
    assert set(result["messages"]) == {"nl", "en"} and result["message"] == result["messages"]["en"]
    ttl = run_ncts("validate", "--format", "ttl", bad)
    report = Graph().parse(data=ttl.stdout, format="turtle")
    root = report.value(predicate=RDF_TYPE, object=SH.ValidationReport)
    assert report.value(root, SH.conforms) == Literal(False)
    assert len(list(report.objects(root, SH.result))) == 1


def test_cli_bundled_graph():
    out = run_ncts("validate", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert " in the bundled graph; 0 violations, 2 warnings, " in out.stdout.splitlines()[-1]
    quiet = run_ncts("validate", "--lang", "en", "--quiet")
    assert quiet.stdout.splitlines() == out.stdout.splitlines()[-1:]


@pytest.mark.parametrize("content, message", BAD_RDF_INPUTS, ids=BAD_RDF_IDS)
def test_cli_bad_input_exit_2(tmp_path, content, message):
    bad = tmp_path / "mine.ttl"
    bad.write_bytes(content)
    out = run_ncts("validate", bad)
    assert out.returncode == 2
    assert str(bad) in out.stderr and message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert out.stdout == ""  # never a half report


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.ttl"], "missing.ttl: file not found"),
        (["--shapes", "no-such-shapes.ttl", str(VALID)], "no-such-shapes.ttl: file not found"),
        (["--shapes", str(VALID), str(VALID)], "not SHACL shapes"),
        (["--no-bundled-shapes", str(VALID)], "needs at least one --shapes"),
        (["--as-of", "tomorrow", str(VALID)], "not a date"),
    ],
)
def test_cli_usage_errors_exit_2(args, message):
    out = run_ncts("validate", *args)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""


def test_cli_broken_shapes_exit_2(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
<https://example.org/S> a sh:NodeShape ; sh:targetClass <https://example.org/C> ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p }" ] .""")
    out = run_ncts("validate", "--shapes", broken, VALID)
    assert out.returncode == 2 and out.stderr.startswith(f"ncts: error: {broken}: shapes unusable: SPARQL syntax error")
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
