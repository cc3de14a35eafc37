"""``ncts serve``: a local, read-only SPARQL 1.1 endpoint with a query page for people.

SPARQL 1.1 Protocol at /sparql (GET ?query=, POST form or application/sparql-query),
content negotiation for SELECT/ASK (SPARQL JSON, XML, CSV, TSV) and for graphs (Turtle,
N-Triples, JSON-LD, RDF/XML); / is an offline query editor with the library's questions.

Each query runs in a forked child process that shares the in-memory Oxigraph store, so a
query that overruns its time limit is killed, not merely abandoned. Results beyond the
row cap, SPARQL Update and SERVICE (unless allow-listed) are refused with HTTP 400.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import NctsError

RESULT_TYPES = {  # media type -> results.render format
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld",
               "application/rdf+xml": "xml"}
FORMAT_PARAM = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle",
                "nt": "application/n-triples", "jsonld": "application/ld+json"}
PAGE = Path(__file__).resolve().parent / "web" / "editor.html"


class Settings:
    def __init__(self, store, timeout: float = 10.0, max_rows: int = 10000, allow_service=()):
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.allow_service = tuple(allow_service)
        self.slots = threading.BoundedSemaphore(2)  # queries evaluated at once


def refuse_service(query: str, allowed: tuple) -> str | None:
    """A message if the query uses SERVICE other than to an allow-listed endpoint, else None."""
    from .sparql import blank_out

    scan = blank_out(query)
    for match in re.finditer(r"\bSERVICE\b", scan, re.I):
        target = re.match(r"\s*(?:SILENT\s*)?<([^>]*)>", query[match.end():], re.I)
        if not allowed:
            return "SERVICE (federated query) is disabled on this endpoint; start it with --allow-service URL"
        if target is None or target.group(1) not in allowed:
            shown = f"<{target.group(1)}>" if target else "a variable"
            return f"SERVICE {shown} is not on this endpoint's allow-list ({', '.join(allowed)})"
    return None


def negotiate(accept: str, form: str, fmt: str | None) -> tuple[str, str]:
    """(media type, results.render format) for the query form, from ?format= or Accept."""
    table = GRAPH_TYPES if form == "graph" else RESULT_TYPES
    if fmt:
        media = FORMAT_PARAM.get(fmt)
        if media is None or media not in table:
            raise ValueError(f"format {fmt!r} does not fit a {form} query")
        return media, table[media]
    choices = []
    for i, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = next((float(f[2:]) for f in fields[1:] if f.startswith("q=") and _is_float(f[2:])), 1.0)
        choices.append((-q, i, fields[0].lower()))
    for _, _, media in sorted(choices):
        if media in table:
            return media, table[media]
    default = "text/turtle" if form == "graph" else "application/sparql-results+json"
    return default, table[default]


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def evaluate(settings: Settings, query: str, accept: str, fmt: str | None) -> tuple[int, str, bytes]:
    """(HTTP status, content type, body) for one query, run in a child process with a time limit."""
    refused = refuse_service(query, settings.allow_service)
    if refused:
        return 400, "text/plain; charset=utf-8", refused.encode()
    with settings.slots:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: evaluate, write "status content-type\n" + body, exit
            try:
                os.close(read_fd)
                status, ctype, body = _child(settings, query, accept, fmt)
            except BaseException as exc:  # never let the child return into the server loop
                status, ctype, body = 400, "text/plain; charset=utf-8", " ".join(str(exc).split()).encode()
            with os.fdopen(write_fd, "wb") as out:
                out.write(f"{status} {ctype}\n".encode() + body)
            os._exit(0)
        os.close(write_fd)
        chunks, deadline = [], time.monotonic() + settings.timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                    os.kill(pid, signal.SIGKILL)
                    return 400, "text/plain; charset=utf-8", (
                        f"query stopped after the time limit of {settings.timeout:g} s").encode()
                chunk = os.read(read_fd, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(read_fd)
            os.waitpid(pid, 0)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\n")
    status, _, ctype = head.decode().partition(" ")
    return int(status or 500), ctype or "text/plain", body


def _child(settings: Settings, query: str, accept: str, fmt: str | None) -> tuple[int, str, bytes]:
    from . import library
    from .query import run_on_store
    from .results import render, render_xml

    try:
        result = run_on_store(settings.store, library.parse(query, "query"), {})
    except NctsError as err:
        return 400, "text/plain; charset=utf-8", str(err).removeprefix("query:").encode()
    size = len(result.triples) if result.form == "graph" else len(result.rows)
    if size > settings.max_rows:
        return 400, "text/plain; charset=utf-8", (
            f"the result has more than {settings.max_rows} rows; add a LIMIT").encode()
    try:
        media, kind = negotiate(accept, result.form, fmt)
    except ValueError as exc:
        return 400, "text/plain; charset=utf-8", str(exc).encode()
    text = render_xml(result) if kind == "xml" and result.form != "graph" else render(result, kind)
    return 200, f"{media}; charset=utf-8", text.encode()


class Handler(BaseHTTPRequestHandler):
    server_version = "ncts-graph"
    settings: Settings

    def log_message(self, fmt, *args):  # quiet unless asked
        if os.environ.get("NCTS_SERVE_LOG"):
            super().log_message(fmt, *args)

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", message.encode())

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query)
        if url.path in ("/", "/index.html"):
            return self._send(200, "text/html; charset=utf-8", PAGE.read_bytes())
        if url.path == "/queries":
            return self._send(200, "application/json; charset=utf-8", _library_json())
        if url.path == "/sparql":
            if "update" in params:
                return self._error(400, "read-only endpoint: SPARQL Update is not accepted")
            if "query" not in params:
                return self._error(400, "missing the 'query' parameter")
            return self._answer(params["query"][0], params)
        return self._error(404, f"no such page: {url.path}")

    do_HEAD = do_GET

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self._error(404, f"no such page: {url.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1_000_000:
            return self._error(400, "query too long")
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = urllib.parse.parse_qs(url.query)
        if ctype == "application/sparql-update":
            return self._error(400, "read-only endpoint: SPARQL Update is not accepted")
        if ctype == "application/sparql-query":
            return self._answer(body, params)
        if ctype == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body)
            if "update" in form:
                return self._error(400, "read-only endpoint: SPARQL Update is not accepted")
            if "query" not in form:
                return self._error(400, "missing the 'query' parameter")
            return self._answer(form["query"][0], {**params, **form})
        return self._error(400, "POST a query as application/sparql-query or application/x-www-form-urlencoded")

    def _answer(self, query: str, params: dict) -> None:
        fmt = params.get("format", [None])[0]
        status, ctype, body = evaluate(self.settings, query, self.headers.get("Accept", ""), fmt)
        self._send(status, ctype, body)


def _library_json() -> bytes:
    """The library for the page: each question with its text, defaults bound, per language."""
    from .library import bindings, library
    from .namespaces import PREFIXES
    from .sparql import bind_values

    items = []
    for q in library():
        bound = {lang: bind_values(q.text, bindings(q, {}, lang)) for lang in ("nl", "en")}
        items.append({"name": q.name, "title": {"nl": q.title("nl"), "en": q.title("en")},
                      "description": {"nl": q.description("nl"), "en": q.description("en")},
                      "params": [{"name": p.name, "type": p.type, "default": p.default} for p in q.params],
                      "text": q.text, "bound": bound})
    return json.dumps({"prefixes": PREFIXES, "queries": items}, ensure_ascii=False).encode()


def make_server(store, host: str = "127.0.0.1", port: int = 8000, **options) -> ThreadingHTTPServer:
    """An HTTP server for the store (not started); port 0 picks a free port."""
    handler = type("NctsHandler", (Handler,), {"settings": Settings(store, **options)})
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise NctsError(f"cannot listen on {host}:{port} ({exc.strerror})") from None
    server.daemon_threads = True
    return server
