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

TABLE_FORMATS = ("text", "csv", "json", "md")  # text: aligned tables ("table", its old name, works too)
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
#: the tables ``analyze`` returns, in order (``ncts analyze --table``)
TABLES = tuple(name for name in _TEXT["en"] if name != "provenance")


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
    _mark_groups(out, partners)
    return out


def _mark_groups(tables: dict[str, dict], partners) -> None:
    """A last column ``kind`` (organisation, or group for a ncts:PartnerGroup such as
    "Municipalities") in the partner tables: a group is not one more partner."""
    from .export.style import category

    kinds = {d["curie"]: "group" if category(d) == "PartnerGroup" else "organisation" for _v, d in partners.nodes(data=True)}
    for name in ("centrality", "per_partner"):
        t = tables[name]
        at = t["columns"].index("curie")
        t["columns"].append("kind")
        for row in t["rows"]:
            row.append(kinds.get(row[at], "organisation"))


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
    fmt = "text" if fmt == "table" else fmt
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
                table.add_column(c, justify="right" if t["rows"] and isinstance(t["rows"][0][i], (int, float)) else "left",
                                 overflow="fold")  # a long CURIE wraps, never cut with "…"
            for r in t["rows"]:
                table.add_row(*map(str, r))
            console = Console(file=io.StringIO(), width=160, force_terminal=False)
            console.print(table)
            blocks.append(console.file.getvalue())
    return "\n".join(blocks)


def check_output_dir(directory) -> Path:
    """Fail early, in one line, when figures cannot go into ``directory`` (created if missing):
    before minutes of work rather than after."""
    import os

    directory = Path(directory)
    for existing in (directory, *directory.parents):
        if existing.exists():
            if not existing.is_dir():
                raise NctsError(f"{directory}: {existing} is not a directory")
            if not os.access(existing, os.W_OK):
                raise NctsError(f"{directory}: cannot write in {existing}")
            break
    return directory


def figures(graph, tables: dict[str, dict], directory: Path, lang: str = "nl", provenance: str = "stated") -> list[Path]:
    """PNG and SVG of the partner network, the coverage heatmap, the measure counts and the expiry timeline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .build import atomic_write
    from .export.figure import draw_view
    from .views import to_networkx

    directory = check_output_dir(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NctsError(f"{directory}: cannot create the folder ({exc.strerror})") from None
    plt.rcParams["svg.hashsalt"] = "ncts-graph"
    plt.rcParams["svg.fonttype"] = "none"  # text stays <text> (editable), not glyph paths
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
        fig = _bars(t, rows, col, lang)
        save(fig, stem)

    fig = _timeline(tables["expiry"], lang)
    if fig is not None:
        save(fig, "legal-bases-expiry")
    return written


_FIG_TEXT = {"en": {"measures": "measures", "group": "partner group", "organisation": "organisation", "today": "today",
                    "bill": "bill: not yet in force", "ends": "ends", "n": "measures", "since": "in force since"},
             "nl": {"measures": "maatregelen", "group": "partnergroep", "organisation": "organisatie", "today": "vandaag",
                    "bill": "wetsvoorstel: nog niet in werking", "ends": "eindigt", "n": "maatregelen",
                    "since": "geldig sinds"}}


def _bars(t: dict, rows: list, col: int, lang: str):
    """Horizontal bars with whole labels (wrapped at spaces, never cut); partner groups hatched."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from .export.style import wrap

    words = _FIG_TEXT[lang]
    prov = t["columns"].index("provenance") if "provenance" in t["columns"] else None
    labels = [wrap(r[0] + (f" ({r[prov]})" if prov is not None else ""), 60) for r in rows]
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    fig, ax = plt.subplots(figsize=(8.5, 0.9 + 0.125 * lines * len(rows)))  # rows as high as the highest label
    kind = t["columns"].index("kind") if "kind" in t["columns"] else None
    groups = [kind is not None and r[kind] == "group" for r in rows]
    bars = ax.barh(range(len(rows)), [r[col] for r in rows], color=["#E69F00" if g else "#0072B2" for g in groups],
                   hatch=None)
    for bar, g in zip(bars, groups):
        if g:
            bar.set_hatch("////")
            bar.set_edgecolor("white")
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel(words["measures"])
    if any(groups):
        ax.legend(handles=[Patch(color="#0072B2", label=words["organisation"]),
                           Patch(facecolor="#E69F00", hatch="////", edgecolor="white", label=words["group"])],
                  fontsize=7, frameon=False, loc="lower right")
    ax.set_title(t["title"] + (" (top 30)" if len(t["rows"]) > 30 else ""), fontsize=9, loc="left")
    return fig


def _timeline(t: dict, lang: str, today=None):
    """Every legal basis with an end date or the status of a bill, on a time axis with a line at
    today: a bar from the start (where known) to the end date; a bill, dated nowhere, as a dashed
    bar from today on. None when there is nothing to draw."""
    import datetime as dt

    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from .export.style import wrap

    words = _FIG_TEXT[lang]
    today = today or dt.date.today()
    bills = ("bill", "wetsvoorstel")
    rows = [r for r in t["rows"] if r[0] or str(r[4]).lower().startswith(bills)]
    if not rows:
        return None
    dates = [dt.date.fromisoformat(x[:10]) for r in rows for x in (r[0], r[3]) if x] + [today]
    lo, hi = min(dates) - dt.timedelta(days=365), max(dates) + dt.timedelta(days=3 * 365)
    labels = [wrap(f"{r[1]} ({r[5]} {words['n']})", 46) for r in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.16 * lines + 0.12 * len(rows)))
    for i, r in enumerate(rows):
        if r[0]:
            end = dt.date.fromisoformat(r[0][:10])
            start = dt.date.fromisoformat(r[3][:10]) if r[3] else lo
            ax.barh(i, (end - start).days, left=start, height=0.5, color="#009E73")
            ax.annotate(f"{words['ends']} {end.isoformat()} ({r[4]})", (end, i), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7)
        else:
            ax.barh(i, (hi - today).days, left=today, height=0.5, facecolor="none", edgecolor="#CC79A7",
                    linestyle="--", linewidth=1.2)
            ax.annotate(f"{words['bill']} ({r[4]})", (today, i), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=7, color="#7a3d6a")
    ax.axvline(today, color="#D55E00", linewidth=1.2, linestyle=":")
    ax.annotate(f"{words['today']} ({today.isoformat()})", (today, -0.7), ha="center", va="bottom", fontsize=7,
                color="#D55E00")
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.set_ylim(len(rows) - 0.4, -1.0)
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title(t["title"], fontsize=9, loc="left")
    return fig
