"""The README's push/query lines, run as written against a real Oxigraph server (issue 13:
pushed into a named graph, the query found 0 rows). Only the port, the store folder and the
host (127.0.0.1 for localhost) are changed; each query must print what the embedded engine prints."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, free_port, run_ncts, server

MARKER = "a test runs exactly these lines:"


def readme_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(re.escape(MARKER) + r"\s*```sh\n(.*?)```", text, re.S)
    assert block, f"README.md lost the block after {MARKER!r}"
    joined = block.group(1).replace("\\\n", " ")
    return [line.split("  #")[0].strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_push_and_query_on_oxigraph(tmp_path):
    """Each push/query pair (the README's alternatives) on a fresh server started by the README's line."""
    lines = readme_lines()
    assert lines[0].startswith(".venv/bin/oxigraph serve") and lines[0].endswith("&")
    pairs = [lines[i:i + 2] for i in range(1, len(lines), 2)]
    assert len(pairs) == 2 and all(p[0].split()[1] == "push" and p[1].split()[1] == "query" for p in pairs)
    bin_dir = str(Path(sys.executable).parent) + "/"
    for n, pair in enumerate(pairs):
        port = free_port()

        def adapt(line: str) -> list[str]:
            line = line.rstrip("&").replace("localhost:7878", f"127.0.0.1:{port}")
            line = line.replace("~/ncts-oxigraph", str(tmp_path / f"store{n}"))
            return [bin_dir + w[len(".venv/bin/"):] if w.startswith(".venv/bin/") else w for w in shlex.split(line)]

        with server(adapt(lines[0]), f"http://127.0.0.1:{port}", "/query?query=ASK%7B%7D"):
            push, query = (adapt(line) for line in pair)
            pushed = subprocess.run(push, capture_output=True, text=True, timeout=120)
            assert pushed.returncode == 0, pushed.stderr
            remote = subprocess.run(query, capture_output=True, text=True, timeout=120)
            local = run_ncts("query", *query[2:query.index("--endpoint")])  # the same question, embedded
            assert remote.returncode == 0, remote.stderr
            assert local.returncode == 0 and "(0 rows)" not in local.stdout
            assert remote.stdout == local.stdout, pair
