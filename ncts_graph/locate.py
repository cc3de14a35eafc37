"""Where a node is defined: its file, line and label, for reports people can act on.

Each loaded file is its own named graph, so the file is known exactly; the line is
found in the file's text (Turtle keeps no positions), by the node's prefixed or full
name at the start of a statement. A blank node (a quote, an involvement) is placed
at its first distinctive value after the line of the IRI that owns it.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from rdflib import BNode  # asked of every result and owner (276,000 times at N = 100,000)


@dataclass
class Where:
    file: str | None
    line: int | None
    label: str | None
    owner: object = None


@dataclass
class _File:
    """A file's text with an index of the token each line starts with (one pass, so locating
    thousands of results in a large file stays linear)."""

    text: str
    prefixes: dict
    starts: list
    first: dict

    def line_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


# path -> the thread indexing it (:func:`warm`)
_warming: dict = {}
# a file this large has its line index built in a thread while Oxigraph loads it (77 MB of Turtle:
# 1.9 s, and the load, which leaves the GIL, uses one core); a smaller one when a result is first placed
WARM_BYTES = 4 * 2**20


def files_of(dataset) -> dict:
    """{graph IRI: the file it was loaded from} for the graphs of ``dataset`` that are files."""
    out = {}
    for g in dataset.graphs():
        path = _path_of(str(g.identifier))
        if path is not None:
            out[str(g.identifier)] = path
    return out


def _path_of(iri: str) -> str | None:
    """The file a graph was loaded from, by its name (:func:`ncts_graph.load.graph_name`)."""
    if iri.startswith("file:"):
        return unquote(urlparse(iri).path)
    if iri.startswith("https://w3id.org/ncts-graph/graph/"):
        from . import paths

        return str(paths.home() / f"{iri[len('https://w3id.org/ncts-graph/graph/'):]}.ttl")
    return None


def warm(files) -> None:
    """Start building the line index of each large file among ``files`` in a thread of its own,
    so it is ready when results are placed."""
    import threading

    from .load import graph_name

    for f in files:
        try:
            big = Path(f).stat().st_size >= WARM_BYTES
        except OSError:
            continue
        path = _path_of(str(graph_name(Path(f))))  # as the Locator names it
        if big and path is not None and path not in _warming:
            _warming[path] = thread = threading.Thread(target=_index, args=(path,), daemon=True)
            thread.start()


def _file(path: str) -> _File:
    pending = _warming.pop(path, None)
    if pending is not None:
        pending.join()  # its index is in _index's cache now (or _index raises again, here)
    return _index(path)


@lru_cache(maxsize=64)
def _index(path: str) -> _File:
    text = Path(path).read_text(encoding="utf-8")
    prefixes = {m.group(2): m.group(1) for m in re.finditer(r"(?im)^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", text)}
    lines = text.split("\n")
    starts = [0, *accumulate(map((1).__add__, map(len, lines)))][:-1]  # each line's offset, in C
    first: dict = {}
    for number, token in enumerate(map(_TOKEN, lines), 1):  # a compiled pattern's match: 3x faster
        if token:
            first.setdefault(token.group(1).rstrip("."), number)
    return _File(text, prefixes, starts, first)


_TOKEN = re.compile(r"[ \t]*([^\s;,]+)").match


def _line_of(f: _File, needles: list[str]) -> int | None:
    """The first line that starts with one of the names (else the first line mentioning one)."""
    found = [f.first[n] for n in needles if n in f.first]
    if found:
        return min(found)
    hits = [f.text.find(n) for n in needles if n]
    hits = [h for h in hits if h >= 0]
    return f.line_at(min(hits)) if hits else None


def _line_of_any(f: _File, needles: list[str], start_line: int | None, window: int = 20000) -> int | None:
    """The first line at or after ``start_line`` (within a window) that mentions a needle."""
    start = f.starts[start_line - 1] if start_line else 0
    chunk = f.text[start:start + window]
    hits = [chunk.find(n) for n in needles if n]
    hits = [h for h in hits if h >= 0]
    return f.line_at(start + min(hits)) if hits else None


class Locator:
    def __init__(self, dataset, lang: str = "nl"):
        self.lang = lang
        self.union = dataset  # a Dataset with a union default graph: lookups see every file
        self.files = files_of(dataset)  # graph IRI -> file path
        self.dataset = dataset
        self._graphs = list(dataset.graphs())
        self._labels: dict = {}
        self._files: dict = {}
        self._owners: dict = {}
        self._pairs: dict = {}  # node -> its (predicate, object) pairs
        self._is_file = lru_cache(maxsize=None)(lambda path: Path(path).is_file())  # asked once a result

    def prefetch(self, nodes) -> None:
        """Look up the labels, files, owners and values of many nodes in a few queries, when
        the data is in Oxigraph (a lookup a node through rdflib's API is a query each: 52 s
        for the 38,762 results of 100,000 synthetic measures)."""
        from .shacl import oxigraph_of

        store = oxigraph_of(self.dataset)
        if store is None:
            return
        nodes = {n for n in nodes if n is not None}
        owners, level = {}, {n: n for n in nodes}
        for _depth in range(5):  # owner(): the nearest IRI above a blank node
            blank = [n for n in level.values() if n is not None and _is_blank(n)]
            parents = _first(_batch(store, blank, "SELECT ?n ?x WHERE { {nodes} ?x ?p ?n "
                                                  f"FILTER(?x != <{_BATCH}>) }}")) if blank else {}
            level = {start: (parents.get(n) if _is_blank(n) else n) for start, n in level.items() if n is not None}
            if not any(_is_blank(n) for n in level.values()):
                break
        for start in nodes:
            end = level.get(start)
            owners[start] = None if end is None or _is_blank(end) else end
        self._owners.update(owners)
        wanted = nodes | {o for o in owners.values() if o is not None}
        from . import paths

        home = str(paths.home())
        graphs: dict = {}
        for n, g in _batch(store, wanted, "SELECT DISTINCT ?n ?x WHERE { {nodes} GRAPH ?x { ?n ?p ?o } }", raw=True):
            graphs.setdefault(n, []).append(self.files.get(g.value))
        for n in wanted:
            files = [f for f in graphs.get(n, []) if f]
            user = [f for f in files if not f.startswith(home)]
            self._files[n] = (user or files or [None])[0]
        labels: dict = {}  # the language of each label, as Oxigraph gives it (no rdflib Literal made)
        for n, label in _batch(store, wanted, "SELECT ?n ?x WHERE { {nodes} ?n <http://www.w3.org/2000/01/rdf-schema#label> ?x "
                                              "FILTER(isLiteral(?x)) }", raw=True):
            labels.setdefault(n, {})[label.language.lower() if label.language else None] = label.value
        for n in wanted:
            self._labels[n] = self._choose(labels.get(n, {}))
        todo = [n for n in nodes if _is_blank(n)]
        for _depth in range(4):  # _values(): the values of a blank node, three levels down
            if not todo:
                break
            pairs: dict = {}
            for n, p, o in _batch(store, todo, "SELECT ?n ?p ?x WHERE { {nodes} ?n ?p ?x }", 3):
                pairs.setdefault(n, []).append((p, o))
            for n in todo:
                self._pairs[n] = pairs.get(n, [])
            todo = [o for n in todo for _p, o in self._pairs[n] if _is_blank(o) and o not in self._pairs]

    def label(self, node) -> str | None:
        if node not in self._labels:  # the label of an owner is asked once per result under it
            self._labels[node] = self._label(node)
        return self._labels[node]

    def _label(self, node) -> str | None:
        from rdflib.namespace import RDFS

        return self._pick(self.union.objects(node, RDFS.label))

    def _pick(self, labels) -> str | None:
        from rdflib import Literal

        return self._choose({l.language: str(l) for l in labels if isinstance(l, Literal)})

    def _choose(self, labels: dict) -> str | None:
        """{language: label} -> the label in the report's language, else English, Dutch, any."""
        return labels.get(self.lang) or labels.get("en") or labels.get("nl") or next(iter(labels.values()), None)

    def owner(self, node, depth: int = 5):
        """The nearest IRI with a path to a blank node (itself if it is an IRI)."""
        from rdflib import BNode

        if node in self._owners:
            return self._owners[node]
        seen = set()
        while isinstance(node, BNode) and depth > 0 and node not in seen:
            seen.add(node)
            parent = next(self.union.subjects(None, node), None)
            if parent is None:
                return None
            node, depth = parent, depth - 1
        return None if isinstance(node, BNode) else node

    def _file_of(self, node) -> str | None:
        """The file defining the node; a user's file before a bundled one (it may add to a bundled node)."""
        from . import paths

        if node in self._files:
            return self._files[node]
        files = [self.files.get(str(c.identifier)) for c in self._graphs if (node, None, None) in c]
        files = [f for f in files if f]
        user = [f for f in files if not f.startswith(str(paths.home()))]
        self._files[node] = (user or files or [None])[0]
        return self._files[node]

    def where(self, node) -> Where:
        from rdflib import BNode, Literal, URIRef

        if node is None:
            return Where(None, None, None)
        owner = self.owner(node)
        anchor = owner if owner is not None else node
        path = self._file_of(node) or (self._file_of(anchor) if anchor is not None else None)
        label = self.label(node) or (self.label(owner) if owner is not None else None)
        if path is None or not self._is_file(path):
            return Where(path, None, label, owner)
        f = _file(path)
        line = _line_of(f, self._names(anchor, f.prefixes)) if isinstance(anchor, URIRef) else None
        if isinstance(node, BNode):
            needles = []
            for _, o in self._values(node):
                if isinstance(o, Literal):
                    needles.append(str(o).split("\n")[0][:40])
                elif isinstance(o, URIRef):
                    needles += self._names(o, f.prefixes)[1:]
            line = _line_of_any(f, needles, line) or line
        return Where(_display(path), line, label, owner)

    def where_used(self, node, term) -> Where:
        """Where ``node`` uses ``term`` (an IRI): the first line mentioning it at or after the node's."""
        where = self.where(node)
        if where.file is None or where.line is None:
            return where
        path = self._file_of(node) or self._file_of(where.owner)
        if path is None or not self._is_file(path):
            return where
        f = _file(path)
        where.line = _line_of_any(f, self._names(term, f.prefixes), where.line) or where.line
        return where

    def _values(self, node, depth: int = 3):
        from rdflib import BNode
        from rdflib.namespace import RDF

        pairs = self._pairs[node] if node in self._pairs else self.union.predicate_objects(node)
        for p, o in pairs:
            if p == RDF.type:
                continue
            yield p, o
            if isinstance(o, BNode) and depth > 0:
                yield from self._values(o, depth - 1)

    @staticmethod
    def _names(iri, prefixes: dict) -> list[str]:
        names = [f"<{iri}>"]
        for ns, prefix in prefixes.items():
            if str(iri).startswith(ns) and ns:
                names.append(f"{prefix}:{str(iri)[len(ns):]}")
        return names


