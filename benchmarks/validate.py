"""Validation benchmarks: cold `ncts validate` on one measure, the engine table, and a
200 MB N-Triples file.

    .venv/bin/python benchmarks/validate.py                 # cold run + N = 1,000 / 10,000 / 100,000
    .venv/bin/python benchmarks/validate.py --sizes 1000 --budget 300 --big-mb 0

1. Cold, end to end: `ncts validate examples/measures/valid/gebiedsverbod.ttl`, median of
   five fresh processes, against `python -c "import pyshacl"` (the floor any pyshacl-based
   validator pays) measured in the same run.
2. The engine table: N synthetic measures (some broken on purpose, so every kind of result
   occurs) with the reference data (ontology, vocabularies, strategy, threats, partners,
   legal bases, sources), each engine in a fresh process (wall seconds of the whole process,
   loading included; seconds of the validation alone; peak RSS; result count):
   - ``compiled``: the project's engine (files parsed by Oxigraph, the SHACL core compiled to
     SPARQL on Oxigraph, SHACL-SPARQL on Oxigraph; ncts_graph.validate);
   - ``previous``: the project's engine before issue 10 (rdflib loading, pyshacl for the core;
     ``validate(engine="pyshacl")``);
   - ``pyshacl``: plain ``pyshacl.validate``, the reference;
   - ``shacl``: PyPI ``shacl`` (the fastest PyPI engine measured in issue 10), when installed
     (``pip install -e '.[bench]'``).
   Every engine's result set is compared with plain pyshacl's where that ran, else with the
   compiled engine's. An engine whose time extrapolated from the size before exceeds
   --budget seconds is skipped, with the estimate.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
NCTS = str(Path(PY).with_name("ncts"))
REFERENCE = ["vocabularies.ttl", "strategy.ttl", "threats.ttl", "partners.ttl", "legal-bases.ttl", "sources.ttl"]
AS_OF = "2027-03-01"


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


# Run in a fresh process: load the input, validate, write the result keys as JSON.
WORKER = r"""
import json, sys, time
from pathlib import Path
engine, keys_out, *files = sys.argv[1:]
start = time.perf_counter()
from ncts_graph import paths
SH = "http://www.w3.org/ns/shacl#"
files = [paths.ontology_file(), *files]
if engine == "compiled":
    from ncts_graph.bigload import load_oxigraph
    from ncts_graph.validate import validate
    ds = load_oxigraph(files, bundled=False)
    begin = time.perf_counter()
    graph = validate(graph=ds, scope="all", as_of=%(as_of)r).graph
elif engine == "previous":
    from ncts_graph.load import load
    from ncts_graph.validate import validate
    ds = load(files, bundled=False)
    begin = time.perf_counter()
    graph = validate(graph=ds, scope="all", as_of=%(as_of)r, engine="pyshacl").graph
