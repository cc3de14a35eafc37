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
    print(f"index of {len(ix.resources)} resources built in {(time.perf_counter() - start) * 1000:.0f} ms (once per server)")
    keys = pages.site_pages(ix)
    html, turtle, describe = [], [], []
    for key in keys:
        for lang in pages.LANGS:
            start = time.perf_counter()
            status, *_ = pages.respond(store, "/" + key, {"lang": [lang]}, {})
            html.append(time.perf_counter() - start)
            assert status == 200, key
    for iri in ix.resources:
        start = time.perf_counter()
        pages.respond(store, "/" + pages.local_path(iri) + ".ttl", {}, {})
        turtle.append(time.perf_counter() - start)
        start = time.perf_counter()
        triples = list(store.query(f"DESCRIBE <{iri}>", use_default_graph_as_union=True))
        ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        describe.append(time.perf_counter() - start)
    print(f"HTML page (nl, en)          {stats(html)}")
    print(f"Turtle of a resource        {stats(turtle)}")
    print(f"baseline: Oxigraph DESCRIBE {stats(describe)}")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        counts = pages.write_site(Path(tmp) / "site", store)
        print(f"ncts docs: {counts['pages']} pages + {counts['data']} data files in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
