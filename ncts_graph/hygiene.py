"""Hygiene checks: one SPARQL file per check under queries/hygiene/, any row a finding.

After FIBO's hygiene tests: each file states its severity (error or warning), the
message a curator reads, and its scope: ``all`` (any measure definition, the bundled
data's or a user's; the default) or ``bundled`` (a curation rule for data/ only, see
docs/validating.md). ``check`` runs them against a graph; given a user's files, it runs
the ``all`` checks, keeps the findings about nodes those files define, and adds what
SPARQL cannot say: unknown project terms (with the nearest known one) and files that
define nothing to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import paths, terms
from .namespaces import compact
from .sparql import read_rq, select

SCOPES = ("all", "bundled")


@dataclass
class Finding:
    check: str
    severity: str
    message: str
    rows: list[dict]

    def lines(self) -> list[str]:
        out = []
        for row in self.rows:
            detail = ", ".join(f"{k}={compact(v)}" for k, v in row.items() if v is not None)
            out.append(f"{self.severity}: {self.check}: {self.message} ({detail})")
        return out


def checks(directory: Path | None = None):
    """The hygiene .rq files, sorted by name."""
    return [read_rq(p) for p in sorted(Path(directory or paths.queries_dir() / "hygiene").glob("*.rq"))]


def check(graph, directory: Path | None = None, engine: str = "oxigraph", files=None,
          everything: bool = False) -> list[Finding]:
    """Run every hygiene check; return one Finding per check that returned rows.

    With ``files`` (a user's files loaded in ``graph``), only findings about nodes those
    files define are returned (``everything``: about the bundled data too), ``bundled``
    checks never apply to those nodes, and unknown terms and files without anything to
    check are errors.
    """
    from .load import graph_name

    files = terms.user_files(files)
    names = [str(graph_name(f)) for f in files]
    mine = {s for g in graph.graphs() if str(g.identifier) in names for s in g.subjects()}

    def about_mine(row):
        return any(v in mine for v in row.values() if v is not None)

    findings = []
    for rq in checks(directory):
        bundled_only = rq.meta.get("scope", "all") == "bundled"
        if files and bundled_only and not everything:
            continue
        rows = select(graph, rq.text, engine=engine)
        if files and bundled_only:
            rows = [r for r in rows if not about_mine(r)]
        elif files and not everything:
            rows = [r for r in rows if about_mine(r)]
        if rows:
            severity = rq.meta.get("severity", "error")
            findings.append(Finding(rq.name, severity, rq.meta.get("message", rq.name), rows))
    if files:
        findings += file_findings(graph, files)
    return findings


def file_findings(graph, files) -> list[Finding]:
    """Unknown project terms in the files, and files that define no measure, partner, legal basis or quote."""
    from rdflib import Literal, URIRef

    from .load import graph_name
    from .locate import Locator

    prefixes = terms.declared_prefixes(files)
    unknown = terms.unknown_terms(graph, [str(graph_name(f)) for f in files])
    out = []
    if unknown:
        locator = Locator(graph, "en")
        rows = []
        for u in unknown:
            where = locator.where_used(u.subject, URIRef(u.iri))
            rows.append({"where": Literal(f"{where.file}:{where.line}" if where.line else str(where.file)),
                         "term": Literal(u.messages(prefixes)["en"])})
        out.append(Finding("unknown-terms", "error", "a term of a project namespace that nothing defines", rows))
    empty = [f for f in files if not sum(terms.defined(graph, [str(graph_name(f))]).values())]
    if empty:
        out.append(Finding("nothing-to-check", "error", terms.nothing_defined("en"),
                           [{"file": Literal(str(f))} for f in empty]))
    return out


def summary(graph, findings: list[Finding], files=None) -> str:
    """'1 measure, 1 quote in my.ttl (with the bundled graph); 0 errors, 0 warnings'."""
    from .load import graph_name

    files = terms.user_files(files)
    names = [str(graph_name(f)) for f in files] if files else None
    where = f"{terms.files_text(files)} (with the bundled graph)" if files else "the bundled graph"
    what = terms.describe(terms.defined(graph, names), where).replace("nothing validated", "nothing checked")
    errors = sum(len(f.rows) for f in findings if f.severity == "error")
    warnings = sum(len(f.rows) for f in findings if f.severity == "warning")
    return f"{what}; {errors} errors, {warnings} warnings"
