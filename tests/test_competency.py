"""Competency questions (queries/competency/*.rq) with their full expected answers.

Each question's expected answer is tests/competency/<name>.tsv: a header of variable
names, then one row per solution, IRIs compacted to prefix:local and literals as
their lexical form. Order does not matter; duplicates do.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ncts_graph import paths
from ncts_graph.namespaces import compact
from ncts_graph.sparql import read_rq, select

EXPECTED = Path(__file__).resolve().parent / "competency"
QUESTIONS = [read_rq(p) for p in sorted((paths.queries_dir() / "competency").glob("*.rq"))]


def as_table(rows: list[dict]) -> tuple[list[str], Counter]:
    header = list(rows[0]) if rows else []
    return header, Counter(tuple("" if v is None else compact(v) for v in row.values()) for row in rows)


def read_expected(path: Path) -> tuple[list[str], Counter]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return header, Counter(tuple(line.split("\t")) for line in lines[1:] if line)


def test_at_least_fifteen_questions_each_titled_in_nl_and_en():
    assert len(QUESTIONS) >= 15
    for rq in QUESTIONS:
        assert rq.meta.get("title-nl") and rq.meta.get("title-en"), rq.name


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("rq", QUESTIONS, ids=[rq.name for rq in QUESTIONS])
def test_question_has_its_full_expected_answer(graph, rq, engine):
    expected_file = EXPECTED / f"{rq.name}.tsv"
    assert expected_file.is_file(), f"missing expected answer {expected_file}"
    exp_header, expected = read_expected(expected_file)
    header, actual = as_table(select(graph, rq.text, engine=engine))
    assert expected, "an expected answer must not be empty"
    if header:
        assert header == exp_header
    missing, extra = expected - actual, actual - expected
    assert not missing and not extra, f"missing: {sorted(missing)}\nextra: {sorted(extra)}"
