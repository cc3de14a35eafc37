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

    return "".join(re.sub(r"[^\n]+", lambda m: " " * len(m.group(0)), text) if kind in ("string", "iri", "comment")
                   else text for kind, text in tokens(query))


MAX_NESTING = 100  # brackets deeper than this are refused before any parser sees the query


def strip_comments(query: str) -> str:
    """The query without its comments (``#`` outside strings and IRIs), line breaks kept."""
    from .bind import tokens

    return "".join(text for kind, text in tokens(query) if kind != "comment")


def nesting(query: str) -> int:
    """The deepest nesting of ``{ ( [`` outside strings and comments (brackets in IRIs count:
    over-counting is the safe side)."""
    from .bind import tokens

    depth = deepest = 0
    for kind, text in tokens(query):
        if kind in ("string", "comment"):
            continue
        for char in text:
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


def service_targets(query: str) -> list:
    """The endpoints of every SERVICE in the query (IRIs as strings; None for a variable
    endpoint), found in rdflib's algebra of the parsed query, never in its text: a SERVICE
    inside a subquery, an EXISTS or another SERVICE counts too. The project's prefixes are
    predeclared. A query that does not parse is an NctsError."""
    from rdflib.plugins.sparql.algebra import translatePrologue, translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    import sys

    from .namespaces import PREFIXES

    check_nesting(query)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20000))  # pyparsing recurses ~30 frames per nesting level
    try:
        parsed = parseQuery(query)
        prologue = translatePrologue(parsed[0], None, PREFIXES)
        tree = translateQuery(parsed, initNs=PREFIXES).algebra
    except Exception as exc:  # pyparsing's ParseException, an undeclared prefix, too deep a nesting
        raise NctsError(f"SPARQL syntax error: {' '.join(str(exc).split())[:300]}") from None
    finally:
        sys.setrecursionlimit(limit)
    return services_in(tree, prologue)


def services_in(tree, prologue) -> list:
    """The SERVICE endpoints in an rdflib algebra or parse tree (see service_targets)."""
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    found: list = []
    for node in tree_nodes(tree):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            term = dict.get(node, "term")
            if isinstance(term, CompValue):  # a prefixed name in a part the algebra leaves as parsed
                term = prologue.absolutize(term)
            found.append(None if term is None or isinstance(term, Variable) else str(term))
    return found


def tree_nodes(tree):
    """Every node of an rdflib SPARQL parse or algebra tree (CompValues, lists, terms), depth first."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, CompValue):
            todo.extend(reversed(list(node.values())))
        elif isinstance(node, (list, tuple, ParseResults)):
            todo.extend(reversed(list(node)))
