"""Talking HTTP to remote stores: the credentials they ask for, and one-line errors.

Shared by ``ncts push`` (Graph Store Protocol) and ``ncts query --endpoint`` (SPARQL
Protocol), so a refused password, a dead port or a server that answers garbage reads the
same everywhere: one line naming the endpoint, never a traceback.
"""

from __future__ import annotations

import base64
import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request

from .errors import NctsError


def check_url(endpoint: str) -> None:
    """Refuse what is not an http(s) URL with a host (and a port that exists) before any request."""
    try:
        parts = urllib.parse.urlsplit(endpoint)
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError as exc:
        raise NctsError(f"{endpoint}: not a usable endpoint URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise NctsError(f"{endpoint}: not a usable endpoint URL (use http://host/... or https://host/...)")


def authorization(url: str, method: str, auth: tuple[str, str], timeout: float | None) -> str:
    """The Authorization header for ``method url``: Digest when the server's challenge asks
    for it (Virtuoso's /sparql-graph-crud-auth does), else Basic.

    The challenge is fetched with a body-less HEAD first, because a server that refuses a
    large PUT may close the connection before the body is sent (a broken pipe, not a 401).
    """
    _, challenges = probe(url, timeout)
    for challenge in challenges:
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() == "digest":
            return digest(url, method, auth, rest)
    return "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()


def probe(url: str, timeout: float | None) -> tuple[int, list[str]]:
    """The status of a body-less HEAD request and the server's WWW-Authenticate challenges."""
    request = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status, []
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_all("WWW-Authenticate") or []
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise failure(url, exc, timeout) from None


def digest(url: str, method: str, auth: tuple[str, str], challenge: str) -> str:
    """An RFC 7616 Digest header for the challenge's parameters (urllib's own computation)."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, *auth)
    handler = urllib.request.HTTPDigestAuthHandler(passwords)
    fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
    try:
        value = handler.get_authorization(urllib.request.Request(url, method=method), fields)
    except urllib.error.URLError as exc:  # an unsupported qop
        raise NctsError(f"{url}: cannot answer the server's Digest challenge ({exc.reason})") from None
    if value is None:
        raise NctsError(f"{url}: cannot answer the server's Digest challenge ({challenge[:80]})")
    return "Digest " + value


def http_error(endpoint: str, exc: urllib.error.HTTPError, auth=None) -> NctsError:
    """An HTTP error status as one line; 401 says plainly what is wrong."""
    if exc.code == 401:
        return unauthorised(endpoint, auth)
    try:
        detail = " ".join(exc.read().decode("utf-8", "replace").split())[:300]
    except (OSError, http.client.HTTPException):
        detail = ""
    return NctsError(f"{endpoint}: HTTP {exc.code}: {detail or exc.reason}")


def unauthorised(endpoint: str, auth=None) -> NctsError:
    hint = (f"the store refused user {auth[0]!r} (wrong user or password?)" if auth else
            "the store wants a user and password: --user NAME, password in $NCTS_ENDPOINT_PASSWORD")
    return NctsError(f"{endpoint}: 401 unauthorised: {hint}")


def failure(endpoint: str, exc: BaseException, timeout: float | None = None) -> NctsError:
    """A network or protocol failure as one line (the server is down, silent, or not speaking HTTP)."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return NctsError(f"{endpoint}: endpoint unreachable (connection refused)")
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return NctsError(f"{endpoint}: no answer within {timeout:g} s" if timeout else f"{endpoint}: timed out")
    if isinstance(reason, http.client.RemoteDisconnected):
        return NctsError(f"{endpoint}: the server closed the connection without an answer")
    if isinstance(reason, http.client.IncompleteRead):
        return NctsError(f"{endpoint}: the answer was cut off ({len(reason.partial)} bytes received)")
    if isinstance(reason, http.client.HTTPException):
        return NctsError(f"{endpoint}: the answer is not HTTP ({type(reason).__name__}: {_short(reason)})")
    if isinstance(reason, (BrokenPipeError, ConnectionResetError)):
        return NctsError(f"{endpoint}: the server closed the connection while the request was sent ({_short(reason)})")
    if isinstance(reason, ValueError):
        return NctsError(f"{endpoint}: not a usable endpoint URL ({_short(reason)})")
    return NctsError(f"{endpoint}: endpoint unreachable ({_short(reason)})")


def _short(exc) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
