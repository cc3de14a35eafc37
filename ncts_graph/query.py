"""Ask the graph a question: a named library query, a .rq file or SPARQL text, on any engine.

Engines: Oxigraph in memory (default; the bundled files are parsed straight into it, so
no rdflib is imported on this path), Oxigraph on disk (``store=DIR``, for large graphs),
rdflib's own engine, or any SPARQL 1.1 endpoint (``endpoint=URL``, via SPARQLWrapper).
All return a results.Result, so answers compare across engines.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterable

from .errors import NctsError
from .namespaces import PREFIXES
from .results import Result

ENGINES = ("oxigraph", "rdflib")
_MEMORY: dict = {}  # (files, mtimes) -> in-memory Oxigraph store, reused within a process


def query(name_or_text: str, params: dict | None = None, *, engine: str = "oxigraph", endpoint: str | None = None,
          store: str | Path | None = None, files: Iterable[Path | str] = (), lang: str | None = "nl",
          timeout: float | None = 60, auth: tuple[str, str] | None = None, as_result: bool = False,
          default_graph: Iterable[str] = (), named_graph: Iterable[str] = ()):
    """Run a library question (by name), a .rq file or SPARQL text.

    ``default_graph`` / ``named_graph`` (graph IRIs) set the RDF dataset as the SPARQL
    Protocol's default-graph-uri / named-graph-uri do, overriding the query's FROM / FROM NAMED.

    Returns rows (dicts of variable to rdflib term) for SELECT, a bool for ASK, an rdflib
    Graph for CONSTRUCT/DESCRIBE; ``as_result=True`` returns the engine-neutral Result
    (with ``.dataframe()`` when pandas is installed).
    """
    from .protocol import dataset_from

    q = resolve(name_or_text)
    result = run(q, params or {}, engine=engine, endpoint=endpoint, store=store, files=files, lang=lang,
                 timeout=timeout, auth=auth, dataset=dataset_from(default_graph, named_graph))
    if as_result:
        return result
    if result.form == "ask":
        return result.boolean
    if result.form == "graph":
        from rdflib import Graph

        graph = Graph()
        for s, p, o in result.triples:
            graph.add((s.to_rdflib(), p.to_rdflib(), o.to_rdflib()))
        return graph
    return result.records()


def resolve(name_or_text: str):
    """SPARQL text (anything with a '{'), else a library name or .rq path."""
    from . import library

    if "{" in name_or_text:
        return library.parse(name_or_text, "query")
    return library.find(name_or_text)


def run(q, given: dict, *, engine: str = "oxigraph", endpoint: str | None = None, store=None, files=(),
        lang: str | None = "nl", timeout: float | None = 60, auth=None, dataset=None) -> Result:
    from .library import bindings

    from .sparql import check_nesting

    check_nesting(q.text, _where(q))
    if not endpoint and q.base is None:  # a file's query has its base; an endpoint has its own
        from .protocol import check_relative_iris

        check_relative_iris(q.text, _where(q))
    bound = bindings(q, given, lang)
    if engine not in ENGINES:
        raise NctsError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
    if engine == "rdflib" and store and not endpoint:
        raise NctsError("--store is an Oxigraph store: use it with --engine oxigraph")
    ox_store = None
    if not endpoint and (engine == "oxigraph" or any(t.type == "uri" for t in bound.values())):
        ox_store = oxigraph_store(files, store)  # on rdflib only to look up IRI parameters
        check_iri_params(ox_store, bound)
    try:
        if endpoint:
            return _remote(q, bound, endpoint, timeout, auth, dataset)
        if engine == "rdflib":
            return _rdflib(q, bound, files, dataset)
        return run_on_store(ox_store, q, bound, dataset=dataset, base=q.base)
    except NctsError as exc:
        from .bind import misfit

        better = misfit(q.text, bound) if bound and "unreachable" not in str(exc) else None
        raise (better or exc) from None


def check_iri_params(store, bound: dict) -> None:
    """An IRI parameter in (or near) a project namespace that the graph does not define can
    only give an empty answer: a one-line error with the nearest defined IRI instead.
    (Not checked on --endpoint: a remote graph may define more.)"""
    import pyoxigraph as ox

    from . import terms

    for name, term in bound.items():
        if term.type != "uri" or next(store.quads_for_pattern(ox.NamedNode(term.value), None, None), None):
            continue
        ns = terms.namespace_for(term.value)
        if ns is None:
            continue
        found = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(ns)})) }}",
                            use_default_graph_as_union=True)
        unknown, near, suggestion = terms.Vocabulary(row["s"].value for row in found).check(term.value)
        if unknown:
            message = terms.Unknown(term.value, None, None, near, suggestion).messages()["en"]
            raise NctsError(f"parameter {name}: {message.replace('your files', 'the --data files')}")


# --- Oxigraph -------------------------------------------------------------------------

def oxigraph_store(files=(), directory=None):
    """The bundled graph (+ files) in Oxigraph: in memory (cached), or on disk, filled on first use."""
    import pyoxigraph as ox

    from .load import bundled_files

    files = [Path(f) for f in files]
    if directory is None:
        key = tuple((str(f), _mtime(f)) for f in files)
        cached = _MEMORY.get(key)
        if cached is not None:
            return cached
        store = ox.Store()
        fill(store, bundled_files() + files, memory=True)
        _MEMORY[key] = store
        return store
    directory = Path(directory)
    new = not os.path.lexists(directory)
    try:
        store = ox.Store(str(directory))
        present = {g.value for g in store.named_graphs()}
    except (OSError, RuntimeError, ValueError) as exc:
        raise NctsError(f"{directory}: cannot open the store ({' '.join(str(exc).split())[:200]})") from None
    try:  # the user's files first: a bad one is refused before the bundled graph is written
        refresh(store, directory, files + bundled_files(), present)
    except NctsError:
        if new:  # a store this run created and could not fill is removed, not left half-filled
            del store
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return store


MANIFEST = "ncts-graph-files.json"  # in a store folder: what each graph was loaded from


def refresh(store, directory: Path, files, present: set) -> None:
    """Bring a persistent store up to date with its files: load what is missing, reload a
    file whose size, mtime and SHA-256 no longer match the record in the store folder (the
    files it was filled from before are checked too, while they exist)."""
    import json

    import pyoxigraph as ox

    from .build import atomic_write
    from .load import graph_name

    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        manifest = {}
    wanted = {str(Path(f).resolve()): Path(f) for f in files}
    for key in manifest:
        if key not in wanted and Path(key).is_file():
            wanted[key] = Path(key)
    changed = False
    for key, file in wanted.items():
        stamp = _stamp(file)
        record = manifest.get(key)
        graphs = record["graphs"] if record else [graph_name(file)]
        digest = None
        if record and all(g in present for g in graphs):
            if [record["size"], record["mtime_ns"]] == stamp:
                continue
            digest = _sha256(file)
            if record["sha256"] == digest:
                record["size"], record["mtime_ns"] = stamp
                changed = True
                continue
        # no record (a new file, or a store filled before records were kept), or new content: (re)load
        for g in graphs:
            if g in present:
                store.clear_graph(ox.NamedNode(g))
        before = {g.value for g in store.named_graphs()}
        fill(store, [file])
        after = {g.value for g in store.named_graphs()}
        loaded = sorted(after - before) or [graph_name(file)]
        present |= set(loaded)
        manifest[key] = {"graphs": loaded, "size": stamp[0], "mtime_ns": stamp[1], "sha256": digest or _sha256(file)}
        changed = True
    if changed:
        try:
            atomic_write(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8"))
        except NctsError:
            pass  # a read-only store still answers; it is checked again next time


def added_files(directory) -> list[str]:
    """The files besides the bundled ones that a persistent store holds (its record of what
    ``--data`` added, in this run or an earlier one): they stay in the store for later runs,
    so the CLI says so; delete the folder to start again."""
    import json

    from .load import bundled_files

    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        return []
    bundled = {str(Path(f).resolve()) for f in bundled_files()}
    return sorted(k for k in manifest if k not in bundled)


def _stamp(path: Path) -> list:
    try:
        st = path.stat()
    except OSError:
        raise NctsError(f"{path}: file not found") from None
    return [st.st_size, st.st_mtime_ns]


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise NctsError(f"{path}: cannot read ({exc.strerror})") from None
    return digest.hexdigest()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        raise NctsError(f"{path}: file not found") from None


def fill(store, files, merge_graphs: bool = False, memory: bool = False) -> None:
    """Load RDF files into their own named graphs; a file that does not parse is a one-line error.

    As :func:`ncts_graph.load.parse_into` does with rdflib: the default graph of a TriG,
    N-Quads or JSON-LD file goes into the file's graph, its named graphs keep their names,
    or with ``merge_graphs`` join the file's graph too (ncts validate). ``memory``: the store is
    in memory, where Oxigraph's plain load is faster than its bulk loader, which is made for a
    store on disk (77 MB of Turtle: 0.87 of the time, paired, and 117 MiB less at the peak)."""
    import pyoxigraph as ox

    from .load import check_input, graph_name

    formats = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
               ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML,
               ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML, ".n3": ox.RdfFormat.N3}
    for path in files:
        path = Path(path)
        fmt = formats.get(path.suffix.lower())
        if fmt is None:
            raise NctsError(f"{path}: unknown RDF file extension (use one of {', '.join(sorted(formats))})")
        check_input(path)
        graph = ox.NamedNode(graph_name(path))
        source = {"path": str(path)}
        if fmt in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):  # checked, then parsed from the bytes checked
            source = {"input": _checked(path, "xml" if fmt == ox.RdfFormat.RDF_XML else "json-ld")}
        base = path.resolve().as_uri()
        try:
            if merge_graphs and fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD):
                store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in
                                  ox.parse(**source, format=fmt, base_iri=base, rename_blank_nodes=True))
            else:
                (store.load if memory else store.bulk_load)(**source, format=fmt, base_iri=base, to_graph=graph)
        except MemoryError as exc:
            raise NctsError(f"{path}: a single term or line is too large to parse ({exc})") from None
        except SyntaxError as exc:
            where = f"{exc.lineno}:" if getattr(exc, "lineno", None) else ""
            raise NctsError(f"{path}:{where} syntax error: {' '.join(str(exc).split())}") from None
        except (ValueError, OSError) as exc:
            raise NctsError(f"{path}: cannot load ({' '.join(str(exc).split())})") from None


def _checked(path: Path, fmt: str) -> bytes:
    """The file's bytes after the loader's safety checks (UTF-8; load.check_safe)."""
    from .load import check_safe, read_input

    raw = read_input(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise NctsError(f"{path}:{line}: not UTF-8 text") from None
    check_safe(path, text, fmt)
    return raw


def run_on_store(store, q, bound: dict, limit: int | None = None, dataset=None, base: str | None = None) -> Result:
    """One query on an Oxigraph store under the dataset rules of :mod:`ncts_graph.protocol`
    (default graph = union of all named graphs unless FROM or ``dataset`` name graphs); with
    ``limit``, at most that many rows or triples are read (the caller refuses more); ``base``
    resolves relative IRIs of the query (an endpoint's own URL)."""
    from itertools import islice

    import pyoxigraph as ox

    from .protocol import oxigraph_options
    from .results import from_oxigraph
    from .sparql import bind_values

    text = bind_values(q.text, bound)
    try:
        answer = store.query(text, prefixes=PREFIXES, base_iri=base, **oxigraph_options(text, dataset))
        if isinstance(answer, ox.QueryBoolean):
            return Result("ask", boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples):
            return Result("graph", triples=[(from_oxigraph(t.subject), from_oxigraph(t.predicate),
                                             from_oxigraph(t.object)) for t in islice(answer, limit)])
        names = [v.value for v in answer.variables]
        rows = []
        for solution in islice(answer, limit):
            row = {}
            for n in names:
                value = solution[n]
                if value is not None:
                    row[n] = from_oxigraph(value)
            rows.append(row)
        return Result("select", vars=names, rows=rows)
    except SyntaxError as exc:
        raise NctsError(_syntax(q, str(exc))) from None
    except (ValueError, RuntimeError, OSError) as exc:
        raise NctsError(f"{_where(q)}: query failed: {' '.join(str(exc).split())}") from None


def _where(q) -> str:
    return str(q.path) if q.path is not None else q.name


def _syntax(q, message: str) -> str:
    """'file:line:col: SPARQL syntax error: ...' from Oxigraph's 'error at L:C: ...', in one
    readable line (sparql_errors: the text at the place, no lists of Unicode ranges)."""
    from .sparql_errors import readable

    line, column, text = readable(message, q.text)
    if line is not None:
        return f"{_where(q)}:{line}:{column}: SPARQL syntax error: {text}"
    return f"{_where(q)}: SPARQL syntax error: {text}"


# --- rdflib -----------------------------------------------------------------------------

def _rdflib(q, bound: dict, files, dataset=None) -> Result:
    """rdflib's engine. Parameters are bound as on Oxigraph and remote endpoints (terms
    written in, see :mod:`ncts_graph.bind`; not initBindings, which rdflib applies
    differently), so a question means the same on every engine. Queries that name graphs
    run on the dataset (one named graph per file, union default graph, as on Oxigraph);
    others on one plain graph, several times faster."""
    from .protocol import rdflib_query
    from .results import from_rdflib
    from .sparql import bind_values

    text = bind_values(q.text, bound)
    try:
        answer = rdflib_query(lambda: rdflib_graph(files), lambda: rdflib_dataset(files), text, dataset, PREFIXES,
                              base=q.base)
        if answer.type == "ASK":
            return Result("ask", boolean=bool(answer.askAnswer))
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            return Result("graph", triples=[tuple(from_rdflib(t) for t in triple) for triple in answer.graph])
        names = [str(v) for v in answer.vars]
        rows = [{n: from_rdflib(row[i]) for i, n in enumerate(names) if row[i] is not None} for row in answer]
    except Exception as exc:  # pyparsing and rdflib errors alike mean a bad query
        line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
        where = f"{_where(q)}:{line}:{col}" if line else _where(q)
        raise NctsError(f"{where}: SPARQL error: {' '.join(str(getattr(exc, 'msg', exc)).split())}") from None
    return Result("select", vars=names, rows=rows)


def rdflib_dataset(files=()):
    """The bundled graph (+ files) as an rdflib Dataset, one named graph per file, cached."""
    from .load import load

    files = [Path(f) for f in files]
    key = ("rdflib-dataset",) + tuple((str(f), _mtime(f)) for f in files)
    dataset = _MEMORY.get(key)
    if dataset is None:
        dataset = _MEMORY[key] = load(files)
    return dataset


def rdflib_graph(files=()):
    """The bundled graph (+ files) as one plain rdflib Graph, cached within a process
    (rdflib queries a plain Graph several times faster than a Dataset's union)."""
    from .build import union_graph
    from .load import load

    files = [Path(f) for f in files]
    key = ("rdflib",) + tuple((str(f), _mtime(f)) for f in files)
    graph = _MEMORY.get(key)
    if graph is None:
        graph = _MEMORY[key] = union_graph(load(files))
    return graph


# --- remote endpoints -------------------------------------------------------------------

def _remote(q, bound: dict, endpoint: str, timeout, auth, dataset=None) -> Result:
    """Any SPARQL 1.1 endpoint, through SPARQLWrapper; prefixes are sent as a prologue, and a
    .rq file's URI as BASE when its query has relative IRIs (resolved as on the embedded engines)."""
    import http.client
    import json
    import urllib.error

    from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

    from .namespaces import sparql_prologue
    from .protocol import with_base
    from .remote import check_url, failure, http_error, probe, unauthorised
    from .results import from_json
    from .sparql import bind_values, query_form, strip_comments

    check_url(endpoint)
    # comments go: SPARQLWrapper guesses the query form from the text and mistakes words in
    # comments ("address", "movement") for update keywords; the form is set from our own parse
    text = with_base(sparql_prologue() + strip_comments(bind_values(q.text, bound)), q.base)
    form = query_form(q.text)
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.queryType = form.upper()
    client.setMethod(POST)
    for graph in dataset.default if dataset else ():
        client.addDefaultGraph(graph)
    for graph in dataset.named if dataset else ():
        client.addNamedGraph(graph)
    if timeout:
        client.setTimeout(int(timeout))
    if auth:
        client.setCredentials(*auth)
        if any(c.lower().startswith("digest") for c in probe(endpoint, timeout)[1]):
            client.setHTTPAuth(DIGEST)  # e.g. Virtuoso's /sparql-auth
    client.setReturnFormat(TURTLE if form in ("construct", "describe") else JSON)
    try:
        response = client.query()
        body = response.response.read()
    except urllib.error.HTTPError as exc:
        raise http_error(endpoint, exc, auth) from None
    except Unauthorized:
        raise unauthorised(endpoint, auth) from None
    except SPARQLWrapperException as exc:  # SPARQLWrapper's names for HTTP 400, 404, 414, 500
        status = {"QueryBadFormed": 400, "EndPointNotFound": 404, "URITooLong": 414}.get(type(exc).__name__, 500)
        detail = _response_text(str(exc))
        raise NctsError(f"{endpoint}: HTTP {status}: {detail or type(exc).__name__}") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise failure(endpoint, exc, timeout) from None
    if form in ("construct", "describe"):
        return _graph_from(body, endpoint)
    try:
        data = json.loads(body)
        if "boolean" in data:
            return Result("ask", boolean=bool(data["boolean"]))
        names = data["head"].get("vars", [])
        rows = [{n: from_json(b[n]) for n in names if n in b} for b in data["results"]["bindings"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise NctsError(f"{endpoint}: the answer is not SPARQL JSON results ({_peek(body)})") from None
    return Result("select", vars=names, rows=rows)


def _response_text(message: str) -> str:
    """The server's own words from a SPARQLWrapper error ("...Response:\\nb'...'"), on one line."""
    import ast

    _, _, response = message.partition("Response:")
    try:
        raw = ast.literal_eval(response.strip())
    except (ValueError, SyntaxError):
        raw = response
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())[:300]


def _peek(body: bytes) -> str:
    """The start of a bad answer, to show what came instead."""
    text = " ".join(body[:60].decode("utf-8", "replace").split())
    return f"it begins {text!r}" if text else "it is empty"


def _graph_from(body: bytes, endpoint: str) -> Result:
    import pyoxigraph as ox

    from .results import from_oxigraph

    try:
        triples = list(ox.parse(input=body, format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError) as exc:
        raise NctsError(f"{endpoint}: the answer is not Turtle ({' '.join(str(exc).split())[:200]})") from None
    return Result("graph", triples=[(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))
                                    for t in triples])
