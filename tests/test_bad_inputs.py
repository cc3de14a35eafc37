"""Issue 14: every verb against every kind of bad input and bad argument.

Each cell must end in exactly one line on stderr (``ncts: error: ...``, naming the file
for a bad file), exit code 2, no traceback, no outgoing request (a decoy HTTP server on
127.0.0.1 stands in for every remote host: JSON-LD contexts and XML entities point at it
and it is the HTTP proxy of the runs), the output file untouched and nothing left behind
in the working folder (temp files, half-filled stores).

The cells run in two processes, one per core (tests/bad_inputs_runner.py: descriptor-level
capture, one working folder per cell), not one process each: ~300 cells in well under a minute.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from test_security import EXTERNAL, LAUGHS

RUNNER = Path(__file__).with_name("bad_inputs_runner.py")
HUGE = 24_000_000  # characters on the one line of the huge-line input: above Oxigraph's 16 MiB parser buffer
PREVIOUS = "previous content, must survive a failed run\n"

# --- the bad inputs: name -> (extension, content); content None = made by _make -------------

TTL_HEAD = "@prefix ex: <http://example.org/> .\n"
RDF_KINDS = {
    "empty": (".ttl", b""),
    "binary": (".ttl", bytes(range(256)) * 4),
    "latin-1": (".ttl", (TTL_HEAD + 'ex:a ex:b "café" .\n').encode("latin-1")),
    "utf-16": (".ttl", (TTL_HEAD + 'ex:a ex:b "café" .\n').encode("utf-16")),
    "truncated": (".ttl", (TTL_HEAD + 'ex:a ex:b ex:c ;\n  ex:d "unterminated').encode()),
    "huge-line": (".ttl", None),
    "invalid-iri": (".ttl", b"<http://example.org/a b> <http://example.org/p> <http://example.org/o> .\n"),
    "unknown-prefix": (".ttl", b"zz:a zz:b zz:c .\n"),
    "directory": (".ttl", None),
    "missing": (".ttl", None),
    "unreadable": (".ttl", None),
    "fifo": (".ttl", None),
    "rdfxml-entities": (".rdf", LAUGHS.encode()),
    "rdfxml-external": (".rdf", None),
    "jsonld-remote-context": (".jsonld", None),
}
#: the same kinds for a SPARQL query file (RDF/XML and JSON-LD do not apply to a .rq file)
RQ_KINDS = {
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "latin-1": 'SELECT * WHERE { ?s ?p "café" }\n'.encode("latin-1"),
    "utf-16": 'SELECT * WHERE { ?s ?p "café" }\n'.encode("utf-16"),
    "truncated": b"SELECT ?s WHERE {\n  ?s ?p ",
    "invalid-iri": b"SELECT * WHERE { <http://example.org/a b> ?p ?o }\n",
    "unknown-prefix": b"SELECT * WHERE { zz:a ?p ?o }\n",
}
KINDS = list(RDF_KINDS)
#: what the one line says, for kinds every loader must tell apart (the same words on every verb)
SAYS = {"empty": ("file is empty",), "binary": ("not UTF-8 text",), "latin-1": ("not UTF-8 text",),
        "utf-16": ("UTF-16 text",), "directory": ("is a folder", "no shapes files (*.ttl) in this folder"),
        "missing": ("file not found",), "unreadable": ("cannot read",), "fifo": ("not a regular file",),
        "rdfxml-entities": ("DTD entity",), "rdfxml-external": ("DTD entity",), "jsonld-remote-context": ("@context",)}

# --- the verbs: name -> argv for an input file ``p`` in cell folder ``d`` (decoy URL ``u``) ---

VERBS = {
    "build": lambda p, d, u: ["build", "-o", d / "out.ttl", p],
    "check": lambda p, d, u: ["check", p],
    "info": lambda p, d, u: ["info", p],
    "quotes": lambda p, d, u: ["quotes", p],
    "reason": lambda p, d, u: ["reason", p],
    "validate": lambda p, d, u: ["validate", p],
    "validate-shapes": lambda p, d, u: ["validate", "--shapes", p],
    "query-file": lambda p, d, u: ["query", p],
    "query-data": lambda p, d, u: ["query", "-e", "ASK {}", "--data", p],
    "query-rdflib": lambda p, d, u: ["query", "-e", "ASK {}", "--engine", "rdflib", "--data", p],
    "query-store": lambda p, d, u: ["query", "-e", "ASK {}", "--store", d / "store", "--data", p],
    "push": lambda p, d, u: ["push", "--endpoint", u + "/store", "--data", p],
    "serve": lambda p, d, u: ["serve", "--port", "0", "--data", p],
    "export": lambda p, d, u: ["export", "--format", "graphml", "-o", d / "out.graphml", p],
    "analyze": lambda p, d, u: ["analyze", "-o", d / "figures", p],
    "list": lambda p, d, u: ["list", "threats", "--data", p],
    "docs": lambda p, d, u: ["docs", "-o", d / "site", p],
}

#: bad arguments, per verb: (id, argv); ``{d}`` is the cell folder, ``{u}`` the decoy
BAD_ARGS = {
    "build": [("no-output", ["build"]), ("unknown-extension", ["build", "-o", "{d}/out.xyz"]),
              ("output-dir-missing", ["build", "-o", "{d}/no/such/dir/out.ttl"]),
              ("output-is-a-directory", ["build", "-o", "{d}/figures"]),
              ("unknown-option", ["build", "-o", "{d}/out.ttl", "--frobnicate"])],
    "check": [("bad-engine", ["check", "--engine", "jena"]), ("bad-fail-on", ["check", "--fail-on", "fatal"]),
              ("bad-format", ["check", "--format", "yaml"])],
    "info": [("bad-lang", ["info", "--lang", "de"]), ("bad-format", ["info", "--format", "yaml"])],
    "quotes": [("sources-missing", ["quotes", "--sources", "{d}/no-such-folder"]),
               ("sources-is-a-file", ["quotes", "--sources", "{d}/out.ttl"])],
    "validate": [("bad-lang", ["validate", "--lang", "de"]), ("bad-date", ["validate", "--as-of", "next tuesday"]),
                 ("impossible-date", ["validate", "--as-of", "2027-13-45"]),
                 ("bad-inference", ["validate", "--inference", "owl-full"]),
                 ("no-shapes", ["validate", "--no-bundled-shapes"]),
                 ("bad-fail-on", ["validate", "--fail-on", "fatal"])],
    "list": [("unknown-kind", ["list", "weapons"]), ("no-kind", ["list"]),
             ("bad-format", ["list", "threats", "--format", "yaml"])],
    "docs": [("no-output", ["docs"]), ("output-is-a-file", ["docs", "-o", "{d}/out.ttl"])],
    "queries": [("bad-lang", ["queries", "--lang", "de"]), ("bad-format", ["queries", "--format", "yaml"])],
    "query": [("unknown-name", ["query", "no-such-question"]), ("name-and-expression", ["query", "x", "-e", "ASK {}"]),
              ("neither", ["query"]), ("param-without-value", ["query", "measures-per-threat", "-p", "threat"]),
              ("unknown-param", ["query", "measures-per-threat", "-p", "colour=red"]),
              ("bad-iri-param", ["query", "measures-per-threat", "-p", "threat=<not an iri>"]),
              ("bad-date-param", ["query", "legal-bases-expiring-before", "-p", "date=soon"]),
              ("impossible-date-param", ["query", "legal-bases-expiring-before", "-p", "date=2024-02-30"]),
              ("bad-choice-param", ["query", "partners-by-measure-count", "-p", "provenance=some"]),
              ("bad-format", ["query", "measures-per-threat", "--format", "yaml"]),
              ("format-misfit", ["query", "describe-legal-basis", "--format", "json"]),
              ("bad-lang", ["query", "measures-per-threat", "--lang", "de"]),
              ("bad-engine", ["query", "measures-per-threat", "--engine", "jena"]),
              ("bad-timeout", ["query", "measures-per-threat", "--timeout", "soon"]),
              ("negative-timeout", ["query", "-e", "ASK {}", "--endpoint", "{u}/sparql", "--timeout", "-1"]),
              ("endpoint-not-url", ["query", "-e", "ASK {}", "--endpoint", "not a url"]),
              ("endpoint-ftp", ["query", "-e", "ASK {}", "--endpoint", "ftp://127.0.0.1/sparql"]),
              ("syntax-error", ["query", "-e", "SELECT ?s WHERE { ?s ?p }}"]),
              ("store-is-a-file", ["query", "-e", "ASK {}", "--store", "{d}/out.ttl"]),
              ("rdflib-with-store", ["query", "-e", "ASK {}", "--engine", "rdflib", "--store", "{d}/store"])],
    "push": [("no-endpoint", ["push"]), ("endpoint-not-url", ["push", "--endpoint", "not a url"]),
             ("bad-graph", ["push", "--endpoint", "{u}/store", "--graph", "not an iri"]),
             ("bad-port", ["push", "--endpoint", "http://127.0.0.1:99999/store"])],
    "serve": [("port-too-big", ["serve", "--port", "99999"]), ("port-negative", ["serve", "--port", "-1"]),
              ("port-not-a-number", ["serve", "--port", "http"]), ("zero-timeout", ["serve", "--timeout", "0"]),
              ("negative-rows", ["serve", "--max-rows", "-5"]), ("bad-host", ["serve", "--host", "no.such.host.invalid"]),
              ("store-is-a-file", ["serve", "--store", "{d}/out.ttl"]),
              ("allow-service-not-url", ["serve", "--port", "0", "--allow-service", "not a url"])],
    "export": [("bad-format", ["export", "--format", "pdf"]), ("bad-view", ["export", "--format", "gexf", "--view", "all"]),
               ("bad-lang", ["export", "--format", "gexf", "--lang", "de"]),
               ("bad-provenance", ["export", "--format", "gexf", "--provenance", "some"]),
               ("output-dir-missing", ["export", "--format", "gexf", "-o", "{d}/no/such/dir/x.gexf"]),
               ("graph-view-not-rdf", ["export", "--format", "gexf", "--view", "graph", "-o", "{d}/out.gexf"])],
    "analyze": [("bad-format", ["analyze", "--format", "xlsx"]), ("bad-table", ["analyze", "--table", "everything"]),
                ("bad-lang", ["analyze", "--lang", "de"]), ("bad-provenance", ["analyze", "--provenance", "some"]),
                ("output-is-a-file", ["analyze", "-o", "{d}/out.ttl"])],
    "reason": [("unknown-option", ["reason", "--profile", "EL"])],
    "ncts": [("unknown-command", ["frobnicate"]), ("unknown-option", ["--frobnicate"])],
}


# --- the decoy: every request anyone makes lands here ---------------------------------------

@pytest.fixture(scope="module")
def decoy():
    hits = []

    class Decoy(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(f"{self.command} {self.path}")
            body = b'{"@context": {"name": "http://schema.org/name"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_PUT = do_HEAD = do_CONNECT = do_GET

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Decoy)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- building the cells ---------------------------------------------------------------------

def _huge(path: Path, head: str, tail: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(head)
        for _ in range(HUGE // 1_000_000):
            handle.write("a" * 1_000_000)
        handle.write(tail)


def _make(kind: str, path: Path, url: str, shared: Path) -> Path:
    """Create the bad input ``kind`` at ``path`` (or decide where it is); return its path."""
    ext, content = RDF_KINDS[kind] if path.suffix != ".rq" else (".rq", RQ_KINDS.get(kind))
    if content is not None:
        path.write_bytes(content)
    elif kind == "huge-line":  # one file per extension, shared by every verb
        huge = shared / f"huge-line{path.suffix}"
        if not huge.exists():
            if path.suffix == ".rq":
                _huge(huge, 'SELECT * WHERE { ?s ?p "', '" ')
            else:
                _huge(huge, TTL_HEAD.strip() + ' ex:s ex:p "', '" ex:oops')
        return huge
    elif kind == "directory":
        path.mkdir()
    elif kind == "missing":
        pass
    elif kind == "unreadable":
        if os.geteuid() == 0:  # root reads any file: a read of /proc/self/mem at offset 0 fails (EIO) for anyone
            path.symlink_to("/proc/self/mem")
        else:
            path.write_bytes(b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
            path.chmod(0)
    elif kind == "fifo":  # opening it for reading would wait for a writer forever
        os.mkfifo(path)
    elif kind == "rdfxml-external":
        path.write_text(EXTERNAL.replace("file:///etc/hostname", f"{url}/entity"))
    elif kind == "jsonld-remote-context":
        path.write_text(json.dumps({"@context": f"{url}/context.jsonld", "@id": "http://example.org/x", "name": "x"}))
    return path


def _cell_dir(root: Path, cell_id: str) -> Path:
    d = root / cell_id
    d.mkdir(parents=True)
    (d / "out.ttl").write_text(PREVIOUS)  # outputs a failed run must not touch
    (d / "out.graphml").write_text(PREVIOUS)
    (d / "figures").mkdir()
    (d / "figures" / "keep.txt").write_text(PREVIOUS)
    return d


def build_cells(root: Path, url: str) -> list:
    """[cell, ...]; a cell is {"id", "argv", "cwd", "input"} (input: the bad file's name)."""
    shared = root / "shared"
    shared.mkdir(parents=True, exist_ok=True)
    cells: list = []
    for verb, argv in VERBS.items():
        for kind in KINDS:
            if verb == "query-file" and kind not in RQ_KINDS and kind not in ("huge-line", "directory", "missing",
                                                                              "unreadable", "fifo"):
                continue  # RDF/XML and JSON-LD kinds are no query files (query-data covers them)
            cell_id = f"{verb}-{kind}"
            d = _cell_dir(root, cell_id)
            ext = ".rq" if verb == "query-file" else RDF_KINDS[kind][0]
            path = _make(kind, d / f"in-{kind}{ext}", f"{url}/{cell_id}", shared)
            cells.append(
                {"id": cell_id, "argv": [str(a) for a in argv(path, d, f"{url}/{cell_id}")], "cwd": str(d),
                 "input": path.name, "kind": kind})
    for verb, cases in BAD_ARGS.items():
        for case, argv in cases:
            cell_id = f"{verb}-args-{case}"
            d = _cell_dir(root, cell_id)
            cells.append(
                {"id": cell_id, "argv": [a.replace("{d}", str(d)).replace("{u}", f"{url}/{cell_id}") for a in argv], "cwd": str(d), "input": None})
    return cells


def snapshot(folder: Path) -> dict:
    """Every path under ``folder`` with a digest of its content (files) or its kind."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink() or path.is_fifo():
            out[rel] = "special"
        elif path.is_dir():
            out[rel] = "dir"
        else:
            try:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                out[rel] = "unreadable"
    return out


def run_cells(cells: list, env: dict, work: Path, name: str) -> dict:
    spec, result = work / f"{name}.cells.json", work / f"{name}.results.json"
    spec.write_text(json.dumps(cells))
    proc = subprocess.run([sys.executable, str(RUNNER), str(spec), str(result)], env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0 and result.exists(), proc.stderr[-3000:]
    return json.loads(result.read_text())


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, decoy):
    """Run every cell; {cell id: (cell, result, snapshot before, snapshot after)}."""
    url, hits = decoy
    root = tmp_path_factory.mktemp("bad-inputs")
    cells = build_cells(root / "cells", url)
    before = {c["id"]: snapshot(Path(c["cwd"])) for c in cells}
    env = {**os.environ, "http_proxy": url, "https_proxy": url, "HTTP_PROXY": url, "HTTPS_PROXY": url,
           "ALL_PROXY": url, "no_proxy": "", "NO_PROXY": "", "COLUMNS": "200"}
    batches = {"even": cells[0::2], "odd": cells[1::2]}  # two processes, two cores
    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        parts = pool.map(lambda item: run_cells(item[1], env, root, item[0]), batches.items())
        results = {k: v for part in parts for k, v in part.items()}
    out = {c["id"]: (c, results[c["id"]], before[c["id"]], snapshot(Path(c["cwd"]))) for c in cells}
    return out, hits


def problems(cell: dict, result: dict, before: dict, after: dict, hits: list) -> list[str]:
    """What is wrong with one cell's outcome (empty when it behaved)."""
    found = []
    err = result["stderr"]
    lines = err.strip().splitlines()
    if "Traceback" in err:
        found.append("traceback")
    if result["code"] != 2:
        found.append(f"exit {result['code']}")
    if len(lines) != 1:
        found.append(f"{len(lines)} lines on stderr")
    elif not lines[0].startswith("ncts: error: ") or len(lines[0]) > 1000:
        found.append("not an 'ncts: error:' line of reasonable length")
    elif cell["input"] and cell["input"] not in lines[0]:
        found.append("does not name the file")
    elif cell.get("kind") in SAYS and not any(words in lines[0] for words in SAYS[cell["kind"]]):
        found.append(f"does not say {' or '.join(SAYS[cell['kind']])!r}")
    if any(cell["id"] in hit for hit in hits):
        found.append("outgoing request")
    if before != after:
        changed = sorted(set(before.items()) ^ set(after.items()))
        found.append(f"working folder changed: {changed[:3]}")
    return found


ALL_IDS = [f"{verb}-{kind}" for verb in VERBS for kind in KINDS
           if verb != "query-file" or kind in RQ_KINDS or kind in ("huge-line", "directory", "missing", "unreadable", "fifo")]
ALL_IDS += [f"{verb}-args-{case}" for verb, cases in BAD_ARGS.items() for case, _ in cases]


@pytest.mark.parametrize("cell_id", ALL_IDS)
def test_bad_input_is_one_line_exit_2_and_harmless(matrix, cell_id):
    cells, hits = matrix
    cell, result, before, after = cells[cell_id]
    wrong = problems(cell, result, before, after, hits)
    assert not wrong, f"{' '.join(cell['argv'])}: {wrong}\nstderr: {result['stderr'][-1500:]}"


def test_no_request_left_the_machine(matrix):
    """Not one request reached the decoy (the proxy of every run and the host of every remote reference)."""
    assert matrix[1] == []


def test_the_matrix_covers_every_verb_that_takes_input():
    """A verb added to the CLI must be added here."""
    from ncts_graph.cli import main

    covered = {v.split("-")[0] for v in VERBS} | set(BAD_ARGS)
    assert set(main.commands) <= covered, set(main.commands) - covered
