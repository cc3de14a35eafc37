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
import resource
import select
import signal
import sys
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
    """The endpoint's limits; each is checked here, so the API refuses what the CLI refuses."""

    def __init__(self, store, timeout: float = 10.0, max_rows: int = 10000, allow_service=(),
                 max_bytes: int = 10_000_000, max_query_bytes: int = 262_144, queue: int = 32,
                 idle_timeout: float = 10.0, max_connections: int = 64, allow_hosts=(), slots: int = 2):
        for name, value, low in (("timeout", timeout, 0), ("idle-timeout", idle_timeout, 0)):
            if not isinstance(value, (int, float)) or not value > low or value != value or value == float("inf"):
                raise NctsError(f"--{name} must be a number of seconds above 0 (got {value!r})")
        for name, value, low in (("max-rows", max_rows, 0), ("max-bytes", max_bytes, 1), ("queue", queue, 0),
                                 ("max-query-bytes", max_query_bytes, 1), ("max-connections", max_connections, 1),
                                 ("slots", slots, 1)):
            if not isinstance(value, int) or value < low:
                raise NctsError(f"--{name} must be a whole number of at least {low} (got {value!r})")
        self.store = store
        self.timeout = float(timeout)
        self.max_rows = max_rows
        self.allow_service = tuple(allow_service)
        self.max_bytes = max_bytes
        self.max_query_bytes = max_query_bytes
        self.queue = queue
        self.idle_timeout = float(idle_timeout)
        self.max_connections = max_connections
        self.allow_hosts = tuple(h.lower() for h in allow_hosts)
        self.slots = threading.BoundedSemaphore(slots)  # queries evaluated at once
        self.lock = threading.Lock()
        self.waiting = 0  # requests waiting for a slot (at most ``queue``)
        self.children: set = set()  # pids of running query processes, killed when the server stops


_ASCII_ESCAPE = re.compile(r"\\u00[0-7][0-9A-Fa-f]|\\U000000[0-7][0-9A-Fa-f]")


def refuse_service(query: str, allowed: tuple) -> str | None:
    """A message if the query uses SERVICE other than to an allow-listed endpoint, else None.

    Decided from the parsed query (sparql.service_targets), never from its text. Oxigraph reads
    no SERVICE keyword in a text without the letters "service" (it expands no \\u escapes outside
    strings), so only such texts are parsed; \\u escapes of ASCII characters are refused, as
    rdflib expands them before parsing and Oxigraph does not, so the two would read different queries.
    """
    from .sparql import service_targets

    if not re.search(r"service|\\u", query, re.I):
        return None
    if _ASCII_ESCAPE.search(query):
        return "\\u escapes of ASCII characters are not accepted on this endpoint; write the character itself"
    try:
        targets = service_targets(query)
    except NctsError as err:
        return f"cannot check the query for SERVICE: {err}"
    for target in targets:
        if not allowed:
            return "SERVICE (federated query) is disabled on this endpoint; start it with --allow-service URL"
        if target not in allowed:
            shown = f"<{target}>" if target is not None else "a variable"
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


TEXT = "text/plain; charset=utf-8"


def evaluate(settings: Settings, query: str, accept: str, fmt: str | None) -> tuple[int, str, bytes]:
    """(HTTP status, content type, body) for one query, run in a child process with a time limit.

    Cheap refusals come first (size, nesting); then a slot: two queries run at once, at most
    ``queue`` wait (503 beyond that, or when no slot frees within the time limit).
    """
    from .sparql import check_nesting

    if len(query.encode("utf-8", "replace")) > settings.max_query_bytes:
        return 413, TEXT, f"the query text is longer than the limit of {settings.max_query_bytes} bytes".encode()
    try:
        check_nesting(query)
    except NctsError as err:
        return 400, TEXT, str(err).encode()
    if not settings.slots.acquire(blocking=False):
        with settings.lock:
            if settings.waiting >= settings.queue:
                return 503, TEXT, b"the endpoint is busy: too many queries waiting; retry shortly"
            settings.waiting += 1
        try:
            got = settings.slots.acquire(timeout=settings.timeout)
        finally:
            with settings.lock:
                settings.waiting -= 1
        if not got:
            return 503, TEXT, b"the endpoint is busy: no query slot freed within the time limit; retry shortly"
    try:
        return _fork(settings, query, accept, fmt)
    finally:
        settings.slots.release()


