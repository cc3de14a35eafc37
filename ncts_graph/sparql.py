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


# One left-to-right pass, as a SPARQL lexer reads: whichever of comment, string or IRI starts
# first wins, so quotes inside a comment (or '#' inside a string) cannot hide what follows.
_TOKENS = re.compile(r'#[^\n]*|"""[\s\S]*?(?:"""|$)|\'\'\'[\s\S]*?(?:\'\'\'|$)'
                     r'|"(?:[^"\\\n]|\\.)*(?:"|$)|\'(?:[^\'\\\n]|\\.)*(?:\'|$)|<[^<>\s{}]*>', re.M)
MAX_NESTING = 100  # brackets deeper than this are refused before any parser sees the query


def blank_out(query: str) -> str:
    """The query with strings, IRIs and comments replaced by spaces (same length), for scanning."""
    return _TOKENS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), query)


def strip_comments(query: str) -> str:
    """The query without its comments (``#`` outside strings and IRIs), line breaks kept."""
    return _TOKENS.sub(lambda m: "" if m.group(0).startswith("#") else m.group(0), query)


def nesting(query: str) -> int:
    """The deepest nesting of ``{ ( [`` outside strings and comments (brackets in IRIs count:
    over-counting is the safe side)."""
    depth = deepest = 0
    for char in _TOKENS.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", query):
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth = max(depth - 1, 0)
    return deepest


def check_nesting(query: str, where: str = "query", limit: int = MAX_NESTING) -> None:
    """Refuse a query nested deeper than ``limit``: parsers recurse per level, and deep enough
    nesting crashes them (Oxigraph overflows its stack and takes the process down)."""
    if nesting(query) > limit:
        raise NctsError(f"{where}: the query is nested more than {limit} levels deep; refused")


def service_targets(query: str) -> list:
    """The SERVICE endpoints of a query, from its parsed algebra (rdflib's SPARQL parser): IRIs
    as strings, None for a variable endpoint. Text scans can be fooled (quotes in comments,
    escapes); the parse cannot. A query that does not parse (or is nested deeper than
    MAX_NESTING) is an NctsError, so a caller refuses what it cannot read."""
    import sys

    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef, Variable

    from .namespaces import PREFIXES

    check_nesting(query)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20000))  # pyparsing recurses ~30 frames per nesting level
    try:
        algebra = translateQuery(parseQuery(query), initNs=PREFIXES).algebra
    except Exception as exc:  # pyparsing and rdflib raise many types; all mean "cannot read it"
        raise NctsError(f"the query does not parse: {' '.join(str(exc).split())[:200]}") from None
    finally:
        sys.setrecursionlimit(limit)
    found, todo, seen = [], [algebra], set()
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                found.append(str(term) if isinstance(term, URIRef) else None if isinstance(term, Variable) else str(term))
            todo.extend(node.values())
        elif isinstance(node, dict):
            todo.extend(node.values())
        elif isinstance(node, (list, tuple, set)):
            todo.extend(node)
    return found


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
    """Bind variables to RDF terms with a VALUES block of N-Triples-serialised terms: the
    values are escaped data, never query text. ``bindings`` maps names to results.Term."""
    if not bindings:
        return query
    names = list(bindings)
    block = "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(bindings[n].n3() for n in names) + ") }"
    return inject(query, block)


def query_form(query: str) -> str:
    """select, ask, construct or describe: the first query-form keyword outside strings, IRIs, comments."""
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", blank_out(query), re.I)
    return match.group(1).lower() if match else "select"


def select(graph, query: str, bindings: dict | None = None, engine: str = "oxigraph") -> list[dict]:
    """Run a SELECT on the chosen embedded engine (see :mod:`ncts_graph.store`)."""
    from .store import select as _select

    return _select(graph, query, bindings, engine)
