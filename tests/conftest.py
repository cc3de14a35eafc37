"""Shared fixtures: the bundled graph is loaded once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def graph():
    from ncts_graph.load import load

    return load()


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The source texts; CI has ../shared/sources beside the clone. Missing sources fail, never skip."""
    from ncts_graph import paths

    path = paths.sources_dir()
    assert path.is_dir(), f"source texts not found at {path}: set NCTS_SOURCES or put shared/ beside the clone"
    return path


def run_ncts(*args, cwd=None, timeout=120):
    """Run the installed CLI as a user would; return the CompletedProcess."""
    exe = Path(sys.executable).with_name("ncts")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env={**os.environ, "COLUMNS": "200"})
