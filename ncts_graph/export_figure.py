"""Static pictures of a view (SVG, PNG) for a paper: matplotlib, colours by type with a legend,
edge width by weight, the most connected nodes labelled. Every node is one marker inside an
SVG group ``<g id="nodes-TYPE">``, so the picture can be checked by counting."""

from __future__ import annotations

from pathlib import Path

MAX_LABELS = 60


def short(d: dict, limit: int = 30) -> str:
    text = d.get("short_label") or d.get("label", "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def draw_view(g, path: Path, fmt: str) -> None:
    """Draw ``g`` to ``path`` as ``fmt`` (svg or png), positions from :func:`export_layout.layout`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    from .export import colour
    from .export_layout import layout

    plt.rcParams["svg.hashsalt"] = "ncts-graph"  # reproducible SVG ids
    pos = layout(g)
    n = len(g)
    size = 9 if n < 150 else 12 if n < 600 else 16
    fig, ax = plt.subplots(figsize=(size, size * 0.8))
    ax.set_axis_off()
    degree = dict(g.degree(weight="weight"))
    segments = [(pos[u], pos[v]) for u, v in g.edges()]
    widths = [0.4 + 0.6 * min(d.get("weight", 1), 6) for _u, _v, d in g.edges(data=True)]
    if segments:
        lc = LineCollection(segments, colors="#9a9a9a", linewidths=widths, alpha=0.45, zorder=1)
        lc.set_gid("edges")
        ax.add_collection(lc)
    types: dict[str, list] = {}
    for v, d in g.nodes(data=True):
        types.setdefault(d.get("type", ""), []).append(v)
    handles = []
    top = max(degree.values(), default=1) or 1
    for node_type in sorted(types, key=lambda t: (-len(types[t]), t)):
        members = types[node_type]
        xs = [pos[v][0] for v in members]
        ys = [pos[v][1] for v in members]
        sizes = [18 + 260 * (degree.get(v, 0) / top) for v in members]
        sc = ax.scatter(xs, ys, s=sizes, c=colour(node_type), edgecolors="white", linewidths=0.6, zorder=2)
        sc.set_gid(f"nodes-{node_type or 'Resource'}")
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=colour(node_type),
                              markeredgecolor="white", label=f"{node_type} ({len(members)})"))
    ranked = sorted(g.nodes(), key=lambda v: (-degree.get(v, 0), g.nodes[v].get("label", "")))
    labelled = ranked if n <= MAX_LABELS else [v for v in ranked if g.nodes[v].get("type") != "Measure"][:MAX_LABELS]
    for v in labelled:
        x, y = pos[v]
        ax.annotate(short(g.nodes[v]), (x, y), xytext=(0, 6), textcoords="offset points", ha="center",
                    fontsize=7 if n < 150 else 6, zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8,
              title=g.graph.get("lang", "") and ("type" if g.graph.get("lang") == "en" else "type"))
    ax.set_title(g.graph.get("title", ""), fontsize=11, loc="left")
    note = f"{n} nodes, {g.number_of_edges()} edges" + (
        f"; labels on the {len(labelled)} most connected non-measure nodes" if n > MAX_LABELS else "")
    fig.text(0.01, 0.01, note + " · ncts-graph", fontsize=7, color="#555555")
    ax.autoscale_view()
    ax.margins(0.06)
    fig.savefig(str(path), format=fmt, dpi=200, bbox_inches="tight",
                metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