def _is_blank(term) -> bool:
    return isinstance(term, BNode)


def _first(rows) -> dict:
    """{node: its first x} from (node, x) rows."""
    out: dict = {}
    for n, x in rows:
        out.setdefault(n, x)
    return out


_BATCH = "urn:ncts-graph:locate"


def _batch(store, nodes, query: str, width: int = 2, raw: bool = False):
    """Rows of ``query`` for many nodes at once: the nodes are put in a named graph of their own
    (blank nodes cannot be written in a query) and joined in front as ?n ({nodes}). Each row's
    ?n is the node given; its other columns are rdflib terms (``raw``: Oxigraph's, unconverted)."""
    import pyoxigraph as ox

    from .store import _ox_term, converter

    graph = ox.NamedNode(_BATCH)
    given = {_ox_term(n): n for n in dict.fromkeys(nodes)}
    store.bulk_extend(ox.Quad(graph, graph, t, graph) for t in given)
    try:
        text = query.replace("{nodes}", f"GRAPH <{graph.value}> {{ <{graph.value}> <{graph.value}> ?n }}")
        convert = (lambda t: t) if raw else converter()
        rows = [(given[row[0]], *[convert(row[i]) for i in range(1, width)]) for row in store.query_all(text)]
    finally:
        store.clear_graph(graph)
    return [r for r in rows if r[-1] is not None]


def _display(path: str) -> str:
    """A path relative to the working directory when it is below it."""
    import os

    return _display_in(path, os.getcwd())


@lru_cache(maxsize=256)
def _display_in(path: str, cwd: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return path
