"""The one decorator every ``ncts`` command shares: user errors as one line and an exit code."""

from __future__ import annotations

import sys
from functools import wraps

import click

from ..errors import NctsError


def friendly(func):
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
        except MemoryError as exc:  # a hostile or huge input: one line, not a traceback
            click.echo(f"ncts: error: out of memory{': ' + str(exc) if str(exc) else ''}", err=True)
            sys.exit(2)

    return wrapper


class OneLineUsage(click.UsageError):
    """A usage error shown as the project's one line (click's own is a usage block of four lines)."""

    def show(self, file=None):
        where = self.ctx.command_path if self.ctx is not None else "ncts"
        message = " ".join(self.format_message().split())
        click.echo(f"ncts: error: {message} (see '{where} --help')", err=True)


class OneLineGroup(click.Group):
    """The ``ncts`` group: a bad option or argument of any verb is one line and exit code 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        with _one_line():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        with _one_line():
            return super().invoke(ctx)


class _one_line:
    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, click.UsageError) and not isinstance(exc, (OneLineUsage, click.exceptions.NoArgsIsHelpError)):
            raise OneLineUsage(exc.format_message(), exc.ctx) from None
        return False
