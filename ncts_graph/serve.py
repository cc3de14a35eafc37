"""``ncts serve``: a local, read-only SPARQL 1.1 endpoint with a query page for people.

SPARQL 1.1 Protocol at /sparql (GET ?query=, POST form or application/sparql-query),
content negotiation for SELECT/ASK (SPARQL JSON, XML, CSV, TSV) and for graphs (Turtle,
N-Triples, JSON-LD, RDF/XML); / is the query page (workbench.py: YASGUI, the library as forms);
every resource has a page at its path after the w3id base, with /browse, /search, /def (pages.py).

Each query runs in a forked child process that shares the in-memory Oxigraph store, so a
query that overruns its time limit is killed, not merely abandoned. Results beyond the
row cap, SPARQL Update and SERVICE (unless allow-listed) are refused with HTTP 400.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import child, webvalidate
from .errors import NctsError


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
        from .remote import check_url

        for url in allow_service:  # a mistyped URL would allow nothing, silently
            try:
                check_url(url)
            except NctsError as exc:
                raise NctsError(f"--allow-service {exc}") from None
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


TEXT = "text/plain; charset=utf-8"


def evaluate(settings: Settings, query: str, accept: str, fmt=(), dataset=None, base: str | None = None) -> tuple[int, str, bytes]:
    """(HTTP status, content type, body) for one query, run in a child process with a time limit.

    ``fmt``: the request's format=/output=/results= values; ``dataset``: its default-graph-uri /
    named-graph-uri (protocol.Dataset); ``base``: the endpoint's URL, resolving relative IRIs.

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
        return _fork(settings, query, accept, fmt, dataset, base)
    finally:
        settings.slots.release()


def _fork(settings: Settings, query: str, accept: str, fmt, dataset, base) -> tuple[int, str, bytes]:
    def work() -> bytes:  # in the child: "status content-type\n" + body
        try:
            status, ctype, body = _child(settings, query, accept, fmt, dataset, base)
        except BaseException as exc:
            status, ctype, body = 400, TEXT, " ".join(str(exc).split()).encode()
        return f"{status} {ctype}\n".encode() + body

    try:
        data = child.run(work, settings, settings.timeout, settings.max_bytes + 4096)
    except child.Stopped as stop:
        if stop.timed_out:
            return 400, TEXT, f"query {stop}".encode()
        if stop.too_big:
            return 400, TEXT, _too_big(settings)
        return 500, TEXT, f"the query process ended without an answer ({str(stop).rpartition('(')[2]}".encode()
    head, _, body = data.partition(b"\n")
    status, _, ctype = head.decode().partition(" ")
    return int(status or 500), ctype or "text/plain", body


def stop_children(settings: Settings) -> None:
    """Kill every running query process (the server is stopping)."""
    child.stop_all(settings)


def _too_big(settings: Settings) -> bytes:
    return (f"the result is larger than the limit of {settings.max_bytes} bytes; add a LIMIT "
            f"or select fewer or shorter values").encode()


