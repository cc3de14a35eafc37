"""Where the bundled ontology, data, queries and the source texts live.

The repository layout (ontology/, data/, shapes/, queries/) is the source of truth;
a wheel carries a copy under ``ncts_graph/_bundled``. Source texts are not bundled:
they are found via ``$NCTS_SOURCES`` or ``../shared/sources`` beside the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def home() -> Path:
    """The folder holding ontology/, data/, queries/ (bundled copy first, then the checkout)."""
    env = os.environ.get("NCTS_HOME")
    if env:
        return Path(env)
    bundled = _PKG / "_bundled"
    if (bundled / "ontology").is_dir():
        return bundled
    return _PKG.parent


def ontology_file() -> Path:
    return home() / "ontology" / "ncts.ttl"


def data_files() -> list[Path]:
    return sorted((home() / "data").glob("*.ttl"))


def queries_dir() -> Path:
    return home() / "queries"


def sources_dir() -> Path:
    """The plain-text source documents that quotes are checked against."""
    env = os.environ.get("NCTS_SOURCES")
    if env:
        return Path(env)
    for candidate in (home().parent / "shared" / "sources", _PKG.parent.parent / "shared" / "sources"):
        if candidate.is_dir():
            return candidate
    return home().parent / "shared" / "sources"
