"""Inference benchmark: `ncts validate --inference owlrl` with reasonable (the reasoner
it uses) against owlrl (the one pyshacl uses, and ncts used before), measured in the same run.

    .venv/bin/python benchmarks/inference.py                      # bundled graph, N = 1,000 / 10,000
    .venv/bin/python benchmarks/inference.py --sizes 1000,10000,100000 --budget 1200

For the bundled graph and each N (synthetic measures of benchmarks/validate.py, validated
with the bundled graph as `ncts validate FILE --inference owlrl --all` does), each reasoner
in a fresh process: wall seconds of the whole process, seconds of the inference step alone,
peak RSS, triples in the data validated, results, and whether the result set equals
owlrl's. A reasoner whose time extrapolated from the size before exceeds --budget seconds
is skipped, with the estimate. Then, in one process on the bundled graph, what each closure
has that the other lacks, by kind.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import AS_OF, PY, ROOT, synthetic  # noqa: E402

# Run in a fresh process: validate with one reasoner, write the figures and result keys as JSON.
WORKER = r"""
import json, sys, time
start = time.perf_counter()
from pathlib import Path
reasoner, out, *files = sys.argv[1:]
from ncts_graph import inference
from ncts_graph.validate import validate
inference.REASONER = reasoner
timed = {}
real = inference.expanded
from contextlib import contextmanager
@contextmanager
def timed_expanded(*args, **kwargs):
    begin = time.perf_counter()
    with real(*args, **kwargs) as data:
        timed["seconds"] = time.perf_counter() - begin
        timed["triples"] = len(data)
        yield data
inference.expanded = timed_expanded
report = validate(files or None, inference="owlrl", scope="all", as_of=%(as_of)r)
from rdflib import BNode
def key(r):  # blank nodes differ from process to process: the node that owns a focus node stands in
    d = r.as_dict()
    return json.dumps([d["owner"] if isinstance(r.focus, BNode) else d["focus"],
                       "_" if isinstance(r.value, BNode) else d["value"],
                       "_" if isinstance(r.source_shape, BNode) and not r.shape_name else d["shape"],
                       "_" if isinstance(r.path, BNode) else d["path"],
                       *(d[k] for k in ("severity", "message", "component", "file", "line"))],
                      ensure_ascii=False, default=str)
keys = sorted(map(key, report.results))
Path(out).write_text(json.dumps({"wall": time.perf_counter() - start, **timed, "keys": keys}))
""" % {"as_of": AS_OF}

REASONERS = ("owlrl", "reasonable")


def run_worker(reasoner: str, files: list[Path], tmp: Path) -> dict:
    out = tmp / f"{reasoner}.json"
    proc = subprocess.Popen([PY, "-c", WORKER, reasoner, str(out), *map(str, files)], cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{reasoner} worker failed with status {status}")
    data = json.loads(out.read_text())
    data["peak_mib"] = usage.ru_maxrss / 1024
    return data


def differences() -> None:
    """What each closure of the bundled graph has that the other lacks, by kind (one process:
    the blank nodes are the same)."""
    from collections import Counter

    import owlrl
    import reasonable
    from rdflib import Literal
    from rdflib.namespace import OWL, RDF, XSD

    from ncts_graph.build import union_graph
    from ncts_graph.load import load

    graph = union_graph(load())
    base = set(graph)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(graph)
    plain = lambda t: Literal(str(t)) if isinstance(t, Literal) and t.datatype == XSD.string else t  # noqa: E731
    theirs = {(s, p, plain(o)) for s, p, o in reasoner.reason()}
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    ours = set(graph)
    schema = ("http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#",
              "http://www.w3.org/1999/02/22-rdf-syntax-ns#", str(XSD))

    def kind(t):
        s, p, o = t
        if isinstance(s, Literal):
            return "about a literal"
        if p == OWL.sameAs:
            return "owl:sameAs reflexive" if s == o else "owl:sameAs"
        if p == RDF.type and o == OWL.Thing:
            return "a owl:Thing"
        if p == RDF.type and str(o).startswith(schema) or str(p).startswith(schema[:2]):
            return "schema or datatype axiom"
        return "rdf:type of a data class" if p == RDF.type else "other (data)"

    for name, a, b in (("owlrl", ours, theirs), ("reasonable", theirs, ours)):
        only = a - b - base
        print(f"bundled graph: only in {name}'s closure: {len(only):,} "
              f"({', '.join(f'{k} {n:,}' for k, n in Counter(map(kind, only)).most_common())})")
    data = {t for t in ours ^ theirs if kind(t) in ("rdf:type of a data class", "other (data)")}
    print(f"bundled graph: data triples (no literal subject, owl:sameAs, owl:Thing or schema term) in one closure "
          f"only: {len(data)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--budget", type=float, default=600,
                        help="seconds a reasoner may take per size, extrapolated from the size before")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    print(f"{'N':>8} {'reasoner':>10} {'wall s':>8} {'infer s':>8} {'MiB':>6} {'triples':>10} {'results':>8} "
          f"{'same':>5}  {'ratio reasonable/owlrl':>10}")
    per_measure: dict[str, float] = {}
    ok = True
    for n in [0, *(int(s) for s in args.sizes.split(","))]:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            files = []
            if n:
                synthetic(n, tmp / "synthetic.ttl")
                files = [tmp / "synthetic.ttl"]
            done, notes = {}, {}
            for reasoner in REASONERS:
                estimate = per_measure.get(reasoner, 0) * n
                if estimate > args.budget:
                    notes[reasoner] = f"skipped: estimated {estimate:,.0f} s > budget {args.budget:.0f} s"
                    continue
                done[reasoner] = run_worker(reasoner, files, tmp)
                if n:
                    per_measure[reasoner] = done[reasoner]["wall"] / n
            label = f"{n:,}" if n else "bundled"
            for reasoner in REASONERS:
                r = done.get(reasoner)
                if r is None:
                    print(f"{label:>8} {reasoner:>10}  {notes[reasoner]}")
                    continue
                base = done.get("owlrl")
                same = "-" if base is None else "yes" if r["keys"] == base["keys"] else "NO"
                ok &= same != "NO"
                ratio = (f"wall {r['wall'] / base['wall']:.3f}, infer {r['seconds'] / base['seconds']:.3f}, "
                         f"MiB {r['peak_mib'] / base['peak_mib']:.2f}") if base and reasoner != "owlrl" else ""
                print(f"{label:>8} {reasoner:>10} {r['wall']:>8.1f} {r['seconds']:>8.2f} {r['peak_mib']:>6.0f} "
                      f"{r['triples']:>10,} {len(r['keys']):>8} {same:>5}  {ratio}")
    differences()
    if not ok:
        raise SystemExit("reasonable's validation results differ from owlrl's")


if __name__ == "__main__":
    main()
