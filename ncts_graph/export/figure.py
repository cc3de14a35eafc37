"""Static pictures of a view (SVG, PNG) for a paper: matplotlib, colours by type with a legend,
edge width by weight. Every node is one marker inside an SVG group ``<g id="nodes-TYPE">``, so
the picture can be checked by counting; text stays ``<text>`` (editable in Inkscape).

Two layouts, both computed on IRIs (never labels), so the nl and en figures put every node in
the same place:

* a view of up to :data:`CLUSTER_LIMIT` nodes: the seeded force layout, then every labelled node
  gets a box (its marker and its label wrapped at word boundaries, sized for the longer of the
  Dutch and English label) and the boxes are pushed apart until none overlap
  (:func:`layout.remove_overlaps`);
* a larger view (measures, full): one cluster per type (a disc, the most connected nodes in
  the middle), edges aggregated per pair of types with their count, and under each cluster
  its most connected nodes by name. The whole network is for Gephi (docs/exports.md).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .style import MARKERS, category, category_name, colour, shown, wrap

MAX_LABELS = 60      # a network figure labels every node up to this many, else the top non-measures
CLUSTER_LIMIT = 150  # above this many nodes a network figure is a hairball: clusters per type
FONT = 6.5           # label size in points
TOP_PER_CLUSTER = 4  # names listed under a cluster


@dataclass
class Plan:
    """A laid-out figure in inches (1 data unit = 1 inch): what :func:`draw` draws and a test checks."""
    mode: str                     # "network" or "clusters"
    pos: dict                     # node -> (x, y)
    radius: dict                  # node -> marker radius (inches)
    labels: dict = field(default_factory=dict)    # node -> wrapped label text (network mode)
    clusters: list = field(default_factory=list)  # (category, centre, radius, caption) (cluster mode)
    bundles: list = field(default_factory=list)   # (category a, category b, edge count) (cluster mode)
    extent: tuple = (0.0, 1.0, 0.0, 1.0)          # xmin, xmax, ymin, ymax


def _measure():
    """A function giving (width, height) in inches of a text at a font size, from matplotlib's
    own Agg text metrics (the ones it renders with)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(dpi=72)
    renderer = FigureCanvasAgg(fig).get_renderer()
    cache: dict = {}

    def size(text: str, fontsize: float, weight: str = "normal") -> tuple[float, float]:
        key = (text, fontsize, weight)
        if key not in cache:
            t = fig.text(0, 0, text, fontsize=fontsize, fontweight=weight, linespacing=1.15)
            bb = t.get_window_extent(renderer)
            t.remove()
            cache[key] = (bb.width / 72, bb.height / 72)
        return cache[key]
    return size


def _degree(g) -> dict:
    return dict(g.degree(weight="weight"))


def _radius(degree: float, top: float) -> float:
    """Marker radius in inches: 1.2 to 5 points by degree."""
    return (1.2 + 3.8 * math.sqrt(degree / top if top else 0)) / 72


def plan(g) -> Plan:
    """Lay out ``g`` for a figure (see the module docstring); the same for every language."""
    return plan_network(g) if len(g) <= CLUSTER_LIMIT else plan_clusters(g)


def labelled_nodes(g) -> list:
    """Every node up to MAX_LABELS, else the MAX_LABELS most connected nodes that are not measures."""
    degree = _degree(g)
    ranked = sorted(g.nodes(), key=lambda v: (-degree.get(v, 0), v))
    if len(g) <= MAX_LABELS:
        return ranked
    return [v for v in ranked if g.nodes[v].get("type") != "Measure"][:MAX_LABELS]


