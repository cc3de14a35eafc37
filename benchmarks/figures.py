"""Figure benchmark: for every view and language, the number of overlapping label boxes (from
the text extents matplotlib reports) and the time to draw and write the PNG and the SVG.

Run: .venv/bin/python benchmarks/figures.py [--out test-artifacts/figures]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ncts_graph.export.figure import draw, draw_view, overlapping_labels
from ncts_graph.load import load
from ncts_graph.views import to_networkx


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("test-artifacts/figures"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    graph = load()
    print(f"{'view':9s} lang labels overlaps   png_s   svg_s")
    for view in ("partners", "legal", "threats", "measures", "full"):
        for lang in ("en", "nl"):
            g = to_networkx(view, lang=lang, graph=graph)
            fig, texts = draw(g)
            overlaps = overlapping_labels(fig, texts)
            times = []
            for fmt in ("png", "svg"):
                start = time.perf_counter()
                draw_view(g, args.out / f"{view}-{lang}.{fmt}", fmt)
                times.append(time.perf_counter() - start)
            print(f"{view:9s} {lang:4s} {len(texts):6d} {len(overlaps):8d} {times[0]:7.2f} {times[1]:7.2f}")


if __name__ == "__main__":
    main()
