"""The ``ncts`` command: a thin layer over the Python API, one subcommand per verb.

Heavy libraries (rdflib, owlready2) are imported inside the commands, so
``ncts --help`` starts instantly. Every user error is one line and exit code 2.
"""

from __future__ import annotations

import sys
from functools import wraps
from pathlib import Path

import click

from .errors import EXIT_FAIL, EXIT_USAGE, NctsError


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


if __name__ == "__main__":  # pragma: no cover
    main()
