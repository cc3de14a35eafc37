"""Every library question (queries/*.rq) gives its full expected answer on every engine.

Expected answers live in tests/queries/: ``NAME.tsv`` (SPARQL TSV, default parameters) or
``NAME.nt`` (CONSTRUCT/DESCRIBE), and more cases as ``NAME--CASE.tsv|nt`` whose first
line is ``# <arguments>`` (e.g. ``# -p threat=threat:pgee --lang en``). Rows compare as a
multiset; blank node labels are ignored. The same answer is required from Oxigraph,
rdflib's engine, a real Oxigraph server and a real Virtuoso 7 server, each after `ncts push`.

Two differences are Virtuoso's own (docs/stores.md): DESCRIBE is engine-defined (Virtuoso
gives the triples in which the resource is subject or object, without the blank-node
closure Oxigraph and rdflib add), so there the defined part is tested: every triple of
the expected description with the resource as subject, and nothing unrelated. And
Virtuoso's MD5() hashes stored non-ASCII text in its own encoding, so IRIs minted with
MD5 (measure-card's quote IRIs) are compared up to the hash, which must still tell the
quotes apart.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from pathlib import Path

import pytest

from ncts_graph.library import library
from ncts_graph.query import run
from ncts_graph.results import render

EXPECTED = Path(__file__).resolve().parent / "queries"
QUERIES = library()


def cases():
    out = []
    for q in QUERIES:
        for path in sorted(EXPECTED.glob(f"{q.name}.*")) + sorted(EXPECTED.glob(f"{q.name}--*.*")):
            out.append(pytest.param(q, path, id=path.stem))
    return out


def parse_case(path: Path) -> tuple[dict, str, list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    params, lang = {}, "nl"
    if lines and lines[0].startswith("#"):
        args = shlex.split(lines.pop(0)[1:])
        for i, arg in enumerate(args):
            if arg == "-p":
                name, _, value = args[i + 1].partition("=")
                params[name] = value
            elif arg == "--lang":
                lang = args[i + 1]
    return params, lang, lines


def normalised(lines) -> Counter:
    return Counter(re.sub(r"_:\S+", "_:b", line) for line in lines if line.strip())


def test_library_is_complete():
    assert len(QUERIES) >= 20
    names = {q.name for q in QUERIES}
    for q in QUERIES:
        assert q.title("nl") != q.name and q.title("en") != q.name, q.name
        assert q.meta.get("title-nl") and q.meta.get("title-en") and q.description("nl") and q.description("en"), q.name
        assert q.meta.get("example", "").startswith("ncts query "), q.name
        assert list(EXPECTED.glob(f"{q.name}.*")), f"no expected answer for {q.name}"
    forms = {re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", q.text).group(1) for q in QUERIES}
    assert forms == {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
    assert sum(1 for q in QUERIES if q.params) >= 10
    orphans = {p.stem.split("--")[0] for p in EXPECTED.iterdir()} - names
    assert not orphans, f"expected answers without a query: {orphans}"


ENDPOINTS = {"remote": "pushed_endpoint", "virtuoso": "virtuoso_endpoint", "serve": "ncts_endpoint"}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib", "remote", "virtuoso", "serve"])
@pytest.mark.parametrize("q, path", cases())
def test_expected_answer(q, path, engine, request):
    params, lang, expected = parse_case(path)
    assert len(expected) >= 2, f"{path.name}: an expected answer must not be empty"
    endpoint = request.getfixturevalue(ENDPOINTS[engine]) if engine in ENDPOINTS else None
    result = run(q, params, engine="rdflib" if engine == "rdflib" else "oxigraph", endpoint=endpoint, lang=lang)
    fmt = "nt" if path.suffix == ".nt" else "tsv"
    actual = render(result, fmt).splitlines()
    if fmt == "tsv":
        assert actual[0] == expected[0], "header"
        actual, expected = actual[1:], expected[1:]
    if engine == "virtuoso" and re.search(r"\bDESCRIBE\b", q.text):
        return described(result, expected)
    if engine == "virtuoso":
        assert len(set(re.findall(r"#quote-[0-9a-f]{32}>", "\n".join(actual)))) == \
            len(set(re.findall(r"#quote-[0-9a-f]{32}>", "\n".join(expected))))
        actual, expected = ([re.sub(r"#quote-[0-9a-f]{32}", "#quote-MD5", line) for line in lines]
                            for lines in (actual, expected))
    missing, extra = normalised(expected) - normalised(actual), normalised(actual) - normalised(expected)
    assert not missing and not extra, f"missing: {sorted(missing)[:5]}\nextra: {sorted(extra)[:5]}"


def described(result, expected):
    """What DESCRIBE defines on every engine: the resource's own triples, and only triples about it."""
    subjects = Counter(line.split(" ", 1)[0] for line in expected)
    resource = subjects.most_common(1)[0][0]
    own = normalised(line for line in expected if line.startswith(resource + " "))
    actual = normalised(render(result, "nt").splitlines())
    assert sum(own.values()) > 5 and own <= actual, f"missing: {sorted(own - actual)[:5]}"
    unrelated = [line for line in actual if resource not in line]
    assert not unrelated, f"triples not about {resource}: {unrelated[:5]}"
