"""Quote anchors (oa:TextPositionSelector, oa:prefix, oa:suffix): computed from the source texts
by `ncts quotes --anchor`, stored in data/, and checked against the sources by `ncts quotes`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ncts_graph import paths
from ncts_graph.anchors import CONTEXT, locate, read_source
from ncts_graph.quotes import canonical_map, check_quotes, quote_pattern
from ncts_graph.sparql import select

from conftest import run_ncts

FIXTURES = Path(__file__).resolve().parent / "fixtures"
QUOTE = "Deze Tijdelijke wet is op 1 maart 2022 met vijf jaar verlengd tot 1 maart 2027."
ANCHORED = """
SELECT ?quote ?file ?exact ?start ?end ?prefix ?suffix WHERE {
  ?quote a ncts:Quote ; oa:hasSource/ncts:sourceFile ?file ;
         oa:hasSelector ?sel, ?pos .
  ?sel a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
  ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
}"""


def _unanchored(tmp_path: Path, exact: str = QUOTE, name: str = "mine.ttl") -> Path:
    path = tmp_path / name
    path.write_text(f"""@prefix ncts: <https://w3id.org/ncts-graph/def#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix src: <https://w3id.org/ncts-graph/source/> .
@prefix ex: <http://example.org/> .
# a comment the rewriter keeps
ex:fixture ncts:evidence [ a ncts:Quote ; oa:hasSource src:ncts-2022-2026 ;
    oa:hasSelector [ a oa:TextQuoteSelector ;
        oa:exact "{exact}"@nl ] ] .
""", encoding="utf-8")
    return path


def test_raw_offsets_map_back_through_whitespace_and_hyphenation():
    raw = "Zij willen niet met demo -\ncratische middelen maar  met\ngeweld."
    canon, starts, ends = canonical_map(raw)
    m = quote_pattern("niet met democratische middelen").search(canon)
    assert raw[starts[m.start()]:ends[m.end() - 1]] == "niet met demo -\ncratische middelen"


def test_every_bundled_quote_is_anchored_where_its_text_is(graph, sources_dir):
    rows = select(graph, ANCHORED)
    total = select(graph, "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a ncts:Quote }")[0]["n"]
    assert len({r["quote"] for r in rows}) == int(total) >= 300
    for r in rows:
        source = read_source(sources_dir / str(r["file"]))
        start, end = int(r["start"]), int(r["end"])
        piece = source.text[start:end]
        # the slice of the raw file is the quote, up to whitespace and end-of-line hyphenation
        assert quote_pattern(str(r["exact"])).fullmatch(canonical_map(piece)[0]), (r["exact"], piece)
        assert piece == piece.strip() and piece  # no stray whitespace at either end
        assert str(r["prefix"]) == source.text[max(0, start - CONTEXT):start]
        assert str(r["suffix"]) == source.text[end:end + CONTEXT]
        # what is stored is what the tool computes now (first occurrence)
        found = locate(str(r["exact"]), source)
        assert (found.start, found.end) == (start, end), r["exact"]


def test_bundled_check_passes_and_requires_anchors(graph, sources_dir):
    count, problems = check_quotes(graph, sources_dir, require_anchors=True)
    assert count >= 300 and problems == [], "\n".join(map(str, problems[:20]))
    from ncts_graph.load import load

    _, problems = check_quotes(load([FIXTURES / "altered-quote.ttl"]), sources_dir, require_anchors=True)
    assert [p.kind for p in problems] == ["verbatim"]


def _anchored_copy(tmp_path: Path) -> Path:
    path = _unanchored(tmp_path)
    out = run_ncts("quotes", "--anchor", str(path))
    assert out.returncode == 0, out.stderr
    return path


def test_anchor_writes_the_computed_position_and_keeps_the_layout(tmp_path, sources_dir):
    path = _anchored_copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    source = read_source(sources_dir / "004_a171b61eab7447e2.txt")
    m = re.search(r"\s+".join(map(re.escape, QUOTE.split())), source.text)  # the quote over line breaks
    assert m and f"oa:start {m.start()} ; oa:end {m.end()}" in text
    assert "# a comment the rewriter keeps" in text
    assert run_ncts("quotes", str(path)).returncode == 0
    again = run_ncts("quotes", "--anchor", str(path))
    assert again.returncode == 0 and "0 changed" in again.stderr + again.stdout
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("edit, reason", [
    (lambda t: re.sub(r"oa:start (\d+)", lambda m: f"oa:start {int(m.group(1)) + 3}", t), "select"),  # off by 3
    (lambda t: t.replace("oa:end ", "oa:end 9"), "outside the text"),     # end beyond the text
    (lambda t: t.replace('oa:prefix "', 'oa:prefix "x'), "oa:prefix"),   # prefix edited by hand
    (lambda t: t.replace('oa:suffix "', 'oa:suffix "Y'), "oa:suffix"),
])
def test_a_wrong_anchor_is_one_line_and_exit_3(tmp_path, edit, reason):
    path = _anchored_copy(tmp_path)
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    out = run_ncts("quotes", str(path))
    assert out.returncode == 3, out.stdout + out.stderr
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and reason in lines[0] and "ncts quotes --anchor" in lines[0], lines
    assert "1 with a wrong position" in out.stderr and "Traceback" not in out.stderr


def test_a_quote_not_verbatim_is_not_anchored_and_the_file_is_left_alone(tmp_path):
    path = _unanchored(tmp_path, QUOTE.replace("2027", "2028"))
    before = path.read_bytes()
    out = run_ncts("quotes", "--anchor", str(path))
    assert out.returncode == 1 and "not found verbatim" in out.stdout and "not anchored" in out.stdout
    assert path.read_bytes() == before


def test_anchor_refuses_what_it_cannot_read(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix oa: <http://www.w3.org/ns/oa#> .\n<a:b> oa:exact \"x\" \n", encoding="utf-8")
    out = run_ncts("quotes", "--anchor", str(bad))
    assert out.returncode == 2 and "bad.ttl" in out.stderr and "Traceback" not in out.stderr
    assert not list(tmp_path.glob(".*.tmp"))


def test_bundled_data_is_anchored_as_the_tool_would_write_it(tmp_path, sources_dir):
    """A hand edit of an anchor in data/ (or a quote added without running the tool) fails here."""
    copies = []
    for f in paths.data_files():
        shutil.copy(f, tmp_path / f.name)
        copies.append(tmp_path / f.name)
    from ncts_graph.anchors import anchor_files

    reports = anchor_files(copies, sources_dir)
    assert sum(r.changed for r in reports) == 0 and not any(r.problems for r in reports)
    assert sum(r.quotes for r in reports) >= 300
