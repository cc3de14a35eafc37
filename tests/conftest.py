"""Shared fixtures: the bundled graph is loaded once per session."""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: (file content, expected error fragment): bad RDF input every command must refuse in one line
BAD_RDF_INPUTS = [
    (b"", "file is empty"),
    (b"\x00\x01\x02binary\x00", "binary file"),
    ("@prefix ex: <http://x/> .\nex:a ex:b \"caf\xe9\" .\n".encode("latin-1"), ":2: not UTF-8"),
    (b"@prefix ex: <http://x/> .\nex:a ex:b ex:c .\nex:d ex:e .\n", ":3: syntax error"),
    (b"<not an iri> <http://x/p> <http://x/o> .\n", ":1: not a valid IRI"),
]
BAD_RDF_IDS = ["empty", "binary", "wrong-encoding", "turtle-syntax", "bad-iri"]


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


def run_ncts(*args, cwd=None, timeout=120, env=None):
    """Run the installed CLI as a user would; return the CompletedProcess."""
    exe = Path(sys.executable).with_name("ncts")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env={**os.environ, "COLUMNS": "200", **(env or {})})


def canonical(graph) -> set[str]:
    """The triples of an rdflib graph (or dataset union) after RDFC-1.0 canonicalisation.

    Two graphs are isomorphic exactly when these sets are equal; Oxigraph's
    canonicaliser does in milliseconds what rdflib.compare takes minutes for here.
    """
    import pyoxigraph as ox

    from ncts_graph.store import _ox_term

    ds = ox.Dataset(ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), ox.DefaultGraph())
                    for s, p, o in graph.triples((None, None, None)))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in ds}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process, seconds: float = 20) -> None:
    """Poll until the server answers (or fail, with its output)."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stdout.read() if process.stdout else ''}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer within {seconds} s")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph SPARQL server (PyPI package `oxigraph`) on 127.0.0.1, a free port.

    Started with --union-default-graph so that a graph pushed into a named graph is
    queried like the embedded store; stopped after the tests.
    """
    exe = Path(sys.executable).with_name("oxigraph")
    assert exe.is_file(), "the `oxigraph` server is a test dependency: pip install -e '.[test]'"
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    with server([str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                f"http://127.0.0.1:{port}", "/query?query=ASK%7B%7D") as base:
        yield base


@contextmanager
def server(cmd: list[str], base: str, probe: str = "/", seconds: float = 20, cwd=None):
    """Start a server process, wait until ``base + probe`` answers, stop it afterwards."""
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd)
    try:
        wait_for(base + probe, process, seconds)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def pushed_endpoint(oxigraph_server):
    """The real Oxigraph server's query URL, after `ncts push` has loaded the bundled graph."""
    out = run_ncts("push", "--endpoint", oxigraph_server + "/store", "--graph", "https://w3id.org/ncts-graph/graph/all")
    assert out.returncode == 0, out.stderr
    return oxigraph_server + "/query"


@pytest.fixture(scope="session")
def ncts_serve():
    """`ncts serve` of the bundled graph on 127.0.0.1 (a free port), shared by the endpoint, page and
    browser tests: its base URL."""
    port = free_port()
    with server([str(Path(sys.executable).with_name("ncts")), "serve", "--port", str(port)],
                f"http://127.0.0.1:{port}", "/sparql") as base:
        yield base


@pytest.fixture(scope="session")
def ncts_endpoint(ncts_serve):
    """The /sparql URL of `ncts serve` of the bundled graph."""
    return ncts_serve + "/sparql"


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium (tests/browser.py), one per test module."""
    from playwright.sync_api import sync_playwright

    from browser import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


GRAPH_ALL = "https://w3id.org/ncts-graph/graph/all"
VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
ThreadsPerQuery = 2
CheckpointInterval = 0
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 120
"""


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """Debian's Virtuoso 7 (scripts/install-virtuoso.sh) on 127.0.0.1, free ports, a throwaway
    database and virtuoso.ini in a temp folder; its administrator is dba/dba (a new database's
    default). Stopped after the tests."""
    exe = os.environ.get("NCTS_VIRTUOSO", "/usr/bin/virtuoso-t")
    assert Path(exe).is_file(), f"{exe} not found: run `bash scripts/install-virtuoso.sh` (make test does)"
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=free_port(), http_port=http_port))
    with server([exe, "-f", "-c", "virtuoso.ini"], f"http://127.0.0.1:{http_port}", "/sparql?query=ASK%7B%7D",
                seconds=120, cwd=folder) as base:
        yield base


@pytest.fixture(scope="session")
def virtuoso_endpoint(virtuoso_server):
    """Virtuoso's query URL after `ncts push` through its Digest-authenticated Graph Store endpoint.

    The URL names the pushed graph as the default graph (SPARQL Protocol ``default-graph-uri``):
    Virtuoso's own default graph is the union of every graph, its system graphs included."""
    import urllib.parse

    out = run_ncts("push", "--endpoint", virtuoso_server + "/sparql-graph-crud-auth", "--graph", GRAPH_ALL,
                   "--user", "dba", env={"NCTS_ENDPOINT_PASSWORD": "dba"})
    assert out.returncode == 0, out.stderr
    return virtuoso_server + "/sparql?" + urllib.parse.urlencode({"default-graph-uri": GRAPH_ALL})
