"""Validation benchmarks: cold `ncts validate` on one measure, the engine table, and a
200 MB N-Triples file.

    .venv/bin/python benchmarks/validate.py                 # cold run + N = 1,000 / 10,000 / 100,000
    .venv/bin/python benchmarks/validate.py --sizes 1000 --budget 300 --big-mb 0

1. Cold, end to end: `ncts validate examples/measures/valid/gebiedsverbod.ttl`, median of
   --runs fresh processes, against `python -c "import pyshacl"` (the floor any pyshacl-based
   validator pays) measured in the same run: the machine is shared, so the ratio is the figure.
2. The engine table: N synthetic measures (some broken on purpose) plus the invalid examples
   (examples/measures/invalid: every kind of result occurs), with the reference data (ontology,
   vocabularies, strategy, threats, partners, legal bases, sources). Each engine runs in a
   fresh process; per engine: wall seconds of the whole process (interpreter, imports,
   loading, report), seconds of the validation call alone, peak RSS, result count, whether
   its results are the reference's, and its wall time as a ratio to the fastest PyPI engine
   of that N (among those giving the reference's results) and to ``previous``, all from this run:
   - ``compiled``: the project's engine (files parsed by Oxigraph, the SHACL core compiled to
     SPARQL on Oxigraph, SHACL-SPARQL on Oxigraph; ncts_graph.validate);
   - ``previous``: the project's engine before issue 10 (rdflib loading, pyshacl for the core;
     ``validate(engine="pyshacl")``);
   - ``pyshacl``: plain ``pyshacl.validate``, the reference;
   - PyPI engines, when installed (``pip install -e '.[bench]'``), else skipped with a note:
     ``shacl``, ``pyshifty`` (import ``shifty``), ``pyrudof`` and ``pyshacl-turbo``. They read
     one N-Triples file of the same data and a Turtle file of the project's shapes, written
     before the timing; their validation call includes parsing.
   A result is (focus, path, value, severity, constraint component), a blank node as "_"
   (engines name blank nodes differently); result sets are compared as multisets with plain
   pyshacl's where that ran, else with the compiled engine's (else the previous one's), and a difference is printed by
   component with an example. An engine whose time (or memory) extrapolated from the size
   before exceeds --budget seconds (or 80% of the available memory) is skipped, with the
   estimate (--budget 0: only compiled, at every size); an engine still running after twice
   --budget is stopped (the estimate is linear; pyshifty, for one, is not), at the first size too.
3. `ncts validate` of a --big-mb MB N-Triples file (synthetic measures): wall and peak RSS.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
NCTS = str(Path(PY).with_name("ncts"))
REFERENCE = ["vocabularies.ttl", "strategy.ttl", "threats.ttl", "partners.ttl", "legal-bases.ttl", "sources.ttl"]
AS_OF = "2027-03-01"
SHAPES = "https://w3id.org/ncts-graph/shapes#"
# rudof pre-binds $this of a SPARQL constraint with VALUES, which SPARQL does not allow for a
# blank node ("expected UNDEF"): these shapes' SHACL-SPARQL runs on blank nodes (the quote
# selectors), so pyrudof runs without their sh:sparql and the table says so.
RUDOF_WITHOUT_SPARQL = [SHAPES + "NoEmailAddressShape"]
PYPI = {"pyshacl": "pyshacl", "shacl": "shacl", "pyshifty": "shifty", "pyrudof": "pyrudof",
        "pyshacl-turbo": "pyshacl_turbo"}  # PyPI distribution -> module
ENGINES = ("compiled", "previous", *PYPI)


def synthetic(n: int, path: Path) -> None:
    """N measures in the style of examples/measures; every 10th lacks a legal basis, every 7th
    has a pillar of another strategy, every 13th a curator-supplied basis, every 11th rests on
    the Tijdelijke wet alone (which has ended on the reference date)."""
    head = (ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl").read_text(encoding="utf-8")
    prefixes = "".join(line + "\n" for line in head.splitlines() if line.startswith("@prefix"))
    with path.open("w", encoding="utf-8") as out:
        out.write(prefixes)
        for i in range(n):
            basis = "" if i % 10 == 0 else (
                "ncts:curatorLegalBasis law:politiewet-2012 ; ncts:curatorNote \"Synthetic.\"@en ;" if i % 13 == 0 else
                "ncts:statedLegalBasis law:twbmt ;" if i % 11 == 0 else "ncts:statedLegalBasis law:twbmt , law:wiv-2017 ;")
            pillar = "pillar:voorkomen-2016" if i % 7 == 0 else "pillar:voorkomen"
            out.write(f"""ex:m{i} a ncts:Measure ; rdfs:label "Maatregel {i}"@nl , "Measure {i}"@en ;
  skos:definition "Synthetische maatregel {i}."@nl ; ncts:strategy strategy:ncts-2022-2026 ; ncts:pillar {pillar} ;
  ncts:goal goal:verstoren-van-dreigingen ; ncts:measureType mtype:administrative ;
  ncts:addressesThreat threat:jihadisme ; {basis}
  ncts:involvement [ a ncts:PartnerInvolvement ; ncts:partner partner:nationale-politie ; ncts:role role:lead ] ;
  ncts:curatorRestriction right:privacy ;
  ncts:proportionalityNote "Synthetisch {i}."@nl , "Synthetic {i}."@en ;
  ncts:evidence [ a ncts:Quote ; oa:hasSource src:ncts-2022-2026 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Synthetic quote {i}."@nl ] ] .
""")


def examples() -> list[Path]:
    """The invalid examples Oxigraph's parser reads (one, not-typed-as-measure.ttl, is Turtle
    only rdflib accepts: a subject followed by ';')."""
    import pyoxigraph as ox

    readable = []
    for path in sorted((ROOT / "examples" / "measures" / "invalid").glob("*.ttl")):
        try:
            list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except SyntaxError:
            continue
        readable.append(path)
    return readable


def run_triple():
    """The reference date as the shapes read it (nctsh:run nctsh:asOf)."""
    from rdflib import Literal, URIRef

    return (URIRef(SHAPES + "run"), URIRef(SHAPES + "asOf"),
            Literal(AS_OF, datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")))


def pypi_inputs(files: list[Path], tmp: Path) -> tuple[Path, Path]:
    """One N-Triples file of ``files`` (the ontology among them) with the reference date, and the project's shapes as one
    Turtle file: what the PyPI engines read."""
    import pyoxigraph as ox

    from ncts_graph.validate import load_shapes

    merged, shapes = tmp / "merged.nt", tmp / "shapes.ttl"
    quads = (q for f in files for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE,
                                                 base_iri=Path(f).resolve().as_uri()))
    ox.serialize(quads, output=str(merged), format=ox.RdfFormat.N_TRIPLES)
    with merged.open("a", encoding="utf-8") as out:
        out.write(" ".join(t.n3() for t in run_triple()) + " .\n")
    load_shapes().serialize(shapes, format="turtle")
    return merged, shapes


# Run in a fresh process: load the input, validate, write the result keys as JSON.
WORKER = r"""
import json, sys, time
from pathlib import Path
engine, keys_out, merged, shapes, *files = sys.argv[1:]
SH = "http://www.w3.org/ns/shacl#"
note = ""
if engine in ("compiled", "previous", "pyshacl"):
    from ncts_graph import paths
    from ncts_graph.validate import validate
    files = [paths.ontology_file(), *files]
