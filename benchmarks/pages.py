"""Resource pages (issue 12): time to render every page of the graph, in process, against a baseline
measured in the same run: Oxigraph's own DESCRIBE of the same IRI serialised as Turtle (what a
plain SPARQL-backed linked-data server would do per request).

    .venv/bin/python benchmarks/pages.py

Prints the one-off index build, then p50 / p99 / max per page for HTML, for the resource's Turtle,
and for the DESCRIBE baseline; and `ncts docs` (the whole static site) end to end.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def stats(times: list) -> str:
    ms = sorted(t * 1000 for t in times)
    return (f"p50 {statistics.median(ms):6.2f} ms  p99 {ms[int(len(ms) * 0.99) - 1]:6.2f} ms  "
            f"max {ms[-1]:6.2f} ms  ({len(ms)} pages)")


def main() -> None:
    import pyoxigraph as ox

    from ncts_graph import pages
    from ncts_graph.namespaces import PREFIXES
    from ncts_graph.query import oxigraph_store

    store = oxigraph_store()
    start = time.perf_counter()
    ix = pages.index_of(store)
    keys = pages.site_pages(ix)
    print(f"{len(ix.resources)} resources listed in {(time.perf_counter() - start) * 1000:.0f} ms (once per server)")
    for run in ("first visit (read from the store)", "second visit (cached)"):
        html = []
        for key in keys:
            for lang in pages.LANGS:
                start = time.perf_counter()
                status, *_ = pages.respond(store, "/" + key, {"lang": [lang]}, {})
                html.append((time.perf_counter() - start, key))
                assert status == 200, key
        slowest = max(html)
        print(f"HTML page, {run:34s} {stats([t for t, _ in html])}, slowest /{slowest[1]}")
    turtle, describe = [], []
    for iri in ix.resources:
        start = time.perf_counter()
        pages.respond(store, "/" + pages.local_path(iri) + ".ttl", {}, {})
        turtle.append(time.perf_counter() - start)
        start = time.perf_counter()
        triples = list(store.query(f"DESCRIBE <{iri}>", use_default_graph_as_union=True))
        ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        describe.append(time.perf_counter() - start)
    print(f"Turtle of a resource                         {stats(turtle)}")
    print(f"baseline: Oxigraph DESCRIBE + Turtle         {stats(describe)}")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        counts = pages.write_site(Path(tmp) / "site", store)
        print(f"ncts docs: {counts['pages']} pages + {counts['data']} data files in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
