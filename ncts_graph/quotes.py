"""Check that every quote in the graph occurs verbatim in its source document.

"Verbatim" allows exactly what the sources' text extraction forces on a curator:
whitespace may differ (line wraps, double spaces, non-breaking spaces) and an
end-of-line hyphenation ("demo -\\ncratische") may be kept or joined. Every
letter, digit, punctuation mark and footnote number must be as in the source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import NctsError

_SOFT = "\x00"  # marks a place where the source breaks a word at a line end



@dataclass(frozen=True)
class QuoteProblem:
    resource: str
    document: str
    quote: str
    reason: str

    def __str__(self) -> str:
        excerpt = self.quote if len(self.quote) <= 70 else self.quote[:67] + "..."
        return f"{self.resource}: {self.reason} [{self.document}] \"{excerpt}\""


def canonical_source(text: str) -> str:
    """Source text with whitespace removed and line-end hyphens turned into soft-break marks."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"-[ \t\u00a0]*\r?\n", _SOFT, text)
    text = text.replace("\u00ac", _SOFT).replace("\u00ad", _SOFT)
    return re.sub(r"\s+", "", text)


def quote_pattern(quote: str) -> re.Pattern[str]:
    """A regex for the quote that tolerates only whitespace and line-end hyphenation."""
    chars = re.sub(r"\s+", "", unicodedata.normalize("NFC", quote).replace("\u00ad", ""))
    parts = ["[-\x00]" if c == "-" else re.escape(c) for c in chars]
    return re.compile("\x00?".join(parts))


def occurs_in(quote: str, source_text: str) -> bool:
    """True if ``quote`` occurs verbatim (in the sense above) in ``source_text``."""
    if not quote.strip():
        return False
    return quote_pattern(quote).search(canonical_source(source_text)) is not None


