"""Hygiene checks (queries/hygiene/*.rq): the bundled graph passes every error-level check,
and every check fires on its planted-defect fixture in tests/hygiene/<check>.ttl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ncts_graph.hygiene import check, checks
from ncts_graph.load import load
from ncts_graph.sparql import select

FIXTURES = Path(__file__).resolve().parent / "hygiene"
CHECKS = checks()


def test_there_are_checks_and_each_declares_severity_and_message():
    assert len(CHECKS) >= 20
    for rq in CHECKS:
        assert rq.meta.get("severity") in ("error", "warning"), rq.name
        assert rq.meta.get("message"), rq.name


def test_bundled_graph_has_no_hygiene_errors(graph):
    errors = [line for f in check(graph) if f.severity == "error" for line in f.lines()]
    assert errors == [], "\n".join(errors[:40])


def test_both_engines_agree_on_every_check_with_all_defects_planted():
    """Oxigraph (default) and rdflib give the same findings, on a graph where every check fires."""
    planted = load(sorted(FIXTURES.glob("*.ttl")))

    from rdflib import BNode

    def norm(rows):  # blank node labels differ between engines; everything else must match
        return sorted(tuple(sorted((k, "_:b" if isinstance(v, BNode) else str(v)) for k, v in r.items() if v is not None))
                      for r in rows)

    for rq in CHECKS:
        fast, reference = select(planted, rq.text), select(planted, rq.text, engine="rdflib")
        assert fast, rq.name
        assert norm(fast) == norm(reference), rq.name


@pytest.mark.parametrize("rq", CHECKS, ids=[rq.name for rq in CHECKS])
def test_check_fires_on_its_fixture(rq):
    fixture = FIXTURES / f"{rq.name}.ttl"
    assert fixture.is_file(), f"every hygiene check needs a planted-defect fixture: {fixture}"
    expect = fixture.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip()
    rows = select(load([fixture]), rq.text)
    assert rows, f"{rq.name} found nothing in {fixture.name}"
    flat = " ".join(str(v) for row in rows for v in row.values())
    assert expect in flat, f"{rq.name}: expected {expect!r} in findings, got {flat[:300]}"


def test_data_and_docs_cite_registers_not_curation_tooling():
    """A reader can check an identifier in its official register; how the curator found it (search
    tools, repository mirrors, hit ids) is no citation and has no place in the data or the docs."""
    import re

    root = Path(__file__).resolve().parent.parent
    tooling = re.compile(r"find_string|hit id|search tools?|searchable (page|copy)|pages corpus|GitHub|laws-markdown", re.I)
    files = [*sorted((root / "data").glob("*.ttl")), *sorted((root / "docs").glob("*.md")),
             root / "README.md", root / "ontology" / "ncts.ttl"]
    found = [f"{f.name}:{n}: {line.strip()[:80]}" for f in files
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if tooling.search(line)]
    assert found == [], "\n".join(found)
