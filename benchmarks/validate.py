"""Validation benchmarks: cold `ncts validate` on one measure, and N synthetic measures.

    .venv/bin/python benchmarks/validate.py                 # cold run + N = 1,000 / 10,000 / 100,000
    .venv/bin/python benchmarks/validate.py --sizes 1000 --budget 300

1. Cold, end to end: `ncts validate examples/measures/valid/gebiedsverbod.ttl`, median of
   five fresh processes, against `python -c "import pyshacl"` (the floor any pyshacl-based
   validator pays) measured in the same run.
2. N synthetic measures (some broken on purpose, so every kind of result occurs) with the
   reference data (ontology, vocabularies, strategy, threats, partners, legal bases,
   sources): the project's validation (ncts_graph.validate) against plain
   ``pyshacl.validate`` on the same input, each in a fresh process (time and peak memory),
   and a check that both give the same set of results. Plain pyshacl is skipped, with its
   extrapolated time, when that estimate exceeds --budget seconds.
"""

from __future__ import annotations

import argparse
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
from ncts_graph import paths
from ncts_graph.load import load
ds = load([paths.ontology_file(), *files], bundled=False)
SH = "http://www.w3.org/ns/shacl#"
start = time.perf_counter()
if engine == "project":
    from ncts_graph.validate import validate
    graph = validate(graph=ds, scope="all", as_of=%(as_of)r).graph
else:
    import pyshacl
    from rdflib import Literal, URIRef
    from ncts_graph.build import union_graph
    from ncts_graph.validate import load_shapes
    data = union_graph(ds)
    data.add((URIRef("https://w3id.org/ncts-graph/shapes#run"), URIRef("https://w3id.org/ncts-graph/shapes#asOf"),
              Literal(%(as_of)r, datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))))
    _, graph, _ = pyshacl.validate(data, shacl_graph=load_shapes(), allow_warnings=True, allow_infos=True)
seconds = time.perf_counter() - start
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
Path(keys_out).write_text(json.dumps({"seconds": seconds, "keys": keys}))
""" % {"as_of": AS_OF}


def run_worker(engine: str, files: list[Path], tmp: Path) -> dict:
    keys = tmp / f"{engine}.json"
    proc = subprocess.Popen([PY, "-c", WORKER, engine, str(keys), *map(str, files)], cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{engine} worker failed with status {status}")
    data = json.loads(keys.read_text())
    data["peak_mib"] = usage.ru_maxrss / 1024
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--budget", type=float, default=900,
                        help="seconds plain pyshacl may take per size (0: never run it)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from common import cold

    example = ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl"
    ours = cold([NCTS, "validate", str(example)], args.runs)
    floor = cold([PY, "-c", "import pyshacl"], args.runs)
    print(f"cold `ncts validate` one measure: {ours:.2f} s median of {args.runs}; "
          f"`python -c 'import pyshacl'`: {floor:.2f} s; ratio {ours / floor:.2f}")

    from ncts_graph import paths

    reference = [paths.home() / "data" / name for name in REFERENCE]
    plain_per_measure = None
    print(f"{'N':>8} {'project s':>10} {'MiB':>6} {'pyshacl s':>10} {'MiB':>6} {'ratio':>7} {'results':>8}  same")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            synthetic(n, tmp / "synthetic.ttl")
            files = [*reference, tmp / "synthetic.ttl"]
            project = run_worker("project", files, tmp)
            estimate = plain_per_measure * n if plain_per_measure else None
            if args.budget <= 0 or (estimate is not None and estimate > args.budget):
                why = (f"plain pyshacl estimated at {estimate:,.0f} s (> budget {args.budget:.0f} s)" if estimate
                       else "plain pyshacl not run (--budget 0)")
                print(f"{n:>8} {project['seconds']:>10.1f} {project['peak_mib']:>6.0f} {'skipped':>10} {'':>6} {'':>7} "
                      f"{len(project['keys']):>8}  {why}")
                continue
            plain = run_worker("pyshacl", files, tmp)
            plain_per_measure = plain["seconds"] / n
            same = project["keys"] == plain["keys"]
            print(f"{n:>8} {project['seconds']:>10.1f} {project['peak_mib']:>6.0f} {plain['seconds']:>10.1f} "
                  f"{plain['peak_mib']:>6.0f} {project['seconds'] / plain['seconds']:>7.3f} {len(project['keys']):>8}  {same}")
            if not same:
                raise SystemExit("the project's results differ from plain pyshacl's")


if __name__ == "__main__":
    main()
