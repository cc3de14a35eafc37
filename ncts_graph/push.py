"""Load the graph into a remote triple store with the SPARQL 1.1 Graph Store Protocol.

``PUT`` replaces the target graph (idempotent: pushing twice leaves one copy);
``POST`` (``replace=False``) adds to it. The body is N-Triples from Oxigraph's parser,
so no rdflib is needed.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterable

from .errors import NctsError


def push(endpoint: str, graph: str | None = None, files: Iterable[Path | str] = (), *, replace: bool = True,
         timeout: float = 60, auth: tuple[str, str] | None = None) -> int:
    """Send the bundled graph (+ files) to the Graph Store endpoint; returns the number of triples."""
    import pyoxigraph as ox

    from .query import oxigraph_store

    store = oxigraph_store(files)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    target = graph_url(endpoint, graph)
    request = urllib.request.Request(target, data=body, method="PUT" if replace else "POST",
                                     headers={"Content-Type": "application/n-triples"})
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read().decode("utf-8", "replace").split())[:300]
        raise NctsError(f"{endpoint}: HTTP {exc.code}: {detail or exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise NctsError(f"{endpoint}: endpoint unreachable ({getattr(exc, 'reason', exc)})") from None
    except ValueError as exc:
        raise NctsError(f"{endpoint}: not a usable endpoint URL ({exc})") from None
    return len(triples)


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL: ``?graph=IRI`` for a named graph, ``?default`` otherwise."""
    if graph is not None and (":" not in graph or any(c in graph for c in ' <>"{}|\\^`')):
        raise NctsError(f"--graph {graph!r} is not an IRI")
    sep = "&" if "?" in endpoint else "?"
    return endpoint + sep + ("graph=" + urllib.parse.quote(graph, safe="") if graph else "default")
