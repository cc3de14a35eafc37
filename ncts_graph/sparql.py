"""Reading named SPARQL files (.rq): queries are data, with a small metadata header.

A header is the leading block of ``# key: value`` comment lines (title, severity,
message, ...). Known prefixes are supplied, so files need not repeat PREFIX lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NctsError

_META = re.compile(r"^#\s*([A-Za-z][\w-]*)\s*:\s*(.*)$")


@dataclass(frozen=True)
class RqFile:
    path: Path
    text: str
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem


def read_rq(path: Path) -> RqFile:
    """Read a .rq file and its header (continuation lines ``#   ...`` extend the last key)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NctsError(f"{path}: query file not found") from None
    except UnicodeDecodeError:
        raise NctsError(f"{path}: not UTF-8 text") from None
    meta: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _META.match(line)
        if match:
            last = match.group(1).lower()
            meta[last] = match.group(2).strip()
        elif last and line[1:].strip():
            meta[last] += " " + line[1:].strip()
    return RqFile(path, text, meta)


def select(graph, query: str, bindings: dict | None = None, engine: str = "oxigraph") -> list[dict]:
    """Run a SELECT on the chosen embedded engine (see :mod:`ncts_graph.store`)."""
    from .store import select as _select

    return _select(graph, query, bindings, engine)