def _child(settings: Settings, query: str, accept: str, fmt, dataset, base) -> tuple[int, str, bytes]:
    from . import library
    from .protocol import negotiate
    from .query import run_on_store
    from .results import render, render_xml

    refused = refuse_service(query, settings.allow_service)
    if refused:
        return 400, TEXT, refused.encode()
    try:
        result = run_on_store(settings.store, library.parse(query, "query"), {}, limit=settings.max_rows + 1,
                              dataset=dataset, base=base)
    except NctsError as err:
        return 400, TEXT, str(err).removeprefix("query:").encode()
    size = len(result.triples) if result.form == "graph" else len(result.rows)
    if size > settings.max_rows:
        return 400, TEXT, f"the result has more than {settings.max_rows} rows; add a LIMIT".encode()
    try:
        media, kind = negotiate(accept, result.form, fmt or ())
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
            if "query" not in params:  # SPARQL 1.1 Service Description, by content negotiation
                from .protocol import service_description

                ctype, body = service_description(self.settings.store, self._own_url(), self.headers.get("Accept", ""))
                return self._send(200, f"{ctype}; charset=utf-8", body, {**CORS, "Vary": "Accept"})
            return self._answer(None, params)
        if self._foreign():
            return self._error(403, "cross-origin requests are only answered at /sparql")
        from .workbench import handle  # the query page (/), its files and JSON routes

        if handle(self, url.path, params):
            return
        if url.path == "/validate":
            return webvalidate.get(self)
        if url.path in ("/sources", "/sources/") or url.path.startswith("/sources/"):
            from .sources_view import respond as source_page  # the source texts with their quotes

            return self._send(*source_page(self.settings.store, url.path, params))
        from .pages import respond  # a page for every resource, /browse, /search, /def (pages.py)

        page = respond(self.settings.store, url.path, params, self.headers, self.settings.max_bytes)
        if page is not None:
            return self._send(*page)
        return self._error(404, f"no such page: {url.path}")

    do_HEAD = do_GET

    def do_POST(self):
        if self._refused_host():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/validate":  # refuses foreign origins itself, for every content type
            return webvalidate.post(self)
        if url.path != "/sparql":
            return self._error(404, f"no such page: {url.path}")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if self._foreign() and ctype != "application/sparql-query":  # a form post needs no preflight: CSRF
            return self._error(403, "cross-origin form posts are refused; send the query as application/sparql-query")
        body = self._body()
        if body is None:
            return
        charset = re.search(r";\s*charset\s*=\s*\"?([\w-]+)", self.headers.get("Content-Type") or "", re.I)
        if charset and charset.group(1).lower() not in ("utf-8", "utf8", "us-ascii"):
            return self._error(415, f"send the request body in UTF-8 (not {charset.group(1)})", CORS)
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
            for name, values in form.items():
                params.setdefault(name, []).extend(values)
            return self._answer(None, params)
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

    def _answer(self, body: str | None, params: dict) -> None:
        """Answer a query (the POST body, else the one ``query`` parameter) under the protocol's
        dataset and format parameters (:mod:`ncts_graph.protocol`)."""
        from .protocol import dataset_from_params, format_values

        queries = ([body] if body is not None else []) + params.get("query", [])
        if len(queries) > 1:
            return self._error(400, "more than one query in the request (send the query once)", CORS)
        try:
            dataset = dataset_from_params(params)
        except NctsError as err:
            return self._error(400, f"default-graph-uri / named-graph-uri: {err}", CORS)
        status, ctype, body = evaluate(self.settings, queries[0], self.headers.get("Accept", ""),
                                       format_values(params), dataset, self._own_url())
        self._send(status, ctype, body, {**CORS, "Retry-After": "1"} if status == 503 else CORS)

    def _own_url(self) -> str:
        """This endpoint's URL as the client named it (Host was checked): the base of relative IRIs."""
        host = (self.headers.get("Host") or "").strip().lower()
        return f"http://{host or '%s:%d' % self.server.server_address[:2]}/sparql"

    def _not_allowed(self):
        """PUT, DELETE, PATCH: 405 with the methods the resource has (RFC 9110), not 501."""
        if self._refused_host():
            return
        sparql = urllib.parse.urlsplit(self.path).path == "/sparql"
        self._error(405, f"{self.command} is not allowed here: this endpoint is read-only",
                    {**CORS, "Allow": "GET, HEAD, POST, OPTIONS" if sparql else "GET, HEAD"})

    do_PUT = do_DELETE = do_PATCH = _not_allowed


class Server(ThreadingHTTPServer):
    """A threading HTTP server that holds at most ``max_connections`` connections at once
    (more are answered 503 and closed) and drops a connection idle for ``idle_timeout``."""

    daemon_threads = True

    def __init__(self, address, handler, settings: Settings, host: str):
        self.settings = settings
        self.connections = threading.BoundedSemaphore(settings.max_connections)
        # the listen backlog: socketserver's 5 drops the SYNs of a burst of clients, which the
        # kernel retries after a second (p99 of 1 s at 16 clients); the connection cap decides instead
        self.request_queue_size = settings.max_connections
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


def make_server(store, host: str = "127.0.0.1", port: int = 8000, validate: webvalidate.Limits | None = None,
                **options) -> Server:
    """An HTTP server for the store (not started); port 0 picks a free port. ``options`` are
    the limits of :class:`Settings`; ``validate`` those of the /validate page."""
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise NctsError(f"--port must be between 0 and 65535 (got {port!r})")
    settings = Settings(store, **options)
    from . import bind, library, protocol, results  # noqa: F401  loaded once here, not in every query process
    handler = type("NctsHandler", (Handler,), {"settings": settings, "timeout": settings.idle_timeout,
                                               "validate_limits": validate or webvalidate.Limits()})
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
