"""Export benchmarks: time per view and format on the bundled graph and on synthetic graphs
(the bundled graph plus N generated measures; default N = 100,000).

Run: .venv/bin/python benchmarks/export.py [--sizes 100000,10000] [--formats graphml,html]
Baseline, measured in the same run: a plain networkx write (nx.write_graphml of the same
network) and a raw rdflib-to-networkx dump (rdflib_to_networkx_multidigraph of every triple);
ratios are against the plain write. Each view is built once; the times are of writing
(RDF formats: the view's CONSTRUCT and its serialisation; html: writing, its data prepared once).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from ncts_graph.export import FORMATS, export
from ncts_graph.load import load
from ncts_graph.views import view_names


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench(graph, views, formats, out: Path, label: str) -> None:
    import networkx as nx
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    from ncts_graph.build import union_graph

    print(f"\n== {label}: {len(graph)} triples")
    raw = timed(lambda: rdflib_to_networkx_multidigraph(union_graph(graph)))
    print(f"baseline raw rdflib->networkx dump of every triple: {raw:.2f} s")
    from ncts_graph.export import RDF_FORMATS, prepare, write_view

    for view in views:
        start = time.perf_counter()
        g = prepare(graph, view, "graphml", "en")
        t_view = time.perf_counter() - start
        base = timed(lambda: nx.write_graphml(g, str(out / "baseline.graphml")))
        print(f"view {view}: {len(g)} nodes, {g.number_of_edges()} edges; building the view {t_view:.2f} s; "
              f"baseline nx.write_graphml {base:.2f} s", flush=True)
        html = None
        for fmt in formats:
            target = out / f"{view}.{fmt}"
            if fmt in RDF_FORMATS:  # the view's CONSTRUCT, serialised: nothing to prepare once
                t = timed(lambda: export(graph, view, fmt, target, lang="en"))
            elif fmt == "html":
                start = time.perf_counter()
                html = prepare(graph, view, "html", "en")
                t_prep = time.perf_counter() - start
                t = timed(lambda: write_view(html, fmt, target))
                print(f"  (html page data prepared in {t_prep:.2f} s)")
            else:
                t = timed(lambda: write_view(g, fmt, target))
            size = target.stat().st_size
            print(f"  {fmt:9s} {t:7.2f} s  ({t / base:5.1f}x baseline)  {size / 1e6:7.2f} MB", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000", help="synthetic measure counts, comma-separated ('' for none)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--views", default="", help="views for the synthetic graphs [default: measures, partners]")
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        graph = load()
        bench(graph, view_names(), formats, out, "bundled graph")
        from synthetic import synthetic

        for size in [int(s) for s in args.sizes.split(",") if s]:
            start = time.perf_counter()
            big = synthetic(size)
            print(f"\n(synthetic graph of {size} measures built in {time.perf_counter() - start:.1f} s)")
            views = [v for v in args.views.split(",") if v] or ["measures", "partners"]
            bench(big, views, formats, out, f"synthetic, {size} measures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
