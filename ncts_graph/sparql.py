"""Reading named SPARQL files (.rq): queries are data, with a small metadata header.

A header is the leading block of ``# key: value`` comment lines (title, severity,
message, param, ...; parsed by :mod:`ncts_graph.library`). Known prefixes are supplied,
so files need not repeat PREFIX lines. Also: scanning a query outside its strings, IRIs
and comments, and binding parameters as escaped terms (:mod:`ncts_graph.bind`).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import NctsError

def read_rq(path: Path):
    """Read a .rq file and its header (see :mod:`ncts_graph.library`): .text, .meta, .params, .name."""
    from .library import load_file

    return load_file(path)


def blank_out(query: str) -> str:
    """The query with strings, IRIs and comments replaced by spaces (same length), for scanning."""
    from .bind import tokens

    return "".join(re.sub(r"[^\n]", " ", text) if kind in ("string", "iri", "comment") else text
                   for kind, text in tokens(query))


def strip_comments(query: str) -> str:
    """The query without its comments (``#`` outside strings and IRIs), line breaks kept."""
    from .bind import tokens

    return "".join(text for kind, text in tokens(query) if kind != "comment")


def where_open(query: str) -> int:
    """Offset just after the '{' that opens the query's top-level WHERE group."""
    scan = blank_out(query)
    match = re.search(r"\bWHERE\s*\{", scan, re.I)
    if match is None:
        form = re.search(r"\b(SELECT|ASK)\b", scan, re.I)
        match = re.search(r"\{", scan[form.end():]) if form else None
        if match is None:
            raise NctsError("the query has no WHERE clause to bind parameters in")
        return form.end() + match.end()
    return match.end()


def inject(query: str, pattern: str) -> str:
    """The query with ``pattern`` placed first in its top-level WHERE group (one line, so
    error positions on other lines stay right)."""
    at = where_open(query)
    return query[:at] + " " + pattern + " " + query[at:]


def bind_values(query: str, bindings: dict) -> str:
    """Bind parameters: their variable tokens replaced by escaped N-Triples terms (see
    :mod:`ncts_graph.bind`; every engine answers this the same, unlike a VALUES block).
    ``bindings`` maps names to results.Term."""
    from .bind import bind

    return bind(query, bindings)


def query_form(query: str) -> str:
    """select, ask, construct or describe: the first query-form keyword outside strings, IRIs, comments."""
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", blank_out(query), re.I)
    return match.group(1).lower() if match else "select"


def select(graph, query: str, bindings: dict | None = None, engine: str = "oxigraph") -> list[dict]:
    """Run a SELECT on the chosen embedded engine (see :mod:`ncts_graph.store`)."""
    from .store import select as _select

    return _select(graph, query, bindings, engine)
