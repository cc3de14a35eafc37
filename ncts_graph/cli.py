"""The ``ncts`` command: a thin layer over the Python API, one subcommand per verb.

Heavy libraries (rdflib, owlready2) are imported inside the commands, so
``ncts --help`` starts instantly. Every user error is one line and exit code 2.
"""

from __future__ import annotations

import sys
from functools import wraps
from pathlib import Path

import click

from .errors import EXIT_FAIL, NctsError


def _friendly(func):
    """Turn NctsError (and broken pipes) into one line on stderr and its exit code."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except NctsError as err:
            click.echo(f"ncts: error: {err}", err=True)
            sys.exit(err.exit_code)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ncts-graph")
def main():
    """ncts-graph: a sourced knowledge graph of the Dutch National Counterterrorism Strategy 2022-2026."""


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--sources", type=click.Path(path_type=Path), default=None,
              help="Folder of source texts (default: $NCTS_SOURCES or ../shared/sources).")
@_friendly
def quotes(files, sources):
    """Check that every quote occurs verbatim in its source document.

    Without FILES, checks the whole bundled graph; with FILES, only the quotes in
    those files (source documents are looked up in the bundled data/sources.ttl).
    """
    from . import paths
    from .load import load
    from .quotes import check_quotes

    if files:
        graph = load([paths.home() / "data" / "sources.ttl", *files], bundled=False)
    else:
        graph = load()
    count, problems = check_quotes(graph, sources or paths.sources_dir())
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{count} quotes checked, {len(problems)} not verbatim", err=bool(problems))
    if problems:
        sys.exit(EXIT_FAIL)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="Language of labels.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@_friendly
def info(fmt, lang, files):
    """Counts per class, per pillar and per source document; namespaces.

    FILES are added to the bundled graph (e.g. your own measures).
    """
    import json

    from .info import info as compute, render_text
    from .load import load

    data = compute(load(files), lang=lang)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        render_text(data, Console())


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Output file; the format follows the extension: .ttl .nt .trig .nq .jsonld")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@_friendly
def build(output, files):
    """Write the merged graph (ontology + data [+ FILES]) to OUTPUT, atomically."""
    from .build import build as write
    from .load import load

    graph = load(files)
    write(graph, output)
    click.echo(f"wrote {len(graph)} triples to {output}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Embedded SPARQL engine.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@_friendly
def check(fmt, fail_on, engine, files):
    """Run the hygiene checks (queries/hygiene/*.rq) on the graph [+ FILES]."""
    import json

    from .hygiene import check as run
    from .load import load

    findings = run(load(files), engine=engine)
    if fmt == "json":
        click.echo(json.dumps([{"check": f.check, "severity": f.severity, "message": f.message,
                                "rows": [{k: (str(v) if v is not None else None) for k, v in r.items()} for r in f.rows]}
                               for f in findings], indent=2, ensure_ascii=False))
    else:
        for f in findings:
            for line in f.lines():
                click.echo(line)
        errors = sum(len(f.rows) for f in findings if f.severity == "error")
        warnings = sum(len(f.rows) for f in findings if f.severity == "warning")
        click.echo(f"{errors} errors, {warnings} warnings")
    failing = {"error"} if fail_on == "error" else {"error", "warning"}
    if any(f.severity in failing for f in findings):
        sys.exit(EXIT_FAIL)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@_friendly
def reason(files):
    """Check OWL 2 DL consistency of the graph [+ FILES] with the HermiT reasoner (needs Java)."""
    from .load import load
    from .reason import check_consistency

    result = check_consistency(load(files))
    click.echo(result.message)
    for iri in result.unsatisfiable_classes:
        click.echo(f"unsatisfiable: {iri}")
    if not result.consistent or result.unsatisfiable_classes:
        sys.exit(EXIT_FAIL)


if __name__ == "__main__":  # pragma: no cover
    main()
