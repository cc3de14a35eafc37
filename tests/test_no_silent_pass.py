"""No verb passes a user's file silently (issue 9): validate, check and quotes say what they
checked, fail on a file that defines nothing, name unknown and near-miss project terms with
the nearest known one, and agree with each other."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef

from ncts_graph.hygiene import check, checks
from ncts_graph.load import load
from ncts_graph.validate import render_json, render_text, validate

from conftest import ROOT, run_ncts

VALID = ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl"
TEXT = VALID.read_text(encoding="utf-8")
NCTS = "https://w3id.org/ncts-graph/def#"


def variant(tmp_path, name: str, old: str, new: str):
    """The valid example with one mistake a user makes."""
    assert old in TEXT
    path = tmp_path / name
    path.write_text(TEXT.replace(old, new), encoding="utf-8")
    return path


@pytest.fixture
def slash_namespace(tmp_path):  # ncts: bound to .../def/ instead of .../def#
    return variant(tmp_path, "slash.ttl", f"<{NCTS}>", "<https://w3id.org/ncts-graph/def/>")


@pytest.fixture
def nothing(tmp_path):  # parses, but defines no measure, partner, legal basis or quote
    path = tmp_path / "nothing.ttl"
    path.write_text('@prefix ex: <https://example.org/x/> .\nex:a ex:b "c" .\n', encoding="utf-8")
    return path


@pytest.fixture
def property_typo(tmp_path):
    return variant(tmp_path, "typo.ttl", "ncts:statedLegalBasis law:twbmt", "ncts:curatorLegalbasis law:twbmt")


@pytest.fixture
def prefix_typo(tmp_path):  # threat: bound to .../threats/ (rdflib would call it threat1:)
    return variant(tmp_path, "prefix.ttl", "<https://w3id.org/ncts-graph/threat/>", "<https://w3id.org/ncts-graph/threats/>")


# --- validate -----------------------------------------------------------------------

def test_summary_says_what_was_validated():
    report = validate([VALID], lang="en", as_of="2026-11-23")
    assert report.validated == {"measures": 1, "legal_bases": 0, "partners": 0, "quotes": 2}
    assert report.conforms and report.verdict == "conforms"
    last = render_text(report, "en").splitlines()[-1]
    assert last == f"1 measure, 2 quotes in {VALID}; 0 violations, 0 warnings, 0 infos: conforms (fail-on: violation)"
    assert render_text(report, "nl").splitlines()[-1].startswith(f"1 maatregel, 2 citaten in {VALID}; 0 overtredingen")


def test_mistyped_namespace_is_not_a_pass(slash_namespace):
    report = validate([slash_namespace], lang="en")
    assert not report.conforms and report.verdict == "does not conform"
    assert sum(report.validated.values()) == 0
    text = render_text(report, "en")
    assert text.splitlines()[-1].startswith(f"nothing validated in {slash_namespace}; ")
    assert "defines no measure, partner, legal basis or quote" in text
    assert (f"namespace <https://w3id.org/ncts-graph/def/> differs from ncts: <{NCTS}>; "
            "did you mean ncts:Measure?") in text
    assert {r.component for r in report.results} == {"nctsh:NothingToValidate", "nctsh:UnknownTerm"}


def test_file_without_definitions_is_exit_1_with_a_clear_message(nothing):
    out = run_ncts("validate", "--lang", "en", nothing)
    assert out.returncode == 1
    assert "the file defines no measure, partner, legal basis or quote" in out.stdout
    assert out.stdout.splitlines()[-1].startswith(f"nothing validated in {nothing}; 1 violation")


def test_each_file_must_define_something(nothing):
    report = validate([VALID, nothing], lang="en")
    assert not report.conforms
    (empty,) = [r for r in report.results if r.component == "nctsh:NothingToValidate"]
    assert empty.file == str(nothing) and empty.severity == "violation"


def test_mistyped_property_is_named_with_the_nearest_term(property_typo):
    report = validate([property_typo], lang="en")
    unknown = [r for r in report.results if r.component == "nctsh:UnknownTerm"]
    assert len(unknown) == 1 and unknown[0].severity == "violation"
    assert unknown[0].message.endswith("did you mean ncts:curatorLegalBasis?")
    typo_line = next(i for i, l in enumerate(property_typo.read_text().splitlines(), 1) if "ncts:curatorLegalbasis" in l)
    assert unknown[0].file == str(property_typo) and unknown[0].line == typo_line  # the line of the typo itself
    assert "ncts:curatorLegalbasis" in unknown[0].messages["nl"] and "bedoel je ncts:curatorLegalBasis?" in unknown[0].messages["nl"]


def test_mistyped_prefix_shows_the_full_iri_never_an_invented_prefix(prefix_typo):
    report = validate([prefix_typo], lang="en")
    text, data = render_text(report, "en"), render_json(report)
    for shown in (text, data):
        assert "threat1:" not in shown
    assert ("<https://w3id.org/ncts-graph/threats/terrorisme-en-gewelddadig-extremisme>: namespace "
            "<https://w3id.org/ncts-graph/threats/> differs from threat: <https://w3id.org/ncts-graph/threat/>; "
            "did you mean threat:terrorisme-en-gewelddadig-extremisme?") in text
    assert not report.conforms


def test_text_json_and_ttl_carry_the_same_counts_and_verdict(property_typo):
    out = run_ncts("validate", "--format", "json", "--lang", "en", property_typo)
    data = json.loads(out.stdout)
    assert out.returncode == 1 and data["verdict"] == "does not conform" and data["conforms"] is False
    assert data["validated"] == {"measures": 1, "legal_bases": 0, "partners": 0, "quotes": 2}
    assert any(r["component"] == "nctsh:UnknownTerm" and r["value"] == "ncts:curatorLegalbasis" for r in data["results"])
    ttl = run_ncts("validate", "--format", "ttl", property_typo)
    report = Graph().parse(data=ttl.stdout, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    root = report.value(predicate=URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), object=URIRef(sh + "ValidationReport"))
    assert report.value(root, URIRef(sh + "conforms")) == Literal(False)
    assert report.value(root, URIRef("https://w3id.org/ncts-graph/shapes#measures")) == Literal(1)
    assert len(list(report.objects(root, URIRef(sh + "result")))) == len(data["results"])


# --- check and quotes on a user's file ---------------------------------------------

def test_check_on_a_file_without_definitions_fails(nothing):
    out = run_ncts("check", nothing)
    assert out.returncode == 1
    assert "nothing-to-check" in out.stdout and out.stdout.splitlines()[-1].startswith(f"nothing checked in {nothing}")


def test_check_names_unknown_terms_like_validate(slash_namespace, property_typo):
    for path, hint in ((slash_namespace, "did you mean ncts:Measure?"), (property_typo, "did you mean ncts:curatorLegalBasis?")):
        findings = check(load([path]), files=[path])
        unknown = [line for f in findings if f.check == "unknown-terms" for line in f.lines()]
        assert any(hint in line and f"where={path}:" in line for line in unknown), unknown


def test_check_on_a_file_reports_only_that_files_nodes():
    out = run_ncts("check", VALID)
    assert out.returncode == 0, out.stdout
    assert "law:twbmt" not in out.stdout  # a bundled law's warning is not about the user's file
    assert out.stdout.splitlines()[-1] == f"1 measure, 2 quotes in {VALID} (with the bundled graph); 0 errors, 0 warnings"


def test_quotes_on_a_file_without_quotes_fails(tmp_path, nothing):
    literal = variant(tmp_path, "literal.ttl", TEXT[TEXT.index("    ncts:evidence ["):],
                      '    ncts:evidence "Maatregelen die kunnen worden opgelegd zijn onder meer een meldplicht."@nl .\n')
    for path in (nothing, literal):
        out = run_ncts("quotes", path)
        assert out.returncode == 1, out.stdout
        assert f"{path}: no quotes to check" in out.stdout and f"0 in {path}" in out.stderr


def test_quotes_on_a_file_names_unknown_terms(property_typo):
    out = run_ncts("quotes", property_typo)
    assert out.returncode == 1
    assert "unknown term: ncts:curatorLegalbasis" in out.stdout and "did you mean ncts:curatorLegalBasis?" in out.stdout
    assert f"quotes checked: 2 in {property_typo}; 0 not verbatim, 1 unknown terms" in out.stderr


def test_quotes_on_a_good_file_says_how_many():
    out = run_ncts("quotes", VALID)
    assert out.returncode == 0 and out.stdout.strip() == f"quotes checked: 2 in {VALID}; 0 not verbatim, 0 unknown terms"


# --- query parameters --------------------------------------------------------------

@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_unknown_iri_parameter_is_an_error_with_a_hint(engine):
    out = run_ncts("query", "measures-per-threat", "-p", "threat=threat:pgeee", "--engine", engine)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().endswith("did you mean threat:pgee?") and "parameter threat: threat:pgeee" in out.stderr


def test_iri_parameter_in_a_near_miss_namespace_is_an_error():
    from ncts_graph.errors import NctsError
    from ncts_graph.query import query

    with pytest.raises(NctsError, match=r"namespace <https://w3id.org/ncts-graph/legals/> differs from law: .*did you mean law:twbmt\?"):
        query("SELECT ?m WHERE { ?m ncts:statedLegalBasis ?law }", {"law": "<https://w3id.org/ncts-graph/legals/twbmt>"})
    assert query("measures-per-threat", {"threat": "threat:pgee"})  # a known IRI still answers


# --- one rulebook ------------------------------------------------------------------

def test_every_hygiene_check_declares_its_scope():
    scopes = {rq.name: rq.meta.get("scope", "all") for rq in checks()}
    assert set(scopes.values()) <= {"all", "bundled"}
    # curation rules for data/ only (docs/validating.md, "One rulebook"); validate does not ask them of users
    assert scopes["measure-emphasis"] == scopes["measure-proportionality-note"] == "bundled"
    assert scopes["measure-legal-basis"] == scopes["measure-partner-role"] == "all"


def test_check_all_reports_the_bundled_data_too():
    out = run_ncts("check", "--all", VALID)
    assert out.returncode == 0 and "legal-identifier-missing" in out.stdout  # a bundled law's warning
