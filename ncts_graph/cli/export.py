"""The ``ncts export`` and ``ncts analyze`` commands (registered on the main group in cli.py).

Choices are checked by the library, not by click, so an unknown view or format is the
project's one-line error with exit code 2 and the list of known names.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import complete
from ..analyze import TABLES
from .friendly import friendly
from .options import data_option, format_option, lang_option


@click.command()
@click.option("--view", "view", default="full", show_default=True, metavar="VIEW", shell_complete=complete.views,
              help="full, measures, partners, threats, legal (queries/views/*.rq); "
                   "'graph' = the whole RDF graph (RDF formats only).")
@click.option("--format", "fmt", required=True, metavar="FORMAT",
              help="graphml, gexf, cytoscape, nodelink, dot, html, svg, png, ttl, nt, trig, jsonld; "
                   "annotations = every quote as W3C Web Annotation JSON-LD (the view does not apply).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output file [default: ncts-VIEW.EXT in the current folder]; written atomically.")
@lang_option("Language of labels.")
@click.option("--provenance", default="stated", show_default=True, metavar="stated|curator|all",
              help="Partner involvements: named by the sources, supplied by the curator, or both.")
@data_option()
@friendly
def export(view, fmt, output, lang, provenance, files):
    """Export a view of the graph [+ FILES] for Gephi, yEd, Cytoscape, d3, Graphviz, a browser or a paper."""
    from ..export import check_format, export as write
    from ..load import load
    from ..views import get_view

    check_format(fmt)
    if view != "graph":
        get_view(view)
    path = write(load(files), view, fmt, output, lang=lang, provenance=provenance)
    what = "every quote as W3C Web Annotations" if fmt == "annotations" else f"{view} view as {fmt}"
    click.echo(f"wrote {what} to {path}", err=True)


@click.command()
@format_option("text", "csv", "json", "md")
@lang_option("Language of labels, legends and figures.")
@click.option("--table", "only", default=None, metavar="NAME",
              shell_complete=lambda _c, _p, inc: [n for n in TABLES if n.startswith(inc)],
              help="Only this table: " + ", ".join(TABLES) + ".")
@click.option("-o", "--output-dir", type=click.Path(path_type=Path), default=None,
              help="Also write the figures (PNG and SVG) into this folder (created if missing).")
@click.option("--provenance", default="stated", show_default=True, metavar="stated|curator|all",
              help="Partner involvements counted: named by the sources, supplied by the curator, or both (never summed).")
@data_option()
@friendly
def analyze(fmt, lang, only, output_dir, provenance, files):
    """Partner centrality and communities, threat x pillar coverage (with its gaps), measures per
    partner and per legal basis, legal bases by expiry; optionally as figures."""
    from ..analyze import analyze as run, check_output_dir, figures, render
    from ..errors import NctsError
    from ..load import load
    from ..views import _check_provenance

    _check_provenance(provenance)
    if output_dir is not None:
        check_output_dir(output_dir)
    graph = load(files)
    tables = run(graph, lang=lang, provenance=provenance)
    if only is not None:
        if only not in tables:
            raise NctsError(f"unknown table {only!r} (use one of {', '.join(tables)})")
        tables = {only: tables[only]}
    text = render(tables, fmt)
    if output_dir is not None:
        full = tables if only is None else run(graph, lang=lang, provenance=provenance)
        for path in figures(graph, full, output_dir, lang=lang, provenance=provenance):
            click.echo(f"wrote {path}", err=True)
    click.echo(text.rstrip("\n"))
