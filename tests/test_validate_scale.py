"""Validation at scale (issue 10; issue 14's resource limits): the compiled SHACL core gives
plain pyshacl's results, big inputs load into Oxigraph with the same report, and input too
big for the machine is refused in one line before loading."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SH = "http://www.w3.org/ns/shacl#"
INVALID = sorted((ROOT / "examples" / "measures" / "invalid").glob("*.ttl"))  # every kind of result


def _bench():
    """benchmarks/validate.py: the one generator of synthetic measures for validation."""
    spec = importlib.util.spec_from_file_location("bench_validate", ROOT / "benchmarks" / "validate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic_200(tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "synthetic.ttl"
    _bench().synthetic(200, path)
    return path


def _json(report):
    """The JSON report, blank-node ids (fresh at every load) as "_" and the nl/en messages as
    a dict (their order is a set's)."""
    from ncts_graph.validate import render_json

    data = json.loads(render_json(report))
    for r in data["results"]:
        for key in ("focus", "value", "owner"):
            if isinstance(r[key], str) and ":" not in r[key]:
                r[key] = "_"
    return data


def _keys(report):
    """Every result as (focus, path, value, severity, component, shape, messages)."""
    from rdflib import URIRef

    from rdflib import BNode

    v = lambda n, p: report.value(n, URIRef(SH + p))  # noqa: E731
    value = lambda n: "_:" if isinstance(v(n, "value"), BNode) else str(v(n, "value"))  # noqa: E731 (fresh ids)
    return sorted((str(v(n, "focusNode")), str(v(n, "resultPath")), value(n), str(v(n, "resultSeverity")),
                   str(v(n, "sourceConstraintComponent")), str(v(n, "sourceShape")),
                   tuple(sorted(f"{m}@{m.language}" for m in report.objects(n, URIRef(SH + "resultMessage")))))
                  for n in report.objects(None, URIRef(SH + "result")))


def test_compiled_core_gives_plain_pyshacls_results(synthetic_200, monkeypatch):
    """The project's shapes (SHACL-SPARQL split off) on 200 synthetic measures and every invalid
    example, with the reference data: the compiled engine and plain pyshacl give the same
    results, field for field. Every shape of the project compiles: none is left to pyshacl."""
    from types import SimpleNamespace

    import pyshacl
    from pyshacl.validator import Validator

    from ncts_graph import paths, shacl, shacl_compiled
    from ncts_graph.build import union_graph
    from ncts_graph.load import load
    from ncts_graph.validate import load_shapes

    bench = _bench()
    data = union_graph(load([paths.ontology_file(), *(paths.home() / "data" / f for f in bench.REFERENCE),
                             synthetic_200, *INVALID], bundled=False))
    core, fast = shacl.split_shapes(load_shapes())
    ill_typed: list = []
    store = shacl.to_store(data, ill_typed)
    plan = shacl_compiled.plan(core, confirm=not ill_typed)
    assert not ill_typed and not plan.fallback, plan.why
    assert any(c.confirm for c in plan.checks)  # sh:minInclusive, sh:lessThan, xsd:boolean: decided by pyshacl's code
    focus = shacl_compiled.focus_nodes(store, core, plan.compiled)
    _, plain, _ = pyshacl.validate(data, shacl_graph=core, allow_warnings=True, allow_infos=True)
    expected = _keys(plain)
    components = {k[4].rsplit("#", 1)[-1] for k in expected}
    assert len(components) >= 10, components  # broken on purpose: many kinds of core result occur
    # as on small data (no prefilter), and as on large data: every prefilter first, the checks they
    # do not rule out after, once per failing value where they found few
    for prefilter_min in (shacl_compiled.PREFILTER_MIN, 0):
        monkeypatch.setattr(shacl_compiled, "PREFILTER_MIN", prefilter_min)
        results = shacl_compiled.tuples(shacl_compiled.run(store, plan, focus), core, data)
        compiled, _ = Validator.create_validation_report(SimpleNamespace(graph=core), not results, results)
        assert _keys(compiled) == expected, prefilter_min


_ODD = {  # lexical forms and terms on which SPARQL and rdflib (so pyshacl) may disagree
    "integer": ['"1"', '"+1"', '"-7"', '"01"', '" 1"', '"1 "', '"1_000"', '"1__0"', '"_1"', '"1.0"', '"abc"', '""',
                '"\u0661\u0662"', '"0x10"', '"1e3"', '"- 1"'],
    "boolean": ['"true"', '"false"', '"1"', '"0"', '"TRUE"', '"yes"', '" true"', '""'],
    "decimal": ['"1.5"', '"1"', '"-.5"', '"1."', '"abc"', '"1e3"', '" 2.0 "'],
    "date": ['"2026-12-03"', '"2026-13-01"', '"2026-02-30"', '"20261203"', '"2026-12-03Z"', '"-0044-03-15"'],
}
_VALUES = ['"5"^^xsd:integer', '"-1"^^xsd:integer', '"0"^^xsd:integer', '"007"^^xsd:integer', '" 3"^^xsd:integer',
           '"abc"^^xsd:integer', '"2.5"^^xsd:decimal', '"-0.5"^^xsd:decimal', '"1e2"^^xsd:double', '"NaN"^^xsd:double',
           '"5"', '"5"@nl', '"true"^^xsd:boolean', '"2026-01-01"^^xsd:date', '<http://example.org/iri>', '[]']


def _both_ways(tmp_path, shapes_ttl: str, data_ttl: str, monkeypatch):
    """(plain pyshacl's keys, the engine's keys on the data parsed by rdflib and copied, the
    engine's keys on the data parsed by Oxigraph and left there), where the second Oxigraph
    path must decide every shape itself (no pyshacl)."""
    import pyshacl
    from rdflib import Graph

    from ncts_graph import bigload, shacl
    from ncts_graph.validate import _validate

    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    shapes = Graph().parse(data=prefixes + shapes_ttl, format="turtle")
    path = tmp_path / "data.ttl"
    path.write_text(prefixes + data_ttl, encoding="utf-8")
    data = Graph().parse(path, format="turtle")
    _, plain, _ = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
    copied = _validate(data, None, shapes, "none", {}, "compiled")
    kept = bigload.load_oxigraph([path], bundled=False)
    monkeypatch.setattr(shacl, "run_core", lambda *a, **k: pytest.fail("a shape was left to pyshacl"))
    in_oxigraph = _validate(kept, None, shapes, "none", {}, "compiled")
    return _keys(plain), _keys(copied), _keys(in_oxigraph)


@pytest.mark.parametrize("datatype", sorted(_ODD))
def test_compiled_datatype_checks_take_the_forms_pyshacl_takes(datatype, tmp_path, monkeypatch):
    """sh:datatype: each odd lexical form is judged as plain pyshacl judges it, whether the data
    was parsed by rdflib and copied (rdflib rewrites "TRUE"^^xsd:boolean to "true" and keeps only
    a flag: such data goes to pyshacl) or parsed by Oxigraph (pyshacl's own code decides the forms
    SPARQL cannot pass for certain)."""
    shapes = f"""<http://example.org/S> a sh:NodeShape ; sh:targetSubjectsOf <http://example.org/p> ;
        sh:property [ sh:path <http://example.org/p> ; sh:datatype xsd:{datatype} ; sh:message "typed"@en ] ."""
    data = "".join(f"<http://example.org/n{i}> <http://example.org/p> {form}^^xsd:{datatype} .\n"
                   for i, form in enumerate(_ODD[datatype]))
    plain, copied, in_oxigraph = _both_ways(tmp_path, shapes, data, monkeypatch)
    assert copied == plain and in_oxigraph == plain
    assert 0 < len(plain) < len(_ODD[datatype])  # some forms pass, some fail


@pytest.mark.parametrize("constraint", ["sh:minInclusive 0", "sh:minExclusive 0", "sh:maxInclusive 5",
                                        "sh:maxExclusive 2.5", "sh:minInclusive \"2026-01-01\"^^xsd:date",
                                        "sh:minInclusive \"b\"", "sh:lessThan <http://example.org/q>",
                                        "sh:lessThanOrEquals <http://example.org/q>"])
def test_compiled_comparisons_judge_as_pyshacl(constraint, tmp_path, monkeypatch):
    """Value ranges and sh:lessThan(OrEquals) over integers, decimals, doubles, ill-typed
    literals, strings, language-tagged strings, dates, an IRI and a blank node: the same results
    as plain pyshacl on both load paths."""
    shapes = f"""<http://example.org/S> a sh:NodeShape ; sh:targetSubjectsOf <http://example.org/p> ;
        sh:property [ sh:path <http://example.org/p> ; {constraint} ; sh:message "compared"@en ] ."""
    pairs = [(v, w) for v in _VALUES for w in _VALUES[:8] if v != "[]" or "lessThan" not in constraint]
    crash = [pair for pair in pairs if _pyshacl_crashes(shapes, _pair(0, *pair))]  # NaN, <= between types
    assert len(crash) < len(pairs) / 2
    data = "".join(_pair(i, v, w) for i, (v, w) in enumerate(p for p in pairs if p not in crash))
    plain, copied, in_oxigraph = _both_ways(tmp_path, shapes, data, monkeypatch)
    assert copied == plain and in_oxigraph == plain
    assert plain  # something fails


def _pair(i: int, v: str, w: str) -> str:
    return f"<http://example.org/n{i}> <http://example.org/p> {v} ; <http://example.org/q> {w} .\n"


def _pyshacl_crashes(shapes_ttl: str, data_ttl: str) -> bool:
    import pyshacl
    from rdflib import Graph

    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    try:
        pyshacl.validate(Graph().parse(data=prefixes + data_ttl, format="turtle"),
                         shacl_graph=Graph().parse(data=prefixes + shapes_ttl, format="turtle"))
    except (ArithmeticError, TypeError):
        return True
    return False


def test_nan_against_a_decimal_is_a_result(tmp_path):
    """pyshacl 0.40.1 raises decimal.InvalidOperation on "NaN"^^xsd:double against sh:maxExclusive 2.5
    (and TypeError on sh:lessThanOrEquals between a number and a date); the engine reports the
    value, as SHACL says of values the comparison cannot order."""
    from ncts_graph.validate import validate

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://example.org/S> a sh:NodeShape ; sh:targetSubjectsOf <http://example.org/p> ;
        sh:property [ sh:path <http://example.org/p> ; sh:maxExclusive 2.5 ; sh:message "below 2.5"@en ] .""")
    data = tmp_path / "data.ttl"
    data.write_text('<http://example.org/a> <http://example.org/p> "NaN"^^<http://www.w3.org/2001/XMLSchema#double> , 1 .')
    report = validate([data], shapes=[shapes], bundled_shapes=False, scope="all")
    assert [(str(r.value), r.component) for r in report.results] == [("nan", "sh:MaxExclusiveConstraintComponent")]
    shapes.write_text(shapes.read_text().replace("sh:maxExclusive 2.5", "sh:lessThanOrEquals <http://example.org/q>"))
    data.write_text('<http://example.org/a> <http://example.org/p> 1 ; <http://example.org/q> '
                    '"2026-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .')
    report = validate([data], shapes=[shapes], bundled_shapes=False, scope="all")
    assert [(str(r.value), r.component) for r in report.results] == [("1", "sh:LessThanOrEqualsConstraintComponent")]


def test_compiled_engine_report_equals_the_previous_engine(synthetic_200):
    """`ncts validate` output (text, JSON) is the same with the compiled core as with the
    previous engine (pyshacl for the core)."""
    from ncts_graph.validate import render_json, render_text, validate

    new = validate([synthetic_200, *INVALID], as_of="2027-03-01")
    old = validate([synthetic_200, *INVALID], as_of="2027-03-01", engine="pyshacl")
    assert len(new.results) > 50
    assert render_text(new, "en") == render_text(old, "en")
    assert _json(new) == _json(old)


def test_big_input_loaded_into_oxigraph_gives_the_same_report(synthetic_200, monkeypatch):
    from ncts_graph import bigload
    from ncts_graph.validate import render_json, render_text, validate

    from ncts_graph import locate

    small = validate([synthetic_200], as_of="2027-03-01")
    monkeypatch.setattr(bigload, "BIG_BYTES", 0)
    loaded = []
    real = bigload.load_oxigraph
    monkeypatch.setattr(bigload, "load_oxigraph", lambda *a, **k: loaded.append(1) or real(*a, **k))
    monkeypatch.setattr(locate, "WARM_BYTES", 0)  # every file's line index built beside the checks
    locate._index.cache_clear()
    warmed = []
    monkeypatch.setattr(locate, "_warming", type("Seen", (dict,), {
        "__setitem__": lambda self, k, v: warmed.append(k) or dict.__setitem__(self, k, v)})())
    big = validate([synthetic_200], as_of="2027-03-01")
    assert loaded  # the Oxigraph loader was used
    assert str(synthetic_200) in warmed and str(synthetic_200) not in locate._warming  # in a thread, waited for
    assert render_text(big, "nl") == render_text(small, "nl")
    assert _json(big) == _json(small)


def test_big_input_syntax_error_names_file_and_line(tmp_path, monkeypatch):
    from ncts_graph import bigload
    from ncts_graph.errors import NctsError
    from ncts_graph.validate import validate

    bad = tmp_path / "bad.nt"
    bad.write_text('<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> <http://e/b> "open .\n', encoding="utf-8")
    monkeypatch.setattr(bigload, "BIG_BYTES", 0)
    with pytest.raises(NctsError) as err:
        validate([bad])
    assert str(err.value).startswith(f"{bad}:2: syntax error")
    assert "\n" not in str(err.value)


def test_input_too_big_for_memory_is_refused_before_loading(tmp_path, monkeypatch):
    from ncts_graph import bigload
    from ncts_graph.errors import NctsError
    from ncts_graph.validate import validate

    f = tmp_path / "huge.nt"
    f.write_text("<http://e/a> <http://e/b> <http://e/c> .\n" * 1000, encoding="utf-8")
    monkeypatch.setattr(bigload, "available_bytes", lambda: 100 * 2**20)
    monkeypatch.setattr(importlib.import_module("ncts_graph.load"), "load", lambda *a, **k: pytest.fail("loaded"))
    monkeypatch.setattr(bigload, "load_oxigraph", lambda *a, **k: pytest.fail("loaded"))
    with pytest.raises(NctsError) as err:
        validate([f])
    message = str(err.value)
    assert message.startswith(f"{f}:") and "needs about" in message and "available" in message
    assert "\n" not in message


def test_memory_estimate_grows_with_the_input(tmp_path):
    from ncts_graph import bigload

    f = tmp_path / "a.nt"
    f.write_bytes(b"x" * 10_000_000)
    assert bigload.needed_bytes([f]) == bigload.BASE_BYTES + int(10_000_000 * bigload.BYTES_PER_INPUT_BYTE[".nt"])
    bigload.check_fits([f], available=2**40)  # fits: no error


def test_text_and_json_reports_build_no_report_graph(synthetic_200):
    """The report graph is built only when asked for (--format ttl, the API's .graph): text and
    JSON come from the results. Built, it holds the same results as the previous engine's."""
    from ncts_graph.validate import _Outcome, render_json, render_text, validate

    new = validate([synthetic_200, *INVALID], as_of="2027-03-01")
    render_text(new, "en"), render_json(new)
    assert isinstance(new.outcome, _Outcome)  # not built
    old = validate([synthetic_200, *INVALID], as_of="2027-03-01", engine="pyshacl")
    import re

    blank = lambda keys: sorted(tuple(re.sub(r"^N?[0-9a-f]{33,}$", "_", x, flags=re.I) if isinstance(x, str) else x
                                      for x in k) for k in keys)  # noqa: E731 (paths and shapes: fresh ids a load)
    assert blank(_keys(new.graph)) == blank(_keys(old.graph)) and len(_keys(new.graph)) == len(new.results)


def test_benchmark_difference_counts_by_component_with_an_example():
    bench = _bench()
    r = lambda focus, component: json.dumps([focus, "", "", SH + "Violation", SH + component])  # noqa: E731
    reference = [r("a", "MinCountConstraintComponent"), r("b", "MinCountConstraintComponent")]
    got = [r("a", "MinCountConstraintComponent"), r("c", "ClassConstraintComponent"), r("c", "ClassConstraintComponent")]
    assert bench.difference(reference, reference) == ""
    said = bench.difference(got, reference)
    assert said.startswith("2 more (2 Class), e.g. ") and '"c"' in said
    assert "; 1 fewer (1 MinCount), e.g. " in said and '"b"' in said


def test_benchmark_engine_table_runs_end_to_end(tmp_path):
    """`benchmarks/validate.py` at a tiny size: the cold run, then the engine table, in which the
    benchmark's worker gives the compiled and the previous engine plain pyshacl's result set
    (focus, path, value, severity, component; synthetic measures and the invalid examples); every
    PyPI engine has a row (figures, or why not); the larger size is skipped on its estimate."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "validate.py"), "--sizes", "10,3000", "--runs", "1",
                          "--big-mb", "0", "--budget", "60"], capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert any(line.startswith("cold `ncts validate` one measure: ") for line in lines)
    header = next(line.split() for line in lines if line.split()[:2] == ["N", "engine"])
    assert header[2:] == ["wall", "s", "valid.", "s", "MiB", "results", "same", "/fastest", "/previous", "note"]
    rows = {line.split()[1]: line for line in lines if line.split()[:1] == ["10"]}
    assert set(rows) == {"compiled", "previous", "pyshacl", "shacl", "pyshifty", "pyrudof", "pyshacl-turbo"}
    for engine in ("compiled", "previous", "pyshacl"):
        fields = rows[engine].split()
        assert fields[6] == "yes", rows[engine]  # same as plain pyshacl
        assert int(fields[5]) > 50  # results: many kinds occur
    assert rows["pyshacl"].endswith("reference")
    for engine in ("shacl", "pyshifty", "pyrudof", "pyshacl-turbo"):
        fields = rows[engine].split()
        assert fields[6] in ("yes", "NO") or "not installed" in rows[engine] or "failed: " in rows[engine], rows[engine]
    skipped = [line for line in lines if line.split()[:1] == ["3000"]]
    assert skipped and all("skipped: estimated" in line or "not installed" in line for line in skipped), skipped
    assert "skipped: estimated" in next(line for line in skipped if " compiled " in line)


def test_cli_on_big_input_ends_at_once_with_the_whole_report_and_its_exit_code(monkeypatch):
    """`ncts validate` on big input leaves without freeing the store object by object (2 s at
    N = 100,000): the report is written whole and flushed first, and the exit code is kept."""
    import os

    from click.testing import CliRunner

    from ncts_graph import bigload
    from ncts_graph.cli import main

    class Left(Exception):
        pass

    codes = []
    monkeypatch.setattr(os, "_exit", lambda code: codes.append(code) or (_ for _ in ()).throw(Left()))
    monkeypatch.setattr(bigload, "BIG_BYTES", 0)
    files = [str(f) for f in _bench().examples()]  # those Oxigraph's parser reads
    result = CliRunner().invoke(main, ["validate", "--lang", "en", "--format", "json", *files])
    assert isinstance(result.exception, Left) and codes == [1], (result.exception, result.output[-300:])
    data = json.loads(result.output)  # the whole report, flushed before the end
    assert data["conforms"] is False and len(data["results"]) >= len(files)
    monkeypatch.setattr(bigload, "BIG_BYTES", 2**62)  # a small input ends as before
    result = CliRunner().invoke(main, ["validate", "--lang", "en", "--format", "json", *files])
    where = lambda d: sorted((r["component"], r["file"], r["line"], r["message"]) for r in d["results"])  # noqa: E731
    assert result.exit_code == 1 and codes == [1] and where(json.loads(result.output)) == where(data)
