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
@click.option("--shapes", "extra_shapes", multiple=True, type=click.Path(path_type=Path),
              help="Extra shapes file or folder of .ttl files (repeatable).")
@click.option("--no-bundled-shapes", is_flag=True, help="Use only the --shapes given, replacing the bundled shapes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default="text", show_default=True,
              help="ttl is the standard SHACL validation report graph.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of messages and labels.")
@click.option("--as-of", default=None, metavar="DATE",
              help="Reference date (YYYY-MM-DD) for the rule that a measure's legal basis is in force [default: today].")
@click.option("--inference", type=click.Choice(["none", "rdfs", "owlrl"]), default="none", show_default=True,
              help="Expand the data graph before validating.")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--all", "report_all", is_flag=True,
              help="With FILES: also report results about the bundled data, not only about nodes in FILES.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: only the summary line.")
@_friendly
def validate(files, extra_shapes, no_bundled_shapes, fmt, lang, as_of, inference, fail_on, report_all, quiet):
    """Validate measure definitions against the SHACL shapes (shapes/*.ttl).

    Without FILES, validates the bundled graph. FILES are validated together with the
    ontology and the bundled data, so they can point at existing partners, laws and
    threats; only results about nodes defined in FILES are reported (unless --all).
    Exit code 0: conforms at the --fail-on level; 1: does not; 2: bad input.
    """
    from .errors import NctsError
    from .validate import render_json, render_text, render_ttl, summary, validate as run

    if no_bundled_shapes and not extra_shapes:
        raise NctsError("--no-bundled-shapes needs at least one --shapes FILE or folder")
    report = run(files, shapes=extra_shapes, bundled_shapes=not no_bundled_shapes, lang=lang, as_of=as_of,
                 inference=inference, fail_on=fail_on, scope="all" if report_all or not files else "files")
    text = (lambda r: summary(r, lang)) if quiet else (lambda r: render_text(r, lang))
    render = {"text": text, "json": render_json, "ttl": render_ttl}[fmt]
    click.echo(render(report).rstrip("\n"))  # rendered whole first: never half a report
    if not report.conforms:
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
