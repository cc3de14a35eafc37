"""The ``ncts`` command as a user meets it: output, exit codes, one-line errors, atomic writes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph

from conftest import FIXTURES, canonical, run_ncts
from ncts_graph.build import union_graph


def test_help_lists_the_verbs_and_imports_nothing_heavy():
    out = run_ncts("--help")
    assert out.returncode == 0
    for verb in ("info", "build", "check", "quotes", "reason"):
        assert verb in out.stdout
    probe = subprocess.run([sys.executable, "-c", "import sys, ncts_graph.cli; "
                            "print(sorted(m for m in ('rdflib', 'owlready2', 'pyshacl', 'rich') if m in sys.modules))"],
                           capture_output=True, text=True)
    assert probe.stdout.strip() == "[]"


def test_info_json_counts(graph):
    out = run_ncts("info", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["triples"] == len(graph)
    assert data["classes"]["ncts:Measure"] >= 45
    assert {p["label"] for p in data["pillars"]} >= {"Verwerven", "Voorkomen", "Voorbereiden", "Vervolgen"}
    assert all(p["measures"] > 0 for p in data["pillars"] if p["strategy"].endswith("2022-2026"))
    assert {s["file"] for s in data["sources"]} == {
        "000_cbb8d3facc33e8b7.txt", "001_a517cd71dd381367.txt", "002_91daf931a73bcb7f.txt",
        "003_95a1bd67281c8d52.txt", "004_a171b61eab7447e2.txt"}
    assert all(s["quotes"] > 0 for s in data["sources"])
    assert data["namespaces"]["ncts"] == "https://w3id.org/ncts-graph/def#"


def test_info_text_in_english():
    out = run_ncts("info", "--lang", "en")
    assert out.returncode == 0
    assert "Prosecute" in out.stdout and "Measures per pillar" in out.stdout


@pytest.mark.parametrize("ext", [".ttl", ".nt", ".jsonld", ".trig", ".nq"])
def test_build_round_trips_isomorphic(tmp_path, graph, ext):
    target = tmp_path / f"ncts{ext}"
    out = run_ncts("build", "-o", target)
    assert out.returncode == 0, out.stderr
    if ext in (".trig", ".nq"):
        back = Dataset(default_union=True)
        back.parse(target, format="trig" if ext == ".trig" else "nquads")
        assert len([g for g in back.graphs() if len(g)]) == len([g for g in graph.graphs() if len(g)])
        back = union_graph(back)
    else:
        back = Graph().parse(target, format={".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[ext])
    assert canonical(back) == canonical(union_graph(graph))
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temp file left


@pytest.mark.parametrize(
    "args, message",
    [
        (["build", "-o", "ncts.xyz"], "unknown output format"),
        (["build", "-o", "/nonexistent-dir/ncts.ttl"], "does not exist"),
        (["info", "missing.ttl"], "missing.ttl: file not found"),
        (["info", str(FIXTURES / "altered-quote.ttl"), "no-such-file.ttl"], "no-such-file.ttl: file not found"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    out = run_ncts(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_syntax_error_names_file_and_line(tmp_path):
    bad = tmp_path / "mine.ttl"
    bad.write_text("@prefix ex: <http://x/> .\n\nex:a ex:b .\n")
    out = run_ncts("check", bad)
    assert out.returncode == 2
    assert f"{bad}:3:" in out.stderr and "Traceback" not in out.stderr


def test_build_does_not_replace_output_on_failure(tmp_path):
    target = tmp_path / "ncts.ttl"
    target.write_text("previous")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    out = run_ncts("build", "-o", target, bad)
    assert out.returncode == 2
    assert target.read_text() == "previous"


def test_check_and_quotes_pass_on_bundled_graph():
    out = run_ncts("check")
    assert out.returncode == 0, out.stdout[-2000:]
    assert "0 errors" in out.stdout
    out = run_ncts("quotes")
    assert out.returncode == 0, out.stdout[-2000:]
    assert "0 not verbatim" in out.stdout


def test_quotes_exit_1_on_altered_quote():
    out = run_ncts("quotes", FIXTURES / "altered-quote.ttl")
    assert out.returncode == 1
    assert "not found verbatim" in out.stdout


def test_check_exit_1_on_a_defect():
    out = run_ncts("check", FIXTURES.parent / "hygiene" / "measure-legal-basis.ttl")
    assert out.returncode == 1
    assert "measure-legal-basis" in out.stdout


def test_canonical_comparison_detects_a_difference(graph):
    changed = union_graph(graph)
    some = next(iter(changed))
    changed.remove(some)
    assert canonical(changed) != canonical(union_graph(graph))


def test_reason_exit_codes():
    assert run_ncts("reason").returncode == 0
    out = run_ncts("reason", FIXTURES / "inconsistent-legal-basis.ttl")
    assert out.returncode == 1 and "inconsistent" in out.stdout
