"""The options every ``ncts`` verb spells the same way: ``--data FILE``, ``--lang`` (default
``$NCTS_LANG``), ``--format`` (``text`` is the human-readable form everywhere, ``table`` its
old name) and ``--fail-on`` (violation|warning|info|never). One definition each, so a verb
cannot drift from the others; a bad value is one line on stderr and exit code 2."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import click

from . import complete

LANGS = ("nl", "en")
#: the levels of --fail-on, most severe first; ``never`` reports without failing
FAIL_ON = ("violation", "warning", "info", "never")
#: old names still accepted: ``table`` (query, queries, analyze) is ``text``; ``error`` (check) is ``violation``
FORMAT_ALIASES = {"table": "text"}
FAIL_ON_ALIASES = {"error": "violation"}


def usage_error(ctx: click.Context, message: str):
    """One line on stderr and exit code 2 (click's own usage errors print several)."""
    click.echo(f"ncts: error: {message}", err=True)
    ctx.exit(2)


def default_lang() -> str:
    """``$NCTS_LANG`` when set (nl or en), else nl; a bad value is a one-line error (NctsError)."""
    from ..errors import NctsError

    value = os.environ.get("NCTS_LANG", "").strip()
    if value and value not in LANGS:
        raise NctsError(f"NCTS_LANG: unknown language {value!r} (use one of {', '.join(LANGS)})")
    return value or "nl"


def _lang(ctx, _param, value):
    if ctx.resilient_parsing:  # shell completion: never exit
        return value or "nl"
    if value is None:
        from ..errors import NctsError

        try:
            return default_lang()
        except NctsError as err:
            usage_error(ctx, str(err))
    if value not in LANGS:
        usage_error(ctx, f"unknown language {value!r} (use one of {', '.join(LANGS)})")
    return value


def lang_option(help: str = "Language of labels and messages."):
    return click.option("--lang", default=None, metavar="nl|en", callback=_lang, shell_complete=complete.langs,
                        help=f"{help} [default: $NCTS_LANG, else nl]")


def format_option(*choices: str, default: str | None = "text", help: str = ""):
    """``--format`` with ``choices`` (``text`` first where a verb has a human-readable form);
    ``table`` is taken as ``text``."""

    def check(ctx, _param, value):
        if value is None or ctx.resilient_parsing:
            return value
        value = FORMAT_ALIASES.get(value, value) if "text" in choices else value
        if value not in choices:
            usage_error(ctx, f"unknown format {value!r} (use one of {', '.join(choices)})")
        return value

    shown = f" [default: {default}]" if default else ""
    return click.option("--format", "fmt", default=default, metavar="|".join(choices), callback=check,
                        shell_complete=lambda _c, _p, inc: [c for c in choices if c.startswith(inc)],
                        help=(help + shown).strip())


def fail_on_option(default: str = "violation"):
    def check(ctx, _param, value):
        if ctx.resilient_parsing:
            return value
        value = FAIL_ON_ALIASES.get(value, value)
        if value not in FAIL_ON:
            usage_error(ctx, f"unknown --fail-on level {value!r} (use one of {', '.join(FAIL_ON)})")
        return value

    return click.option("--fail-on", default=default, metavar="|".join(FAIL_ON), callback=check,
                        shell_complete=lambda _c, _p, inc: [c for c in FAIL_ON if c.startswith(inc)],
                        help=f"Lowest severity that makes the exit code 1; never: report only [default: {default}].")


def fails(severities, fail_on: str) -> bool:
    """True when a finding of one of ``severities`` is at or above the ``fail_on`` level
    (``error``, the hygiene checks' word, counts as ``violation``)."""
    if fail_on == "never":
        return False
    limit = FAIL_ON.index(fail_on)
    return any(FAIL_ON.index(FAIL_ON_ALIASES.get(s, s)) <= limit for s in severities)


def data_option(positional: bool = True, help: str = "An extra RDF file, loaded with the bundled graph (repeatable)."):
    """``--data FILE`` (repeatable) on every verb; the verbs that took files as arguments still
    do (``ncts check a.ttl`` = ``ncts check --data a.ttl``). The command gets both as ``files``."""

    def decorate(func):
        @functools.wraps(func)
        def merged(*args, data=(), files=(), **kwargs):
            return func(*args, files=(*files, *data), **kwargs)

        merged = click.option("--data", "data", multiple=True, metavar="FILE", type=click.Path(path_type=Path),
                              help=help)(merged)
        if positional:
            merged = click.argument("files", nargs=-1, type=click.Path(path_type=Path))(merged)
        return merged

    return decorate


def output_option(help: str = "Write to this file instead of standard output (atomically: nothing on error)."):
    return click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help=help)


def emit(text: str, output: Path | None = None) -> None:
    """Print ``text``, or write it to ``output`` atomically (a temporary file, then a rename)."""
    if output is None:
        click.echo(text)
        return
    from ..build import atomic_write

    atomic_write(Path(output), lambda tmp: tmp.write_text(text.rstrip("\n") + "\n", encoding="utf-8"))
    click.echo(f"wrote {output}", err=True)
