"""The measure examples double as tests: a new file in examples/measures/{valid,invalid} is a new test.

Each file says what it must yield in ``# expect: <severity> <component> <focus> [<path>]``
lines (``[ex:m]`` is a blank node owned by ex:m, e.g. its involvement or quote), and
optionally ``# as-of: DATE``. The reported results must be exactly those, no more.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from rdflib import BNode

from ncts_graph.namespaces import compact
from ncts_graph.validate import path_text, validate

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "measures"
VALID = sorted((EXAMPLES / "valid").glob("*.ttl"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))


def expectations(path: Path) -> tuple[set[str], str | None]:
    text = path.read_text(encoding="utf-8")
    expected = {" ".join(e.split()) for e in re.findall(r"^# expect: (.*)$", text, re.M)}
    as_of = re.search(r"^# as-of: (\S+)", text, re.M)
    return expected, as_of.group(1) if as_of else None


def reported(report) -> set[str]:
    out = set()
    for r in report.results:
        focus = f"[{compact(r.owner, report.prefixes)}]" if isinstance(r.focus, BNode) else compact(r.focus, report.prefixes)
        out.add(" ".join(f"{r.severity} {r.component} {focus} {path_text(report.graph, r.path, report.prefixes) or ''}".split()))
    return out


def test_there_are_examples_of_both_kinds():
    assert len(VALID) >= 2 and len(INVALID) >= 20


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_example_conforms(path):
    expected, as_of = expectations(path)
    report = validate([path], as_of=as_of, fail_on="warning")
    assert report.conforms, [r.as_dict() for r in report.failing]
    assert reported(report) == expected  # only the informational results the file announces
    assert all(line.startswith("info ") for line in expected)


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_example_breaks_exactly_its_rule(path):
    expected, as_of = expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    report = validate([path], as_of=as_of, lang="en")
    assert reported(report) == expected
    for r in report.results:
        assert r.message and r.messages.get("nl") and r.messages.get("en"), r.as_dict()
        assert r.file and r.file.endswith(path.name) and r.line, r.as_dict()
    worst = min(expected, key=lambda e: ("violation", "warning", "info").index(e.split()[0])).split()[0]
    assert report.conforms == (worst != "violation")
    assert dataclasses.replace(report, fail_on=worst).conforms is False


@pytest.mark.parametrize("path", VALID + INVALID[:3], ids=[p.stem for p in VALID + INVALID[:3]])
def test_example_quotes_are_verbatim(path, sources_dir):
    from ncts_graph import paths
    from ncts_graph.load import load
    from ncts_graph.quotes import check_quotes

    count, problems = check_quotes(load([paths.home() / "data" / "sources.ttl", path], bundled=False), sources_dir)
    assert count >= 1 and problems == []


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_example_passes_check_too(path):
    """One rulebook: what validate accepts, check accepts (its curation-only rules apply to data/)."""
    from ncts_graph.hygiene import check
    from ncts_graph.load import load

    findings = check(load([path]), files=[path])
    assert findings == [], [line for f in findings for line in f.lines()]


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_check_never_contradicts_validate_on_an_invalid_example(path):
    """check may miss what only a shape says, but an error it reports is a violation validate reports too."""
    from ncts_graph.hygiene import check
    from ncts_graph.load import load

    expected, as_of = expectations(path)
    errors = [f for f in check(load([path]), files=[path]) if f.severity == "error"]
    if errors:
        assert any(e.startswith("violation ") for e in expected), [line for f in errors for line in f.lines()]