if engine == "compiled":
    from ncts_graph import bigload
    ds = bigload.load_oxigraph(files, bundled=False)
    begin = time.perf_counter()
    report = validate(graph=ds, scope="all", as_of=%(as_of)r)  # what `ncts validate` pays: no report graph
    end = time.perf_counter()
elif engine == "previous":
    from ncts_graph.load import load
    ds = load(files, bundled=False)
    begin = time.perf_counter()
    graph = validate(graph=ds, scope="all", as_of=%(as_of)r, engine="pyshacl").graph
elif engine == "pyshacl":
    import pyshacl
    from rdflib import Literal, URIRef
    from ncts_graph.build import union_graph
    from ncts_graph.load import load
    from ncts_graph.validate import load_shapes
    data = union_graph(load(files, bundled=False))
    data.add((URIRef(%(shapes)r + "run"), URIRef(%(shapes)r + "asOf"),
              Literal(%(as_of)r, datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))))
    begin = time.perf_counter()
    _, graph, _ = pyshacl.validate(data, shacl_graph=load_shapes(), allow_warnings=True, allow_infos=True)
elif engine == "shacl":
    import shacl
    begin = time.perf_counter()
    report = shacl.validate(merged, shapes, allow_warnings=True)
    end = time.perf_counter()
    from rdflib import Graph
    graph = Graph().parse(data=report.serialize("turtle"), format="turtle")
