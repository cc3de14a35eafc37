"""Hygiene checks: one SPARQL file per check under queries/hygiene/, any row a finding.

After FIBO's hygiene tests: each file states its severity (error or warning) and the
message a curator reads; ``check`` runs them all against a graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import paths
from .namespaces import compact
from .sparql import read_rq, select

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


def check(graph, directory: Path | None = None, engine: str = "oxigraph") -> list[Finding]:
    """Run every hygiene check; return one Finding per check that returned rows."""
    findings = []
    for rq in checks(directory):
        rows = select(graph, rq.text, engine=engine)
        if rows:
            severity = rq.meta.get("severity", "error")
            findings.append(Finding(rq.name, severity, rq.meta.get("message", rq.name), rows))
    return findings
