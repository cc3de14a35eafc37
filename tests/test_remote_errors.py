"""`ncts query --endpoint` and `ncts push` against servers that misbehave: one line, exit 2, no traceback.

Each fake server is a few lines of socketserver on 127.0.0.1 that answers every request
the same bad way: bytes that are not HTTP, a body cut short, HTML where SPARQL JSON
belongs, JSON of the wrong shape, silence, a hang-up, a Digest challenge it never accepts.
"""

from __future__ import annotations

import socketserver
import threading
import time

import pytest

from conftest import run_ncts

JSON = "application/sparql-results+json"


def reply(status: str, ctype: str, body: bytes, extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n{extra}"
            f"Connection: close\r\n\r\n").encode() + body


ANSWERS = {
    "not-http": b"garbage from a server that does not speak HTTP\r\n\r\n",
    "truncated": b"HTTP/1.1 200 OK\r\nContent-Type: " + JSON.encode() + b"\r\nContent-Length: 5000\r\n\r\n{\"head\": {\"vars\"",
    "html": reply("200 OK", JSON, b"<html><body>Service temporarily unavailable</body></html>"),
    "empty-body": reply("200 OK", JSON, b""),
    "wrong-json": reply("200 OK", JSON, b'{"head": {"vars": ["x"]}, "results": [1, 2]}'),
    "json-list": reply("200 OK", JSON, b"[1, 2, 3]"),
    "not-turtle": reply("200 OK", "text/turtle", b"<a> <b> this is not turtle ."),
    "hang-up": b"",
    "digest-401": reply("401 Unauthorized", "text/plain", b"", 'WWW-Authenticate: Digest realm="SPARQL", '
                        'nonce="abc", qop="auth", algorithm="MD5", opaque="x"\r\n'),
    "server-error": reply("500 Internal Server Error", "text/plain", b"Virtuoso 42000 Error SQ200: out of memory"),
}


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        mode = self.server.mode
        length = 0
        while True:  # read the request head and body, so the answer is not a broken pipe
            line = self.rfile.readline(65537)
            if not line or line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if length:
            self.rfile.read(length)
        if mode == "silent":
            time.sleep(5)
            return
        self.wfile.write(ANSWERS[mode])


@pytest.fixture
def fake():
    servers = []

    def start(mode: str) -> str:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.mode = mode
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


QUERY_CASES = [
    ("not-http", "measures-per-threat", "the answer is not HTTP (BadStatusLine"),
    ("truncated", "measures-per-threat", "the answer was cut off"),
    ("html", "measures-per-threat", "the answer is not SPARQL JSON results (it begins '<html>"),
    ("empty-body", "measures-per-threat", "the answer is not SPARQL JSON results (it is empty)"),
    ("wrong-json", "measures-per-threat", "the answer is not SPARQL JSON results"),
    ("json-list", "measure-has-stated-legal-basis", "the answer is not SPARQL JSON results"),
    ("not-turtle", "describe-legal-basis", "the answer is not Turtle"),
    ("hang-up", "measures-per-threat", "closed the connection without an answer"),
    ("silent", "measures-per-threat", "no answer within 1 s"),
    ("digest-401", "measures-per-threat", "401 unauthorised"),
    ("server-error", "measures-per-threat", "HTTP 500"),
]


def one_line_exit_2(out, message):
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert message in out.stderr, out.stderr


@pytest.mark.parametrize("mode, name, message", QUERY_CASES, ids=[c[0] for c in QUERY_CASES])
def test_query_against_a_bad_server(fake, mode, name, message):
    base = fake(mode)
    out = run_ncts("query", name, "--endpoint", base + "/sparql", "--timeout", "1")
    one_line_exit_2(out, message)
    assert out.stdout == ""


PUSH_CASES = [
    ("not-http", [], "the answer is not HTTP (BadStatusLine"),
    ("truncated", [], "the answer was cut off"),
    ("hang-up", [], "closed the connection without an answer"),
    ("silent", [], "no answer within 1 s"),
    ("digest-401", [], "401 unauthorised: the store wants a user and password"),
    ("digest-401", ["--user", "dba"], "401 unauthorised: the store refused user 'dba'"),
    ("server-error", [], "HTTP 500: Virtuoso 42000 Error SQ200: out of memory"),
]


@pytest.mark.parametrize("mode, args, message", PUSH_CASES, ids=[f"{c[0]}{'-user' if c[1] else ''}" for c in PUSH_CASES])
def test_push_to_a_bad_server(fake, mode, args, message):
    base = fake(mode)
    out = run_ncts("push", "--endpoint", base + "/store", "--timeout", "1", *args, env={"NCTS_ENDPOINT_PASSWORD": "x"})
    one_line_exit_2(out, message)


@pytest.mark.parametrize("url, message", [
    ("notaurl", "use http://host/"), ("ftp://x/store", "use http://host/"), ("http:///store", "use http://host/"),
    ("http://127.0.0.1:99999/store", "Port out of range"), ("http://[::1/store", "Invalid IPv6 URL"),
])
@pytest.mark.parametrize("verb", ["push", "query"])
def test_an_unusable_endpoint_url_is_refused_before_any_request(verb, url, message):
    args = ["push", "--endpoint", url] if verb == "push" else ["query", "measures-per-threat", "--endpoint", url]
    out = run_ncts(*args)
    one_line_exit_2(out, f"{url}: not a usable endpoint URL")
    assert message in out.stderr