def _fork(settings: Settings, query: str, accept: str, fmt: str | None) -> tuple[int, str, bytes]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: evaluate, write "status content-type\n" + body, exit
        try:
            os.close(read_fd)
            _bound_child(settings)
            status, ctype, body = _child(settings, query, accept, fmt)
        except BaseException as exc:  # never let the child return into the server loop
            status, ctype, body = 400, TEXT, " ".join(str(exc).split()).encode()
        try:
            with os.fdopen(write_fd, "wb") as out:
                out.write(f"{status} {ctype}\n".encode() + body)
        finally:
            os._exit(0)
    os.close(write_fd)
    with settings.lock:
        settings.children.add(pid)
    chunks, size, deadline = [], 0, time.monotonic() + settings.timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                _kill(pid)
                return 400, TEXT, f"query stopped after the time limit of {settings.timeout:g} s".encode()
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > settings.max_bytes + 4096:  # the child checks too; this bounds the server's memory
                _kill(pid)
                return 400, TEXT, _too_big(settings)
    finally:
        os.close(read_fd)
        _, code = os.waitpid(pid, 0)
        with settings.lock:
            settings.children.discard(pid)
    data = b"".join(chunks)
    if not data:
        how = f"signal {os.WTERMSIG(code)}" if os.WIFSIGNALED(code) else f"exit code {os.WEXITSTATUS(code)}"
        return 500, TEXT, f"the query process ended without an answer ({how})".encode()
    head, _, body = data.partition(b"\n")
    status, _, ctype = head.decode().partition(" ")
    return int(status or 500), ctype or "text/plain", body


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _libc():
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc if hasattr(libc, "prctl") else None
    except (OSError, AttributeError):
        return None


_LIBC = _libc()  # looked up once here, not in every query process


