"""Load the graph into a remote triple store with the SPARQL 1.1 Graph Store Protocol.

``PUT`` replaces the target graph (idempotent: pushing twice leaves one copy);
``POST`` (``replace=False``) adds to it. The body is N-Triples from Oxigraph's parser,
so no rdflib is needed. Credentials go as Basic, or as Digest when the store's challenge
asks for it (Virtuoso's authenticated endpoint /sparql-graph-crud-auth).
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterable

from .errors import NctsError
from .remote import authorization, check_url, failure, http_error, probe, unauthorised


def push(endpoint: str, graph: str | None = None, files: Iterable[Path | str] = (), *, replace: bool = True,
         timeout: float = 60, auth: tuple[str, str] | None = None) -> int:
    """Send the bundled graph (+ files) to the Graph Store endpoint; returns the number of triples."""
    import pyoxigraph as ox

    from .query import oxigraph_store

    check_url(endpoint)
    store = oxigraph_store(files)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    target = graph_url(endpoint, graph)
    method = "PUT" if replace else "POST"
    headers = {"Content-Type": "application/n-triples"}
    if auth:
        headers["Authorization"] = authorization(target, method, auth, timeout)
    request = urllib.request.Request(target, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise http_error(endpoint, exc, auth) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, (BrokenPipeError, ConnectionResetError)) and probe(target, timeout)[0] == 401:
            raise unauthorised(endpoint, auth) from None  # refused before the body was read
        raise failure(endpoint, exc, timeout) from None
    return len(triples)


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL: ``?graph=IRI`` for a named graph, ``?default`` otherwise."""
    if graph is not None and (":" not in graph or any(c in graph for c in ' <>"{}|\\^`')):
        raise NctsError(f"--graph {graph!r} is not an IRI")
    sep = "&" if "?" in endpoint else "?"
    return endpoint + sep + ("graph=" + urllib.parse.quote(graph, safe="") if graph else "default")
