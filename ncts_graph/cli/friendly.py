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