def plan_network(g) -> Plan:
    import numpy as np

    from .layout import force_layout, remove_overlaps

    size = _measure()
    nodes = sorted(g.nodes())
    degree = _degree(g)
    top = max(degree.values(), default=1) or 1
    radius = {v: _radius(degree.get(v, 0), top) for v in nodes}
    labels = {v: wrap(shown(g.nodes[v])) for v in labelled_nodes(g)}
    gap = 1.5 / 72  # label below its marker
    half, offset = [], []  # half sizes of each node's box and the box centre's offset from the node
    for v in nodes:
        r = radius[v]
        if v in labels:  # room for the longer of the two languages' labels
            sizes = [size(labels[v], FONT)] + [size(wrap(g.nodes[v].get(k, "")), FONT) for k in ("label_nl", "label_en")]
            w, h = max(s[0] for s in sizes), max(s[1] for s in sizes)
            w, h = w * 1.05 + 2 / 72, h + 1.5 / 72  # 5%: glyph widths differ a little between the measuring and drawing dpi
            half.append((max(w, 2 * r) / 2, (2 * r + gap + h) / 2))
            offset.append((0.0, r - (2 * r + gap + h) / 2))
        else:
            half.append((r + 0.5 / 72, r + 0.5 / 72))
            offset.append((0.0, 0.0))
    half, offset = np.array(half), np.array(offset)
    start = force_layout(g)
    xy = np.array([start[v] for v in nodes]) if nodes else np.zeros((0, 2))
    # scale the force layout so that the boxes fill about a third of its square, then make room
    area = float((4 * half[:, 0] * half[:, 1]).sum()) if len(nodes) else 1.0
    xy *= math.sqrt(area / 0.33) / 2
    centres = remove_overlaps(xy + offset, half, gap=1.0 / 72)
    xy = centres - offset
    pos = {v: (float(x), float(y)) for v, (x, y) in zip(nodes, xy)}
    if len(nodes):
        lo, hi = (centres - half).min(0), (centres + half).max(0)
    else:
        lo, hi = np.zeros(2), np.ones(2)
    return Plan("network", pos, radius, labels=labels, extent=(lo[0], hi[0], lo[1], hi[1]))


def plan_clusters(g) -> Plan:
    """One disc per category (phyllotaxis: the most connected node in the middle), discs side by
    side in rows, each with a caption (category, count, its most connected names) under it."""
    import numpy as np

    from .layout import remove_overlaps

    size = _measure()
    degree = _degree(g)
    top = max(degree.values(), default=1) or 1
    by_cat: dict[str, list] = {}
    for v, d in g.nodes(data=True):
        by_cat.setdefault(category(d), []).append(v)
    cats = sorted(by_cat, key=lambda c: (-len(by_cat[c]), c))
    dot = 2.2 / 72  # spacing of the dots in a disc
    pos, radius, discs = {}, {}, []
    golden = math.pi * (3 - math.sqrt(5))
    for c in cats:
        members = sorted(by_cat[c], key=lambda v: (-degree.get(v, 0), v))
        local = []
        for i, v in enumerate(members):
            r = dot * math.sqrt(i + 0.5) * 1.9
            local.append((r * math.cos(i * golden), r * math.sin(i * golden)))
            radius[v] = min(_radius(degree.get(v, 0), top), 3.5 / 72)
        disc = max((math.hypot(*p) for p in local), default=0) + 4 / 72
        caption_w, caption_h = 0.0, 0.0
        for lang in ("nl", "en"):
            w, h = size(caption(g, c, members, lang, degree), FONT)
            caption_w, caption_h = max(caption_w, w), max(caption_h, h)
        discs.append((c, members, local, disc, caption_w + 4 / 72, caption_h + 3 / 72))
    # boxes: disc above its caption, on rows of about equal width, then pushed apart
    per_row = max(1, round(math.sqrt(len(discs))))
    centres, half, offsets = [], [], []
    for i, (c, members, local, disc, cw, ch) in enumerate(discs):
        w, h = max(2 * disc, cw), 2 * disc + ch
        row, col = divmod(i, per_row)
        centres.append((col * 2.0, -row * 2.0))
        half.append((w / 2, h / 2))
        offsets.append(h / 2 - disc)  # disc at the top of its box, the caption under it
    centres = remove_overlaps(np.array(centres, dtype=float), np.array(half), gap=10 / 72)
    # pull the rows together again where there is room: shrink towards the middle, re-separate
    for _ in range(3):
        centres = remove_overlaps(centres * 0.6, np.array(half), gap=10 / 72)
    clusters = []
    for (c, members, local, disc, cw, ch), (x, y), off in zip(discs, centres, offsets):
        cx, cy = x, y + off
        for v, (dx, dy) in zip(members, local):
            pos[v] = (float(cx + dx), float(cy + dy))
        clusters.append((c, (float(cx), float(cy)), disc, len(members)))
    bundles: dict[tuple[str, str], int] = {}
    for u, v in g.edges():
        a, b = sorted((category(g.nodes[u]), category(g.nodes[v])))
        bundles[(a, b)] = bundles.get((a, b), 0) + 1
    lo = (centres - np.array(half)).min(0)
    hi = (centres + np.array(half)).max(0)
    return Plan("clusters", pos, radius, clusters=clusters,
                bundles=sorted((a, b, k) for (a, b), k in bundles.items()), extent=(lo[0], hi[0], lo[1], hi[1]))


