"""Reading named SPARQL files (.rq): queries are data, with a small metadata header.

A header is the leading block of ``# key: value`` comment lines (title, severity,
message, param, ...; parsed by :mod:`ncts_graph.library`). Known prefixes are supplied,
so files need not repeat PREFIX lines. Also: scanning a query outside its strings, IRIs
and comments, and binding parameters as escaped VALUES terms.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import NctsError

def read_rq(path: Path):
    """Read a .rq file and its header (see :mod:`ncts_graph.library`): .text, .meta, .params, .name."""
    from .library import load_file

    return load_file(path)


_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def blank_out(query: str) -> str:
    """The query with strings, IRIs and comments replaced by spaces (same length), for scanning."""
    def spaces(match):
        return re.sub(r"[^\n]", " ", match.group(0))

    text = _STRINGS.sub(spaces, query)
    text = re.sub(r"<[^<>\s{}]*>", spaces, text)
    return re.sub(r"#[^\n]*", spaces, text)


def strip_comments(query: str) -> str:
    """The query without its comments (``#`` outside strings and IRIs), line breaks kept."""
    scan = _STRINGS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), query)
    scan = re.sub(r"<[^<>\s{}]*>", lambda m: " " * len(m.group(0)), scan)
    out, last = [], 0
    for match in re.finditer(r"#[^\n]*", scan):
        out.append(query[last:match.start()])
        last = match.end()
    out.append(query[last:])
    return "".join(out)


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


def bind_values(query: str, bindings: dict, everywhere: bool = False) -> str:
    """Bind variables to RDF terms with a VALUES block of N-Triples-serialised terms: the
    values are escaped data, never query text. ``bindings`` maps names to results.Term.
    ``everywhere``: also in every sub-SELECT's ``WHERE {`` (a sub-SELECT sees only what it binds)."""
    if not bindings:
        return query
    names = list(bindings)
    block = "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(bindings[n].n3() for n in names) + ") }"
    if not everywhere:
        return inject(query, block)
    for match in reversed(list(re.finditer(r"\bWHERE\s*\{", blank_out(query), re.I))):
        query = query[:match.end()] + " " + block + " " + query[match.end():]
    return query


def query_form(query: str) -> str:
    """select, ask, construct or describe: the first query-form keyword outside strings, IRIs, comments."""
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", blank_out(query), re.I)
    return match.group(1).lower() if match else "select"


def select(graph, query: str, bindings: dict | None = None, engine: str = "oxigraph") -> list[dict]:
    """Run a SELECT on the chosen embedded engine (see :mod:`ncts_graph.store`)."""
    from .store import select as _select

    return _select(graph, query, bindings, engine)
