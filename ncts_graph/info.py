"""``ncts info``: what is in the graph, for a newcomer and for a methods section."""

from __future__ import annotations

from . import paths
from .namespaces import PREFIXES, compact
from .sparql import read_rq, select


def _system(name: str) -> str:
    return read_rq(paths.queries_dir() / "system" / f"{name}.rq").text


def info(graph, lang: str = "nl") -> dict:
    """Counts per class, per pillar and per source, plus size and namespaces, as plain data."""
    from rdflib import Literal

    classes = {compact(str(r["class"])): int(r["count"]) for r in select(graph, _system("info-classes"))}
    pillars = [
        {"strategy": str(r["strategy"]), "pillar": compact(str(r["pillar"])) if str(r["pillar"]) else None,
         "label": str(r["label"]), "measures": int(r["measures"])}
        for r in select(graph, _system("info-pillars"), {"lang": Literal(lang)})
    ]
    sources = [
        {"source": compact(str(r["source"])), "file": str(r["file"]), "quotes": int(r["quotes"]),
         "resources": int(r["resources"])}
        for r in select(graph, _system("info-sources"))
    ]
    files = sorted(str(g.identifier) for g in graph.graphs() if len(g))
    return {
        "triples": len(graph),
        "graphs": [compact(f) if not f.startswith("https://w3id.org/ncts-graph/graph/") else f.rsplit("graph/", 1)[1] for f in files],
        "classes": classes,
        "pillars": pillars,
        "sources": sources,
        "namespaces": dict(PREFIXES),
    }


def render_text(data: dict, console) -> None:
    """Print ``info`` as rich tables; a narrow terminal wraps an identifier, never cuts it ("…")."""
    from functools import partial

    from rich.table import Table as RichTable

    Table = partial(RichTable, title_justify="left")

    console.print(f"[bold]ncts-graph[/bold]: {data['triples']} triples in {len(data['graphs'])} files")
    t = Table(title="Instances per class")
    t.add_column("class", overflow="fold"); t.add_column("count", justify="right", overflow="fold")
    for cls, n in data["classes"].items():
        t.add_row(cls, str(n))
    console.print(t)
    t = Table(title="Measures per pillar")
    t.add_column("strategy", overflow="fold"); t.add_column("pillar", overflow="fold"); t.add_column("measures", justify="right", overflow="fold")
    for row in data["pillars"]:
        t.add_row(row["strategy"], row["label"], str(row["measures"]))
    console.print(t)
    t = Table(title="Quotes per source document")
    t.add_column("source", overflow="fold"); t.add_column("file", overflow="fold"); t.add_column("quotes", justify="right", overflow="fold"); t.add_column("resources citing", justify="right", overflow="fold")
    for row in data["sources"]:
        t.add_row(row["source"], row["file"], str(row["quotes"]), str(row["resources"]))
    console.print(t)
    t = Table(title="Namespaces")
    t.add_column("prefix", overflow="fold"); t.add_column("IRI", overflow="fold")
    for prefix, iri in data["namespaces"].items():
        t.add_row(prefix, iri)
    console.print(t)
