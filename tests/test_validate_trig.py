"""A user's TriG or N-Quads file is validated as a whole: every graph in it, default and named,
is the file's content (docs/validating.md, "Files with named graphs"). Before, only the file's
default graph counted: a measure in a named graph was never validated, and a file with all of
its content in named graphs "defined nothing".

Each variant is checked through the Python API (rdflib loader and, for big inputs, Oxigraph),
``ncts validate`` and POST /validate, with the file and line of every result.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, run_ncts

EXAMPLE = ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl"
EX = "https://example.org/my-research/"
NOTE = re.compile(r"    ncts:proportionalityNote .*?\.\"@en ;\n", re.S)


def _trig(named_ok: bool = True, default_ok: bool = True, default: bool = True) -> str:
    """The example measure in a named graph ex:graaf, a second one (ex:gebiedsverbod-twee) in the
    default graph; an invalid one lacks its proportionality note."""
    text = EXAMPLE.read_text(encoding="utf-8")
    head, _, body = text.partition("\nex:gebiedsverbod a ncts:Measure")
    body = "ex:gebiedsverbod a ncts:Measure" + body
    second = body.replace("ex:gebiedsverbod a", "ex:gebiedsverbod-twee a").replace(" (eigen analyse)", " twee") \
        .replace(" (own analysis)", " two")
    named = body if named_ok else NOTE.sub("", body)
    second = second if default_ok else NOTE.sub("", second)
    assert NOTE.search(body) and "ncts:proportionalityNote" not in NOTE.sub("", body)
    return head + "\nex:graaf {\n" + named + "}\n" + ("\n" + second if default else "")


def _nquads(trig: str) -> str:
    """The same dataset as N-Quads, in the parser's order (the named graph's quads first)."""
    import pyoxigraph as ox

    quads = list(ox.parse(input=trig.encode(), format=ox.RdfFormat.TRIG))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode()


VARIANTS = {  # name -> (named-graph measure valid, default-graph measure valid)
    "valid": (True, True), "named-invalid": (False, True), "default-invalid": (True, False), "both-invalid": (False, False),
}


def _write(folder: Path, variant: str, suffix: str) -> Path:
    trig = _trig(*VARIANTS[variant])
    path = folder / f"{variant}{suffix}"
    path.write_text(trig if suffix == ".trig" else _nquads(trig), encoding="utf-8")
    return path


def _line(path: Path, local: str) -> int:
    """The line where the measure ex:LOCAL starts: its TriG statement, or its first N-Quads line."""
    starts = (f"ex:{local} a ", f"<{EX}{local}> ")
    return next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith(starts))


def _expected(path: Path, variant: str, name: str | None = None) -> list:
    """(file, line, focus, path) of the violations: one per measure without a proportionality note."""
    named_ok, default_ok = VARIANTS[variant]
    bad = [local for local, ok in (("gebiedsverbod", named_ok), ("gebiedsverbod-twee", default_ok)) if not ok]
    return sorted((name or str(path), _line(path, local), EX + local, "ncts:proportionalityNote") for local in bad)


def _found(results) -> list:
    return sorted((r["file"], r["line"], _full(r["focus"]), r["path"]) for r in results if r["severity"] == "violation")


def _full(focus: str) -> str:
    return EX + focus[3:] if focus.startswith("ex:") else focus.strip("<>")


@pytest.mark.parametrize("suffix", [".trig", ".nq"])
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("big", [False, True], ids=["rdflib", "oxigraph"])
def test_python_api_validates_every_graph_of_the_file(tmp_path, monkeypatch, variant, suffix, big):
    from ncts_graph import bigload
    from ncts_graph.validate import validate

    path = _write(tmp_path, variant, suffix)
    if big:  # the loader for big inputs (Oxigraph), which now takes TriG and N-Quads too
        monkeypatch.setattr(bigload, "BIG_BYTES", 0)
        used = []
        real = bigload.load_oxigraph
        monkeypatch.setattr(bigload, "load_oxigraph", lambda *a, **k: used.append(1) or real(*a, **k))
    report = validate([path], lang="en", as_of="2026-01-01")
    assert not big or used
    assert report.validated["measures"] == 2 and report.validated["quotes"] == 4
    assert _found([r.as_dict(report.prefixes) for r in report.results]) == _expected(path, variant)
    assert not any(r.component == "nctsh:NothingToValidate" for r in report.results)
    assert report.conforms is (variant == "valid")


@pytest.mark.parametrize("suffix", [".trig", ".nq"])
def test_a_file_with_content_only_in_a_named_graph_defines_it(tmp_path, suffix):
    from ncts_graph.validate import validate

    trig = _trig(named_ok=False, default=False)
    path = tmp_path / f"only-named{suffix}"
    path.write_text(trig if suffix == ".trig" else _nquads(trig), encoding="utf-8")
    report = validate([path], lang="en")
    assert report.validated["measures"] == 1
    assert [(r.component, r.file, r.line) for r in report.results] == [
        ("sh:QualifiedMinCountConstraintComponent", str(path), _line(path, "gebiedsverbod"))]


def test_a_file_whose_graphs_define_nothing_still_says_so(tmp_path):
    from ncts_graph.validate import validate

    path = tmp_path / "nothing.trig"
    path.write_text('<https://example.org/g> { <https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" . }\n'
                    '<https://example.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "b" .\n', encoding="utf-8")
    report = validate([path], lang="en")
    assert [r.component for r in report.results] == ["nctsh:NothingToValidate"] and not report.conforms


@pytest.mark.parametrize("suffix", [".trig", ".nq"])
def test_cli_reports_each_graph_with_file_and_line(tmp_path, suffix):
    path = _write(tmp_path, "both-invalid", suffix)
    out = run_ncts("validate", "--format", "json", "--lang", "en", path.name, cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["validated"]["measures"] == 2
    assert _found(data["results"]) == _expected(path, "both-invalid", path.name)
    text = run_ncts("validate", "--lang", "en", path.name, cwd=tmp_path).stdout
    for _file, line, _focus, _path in _expected(path, "both-invalid", path.name):
        assert f"{path.name}:{line} " in text


@pytest.mark.parametrize("suffix,media", [(".trig", "application/trig"), (".nq", "application/n-quads")])
@pytest.mark.parametrize("variant", ["valid", "named-invalid"])
def test_post_validate_reports_each_graph_with_file_and_line(ncts_serve, tmp_path, suffix, media, variant):
    path = _write(tmp_path, variant, suffix)
    name = f"measure{suffix}"
    request = urllib.request.Request(f"{ncts_serve}/validate?name={name}&lang=en&format=json", data=path.read_bytes(),
                                     headers={"Content-Type": media}, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        data = json.loads(response.read())
    assert data["validated"]["measures"] == 2
    assert _found(data["results"]) == _expected(path, variant, name)
    assert data["conforms"] is (variant == "valid")


def test_check_and_quotes_count_every_graph_of_the_file(tmp_path):
    path = tmp_path / "only-named.trig"
    path.write_text(_trig(default=False), encoding="utf-8")
    out = run_ncts("check", path)
    assert out.returncode == 0 and "nothing-to-check" not in out.stdout, out.stdout + out.stderr
    assert f"1 measure, 2 quotes in {path}" in out.stdout
    out = run_ncts("quotes", path)
    assert out.returncode == 0 and f"quotes checked: 2 in {path}" in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_query_sees_the_same_graphs_of_a_trig_file_on_every_engine(tmp_path, engine):
    """The default graph of a TriG file is the file's graph on both engines (Oxigraph put it in its
    own default graph, rdflib in the file's), and the file's named graphs keep their names."""
    from ncts_graph.query import query

    path = tmp_path / "two.trig"
    path.write_text(_trig(), encoding="utf-8")
    rows = query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?m a ncts:Measure } "
                 "FILTER(STRSTARTS(STR(?m), 'https://example.org/')) }",
                 files=[path], engine=engine)
    assert sorted(str(r["g"]) for r in rows) == sorted([EX + "graaf", path.resolve().as_uri()])


@pytest.mark.parametrize("merge", [False, True])
def test_a_bad_iri_in_a_named_graph_is_one_line_with_file_and_line(tmp_path, merge):
    """rdflib accepts <x y>; the loader's IRI check now reads every graph of the file (before: a
    traceback from the validator)."""
    from ncts_graph.errors import NctsError
    from ncts_graph.load import load

    path = tmp_path / "bad-iri.trig"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\nex:g {\n  ex:c ex:p <http://example.org/x y> .\n}\n",
                    encoding="utf-8")
    with pytest.raises(NctsError) as err:
        load([path], bundled=False, merge_graphs=merge)
    assert str(err.value) == f"{path}:4: not a valid IRI: <http://example.org/x y>"
    out = run_ncts("validate", path)
    assert out.returncode == 2 and out.stderr.strip() == f"ncts: error: {path}:4: not a valid IRI: <http://example.org/x y>"


def test_jsonld_with_a_named_graph_is_validated_as_a_whole(tmp_path):
    """JSON-LD names a graph with @graph and @id; its nodes count as the file's (no line: the
    locator finds lines in Turtle-like text only, as for any JSON-LD file)."""
    from rdflib import Dataset

    from ncts_graph.validate import validate

    dataset = Dataset()
    dataset.parse(data=_trig(named_ok=False), format="trig")
    path = tmp_path / "measures.jsonld"
    path.write_text(dataset.serialize(format="json-ld"), encoding="utf-8")
    assert '"@id": "https://example.org/my-research/graaf"' in path.read_text()
    report = validate([path], lang="en")
    assert report.validated["measures"] == 2
    assert [(r.file, str(r.focus), r.component) for r in report.results] == [
        (str(path), EX + "gebiedsverbod", "sh:QualifiedMinCountConstraintComponent")]
