"""The self-contained HTML export: one file, no network, an interactive graph a researcher can
click through (search, filters, legend, labels, links and the verbatim source quotes).

The graph library (cytoscape.js) comes from the npm registry at install time
(``scripts/install-js.sh`` into web/node_modules, or ``$NCTS_JS_DIR``; a wheel carries a copy,
see hatch_build.py) and is inlined into
the page; the layout is computed in Python and passed as positions, so a browser never
runs one and a view of thousands of nodes opens at once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import paths
from ..errors import NctsError

_HERE = Path(__file__).resolve().parent.parent / "html"
IMPORTANT = 60  # labelled at the initial zoom (all nodes of a view up to this many)
_HIDDEN = {"label", "label_nl", "label_en", "type", "class", "short_label"}


def cytoscape_js() -> tuple[str, str]:
    """(source, version) of cytoscape.min.js, or a one-line error saying how to install it."""
    candidates = []
    env = os.environ.get("NCTS_JS_DIR")
    if env:
        candidates += [Path(env) / "cytoscape.min.js", Path(env) / "cytoscape" / "dist" / "cytoscape.min.js"]
    candidates.append(paths.home() / "web" / "cytoscape" / "cytoscape.min.js")  # in the wheel (hatch_build.py)
    for web in (paths.home() / "web", Path(__file__).resolve().parents[2] / "web"):
        candidates.append(web / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js")
    for path in candidates:
        if path.is_file():
            version = "?"
            for meta in (path.parent / "package.json", path.parent.parent / "package.json"):
                if meta.is_file():
                    version = json.loads(meta.read_text(encoding="utf-8")).get("version", "?")
                    break
            return path.read_text(encoding="utf-8"), version
    raise NctsError("cytoscape.js not found for the HTML export: run `make js` (scripts/install-js.sh, "
                    "npm ci in web/) or set NCTS_JS_DIR to a folder holding cytoscape.min.js")


def page_data(data) -> dict:
    """What the page needs, as plain JSON: nodes with positions, edges, quotes, colours."""
    from .style import TYPE_COLOURS, category_name, colour, short
    from .layout import layout

    g = data.nx
    pos = layout(g)
    n = max(len(g), 1)
    scale = 220 + 38 * n ** 0.5
    degree = dict(g.degree(weight="weight"))
    top = max(degree.values(), default=1) or 1
    important = set(important_nodes(g, degree))
    sizes = {v: round(10 + 26 * (degree.get(v, 0) / top) ** 0.5, 1) for v in g}
    pos = {v: (x * scale, -y * scale) for v, (x, y) in pos.items()}  # page coordinates, y down
    pos.update(_room_for_labels(g, pos, sizes, important))
    nodes = []
    for v, d in g.nodes(data=True):
        x, y = pos[v]
        nodes.append({"id": v, "label": d["label"], "label_nl": d["label_nl"], "label_en": d["label_en"],
                      "short": short(d, 34), "type": d["type"], "cls": d.get("class", d["type"]),
                      "curie": d.get("curie", v), "pillar": d.get("pillar", ""),
                      "size": sizes[v], "important": v in important, "x": round(x, 1), "y": round(y, 1),
                      "attrs": {k: val for k, val in d.items() if k not in _HIDDEN}})
    edges = [{"s": u, "t": v, "label": d["label"], "predicate": d["predicate"], "weight": d.get("weight", 1),
              **({"role": d["role"]} if "role" in d else {}),
              **({"provenance": d["provenance"]} if "provenance" in d else {})} for u, v, d in g.edges(data=True)]
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["type"]] = counts.get(node["type"], 0) + 1
    pillars = sorted({p for node in nodes if node["type"] == "Measure" for p in node["pillar"].split("; ") if p})
    return {"title": g.graph.get("title", data.view.name), "view": data.view.name, "lang": data.lang,
            "directed": g.is_directed(), "nodes": nodes, "edges": edges, "quotes": data.quotes,
            "types": [{"type": t, "name": category_name(t, data.lang, g.graph.get("type_labels")), "count": c}
                      for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
            "colours": {t: colour(t) for t in {*counts, *TYPE_COLOURS}}, "pillars": pillars}


#: the labels of important nodes as app.js draws them at the first, fitted zoom: 10 px font,
#: wrapped at 120 px, in a graph area of at least VIEWPORT px (the page's middle column)
LABEL_PX, CHAR_PX, WRAP_PX, LINE_CHARS, VIEWPORT = 10, 6.3, 120, 16, 620


def _room_for_labels(g, pos: dict, sizes: dict, important: set) -> dict:
    """New positions for the important nodes so that their labels, at the zoom that fits the
    page, do not overlap (boxes of node and label pushed apart; the zoom is re-estimated from
    the grown extent a few times). Only these few nodes move: O(k^2) for k <= IMPORTANT."""
    import textwrap

    import numpy as np

    from .style import short
    from .layout import remove_overlaps

    keys = sorted(important)
    if len(keys) < 2:
        return {}
    texts = [short(g.nodes[v], 34) for v in keys]  # as wide as the text or the wrap width; lines counted generously
    label_px = np.array([(min(len(t) * CHAR_PX, WRAP_PX) + 8,
                          len(textwrap.wrap(t, LINE_CHARS, break_long_words=False) or [""]) * LABEL_PX * 1.25 + 4)
                         for t in texts])
    xy = np.array([pos[v] for v in keys], dtype=float)
    all_xy = np.array(list(pos.values()), dtype=float)
    node = np.array([sizes[v] for v in keys])
    for _ in range(4):
        extent = max(np.ptp(np.vstack([all_xy, xy]), axis=0).max(), 1.0)
        zoom = VIEWPORT / extent  # model units per screen pixel: 1 / zoom
        w, h = label_px[:, 0] / zoom, label_px[:, 1] / zoom
        half = np.stack([np.maximum(w, node) / 2, (node + h) / 2], axis=1)
        offset = np.stack([np.zeros(len(keys)), h / 2], axis=1)  # the label hangs below the node
        xy = remove_overlaps(xy + offset, half, gap=4 / zoom) - offset
    return {v: (float(x), float(y)) for v, (x, y) in zip(keys, xy)}


def important_nodes(g, degree: dict) -> list:
    """The nodes labelled at every zoom: all of a small view, else the most connected ones
    (up to IMPORTANT, at most a tenth of the view), ties by IRI."""
    if len(g) <= IMPORTANT:
        return list(g)
    ranked = sorted(g, key=lambda v: (-degree.get(v, 0), v))
    return ranked[:max(20, min(IMPORTANT, len(g) // 10))]


def render(data) -> str:
    """The whole page as one string (the library, the data and the app inlined)."""
    import html

    js, version = cytoscape_js()
    payload = json.dumps(page_data(data), ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("<", "\\u003c")  # never closes the <script> element
    template = (_HERE / "template.html").read_text(encoding="utf-8")
    app = (_HERE / "app.js").read_text(encoding="utf-8")
    parts = {"__LANG__": data.lang, "__TITLE__": html.escape(data.nx.graph.get("title", "")),
             "__CYVERSION__": version, "__DATA__": payload, "__APP__": app, "__CYTOSCAPE__": js}
    import re

    out = re.sub(r"__(LANG|TITLE|CYVERSION|DATA|APP|CYTOSCAPE)__", lambda m: parts[m.group(0)], template)
    return out


def write_html(data, path: Path) -> None:
    Path(path).write_text(render(data), encoding="utf-8")