def caption(g, c: str, members: list, lang: str, degree: dict) -> str:
    """Under a cluster: its category and count, then its most connected nodes (wrapped)."""
    names = [g.nodes[v].get(f"label_{lang}", g.nodes[v].get("label", "")) for v in members[:TOP_PER_CLUSTER]]
    lines = [f"{category_name(c, lang, g.graph.get('type_labels'))} ({len(members)})"]
    for name in names:
        lines += ["· " + line if i == 0 else "  " + line for i, line in enumerate(wrap(name, 28).split("\n"))]
    if len(members) > TOP_PER_CLUSTER:
        lines.append("  …")
    return "\n".join(lines)


def draw(g, p: Plan | None = None):
    """The figure of ``g`` (matplotlib Figure) and its label Text artists, from :func:`plan`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    
    p = p or plan(g)
    lang = g.graph.get("lang", "en")
    degree = _degree(g)
    x0, x1, y0, y1 = p.extent
    pad = 0.15
    legend_w = 1.9
    w, h = (x1 - x0) + 2 * pad, (y1 - y0) + 2 * pad
    n = len(g)
    if p.mode == "network":
        note = f"{n} nodes, {g.number_of_edges()} edges" + (
            f"; labels on the {len(p.labels)} most connected non-measure nodes" if len(p.labels) < n else "")
    else:
        widest = max((k for a, b, k in p.bundles if a != b), default=0)
        note = (f"{n} nodes, {g.number_of_edges()} edges, grouped by type (under each group its most connected "
                f"members); line width = edges between two groups (widest {widest}). "
                f"The whole network: the GraphML/GEXF export in Gephi")
    note = "\n".join(textwrap.wrap(note + " · ncts-graph", int((w + legend_w - 0.2) * 72 / 3.6)))
    bottom = 0.12 + 0.1 * (note.count("\n") + 1)
    fig = Figure(figsize=(w + legend_w, h + 0.3 + bottom))
    FigureCanvasAgg(fig)
    W, H = fig.get_size_inches()
    ax = fig.add_axes([0, bottom / H, w / W, h / H])  # 1 data unit = 1 inch
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_axis_off()
    texts = []
    cats: dict[str, list] = {}
    for v, d in g.nodes(data=True):
        cats.setdefault(category(d), []).append(v)
    if p.mode == "network":
        segments = [(p.pos[u], p.pos[v]) for u, v in g.edges()]
        widths = [0.3 + 0.45 * min(d.get("weight", 1), 6) for _u, _v, d in g.edges(data=True)]
        if segments:
            lc = LineCollection(segments, colors="#9a9a9a", linewidths=widths, alpha=0.4, zorder=1)
            lc.set_gid("edges")
            ax.add_collection(lc)
    else:
        centre = {c: xy for c, xy, _r, _n in p.clusters}
        rad = {c: r for c, _xy, r, _n in p.clusters}
        top = max((k for _a, _b, k in p.bundles), default=1)
        segments, widths = [], []
        for a, b, k in p.bundles:
            if a != b:
                segments.append((centre[a], centre[b]))
                widths.append(0.5 + 7 * k / top)
        if segments:
            lc = LineCollection(segments, colors="#b0b0b0", linewidths=widths, alpha=0.45, zorder=0)
            lc.set_gid("edges")
            ax.add_collection(lc)
        from matplotlib.patches import Circle

        for c, (cx, cy), r, n in p.clusters:
            ax.add_patch(Circle((cx, cy), r, fc="#f4f4f4", ec="#dddddd", lw=0.6, zorder=0.5))
            members = sorted(cats[c], key=lambda v: (-degree.get(v, 0), v))
            texts.append(ax.text(cx, cy - r - 2 / 72, caption(g, c, members, lang, degree), ha="center", va="top",
                                 fontsize=FONT, linespacing=1.15, zorder=3,
                                 bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.85}))
    handles = []
    for c in sorted(cats, key=lambda c: (-len(cats[c]), c)):
        members = sorted(cats[c])
        fill = colour("Partner" if c == "PartnerGroup" else c)
        marker = MARKERS.get(c, "o")
        sizes = [(p.radius[v] * 72 * 2) ** 2 * (0.8 if marker == "D" else 1) for v in members]
        sc = ax.scatter([p.pos[v][0] for v in members], [p.pos[v][1] for v in members], s=sizes, c=fill,
                        marker=marker, edgecolors="#333333" if marker == "D" else "white", linewidths=0.4, zorder=2)
        sc.set_gid(f"nodes-{c}")
        handles.append(Line2D([], [], marker=marker, linestyle="", markersize=6, markerfacecolor=fill,
                              markeredgecolor="#333333" if marker == "D" else "white",
                              label=f"{category_name(c, lang, g.graph.get('type_labels'))} ({len(members)})"))
    for v, text in p.labels.items():
        x, y = p.pos[v]
        texts.append(ax.text(x, y - p.radius[v] - 1.5 / 72, text, ha="center", va="top", fontsize=FONT,
                             linespacing=1.15, zorder=3, color="#222222"))
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=((w + 0.1) / W, 1 - 0.45 / H), frameon=False,
               fontsize=7, handletextpad=0.3, borderaxespad=0)
    fig.text(0.1 / W, 1 - 0.12 / H, g.graph.get("title", ""), fontsize=9, va="top", ha="left")
    fig.text(0.1 / W, 0.06 / H, note, fontsize=6, color="#555555", va="bottom", linespacing=1.2)
    return fig, texts


def draw_view(g, path: Path, fmt: str) -> None:
    """Draw ``g`` to ``path`` as ``fmt`` (svg or png); SVG text as <text> elements, not glyph paths."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ncts-graph",
                                "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans", "Bitstream Vera Sans"]}):
        fig, _texts = draw(g)
        fig.savefig(str(path), format=fmt, dpi=200, metadata={"Date": None} if fmt == "svg" else None)


def overlapping_labels(fig, texts, tolerance: float = 0.5) -> list[tuple[int, int]]:
    """Pairs (i, j) of ``texts`` whose boxes, as matplotlib reports them after drawing, overlap
    by more than ``tolerance`` pixels in both directions (the check of the figure tests)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if min(boxes[i].x1, boxes[j].x1) - max(boxes[i].x0, boxes[j].x0) > tolerance
            and min(boxes[i].y1, boxes[j].y1) - max(boxes[i].y0, boxes[j].y0) > tolerance]
