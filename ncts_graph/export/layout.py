"""Node positions for the pictures and the HTML export, computed in Python so a browser never
runs a layout: a seeded force-directed layout (numpy Fruchterman-Reingold) up to a few
thousand nodes, and an O(n) layout in sectors by type beyond that."""

from __future__ import annotations

FORCE_LIMIT = 3000  # above this many nodes the O(n^2) force layout would take too long


def sector_layout(g) -> dict:
    """Nodes on a disc, one angular sector per type, sorted by pillar then label: O(n), deterministic."""
    import math

    by_type: dict[str, list] = {}
    for n, d in g.nodes(data=True):
        by_type.setdefault(d.get("type", ""), []).append(n)
    total = max(len(g), 1)
    pos, start = {}, 0.0
    for node_type in sorted(by_type, key=lambda t: (-len(by_type[t]), t)):
        members = sorted(by_type[node_type])  # by IRI: the same positions in every language
        width = 2 * math.pi * len(members) / total
        cols = max(1, int(math.sqrt(len(members) * width / (2 * math.pi)) * 2) or 1)
        for i, n in enumerate(members):
            ring, slot = divmod(i, max(1, math.ceil(len(members) / cols)))
            angle = start + width * (slot + 0.5) / max(1, math.ceil(len(members) / cols))
            radius = 0.25 + 0.75 * (ring + 1) / (cols + 1) + (0.02 if len(members) < 50 else 0.0)
            pos[n] = (radius * math.cos(angle), radius * math.sin(angle))
        start += width
    return pos


def force_layout(g, iterations: int | None = None, seed: int = 7) -> dict:
    """Fruchterman-Reingold in numpy (dense, in row blocks), started from the sector layout."""
    import numpy as np

    nodes = sorted(g.nodes())  # by IRI, never by label: the same layout in every language
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    if iterations is None:  # fewer, cheaper steps as the graph grows (each is O(n^2))
        iterations = 80 if n <= 800 else 30 if n <= 2000 else 15
    index = {v: i for i, v in enumerate(nodes)}
    start = sector_layout(g)
    rng = np.random.default_rng(seed)
    pos = np.array([start[v] for v in nodes], dtype=float) + rng.normal(0, 0.01, (n, 2))
    src = np.array([index[u] for u, v in g.edges()], dtype=int)
    dst = np.array([index[v] for u, v in g.edges()], dtype=int)
    w = np.array([float(d.get("weight", 1)) for _u, _v, d in g.edges(data=True)])
    w = 1 + np.log1p(w - 1) if len(w) else w
    k = 1.0 / np.sqrt(n)
    t = 0.1
    block = max(1, 2_000_000 // n)
    for _ in range(iterations):
        disp = np.zeros_like(pos)
        for lo in range(0, n, block):  # repulsion k^2/d, in blocks to bound memory
            delta = pos[lo:lo + block, None, :] - pos[None, :, :]
            dist2 = np.maximum((delta ** 2).sum(-1), 1e-6)
            disp[lo:lo + block] += (delta * (k * k / dist2)[..., None]).sum(1)
        if len(src):  # attraction d^2/k along edges
            delta = pos[src] - pos[dst]
            dist = np.maximum(np.sqrt((delta ** 2).sum(-1)), 1e-6)
            force = delta * (dist * w / k)[:, None]
            np.add.at(disp, src, -force)
            np.add.at(disp, dst, force)
        disp -= 3.0 * pos  # gravity: keeps small components near the others
        length = np.maximum(np.sqrt((disp ** 2).sum(-1)), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, t)[:, None]
        pos -= pos.mean(0)
        t -= 0.1 / (iterations + 1)
    pos /= max(np.abs(pos).max(), 1e-9)
    return {v: (float(pos[i, 0]), float(pos[i, 1])) for i, v in enumerate(nodes)}


def remove_overlaps(centres, half, iterations: int = 2000, gap: float = 0.0):
    """Move the boxes (centre, half width and height; numpy arrays n x 2) apart until none overlap
    (each overlapping pair is pushed apart along the axis of least overlap, half each way): the
    layout keeps its shape while labels and markers get room. Deterministic. Returns new centres."""
    import numpy as np

    c = np.array(centres, dtype=float)
    h = np.asarray(half, dtype=float) + gap / 2
    n = len(c)
    if n < 2:
        return c
    tie = np.sign(np.arange(n)[:, None] - np.arange(n)[None, :])  # pushes identical centres apart
    for _ in range(iterations):
        d = c[:, None, :] - c[None, :, :]
        overlap = h[:, None, :] + h[None, :, :] - np.abs(d)
        hit = (overlap[..., 0] > 1e-9) & (overlap[..., 1] > 1e-9)
        np.fill_diagonal(hit, False)
        if not hit.any():
            break
        axis = (overlap[..., 1] < overlap[..., 0]).astype(int)  # 0: move in x, 1: in y
        sign = np.where(np.sign(np.take_along_axis(d, axis[..., None], 2)[..., 0]) == 0, tie,
                        np.sign(np.take_along_axis(d, axis[..., None], 2)[..., 0]))
        amount = np.take_along_axis(overlap, axis[..., None], 2)[..., 0] * 0.5 + 1e-6
        push = np.where(hit, sign * amount, 0.0)
        move = np.zeros_like(c)
        move[:, 0] = (push * (axis == 0)).sum(1)
        move[:, 1] = (push * (axis == 1)).sum(1)
        counts = np.maximum(hit.sum(1), 1)[:, None]
        c += move / np.sqrt(counts)  # damped where a box is hit many times: no oscillation
    return c


def layout(g) -> dict:
    """Positions in [-1, 1]^2 for every node: force-directed when affordable, sectors otherwise."""
    return force_layout(g) if len(g) <= FORCE_LIMIT else sector_layout(g)