def _bound_child(settings: Settings) -> None:
    """A query process dies with the server (Linux: parent-death signal) and cannot outrun
    its time limit in CPU even if nobody is left to kill it."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the server is already gone
            os._exit(1)
    seconds = int(settings.timeout) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_children(settings: Settings) -> None:
    """Kill every running query process (the server is stopping)."""
    with settings.lock:
        pids = list(settings.children)
    for pid in pids:
        _kill(pid)


def _too_big(settings: Settings) -> bytes:
    return (f"the result is larger than the limit of {settings.max_bytes} bytes; add a LIMIT "
            f"or select fewer or shorter values").encode()


def _child(settings: Settings, query: str, accept: str, fmt: str | None) -> tuple[int, str, bytes]:
    from . import library
    from .query import run_on_store
    from .results import render, render_xml

    refused = refuse_service(query, settings.allow_service)
    if refused:
        return 400, TEXT, refused.encode()
    try:
        result = run_on_store(settings.store, library.parse(query, "query"), {}, limit=settings.max_rows + 1)
    except NctsError as err:
        return 400, TEXT, str(err).removeprefix("query:").encode()
    size = len(result.triples) if result.form == "graph" else len(result.rows)
    if size > settings.max_rows:
        return 400, TEXT, f"the result has more than {settings.max_rows} rows; add a LIMIT".encode()
    try:
        media, kind = negotiate(accept, result.form, fmt)
    except ValueError as exc:
        return 400, TEXT, str(exc).encode()
    text = render_xml(result) if kind == "xml" and result.form != "graph" else render(result, kind)
    body = text.encode()
    if len(body) > settings.max_bytes:
        return 400, TEXT, _too_big(settings)
    return 200, f"{media}; charset=utf-8", body


CORS = {"Access-Control-Allow-Origin": "*"}  # query results are public; no credentials are ever used
PREFLIGHT = {**CORS, "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
             "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600"}


class Handler(BaseHTTPRequestHandler):
    server_version = "ncts-graph"
    settings: Settings

    def log_message(self, fmt, *args):  # quiet unless asked
        if os.environ.get("NCTS_SERVE_LOG"):
            super().log_message(fmt, *args)

    def _send(self, status: int, ctype: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(status, TEXT, message.encode(), headers)

    # Host and Origin: a page elsewhere must not use the browser as a proxy to this endpoint
    def _refused_host(self) -> bool:
        """403 unless Host names this server (a DNS-rebinding page sends its own name)."""
        host = (self.headers.get("Host") or "").strip().lower()
        if not host or host in self.server.own_hosts():
            return False
        self._error(403, f"Host {host!r} is not this server's name; start it with --allow-host NAME to accept it")
        return True

    def _foreign(self) -> bool:
        """True when the request comes from a page of another origin."""
        origin = self.headers.get("Origin")
        return origin is not None and origin.strip().lower() not in {f"http://{h}" for h in self.server.own_hosts()}

    def do_OPTIONS(self):
        if self._refused_host():
            return
        if urllib.parse.urlsplit(self.path).path != "/sparql":
            return self._error(404, "no such page")
        self._send(204, TEXT, b"", PREFLIGHT)

    def do_GET(self):
        if self._refused_host():
            return
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query)
        if url.path == "/sparql":
            if "update" in params:
                return self._error(400, "read-only endpoint: SPARQL Update is not accepted", CORS)
            if "query" not in params:
                return self._error(400, "missing the 'query' parameter", CORS)
            return self._answer(params["query"][0], params)
        if self._foreign():
            return self._error(403, "cross-origin requests are only answered at /sparql")
        if url.path in ("/", "/index.html"):
            return self._send(200, "text/html; charset=utf-8", PAGE.read_bytes())
        if url.path == "/queries":
            return self._send(200, "application/json; charset=utf-8", _library_json())
        if url.path in ("/sources", "/sources/") or url.path.startswith("/sources/"):
            from .sources_view import respond  # the source texts with their quotes (issue 12)
            return self._send(*respond(self.settings.store, url.path, params))
        return self._error(404, f"no such page: {url.path}")

    do_HEAD = do_GET

    def do_POST(self):
        if self._refused_host():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self._error(404, f"no such page: {url.path}")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if self._foreign() and ctype != "application/sparql-query":  # a form post needs no preflight: CSRF
            return self._error(403, "cross-origin form posts are refused; send the query as application/sparql-query")
        body = self._body()
        if body is None:
            return
        params = urllib.parse.parse_qs(url.query)
        if ctype == "application/sparql-update":
            return self._error(400, "read-only endpoint: SPARQL Update is not accepted", CORS)
        if ctype == "application/sparql-query":
            return self._answer(body, params)
        if ctype == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body)
            if "update" in form:
                return self._error(400, "read-only endpoint: SPARQL Update is not accepted", CORS)
            if "query" not in form:
                return self._error(400, "missing the 'query' parameter", CORS)
            return self._answer(form["query"][0], {**params, **form})
        return self._error(400, "POST a query as application/sparql-query or application/x-www-form-urlencoded", CORS)

    def _body(self) -> str | None:
        """The request body, or None after answering 400/411/413 for a length we will not read."""
        if self.headers.get("Transfer-Encoding"):
            self._error(411, "send the query with a Content-Length (chunked bodies are not accepted)", CORS)
            return None
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not re.fullmatch(r"\d{1,12}", raw):
            self._error(400, f"invalid Content-Length {raw[:40]!r}", CORS)
            return None
        length, limit = int(raw), self.settings.max_query_bytes
        if length > limit:
            self._error(413, f"the request body (Content-Length {length}) is longer than the limit of {limit} bytes", CORS)
            return None
        return self.rfile.read(length).decode("utf-8", "replace")

    def _answer(self, query: str, params: dict) -> None:
        fmt = params.get("format", [None])[0]
        status, ctype, body = evaluate(self.settings, query, self.headers.get("Accept", ""), fmt)
        self._send(status, ctype, body, {**CORS, "Retry-After": "1"} if status == 503 else CORS)


class Server(ThreadingHTTPServer):
    """A threading HTTP server that holds at most ``max_connections`` connections at once
    (more are answered 503 and closed) and drops a connection idle for ``idle_timeout``."""

    daemon_threads = True

    def __init__(self, address, handler, settings: Settings, host: str):
        self.settings = settings
        self.connections = threading.BoundedSemaphore(settings.max_connections)
        super().__init__(address, handler)
        port = self.server_address[1]
        names = {"localhost", "127.0.0.1", "[::1]", *settings.allow_hosts}
        if host not in ("", "0.0.0.0", "::"):
            names.add(f"[{host}]".lower() if ":" in host else host.lower())
        self._own = frozenset({f"{n}:{port}" for n in names} | (names if port == 80 else set()))

    def own_hosts(self) -> frozenset:
        return self._own

    def process_request(self, request, client_address):
        if not self.connections.acquire(blocking=False):
            try:
                message = b"the endpoint is busy: too many connections; retry shortly"
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
                                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(message), message))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connections.release()
            raise

    def handle_error(self, request, client_address):
        """A client that hangs up mid-response is no error of the server's: no traceback in its log."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()


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


def make_server(store, host: str = "127.0.0.1", port: int = 8000, **options) -> Server:
    """An HTTP server for the store (not started); port 0 picks a free port. ``options`` are
    the limits of :class:`Settings`."""
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise NctsError(f"--port must be between 0 and 65535 (got {port!r})")
    settings = Settings(store, **options)
    from . import bind, library, results  # noqa: F401  loaded once here, not in every query process
    handler = type("NctsHandler", (Handler,), {"settings": settings, "timeout": settings.idle_timeout})
    try:
        return Server((host, port), handler, settings, host)
    except OSError as exc:
        raise NctsError(f"cannot listen on {host}:{port} ({exc.strerror})") from None
    except OverflowError as exc:
        raise NctsError(f"cannot listen on {host}:{port} ({exc})") from None


def serve_until_stopped(server: Server) -> None:
    """Serve until Ctrl+C, SIGTERM or SIGHUP; then close the socket and kill running queries."""
    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous[sig] = signal.signal(sig, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop_children(server.settings)
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