else:
    import pyoxigraph as ox
    from rdflib import Graph, Literal, URIRef
    from ncts_graph.validate import load_shapes
    run = (URIRef("https://w3id.org/ncts-graph/shapes#run"), URIRef("https://w3id.org/ncts-graph/shapes#asOf"),
           Literal(%(as_of)r, datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")))
    if engine == "pyshacl":
        import pyshacl
        from ncts_graph.build import union_graph
        from ncts_graph.load import load
        data = union_graph(load(files, bundled=False))
        data.add(run)
        begin = time.perf_counter()
        _, graph, _ = pyshacl.validate(data, shacl_graph=load_shapes(), allow_warnings=True, allow_infos=True)
    else:  # PyPI shacl: one N-Triples data file, one Turtle shapes file
        import shacl
        merged, shapes = Path(keys_out + ".nt"), Path(keys_out + ".shapes.ttl")
        quads = (q for f in files for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE, base_iri=Path(f).resolve().as_uri()))
        ox.serialize(quads, output=str(merged), format=ox.RdfFormat.N_TRIPLES)
        with merged.open("a", encoding="utf-8") as out:
            out.write(" ".join(t.n3() for t in run) + " .\n")
        load_shapes().serialize(shapes, format="turtle")
        begin = time.perf_counter()
        report = shacl.validate(str(merged), str(shapes), allow_warnings=True)
        graph = Graph().parse(data=report.serialize("turtle"), format="turtle")
end = time.perf_counter()
from rdflib import BNode, URIRef
def key(n):
    v = lambda p: graph.value(n, URIRef(SH + p))
    path = v("resultPath")
    focus = v("focusNode")
    return [str(focus) if not isinstance(focus, BNode) else "_:" + str(graph.value(focus, None, None) or ""),
            str(path) if isinstance(path, URIRef) else ("complex" if path is not None else ""),
            str(v("value")) if not isinstance(v("value"), BNode) else "_", str(v("resultSeverity")),
            str(v("sourceConstraintComponent"))]
keys = sorted(json.dumps(key(n)) for n in graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                                          URIRef(SH + "ValidationResult")))
Path(keys_out).write_text(json.dumps({"wall": end - start, "seconds": end - begin, "keys": keys}))
""" % {"as_of": AS_OF}

ENGINES = ("compiled", "previous", "pyshacl", "shacl")


def run_worker(engine: str, files: list[Path], tmp: Path) -> dict:
    keys = tmp / f"{engine}.json"
    proc = subprocess.Popen([PY, "-c", WORKER, engine, str(keys), *map(str, files)], cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{engine} worker failed with status {status}")
    data = json.loads(keys.read_text())
    data["peak_mib"] = usage.ru_maxrss / 1024
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


def _ratio(a: dict | None, b: dict | None) -> str:
    return f"{a['wall'] / b['wall']:.3f}" if a and b else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--budget", type=float, default=900,
                        help="seconds an engine may take per size, extrapolated from the size before (0: only compiled)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big-mb", type=int, default=200, help="size of the N-Triples file (0: skip)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args()
    from common import cold

    example = ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl"
    if args.runs:
        ours = cold([NCTS, "validate", str(example)], args.runs)
        floor = cold([PY, "-c", "import pyshacl"], args.runs)
        print(f"cold `ncts validate` one measure: {ours:.2f} s median of {args.runs}; "
              f"`python -c 'import pyshacl'`: {floor:.2f} s; ratio {ours / floor:.2f}")
    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")

    from ncts_graph import paths

    engines = [e for e in args.engines.split(",") if e != "shacl" or importlib.util.find_spec("shacl")]
    reference = [paths.home() / "data" / name for name in REFERENCE]
    per_measure: dict[str, float] = {}
    print(f"{'N':>7} {'engine':>9} {'wall s':>8} {'valid. s':>8} {'MiB':>6} {'results':>8} {'same':>5} "
          f"{'/shacl':>7} {'/previous':>9}  note")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            synthetic(n, tmp / "synthetic.ttl")
            files = [*reference, tmp / "synthetic.ttl"]
            done, notes = {}, {}
            for engine in engines:
                estimate = per_measure.get(engine, 0) * n
                if engine != "compiled" and (args.budget <= 0 or estimate > args.budget):
                    notes[engine] = (f"skipped: estimated {estimate:,.0f} s > budget {args.budget:.0f} s"
                                     if estimate else "skipped (--budget 0)")
                    continue
                done[engine] = run_worker(engine, files, tmp)
                per_measure[engine] = done[engine]["wall"] / n
            reference_keys = (done.get("pyshacl") or done["compiled"])["keys"]
            for engine in engines:
                r = done.get(engine)
                if r is None:
                    print(f"{n:>7} {engine:>9} {'':>8} {'':>8} {'':>6} {'':>8} {'':>5} {'':>7} {'':>9}  {notes[engine]}")
                    continue
                same = "yes" if r["keys"] == reference_keys else "NO"
                print(f"{n:>7} {engine:>9} {r['wall']:>8.1f} {r['seconds']:>8.1f} {r['peak_mib']:>6.0f} "
                      f"{len(r['keys']):>8} {same:>5} {_ratio(r, done.get('shacl')):>7} "
                      f"{_ratio(r, done.get('previous')):>9}  "
                      + ("compared with plain pyshacl" if "pyshacl" in done else "compared with compiled"))
            if done["compiled"]["keys"] != reference_keys:
                raise SystemExit("the compiled engine's results differ from plain pyshacl's")
    if args.big_mb:
        big_file(args.big_mb)


if __name__ == "__main__":
    main()