elif engine == "pyshifty":
    import shifty
    begin = time.perf_counter()
    # graph_mode="data": focus nodes and evaluation on the data graph alone, as pyshacl does
    _, graph, _ = shifty.validate(Path(merged), Path(shapes), graph_mode="data", infer=False)
elif engine == "pyshacl-turbo":
    import pyshacl_turbo
    begin = time.perf_counter()
    _, graph, _ = pyshacl_turbo.validate(merged, shacl_graph=shapes, allow_warnings=True, allow_infos=True)
elif engine == "pyrudof":
    import pyrudof
    from rdflib import Graph, URIRef
    shapes_graph = Graph().parse(shapes, format="turtle")
    for shape in %(rudof_without)r:
        if (URIRef(shape), URIRef(SH + "sparql"), None) in shapes_graph:
            shapes_graph.remove((URIRef(shape), URIRef(SH + "sparql"), None))
            note += f"without {shape.rsplit('#', 1)[-1]}'s sh:sparql (rudof binds $this by VALUES: no blank nodes); "
    Path(keys_out + ".shapes.ttl").write_text(shapes_graph.serialize(format="turtle"), encoding="utf-8")
    begin = time.perf_counter()
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(merged, format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(keys_out + ".shapes.ttl")
    rudof.validate_shacl()
    end = time.perf_counter()
    graph = Graph().parse(format="turtle", data=rudof.serialize_shacl_validation_results(
        format=pyrudof.ResultShaclValidationFormat.Turtle))
else:
    raise SystemExit(f"unknown engine {engine}")
if engine not in ("shacl", "pyrudof", "compiled"):
    end = time.perf_counter()
from rdflib import BNode, URIRef
def result_key(r):  # the same key, from the results (the compiled engine builds its report graph only on demand)
    component = SH + r.component[3:] if r.component.startswith("sh:") else r.component
    return [str(r.focus) if not isinstance(r.focus, BNode) else "_",
            str(r.path) if isinstance(r.path, URIRef) else ("complex" if r.path is not None else ""),
            str(r.value) if r.value is not None and not isinstance(r.value, BNode) else ("_" if r.value is not None else "None"),
            SH + r.severity.title(), component]
def key(n):
    v = lambda p: graph.value(n, URIRef(SH + p))
    path, focus, value = v("resultPath"), v("focusNode"), v("value")
    return [str(focus) if not isinstance(focus, BNode) else "_",
            str(path) if isinstance(path, URIRef) else ("complex" if path is not None else ""),
            str(value) if not isinstance(value, BNode) else "_", str(v("resultSeverity")),
            str(v("sourceConstraintComponent"))]
if engine == "compiled":
    keys = sorted(json.dumps(result_key(r)) for r in report.results)
else:
    keys = sorted(json.dumps(key(n)) for n in graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                                              URIRef(SH + "ValidationResult")))
Path(keys_out).write_text(json.dumps({"seconds": end - begin, "keys": keys, "note": note}))
if engine == "compiled" and bigload.is_big(files):  # as `ncts validate` ends on big input: the store
    bigload.leave(0)  # is not freed object by object
