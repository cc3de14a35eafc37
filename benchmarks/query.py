"""Query-layer benchmarks, each against a baseline measured in the same run.

    .venv/bin/python benchmarks/query.py                      # all three parts
    .venv/bin/python benchmarks/query.py --measures 50000     # size of the synthetic graph

1. Every library question on the bundled graph, in process: Oxigraph against rdflib's
   engine (the baseline), with a check that both give the same answer.
2. Cold `ncts query NAME`, end to end, against cold `python -c "import rdflib"`: the aim
   is an answer before rdflib alone would have imported (nothing heavy is on that path).
3. The three heaviest library questions (slowest on Oxigraph) on a synthetic graph of
   about one million triples (the bundled graph plus generated measures): Oxigraph
   against rdflib's engine (given a plain Graph, its fastest form), same answers checked;
   rdflib is stopped after --limit seconds per question (the speed-up is then a lower bound).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from common import cold

ROOT = Path(__file__).resolve().parent.parent
NCTS = str(Path(sys.executable).with_name("ncts"))


def timed(fn, repeat: int = 1):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best, value


def answer_key(result) -> Counter:
    """Rows as a multiset (blank node labels dropped: they differ between engines by design)."""
    if result.form == "ask":
        return Counter([result.boolean])
    if result.form == "graph":
        return Counter(tuple("_" if t.type == "bnode" else t for t in triple) for triple in result.triples)
    return Counter(tuple("_" if (row.get(v) and row[v].type == "bnode") else row.get(v) for v in result.vars)
                   for row in result.rows)


def rdflib_run(graph, q, bound):
    """rdflib's engine on an in-memory graph (the baseline), parameters bound as `ncts query
    --engine rdflib` binds them; answer in the neutral form."""
    from ncts_graph.namespaces import PREFIXES
    from ncts_graph.results import Result, from_rdflib
    from ncts_graph.sparql import bind_values

    answer = graph.query(bind_values(q.text, bound), initNs=PREFIXES)
    if answer.type == "ASK":
        return Result("ask", boolean=bool(answer.askAnswer))
    if answer.type in ("CONSTRUCT", "DESCRIBE"):
        return Result("graph", triples=[tuple(from_rdflib(t) for t in tr) for tr in answer.graph])
    names = [str(v) for v in answer.vars]
    return Result("select", vars=names, rows=[{n: from_rdflib(r[i]) for i, n in enumerate(names) if r[i] is not None}
                                              for r in answer])


def part1() -> None:
    from ncts_graph.build import union_graph
    from ncts_graph.library import bindings, library
    from ncts_graph.load import load
    from ncts_graph.query import oxigraph_store, run_on_store

    store = oxigraph_store()
    graph = union_graph(load())
    total_ox = total_rd = 0.0
    print("\n1. library questions on the bundled graph, in process (best of 3)")
    print(f"{'question':44} {'oxigraph ms':>11} {'rdflib ms':>10} {'ratio':>7} {'rows':>5}  same")
    for q in library():
        bound = bindings(q, {}, "en")
        t_ox, a_ox = timed(lambda: run_on_store(store, q, bound), 3)
        t_rd, a_rd = timed(lambda: rdflib_run(graph, q, bound), 3)
        total_ox, total_rd = total_ox + t_ox, total_rd + t_rd
        size = len(a_ox.rows) if a_ox.form == "select" else len(a_ox.triples) if a_ox.form == "graph" else 1
        print(f"{q.name:44} {t_ox * 1e3:11.1f} {t_rd * 1e3:10.1f} {t_ox / t_rd:7.3f} {size:5}  "
              f"{answer_key(a_ox) == answer_key(a_rd)}")
    print(f"{'all questions':44} {total_ox * 1e3:11.1f} {total_rd * 1e3:10.1f} {total_ox / total_rd:7.3f}")


def part2(runs: int) -> None:
    from ncts_graph.library import library

    name = library()[0].name
    ours = cold([NCTS, "query", name], runs)
    baseline = cold([sys.executable, "-c", "import rdflib"], runs)
    print(f"\n2. cold `ncts query {name}`: {ours:.3f} s median of {runs}; "
          f"`python -c 'import rdflib'`: {baseline:.3f} s; ratio {ours / baseline:.2f}")


def part3(measures: int, limit: float, heaviest: int = 3) -> None:
    import pyoxigraph as ox

    from ncts_graph.build import union_graph
    from synthetic import synthetic
    from ncts_graph.library import bindings, library
    from ncts_graph.query import run_on_store
    from ncts_graph.store import _ox_quad

    start = time.perf_counter()
    dataset = synthetic(measures)
    graph = union_graph(dataset)
    store = ox.Store()
    store.bulk_extend(_ox_quad(s, p, o, c) for s, p, o, c in dataset.quads((None, None, None, None)))
    print(f"\n3. synthetic graph: {len(graph):,} triples ({measures:,} generated measures), built in "
          f"{time.perf_counter() - start:.0f} s")
    timings = []
    for q in library():
        bound = bindings(q, {}, "en")
        took, _ = timed(lambda: run_on_store(store, q, bound))
        timings.append((took, q))
    print(f"{'question':44} {'oxigraph s':>10} {'rdflib s':>9} {'speed-up':>9}  same")
    for took, q in sorted(timings, key=lambda t: -t[0])[:heaviest]:
        bound = bindings(q, {}, "en")
        t_ox, a_ox = timed(lambda: run_on_store(store, q, bound))
        t_rd, a_rd = with_limit(lambda: rdflib_run(graph, q, bound), limit)
        if a_rd is None:
            print(f"{q.name:44} {t_ox:10.2f} {'>' + str(int(limit)):>9} {'>' + str(int(limit / t_ox)):>8}x  "
                  f"(rdflib stopped after {limit:.0f} s)", flush=True)
            continue
        print(f"{q.name:44} {t_ox:10.2f} {t_rd:9.2f} {t_rd / t_ox:8.0f}x  {answer_key(a_ox) == answer_key(a_rd)}",
              flush=True)


def with_limit(fn, limit: float):
    """(seconds, answer) of fn() run in a forked child, or (limit, None) if it takes longer."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=lambda: queue.put(timed(fn)))
    child.start()
    try:
        return queue.get(timeout=limit)
    except Exception:  # queue.Empty: over the limit
        return limit, None
    finally:
        child.kill()
        child.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measures", type=int, default=50000, help="generated measures (~20 triples each)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parts", default="1,2,3")
    parser.add_argument("--limit", type=float, default=600, help="seconds rdflib may take per question in part 3")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "1" in parts:
        part1()
    if "2" in parts:
        part2(args.runs)
    if "3" in parts:
        part3(args.measures, args.limit)


if __name__ == "__main__":
    main()
