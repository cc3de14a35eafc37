"""Benchmark: the hygiene checks on the embedded engines (library questions: benchmarks/query.py).

Run with `make bench`. Prints the median of several in-process runs per engine and
the ratio against rdflib's own engine (the baseline), measured in the same run, and
checks that both engines return the same rows.
"""

from __future__ import annotations

import statistics
import sys
import time

from ncts_graph.hygiene import checks
from ncts_graph.load import load
from ncts_graph.sparql import select


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(repeat: int = 3) -> int:
    t0 = time.perf_counter()
    graph = load()
    print(f"load: {time.perf_counter() - t0:.2f} s for {len(graph)} triples")
    suites = {
        "hygiene checks": [rq.text for rq in checks()],
    }
    select(graph, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # build the Oxigraph copy once, outside the timing
    ok = True
    for name, queries in suites.items():
        same = all(len(select(graph, q)) == len(select(graph, q, engine="rdflib")) for q in queries)
        ok &= same
        fast = timed(lambda: [select(graph, q) for q in queries], repeat)
        base = timed(lambda: [select(graph, q, engine="rdflib") for q in queries], repeat)
        print(f"{name} ({len(queries)} queries): oxigraph {fast:.3f} s, rdflib {base:.3f} s, "
              f"ratio {fast / base:.3f}, same row counts: {same}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
