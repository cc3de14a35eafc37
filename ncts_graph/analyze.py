"""``ncts analyze``: network and coverage figures a researcher can cite, computed on the views.

Every table is plain data (title, columns, rows), rendered as a terminal table, CSV, JSON or
Markdown; ``figures`` draws them (PNG and SVG). Centralities are on the ``partners`` view
(unweighted shortest paths for betweenness; weight = shared measures for communities);
coverage counts a measure under the threats it addresses directly (no skos:broader closure), and
a measure with its parts (ncts:partOfMeasure) once.
Partner figures count only the involvements the sources state unless asked otherwise
(``provenance``: stated, curator or all); curator-supplied involvement is never added to the
source-stated count (per_partner has one row per partner and provenance).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .errors import NctsError

TABLE_FORMATS = ("table", "csv", "json", "md")
_TEXT = {
    "nl": {"centrality": "Partners: graad en betweenness-centraliteit (view partners)",
           "communities": "Gemeenschappen van partners (Louvain, gewogen naar gedeelde maatregelen)",
           "coverage": "Dekking: maatregelen per dreiging en pijler (direct aangesproken dreigingen)",
           "gaps": "Lege cellen van de dekkingsmatrix (dreiging zonder maatregel in een pijler)",
           "per_partner": "Maatregelen per partner", "per_legal_basis": "Maatregelen per wettelijke grondslag",
           "expiry": "Wettelijke grondslagen naar einddatum geldigheid",
           "provenance": {"stated": "betrokkenheid volgens de bronnen", "curator": "door de curator toegevoegde betrokkenheid",
                          "all": "betrokkenheid volgens de bronnen en door de curator toegevoegd"}},
    "en": {"centrality": "Partners: degree and betweenness centrality (partners view)",
           "communities": "Partner communities (Louvain, weighted by shared measures)",
           "coverage": "Coverage: measures per threat and pillar (threats addressed directly)",
           "gaps": "Empty cells of the coverage matrix (threat with no measure in a pillar)",
           "per_partner": "Measures per partner", "per_legal_basis": "Measures per legal basis",
           "expiry": "Legal bases by end of validity",
           "provenance": {"stated": "involvement stated by the sources", "curator": "curator-supplied involvement",
                          "all": "involvement stated by the sources and curator-supplied"}},
}


def _table(title: str, columns: list[str], rows: list[list]) -> dict:
    return {"title": title, "columns": columns, "rows": rows}


def analyze(graph, lang: str = "nl", provenance: str = "stated") -> dict[str, dict]:
    """All analyses as {name: {"title", "columns", "rows"}}; rows hold only str, int and float.
    ``provenance``: which partner involvements the partner tables count (stated, curator, all)."""
    import networkx as nx

    from .views import _check_lang, _check_provenance, to_networkx

    _check_lang(lang)
    _check_provenance(provenance)
    text = _TEXT[lang]
    which = f" ({text['provenance'][provenance]})"
    partners = to_networkx("partners", lang=lang, graph=graph, provenance=provenance)
    measures = to_networkx("measures", lang=lang, graph=graph, provenance=provenance)
    threats = to_networkx("threats", lang=lang, graph=graph)
    legal = to_networkx("legal", lang=lang, graph=graph)
    out: dict[str, dict] = {}

    betweenness = nx.betweenness_centrality(partners, normalized=True)
    centrality = nx.degree_centrality(partners)
    strength = dict(partners.degree(weight="weight"))
    n_measures = _measure_counts(measures, "nv:involvesPartner")
    rows = [[partners.nodes[p]["label"], partners.nodes[p]["curie"], partners.degree(p), strength[p],
             round(centrality[p], 4), round(betweenness[p], 4), n_measures.get(p, 0)] for p in partners]
    rows.sort(key=lambda r: (-r[5], -r[2], r[0]))
    out["centrality"] = _table(text["centrality"] + which, ["partner", "curie", "degree", "weighted_degree",
                                                   "degree_centrality", "betweenness", "measures"], rows)

    communities = nx.community.louvain_communities(partners, weight="weight", seed=1) if partners.number_of_edges() else []
    communities = sorted((sorted(c, key=lambda p: partners.nodes[p]["label"]) for c in communities), key=lambda c: (-len(c), c))
    modularity = nx.community.modularity(partners, communities, weight="weight") if communities else 0.0
    out["communities"] = _table(f"{text['communities']}{which}; modularity {modularity:.3f}", ["community", "size", "partners"],
                                [[i + 1, len(c), "; ".join(partners.nodes[p]["label"] for p in c)]
                                 for i, c in enumerate(communities)])

    matrix, threat_ids, pillar_ids = coverage_matrix(threats)
    label = lambda v: threats.nodes[v]["label"]  # noqa: E731
    current = threats.nodes[pillar_ids[0]].get("strategy", "") if pillar_ids else ""
    out["coverage"] = _table(f"{text['coverage']}: {current}", ["threat", *[label(p) for p in pillar_ids], "total"],
                             [[label(t), *[matrix[t][p] for p in pillar_ids], sum(matrix[t].values())] for t in threat_ids])
    out["gaps"] = _table(text["gaps"], ["threat", "pillar"],
                         [[label(t), label(p)] for t in threat_ids for p in pillar_ids if matrix[t][p] == 0])

    per_partner = []
    for origin in ("stated", "curator"):
        counts = _measure_counts(measures, "nv:involvesPartner", origin)
        per_partner += [[measures.nodes[p]["label"], measures.nodes[p]["curie"], origin, k, *_roles(measures, p, origin)]
                        for p, k in counts.items()]
    per_partner.sort(key=lambda r: (-r[3], r[0], r[2]))
    out["per_partner"] = _table(text["per_partner"] + which, ["partner", "curie", "provenance", "measures", "lead",
                                                              "coordinating", "contributing"], per_partner)
    stated = _measure_counts(legal, "ncts:statedLegalBasis")
    curator = _measure_counts(legal, "ncts:curatorLegalBasis")
    laws = [v for v, d in legal.nodes(data=True) if d["type"] == "LegalBasis"]
    per_law = [[legal.nodes[v]["label"], legal.nodes[v]["curie"], stated.get(v, 0) + curator.get(v, 0),
                stated.get(v, 0), curator.get(v, 0), legal.nodes[v].get("status", "")] for v in laws]
    per_law.sort(key=lambda r: (-r[2], r[0]))
    out["per_legal_basis"] = _table(text["per_legal_basis"], ["legal_basis", "curie", "measures", "stated", "curator",
                                                              "status"], per_law)
    expiry = [[legal.nodes[v].get("valid_until", ""), legal.nodes[v]["label"], legal.nodes[v]["curie"],
               legal.nodes[v].get("valid_from", ""), legal.nodes[v].get("status", ""),
               stated.get(v, 0) + curator.get(v, 0)] for v in laws]
    expiry.sort(key=lambda r: (r[0] == "", r[0], r[1]))
    out["expiry"] = _table(text["expiry"], ["valid_until", "legal_basis", "curie", "valid_from", "status", "measures"], expiry)
    return out


def _measure_counts(g, predicate: str, provenance: str | None = None) -> dict[str, int]:
    """How many measures point at each node by ``predicate`` (distinct measures; only edges of
    ``provenance``, stated or curator, if given)."""
    seen: dict[str, set] = {}
    for u, v, d in g.edges(data=True):
        if d["predicate"] == predicate and g.nodes[u]["type"] == "Measure" and provenance in (None, d.get("provenance")):
            seen.setdefault(v, set()).add(u)
    return {v: len(ms) for v, ms in seen.items()}


def _roles(g, partner: str, provenance: str) -> list[int]:
    roles = [d.get("role", "") for _u, v, d in g.in_edges(partner, data=True)
             if d["predicate"] == "nv:involvesPartner" and d.get("provenance") == provenance]
    keys = [("lead", "leidend"), ("coordinating", "coördinerend"), ("contributing", "bijdragend")]
    return [sum(1 for r in roles if r.lower().startswith(k) or r.lower().startswith(nl[:6])) for k, nl in keys]


def coverage_matrix(threats):
    """{threat: {pillar: measures}} from the threats view, with threats and pillars in a stable order."""
    threat_ids = sorted((v for v, d in threats.nodes(data=True) if d["type"] == "Threat"), key=lambda v: threats.nodes[v]["label"])
    per_strategy: dict[str, int] = {}  # the matrix is of the strategy with the most measures (2022-2026)
    for v, d in threats.nodes(data=True):
        if d["type"] == "Pillar":
            per_strategy[d.get("strategy", "")] = per_strategy.get(d.get("strategy", ""), 0) + threats.in_degree(v)
    current = max(per_strategy, key=per_strategy.get, default="")
    pillar_ids = sorted((v for v, d in threats.nodes(data=True) if d["type"] == "Pillar" and d.get("strategy", "") == current),
                        key=lambda v: threats.nodes[v]["label"])
    cells: dict[tuple, set] = {}  # (threat, pillar) -> measures, a part (ncts:partOfMeasure) counted as its whole
    for m, d in threats.nodes(data=True):
        if d["type"] != "Measure":
            continue
        out = [(v, e["predicate"]) for _m, v, e in threats.out_edges(m, data=True)]
        whole = _whole(threats, m)
        for t in {v for v, p in out if p == "ncts:addressesThreat"}:
            for p in {v for v, p in out if p == "ncts:pillar"} & set(pillar_ids):
                cells.setdefault((t, p), set()).add(whole)
    matrix = {t: {p: len(cells.get((t, p), ())) for p in pillar_ids} for t in threat_ids}
    return matrix, threat_ids, pillar_ids


def _whole(g, measure: str) -> str:
    """The measure a part belongs to (following ncts:partOfMeasure to the top), else the measure itself."""
    seen = {measure}
    while True:
        up = [v for _m, v, e in g.out_edges(measure, data=True) if e["predicate"] == "ncts:partOfMeasure" and v not in seen]
        if not up:
            return measure
        measure = up[0]
        seen.add(measure)


def render(tables: dict[str, dict], fmt: str) -> str:
    """The tables as one text in ``fmt`` (csv: one block per table, each after a ``# name: title`` line)."""
    if fmt not in TABLE_FORMATS:
        raise NctsError(f"unknown format {fmt!r} (use one of {', '.join(TABLE_FORMATS)})")
    if fmt == "json":
        return json.dumps(tables, indent=2, ensure_ascii=False)
    blocks = []
    for name, t in tables.items():
        if fmt == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(t["columns"])
            writer.writerows(t["rows"])
            blocks.append(f"# {name}: {t['title']}\n{buf.getvalue()}")
        elif fmt == "md":
            cell = lambda x: str(x).replace("|", "\\|")  # noqa: E731
            lines = [f"## {t['title']}", "", "| " + " | ".join(t["columns"]) + " |",
                     "|" + "|".join("---:" if t["rows"] and isinstance(t["rows"][0][i], (int, float)) else "---"
                                    for i in range(len(t["columns"]))) + "|"]
            lines += ["| " + " | ".join(cell(x) for x in r) + " |" for r in t["rows"]]
            blocks.append("\n".join(lines) + "\n")
        else:
            from rich.console import Console
            from rich.table import Table

            table = Table(title=t["title"], title_justify="left")
            for i, c in enumerate(t["columns"]):
                table.add_column(c, justify="right" if t["rows"] and isinstance(t["rows"][0][i], (int, float)) else "left")
            for r in t["rows"]:
                table.add_row(*map(str, r))
            console = Console(file=io.StringIO(), width=160, force_terminal=False)
            console.print(table)
            blocks.append(console.file.getvalue())
    return "\n".join(blocks)


def figures(graph, tables: dict[str, dict], directory: Path, lang: str = "nl", provenance: str = "stated") -> list[Path]:
    """PNG and SVG of the partner network, the coverage heatmap, the measure counts and the expiry timeline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .build import atomic_write
    from .export_figure import draw_view
    from .views import to_networkx

    directory = Path(directory)
    if not directory.is_dir():
        raise NctsError(f"{directory}: directory does not exist")
    plt.rcParams["svg.hashsalt"] = "ncts-graph"
    written: list[Path] = []

    def save(fig, stem: str) -> None:
        for ext in ("png", "svg"):
            path = directory / f"{stem}.{ext}"
            atomic_write(path, lambda tmp: fig.savefig(str(tmp), format=ext, dpi=200, bbox_inches="tight",
                                                       metadata={"Date": None} if ext == "svg" else None))
            written.append(path)
        plt.close(fig)

    partners = to_networkx("partners", lang=lang, graph=graph, provenance=provenance)
    for ext in ("png", "svg"):
        path = directory / f"partners-network.{ext}"
        atomic_write(path, lambda tmp: draw_view(partners, tmp, ext))
        written.append(path)

    cov = tables["coverage"]
    pillars = cov["columns"][1:-1]
    data = [r[1:-1] for r in cov["rows"]]
    fig, ax = plt.subplots(figsize=(1.2 + 1.0 * len(pillars), 1.0 + 0.42 * len(data)))
    im = ax.imshow(data, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(pillars)), pillars, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(data)), [r[0] for r in cov["rows"]], fontsize=8)
    top = max((x for r in data for x in r), default=0)
    for i, r in enumerate(data):
        for j, x in enumerate(r):
            ax.text(j, i, str(x) if x else "·", ha="center", va="center", fontsize=8,
                    color="white" if x > top / 2 else ("#c00000" if x == 0 else "black"))
    fig.colorbar(im, ax=ax, shrink=0.6, label="measures" if lang == "en" else "maatregelen")
    ax.set_title(cov["title"], fontsize=9, loc="left")
    save(fig, "coverage-heatmap")

    for name, stem, col in (("per_partner", "measures-per-partner", 3), ("per_legal_basis", "measures-per-legal-basis", 2)):
        t = tables[name]
        rows = t["rows"][:30]
        fig, ax = plt.subplots(figsize=(8, 0.6 + 0.24 * len(rows)))
        names = [r[0][:60] + (f" ({r[2]})" if name == "per_partner" else "") for r in rows]
        ax.barh(names[::-1], [r[col] for r in rows][::-1],
                color=["#D55E00" if name == "per_partner" and r[2] == "curator" else "#0072B2" for r in rows][::-1])
        ax.tick_params(labelsize=7)
        ax.set_xlabel("measures" if lang == "en" else "maatregelen")
        ax.set_title(t["title"] + (" (top 30)" if len(t["rows"]) > 30 else ""), fontsize=9, loc="left")
        save(fig, stem)

    t = tables["expiry"]
    dated = [r for r in t["rows"] if r[0]]
    if dated:
        import datetime as dt

        fig, ax = plt.subplots(figsize=(8, 0.8 + 0.35 * len(dated)))
        for i, r in enumerate(dated):
            end = dt.date.fromisoformat(r[0][:10])
            start = dt.date.fromisoformat(r[3][:10]) if r[3] else end
            ax.plot([start, end], [i, i], color="#009E73", linewidth=4, solid_capstyle="butt")
            ax.plot([end], [i], marker="|", color="#D55E00", markersize=12)
        ax.set_yticks(range(len(dated)), [f"{r[1][:55]} ({r[5]})" for r in dated], fontsize=7)
        ax.invert_yaxis()
        ax.set_title(t["title"] + (" (n measures)" if lang == "en" else " (n maatregelen)"), fontsize=9, loc="left")
        save(fig, "legal-bases-expiry")
    return written
