"""Check that every quote in the graph occurs verbatim in its source document, at its stored
position (what "verbatim" allows is defined once, in passages.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import NctsError
from .passages import canonical_map, canonical_source, occurs_in, quote_pattern, source_path  # noqa: F401  (API)


@dataclass(frozen=True)
class QuoteProblem:
    resource: str
    document: str
    quote: str
    reason: str
    kind: str = "verbatim"  # or "anchor": the quote is verbatim, its stored position is not

    def __str__(self) -> str:
        excerpt = self.quote if len(self.quote) <= 70 else self.quote[:67] + "..."
        return f"{self.resource}: {self.reason} [{self.document}] \"{excerpt}\""


def _read_source(path: Path) -> str:
    """The normalised text of a source file (cached with its raw text by :mod:`ncts_graph.anchors`)."""
    from .passages import read_source

    return read_source(path).canonical


def _quote_rows(graph):
    from types import SimpleNamespace

    from . import paths
    from .sparql import read_rq, select

    query = read_rq(paths.queries_dir() / "system" / "quotes.rq").text
    return [SimpleNamespace(**row) for row in select(graph, query)]


def check_quotes(graph, sources_dir: Path, require_anchors: bool = False) -> tuple[int, list[QuoteProblem]]:
    """Check all quotes of ``graph``; return (number checked, problems).

    A quote's stored anchor (oa:TextPositionSelector, oa:prefix, oa:suffix) must fit the
    source text (a problem of kind "anchor"); with ``require_anchors`` (the bundled
    graph), a quote without one is such a problem too.
    """
    from .passages import mismatch, read_source

    if not Path(sources_dir).is_dir():
        raise NctsError(f"{sources_dir}: source texts not found (expected in shared/sources beside the "
                        "checkout); point at the folder of source .txt files with NCTS_SOURCES=DIR or --sources DIR")
    problems: list[QuoteProblem] = []
    seen = set()
    for row in _quote_rows(graph):
        key = (row.resource, row.quote, row.exact)
        if key in seen:  # two position selectors on one quote repeat its row; the shapes refuse that
            continue
        seen.add(key)
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
        elif row.start is not None:
            reason = mismatch(exact, read_source(path), row.start, row.end, _text(row.prefix), _text(row.suffix))
            if reason:
                problems.append(QuoteProblem(resource, str(row.file), exact,
                                             f"{reason} (recompute with `ncts quotes --anchor`)", "anchor"))
        elif require_anchors:
            problems.append(QuoteProblem(resource, str(row.file), exact,
                                         "no oa:TextPositionSelector (add it with `ncts quotes --anchor`)", "anchor"))
    return len(seen), problems


def _text(term):
    return None if term is None else str(term)


def check_files(files, sources_dir: Path):
    """The quotes in a user's files, with the bundled graph for source documents and known terms.

    Returns (number checked per file, problems, unknown project terms): a file with no
    quote checked nothing, which the caller must not report as a pass.
    """
    from . import paths, terms
    from .load import graph_name, load, new_dataset

    graph = load(terms.user_files(files), merge_graphs=True)  # every graph of a TriG file is the file's
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

    @property
    def not_verbatim(self) -> int:
        return sum(p.kind == "verbatim" for p in self.problems)

    @property
    def exit_code(self) -> int:
        """0 when all is well; 1 (EXIT_FAIL) when a quote is not verbatim, a term is unknown or a
        file has no quote; 3 (EXIT_ANCHOR) when all quotes are verbatim but a stored position is wrong."""
        from .errors import EXIT_ANCHOR, EXIT_FAIL

        if self.ok:
            return 0
        return EXIT_FAIL if self.not_verbatim or self.unknown or self.empty else EXIT_ANCHOR

    def lines(self) -> list[str]:
        out = [str(p) for p in self.problems]
        out += [f"{u['file']}:{u['line'] or '?'}: unknown term: {u['message']}" for u in self.unknown]
        out += [f"{f}: no quotes to check (a quote is {_QUOTE_SHAPE})" for f in self.empty]
        return out

    def summary(self) -> str:
        bad = self.not_verbatim
        if self.bundled:
            return (f"{sum(self.checked.values())} quotes checked in the bundled graph, {bad} not verbatim, "
                    f"{len(self.problems) - bad} with a wrong or missing position")
        checked = ", ".join(f"{n} in {f}" for f, n in self.checked.items())
        wrong = f", {len(self.problems) - bad} with a wrong position" if len(self.problems) > bad else ""
        return f"quotes checked: {checked}; {bad} not verbatim{wrong}, {len(self.unknown)} unknown terms"

    def to_json(self) -> dict:
        from dataclasses import asdict

        return {"ok": self.ok, "exit_code": self.exit_code, "checked": self.checked, "problems": [asdict(p) for p in self.problems],
                "unknown_terms": self.unknown, "files_without_quotes": self.empty}


def report(files=(), sources_dir: Path | None = None) -> QuotesReport:
    """Check the bundled graph's quotes (no ``files``) or those in ``files``: a QuotesReport."""
    from rdflib import URIRef

    from . import paths, terms
    from .load import load
    from .locate import Locator

    sources_dir = sources_dir or paths.sources_dir()
    if not files:
        count, problems = check_quotes(load(), sources_dir, require_anchors=True)
        return QuotesReport({"bundled graph": count}, problems, [], bundled=True)
    per_file, problems, unknown, graph = check_files(files, sources_dir)
    locator, prefixes = Locator(graph, "en"), terms.declared_prefixes(files)
    found = []
    for u in unknown:
        where = locator.where_used(u.subject, URIRef(u.iri))
        found.append({"file": str(where.file), "line": where.line, "message": u.messages(prefixes)["en"]})
    return QuotesReport(per_file, problems, found)