""" % {"as_of": AS_OF, "shapes": SHAPES, "rudof_without": RUDOF_WITHOUT_SPARQL}


def run_worker(engine: str, files: list[Path], pypi: tuple[Path, Path], tmp: Path, limit: float = 0) -> dict:
    """One engine in a fresh process: its result keys, validation seconds, and the wall time and
    peak RSS of the whole process; ``{"failed": why}`` when it fails or runs past ``limit``
    seconds (0: no limit), when it is stopped (the estimates are linear; an engine may not be)."""
    keys, err = tmp / f"{engine}.json", tmp / f"{engine}.err"
    start = time.perf_counter()
    with err.open("wb") as stderr:
        proc = subprocess.Popen([PY, "-c", WORKER, engine, str(keys), *map(str, pypi), *map(str, files)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if limit and time.perf_counter() - start > limit:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                return {"failed": f"stopped after {limit:,.0f} s (2 x --budget)"}
            time.sleep(0.1)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if status != 0:
        lines = err.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return {"failed": (lines[-1] if lines else f"exit {proc.returncode}")[:160]}
    data = json.loads(keys.read_text())
    data["wall"], data["peak_mib"] = wall, usage.ru_maxrss / 1024
    return data


def big_ntriples(mb: int, path: Path) -> None:
    """About ``mb`` MB of N-Triples of synthetic measures (whole lines)."""
    import pyoxigraph as ox

    n = max(1000, mb * 330)  # about 3 kB of N-Triples a measure
    ttl = path.with_suffix(".ttl")
    synthetic(n, ttl)
    ox.serialize(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE), output=str(path), format=ox.RdfFormat.N_TRIPLES)
    ttl.unlink()
    limit = mb * 1_000_000
    with path.open("r+b") as f:
        if path.stat().st_size > limit:
            f.seek(limit)
            f.truncate()
            f.seek(0)
            data = f.read()
            f.seek(0)
            f.truncate()
            f.write(data[: data.rfind(b"\n") + 1])


def big_file(mb: int) -> None:
    """`ncts validate` of an N-Triples file of ``mb`` MB: wall, peak RSS, and the up-front estimate."""
    import time

    from ncts_graph import bigload

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.nt"
        big_ntriples(mb, path)
        size = path.stat().st_size
        need, avail = bigload.needed_bytes([path]), bigload.available_bytes()
        start = time.perf_counter()
        proc = subprocess.Popen([NCTS, "validate", str(path), "--format", "json", "--as-of", AS_OF],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err = proc.stderr.read().decode("utf-8", "replace").strip()
        code = os.waitstatus_to_exitcode(status)
        print(f"`ncts validate` {size / 1e6:,.0f} MB N-Triples: {wall:.1f} s, peak {usage.ru_maxrss / 1024:,.0f} MiB, "
              f"exit {code} (estimate {need / 2**30:.1f} GiB, available {avail / 2**30:.1f} GiB)"
              + (f"; {err.splitlines()[-1]}" if code == 2 and err else ""))


def difference(keys: list[str], reference: list[str]) -> str:
    """How a result set differs from the reference: counts by component, one example each way."""
    got, want = Counter(keys), Counter(reference)
    extra, missing = list((got - want).elements()), list((want - got).elements())

    def by_component(items):
        return ", ".join(f"{c} {k.rsplit('#', 1)[-1].removesuffix('ConstraintComponent')}"
                         for k, c in Counter(json.loads(i)[4] for i in items).most_common())

    parts = []
    if extra:
        parts.append(f"{len(extra)} more ({by_component(extra)}), e.g. {extra[0]}")
    if missing:
        parts.append(f"{len(missing)} fewer ({by_component(missing)}), e.g. {missing[0]}")
    return "; ".join(parts)


def _ratio(a: dict | None, b: dict | None) -> str:
    return f"{a['wall'] / b['wall']:.2f}" if a and b else "-"


def versions() -> str:
    found = []
    for dist, module in PYPI.items():
        found.append(f"{dist} {metadata.version(dist)}" if importlib.util.find_spec(module)
                     else f"{dist} not installed (pip install -e '.[bench]')")
    return ", ".join(found)


def table(sizes: list[int], engines: list[str], budget: float) -> bool:
    """Print the engine table; True when the compiled engine gave the reference's results at every size."""
    from ncts_graph import bigload, paths

    reference_files = [paths.home() / "data" / name for name in REFERENCE]
    last: dict[str, tuple[int, dict]] = {}  # engine -> (N, its figures) at the last size it ran
    agrees = True
    print(f"{'N':>7} {'engine':>13} {'wall s':>7} {'valid. s':>8} {'MiB':>6} {'results':>7} {'same':>4} "
          f"{'/fastest':>8} {'/previous':>9}  note")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            synthetic(n, tmp / "synthetic.ttl")
            files = [*reference_files, tmp / "synthetic.ttl", *examples()]
            pypi = pypi_inputs([paths.ontology_file(), *files], tmp)
            done, notes = {}, {}
            avail_mib = (bigload.available_bytes() or 0) / 2**20
            for engine in engines:
                module = PYPI.get(engine)
                if module and not importlib.util.find_spec(module):
                    notes[engine] = f"skipped: {engine} not installed (pip install -e '.[bench]')"
                    continue
                if budget <= 0 and engine != "compiled":
                    notes[engine] = "skipped (--budget 0)"
                    continue
                if budget > 0 and engine in last:
                    m, before = last[engine]
                    seconds, mib = before["wall"] * n / m, before["peak_mib"] * n / m
                    if seconds > budget:
                        notes[engine] = f"skipped: estimated {seconds:,.0f} s > --budget {budget:,.0f} s"
                        continue
                    if avail_mib and mib > 0.8 * avail_mib:
                        notes[engine] = f"skipped: estimated {mib:,.0f} MiB > 80% of {avail_mib:,.0f} MiB available"
                        continue
                result = run_worker(engine, files, pypi, tmp, limit=2 * budget)
                if "failed" in result:
                    notes[engine] = result["failed"] if result["failed"].startswith("stopped") \
                        else f"failed: {result['failed']}"
                    continue
                done[engine], last[engine] = result, (n, result)
            # plain pyshacl, else the project's engines (each gives pyshacl's results in the tests)
            ref_name = next((e for e in ("pyshacl", "compiled", "previous") if e in done), None)
            reference = done[ref_name]["keys"] if ref_name else None
            same = {e: reference is not None and r["keys"] == reference for e, r in done.items()}
            pypi_done = [e for e in done if e in PYPI]
            agreeing = [e for e in pypi_done if same[e]] or pypi_done
            fastest = min(agreeing, key=lambda e: done[e]["wall"]) if agreeing else None
            for engine in engines:
                r = done.get(engine)
                if r is None:
                    print(f"{n:>7} {engine:>13} {'':>7} {'':>8} {'':>6} {'':>7} {'':>4} {'':>8} {'':>9}  {notes[engine]}")
                    continue
                note = r["note"] + ("reference; " if engine == ref_name else "")
                if reference and not same[engine]:
                    note += f"differs from {ref_name}: {difference(r['keys'], reference)}"
                print(f"{n:>7} {engine:>13} {r['wall']:>7.1f} {r['seconds']:>8.1f} {r['peak_mib']:>6.0f} "
                      f"{len(r['keys']):>7} {'yes' if same[engine] else 'NO' if reference else '-':>4} "
                      f"{_ratio(r, done.get(fastest)):>8} {_ratio(r, done.get('previous')):>9}  {note.strip('; ')}")
            print(f"{'':>7} /fastest: against {fastest or '-'}, the fastest PyPI engine at N = {n:,}"
                  + (" with the reference's results" if fastest and same[fastest] else "")
                  + f"; load average {os.getloadavg()[0]:.1f}")
            if "failed" in notes.get("compiled", "") or ("compiled" in done and not same["compiled"]):
                agrees = False
    return agrees


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--budget", type=float, default=900,
                        help="seconds an engine may take per size, extrapolated from the size before "
                             "(0: only compiled, without limit)")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes of the cold run (0: skip)")
    parser.add_argument("--big-mb", type=int, default=200, help="size of the N-Triples file (0: skip)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)}")
    args = parser.parse_args()
    engines = args.engines.split(",")
    if unknown := set(engines) - set(ENGINES):
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    from common import cold

    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    example = ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl"
    if args.runs:
        ours = cold([NCTS, "validate", str(example)], args.runs)
        floor = cold([PY, "-c", "import pyshacl"], args.runs)
        print(f"cold `ncts validate` one measure: {ours:.2f} s median of {args.runs}; "
              f"`python -c 'import pyshacl'`: {floor:.2f} s; ratio {ours / floor:.2f}")
    print(f"engines: {versions()}")
    agrees = table([int(s) for s in args.sizes.split(",")], engines, args.budget)
    if args.big_mb:
        big_file(args.big_mb)
    if not agrees:
        raise SystemExit("the compiled engine's results differ from the reference's (or it failed)")


if __name__ == "__main__":
    main()
