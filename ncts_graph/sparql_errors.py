"""Oxigraph's SPARQL parse errors as one readable line.

Oxigraph reports where its parser stopped and every token it could have accepted there,
character classes included (``['A' ..= 'Z' | 'a' ..= 'z' | '\\u{00C0}'..='\\u{00D6}' | ...]``).
A reader needs the place (line:column and the text before it), what was wrong when we can
tell (an undeclared prefix, a bad IRI, an unterminated string) and a few of the keywords
or symbols that would fit; never the Unicode ranges.
"""

from __future__ import annotations

import re

_CLASS = re.compile(r"\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]")  # a bracketed character class, quotes inside
MAX_EXPECTED = 8


def readable(message: str, query: str) -> tuple[int | None, int | None, str]:
    """(line, column, text) of an Oxigraph SyntaxError message on ``query``; line and column
    are None when the message names no position."""
    message = " ".join(message.split())
    match = re.match(r"error at (\d+):(\d+): (.*)", message)
    if not match:
        return None, None, _clean(message)
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    where = _near(query, line, column)
    if "Prefix not found" in detail:
        prefix = _undeclared_prefix(query)
        what = f"unknown prefix {prefix}:" if prefix is not None else "unknown prefix"
        return line, column, f"{what} {where}; declare it with PREFIX or use a full <IRI>"
    if "IRI parsing failed" in detail:
        return line, column, f"invalid IRI {where}"
    expected = _expected(detail)
    text = where
    if re.search(r'"\\\\"|"\\"', detail) and _open_string(query, line, column):
        text = f"unterminated string {where}"
    elif expected:
        text += "; expected " + (expected[0] if len(expected) == 1 else "one of " + ", ".join(expected))
    return line, column, text


def _expected(detail: str) -> list[str]:
    """The keywords and symbols of 'expected one of ...', without character classes and
    escape sequences; at most MAX_EXPECTED, then '…'."""
    body = re.sub(r"^expected (one of )?", "", detail)
    body = _CLASS.sub("", body)
    items = []
    for item in (i.strip() for i in body.split(",")):
        if not item or item in items or "\\" in item or item in ('"', "'") or " " in item.strip('"'):
            continue
        items.append(item)
    return items[:MAX_EXPECTED] + (["…"] if len(items) > MAX_EXPECTED else [])


def _near(query: str, line: int, column: int) -> str:
    """'after "…text"': up to 30 characters of the line before the position."""
    lines = query.splitlines()
    if not 0 < line <= len(lines):
        return "at the end of the query"
    text = lines[line - 1]
    at = max(0, min(column - 1, len(text)))
    before = text[max(0, at - 30):at].strip()
    if at > 30:
        before = "…" + before
    if at >= len(text.rstrip()) and line == len(lines):
        return f'at the end of the query, after "{before}"' if before else "at the end of the query"
    return f'after "{before}"' if before else f"at the start of line {line}"


def _undeclared_prefix(query: str) -> str | None:
    """The first prefixed name's prefix that neither a PREFIX line nor the project declares."""
    from .bind import tokens
    from .namespaces import PREFIXES

    declared = set(PREFIXES) | set(re.findall(r"(?i)\bPREFIX\s+([\w.-]*):", query))
    for kind, text in tokens(query):
        if kind == "pname" and text.partition(":")[0] not in declared:
            return text.partition(":")[0]
    return None


def _open_string(query: str, line: int, column: int) -> bool:
    lines = query.splitlines()
    text = lines[line - 1][:column] if 0 < line <= len(lines) else ""
    return text.count('"') % 2 == 1 or text.count("'") % 2 == 1


def _clean(message: str) -> str:
    return _CLASS.sub("…", message)[:300]