@lru_cache(maxsize=16)
def _read_source(path: Path) -> str:
    try:
        return canonical_source(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise NctsError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise NctsError(f"{path}: cannot read ({exc.strerror})") from None


def source_path(sources_dir: Path, name: str) -> Path | None:
    """The source file ``name`` inside ``sources_dir``, or None when it would lie outside
    (an absolute path, ``..``, or a symbolic link leading out): a graph must not make the
    checker read, and report on, any other file on the machine."""
    relative = Path(name)
    if not name or relative.is_absolute() or ".." in relative.parts or "\x00" in name:
        return None
    base = Path(sources_dir).resolve()
    try:
        path = (base / relative).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return path if path.is_relative_to(base) and path != base else None


def _quote_rows(graph):
    from types import SimpleNamespace

    from . import paths
    from .sparql import read_rq, select

    query = read_rq(paths.queries_dir() / "system" / "quotes.rq").text
    return [SimpleNamespace(**row) for row in select(graph, query)]


def check_quotes(graph, sources_dir: Path) -> tuple[int, list[QuoteProblem]]:
    """Check all quotes of ``graph``; return (number checked, problems)."""
    if not Path(sources_dir).is_dir():
        raise NctsError(f"{sources_dir}: source texts not found (expected in shared/sources beside the "
                        "checkout); point at the folder of source .txt files with NCTS_SOURCES=DIR or --sources DIR")
    problems: list[QuoteProblem] = []
    count = 0
    for row in _quote_rows(graph):
        count += 1
        resource = str(row.resource) if row.resource is not None else str(row.quote)
        exact = str(row.exact)
        if row.doc is None:
            problems.append(QuoteProblem(resource, "?", exact, "quote has no oa:hasSource"))
            continue
        if row.file is None:
            problems.append(QuoteProblem(resource, str(row.doc), exact, "source document has no ncts:sourceFile"))
            continue
        path = source_path(sources_dir, str(row.file))
        if path is None:
            problems.append(QuoteProblem(resource, str(row.doc), exact,
                                         f"source file {str(row.file)!r} is outside the sources folder; not read"))
            continue
        if not path.is_file():
            problems.append(QuoteProblem(resource, str(row.doc), exact, f"source file {path} not found"))
            continue
        if not exact.strip():
            problems.append(QuoteProblem(resource, str(row.doc), exact, "empty quote"))
        elif quote_pattern(exact).search(_read_source(path)) is None:
            problems.append(QuoteProblem(resource, str(row.file), exact, "not found verbatim in source"))
    return count, problems


def check_files(files, sources_dir: Path):
    """The quotes in a user's files, with the bundled graph for source documents and known terms.

    Returns (number checked per file, problems, unknown project terms): a file with no
    quote checked nothing, which the caller must not report as a pass.
    """
    from . import paths, terms
    from .load import graph_name, load, new_dataset

    graph = load(terms.user_files(files))
    per_file = {}
    problems = []
    for f in files:
        one = new_dataset()
        for name in (graph_name(paths.home() / "data" / "sources.ttl"), graph_name(f)):
            g = graph.graph(_uri(name))
            one.graph(g.identifier).addN((s, p, o, one.graph(g.identifier)) for s, p, o in g)
        count, found = check_quotes(one, sources_dir)
        per_file[str(f)] = count
        problems += found
    unknown = terms.unknown_terms(graph, [graph_name(f) for f in terms.user_files(files)])
    return per_file, problems, unknown, graph


def _uri(name):
    from rdflib import URIRef

    return URIRef(name)


_QUOTE_SHAPE = ('[ a ncts:Quote ; oa:hasSource src:... ; '
                'oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "..."@nl ] ]')


@dataclass
class QuotesReport:
    """What ``ncts quotes`` found: per file (or the bundled graph) how many quotes were checked,
    the quotes not found verbatim, unknown project terms (file, line, message) and files without
    a quote (which checked nothing, so they are not a pass)."""

    checked: dict  # file (or "bundled graph") -> number of quotes checked
    problems: list
    unknown: list  # {"file", "line", "message"}
    bundled: bool = False

    @property
    def empty(self) -> list[str]:
        return [] if self.bundled else [f for f, n in self.checked.items() if not n]

    @property
    def ok(self) -> bool:
        return not (self.problems or self.unknown or self.empty)

    def lines(self) -> list[str]:
        out = [str(p) for p in self.problems]
        out += [f"{u['file']}:{u['line'] or '?'}: unknown term: {u['message']}" for u in self.unknown]
        out += [f"{f}: no quotes to check (a quote is {_QUOTE_SHAPE})" for f in self.empty]
        return out

    def summary(self) -> str:
        if self.bundled:
            return f"{sum(self.checked.values())} quotes checked in the bundled graph, {len(self.problems)} not verbatim"
        checked = ", ".join(f"{n} in {f}" for f, n in self.checked.items())
        return f"quotes checked: {checked}; {len(self.problems)} not verbatim, {len(self.unknown)} unknown terms"

    def to_json(self) -> dict:
        from dataclasses import asdict

        return {"ok": self.ok, "checked": self.checked, "problems": [asdict(p) for p in self.problems],
                "unknown_terms": self.unknown, "files_without_quotes": self.empty}


def report(files=(), sources_dir: Path | None = None) -> QuotesReport:
    """Check the bundled graph's quotes (no ``files``) or those in ``files``: a QuotesReport."""
    from rdflib import URIRef

    from . import paths, terms
    from .load import load
    from .locate import Locator

    sources_dir = sources_dir or paths.sources_dir()
    if not files:
        count, problems = check_quotes(load(), sources_dir)
        return QuotesReport({"bundled graph": count}, problems, [], bundled=True)
    per_file, problems, unknown, graph = check_files(files, sources_dir)
    locator, prefixes = Locator(graph, "en"), terms.declared_prefixes(files)
    found = []
    for u in unknown:
        where = locator.where_used(u.subject, URIRef(u.iri))
        found.append({"file": str(where.file), "line": where.line, "message": u.messages(prefixes)["en"]})
    return QuotesReport(per_file, problems, found)
