"""Every quote occurs verbatim in its source document (../shared/sources or $NCTS_SOURCES)."""

from __future__ import annotations

from pathlib import Path

from ncts_graph.load import load
from ncts_graph.quotes import check_quotes, occurs_in

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCE = "Zij willen niet met demo -\ncratische middelen maar met (het dreigen met)\ngeweld. extreme anti-\noverheidssentimenten en extremis\u00actisch onlinemilieu. genoegen.1 Zij"


def test_whitespace_and_line_end_hyphenation_may_differ():
    assert occurs_in("Zij willen niet met democratische middelen", SOURCE)
    assert occurs_in("Zij willen niet met demo-cratische middelen", SOURCE)
    assert occurs_in("met (het dreigen met) geweld.", SOURCE)
    assert occurs_in("extreme anti-overheidssentimenten", SOURCE)
    assert occurs_in("extremistisch onlinemilieu", SOURCE)


def test_anything_else_must_be_exact():
    assert not occurs_in("Zij willen niet met democratisch middelen", SOURCE)  # letter dropped
    assert not occurs_in("met het dreigen met geweld.", SOURCE)  # brackets dropped
    assert not occurs_in("genoegen. Zij", SOURCE)  # footnote digit dropped
    assert not occurs_in("extreme anti–overheidssentimenten", SOURCE)  # en dash for hyphen
    assert not occurs_in("", SOURCE)


def test_every_bundled_quote_is_verbatim(graph, sources_dir):
    count, problems = check_quotes(graph, sources_dir)
    assert count >= 300, f"only {count} quotes"
    assert problems == [], "\n".join(map(str, problems[:30]))


def test_an_altered_quote_is_caught(sources_dir):
    count, problems = check_quotes(load([FIXTURES / "altered-quote.ttl"]), sources_dir)
    assert [p.resource for p in problems] == ["http://example.org/fixture"]
    assert "not found verbatim" in problems[0].reason
