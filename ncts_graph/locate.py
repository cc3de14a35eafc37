"""Where a node is defined: its file, line and label, for reports people can act on.

Each loaded file is its own named graph, so the file is known exactly; the line is
found in the file's text (Turtle keeps no positions), by the node's prefixed or full
name at the start of a statement. A blank node (a quote, an involvement) is placed
at its first distinctive value after the line of the IRI that owns it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse


@dataclass
class Where:
    file: str | None
    line: int | None
    label: str | None
    owner: object = None


@lru_cache(maxsize=64)
def _text(path: str) -> tuple[str, dict]:
    text = Path(path).read_text(encoding="utf-8")
    prefixes = {m.group(2): m.group(1) for m in re.finditer(r"(?im)^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", text)}
    return text, prefixes


def _line_of(text: str, needles: list[str], start: int = 0) -> int | None:
    best = None
    for needle in needles:
        if not needle:
            continue
        at = re.search(r"(?m)^[ \t]*" + re.escape(needle) + r"(?=[\s;,.]|$)", text[start:])
        pos = start + at.start() if at else text.find(needle, start)
        if pos >= 0 and (best is None or pos < best):
            best = pos
    return None if best is None else text.count("\n", 0, best) + 1


class Locator:
    def __init__(self, dataset, lang: str = "nl"):
        self.lang = lang
        self.union = dataset  # a Dataset with a union default graph: lookups see every file
        self.files = {}  # graph IRI -> file path
        for g in dataset.graphs():
            iri = str(g.identifier)
            if iri.startswith("file:"):
                self.files[iri] = unquote(urlparse(iri).path)
            elif iri.startswith("https://w3id.org/ncts-graph/graph/"):
                from . import paths

                rel = iri[len("https://w3id.org/ncts-graph/graph/"):]
                self.files[iri] = str(paths.home() / f"{rel}.ttl")
        self.dataset = dataset

    def label(self, node) -> str | None:
        from rdflib.namespace import RDFS

        labels = {l.language: str(l) for l in self.union.objects(node, RDFS.label)}
        return labels.get(self.lang) or labels.get("en") or labels.get("nl") or next(iter(labels.values()), None)

    def owner(self, node, depth: int = 5):
        """The nearest IRI with a path to a blank node (itself if it is an IRI)."""
        from rdflib import BNode

        seen = set()
        while isinstance(node, BNode) and depth > 0 and node not in seen:
            seen.add(node)
            parent = next(self.union.subjects(None, node), None)
            if parent is None:
                return None
            node, depth = parent, depth - 1
        return None if isinstance(node, BNode) else node

    def _file_of(self, node) -> str | None:
        files = [self.files.get(str(c.identifier)) for c in self.dataset.graphs() if (node, None, None) in c]
        files = [f for f in files if f]
        user = [f for f in files if "/graph/" not in f and not f.startswith(str(self._home()))]
        return (user or files or [None])[0]

    @staticmethod
    def _home():
        from . import paths

        return paths.home()

    def where(self, node) -> Where:
        from rdflib import BNode, Literal, URIRef

        if node is None:
            return Where(None, None, None)
        owner = self.owner(node)
        anchor = owner if owner is not None else node
        path = self._file_of(node) or (self._file_of(anchor) if anchor is not None else None)
        label = self.label(node) or (self.label(owner) if owner is not None else None)
        if path is None or not Path(path).is_file():
            return Where(path, None, label, owner)
        text, prefixes = _text(path)
        line = _line_of(text, self._names(anchor, prefixes)) if isinstance(anchor, URIRef) else None
        if isinstance(node, BNode):
            start = 0 if line is None else len("\n".join(text.split("\n")[: line - 1]))
            needles = []
            for _, o in self._values(node):
                if isinstance(o, Literal):
                    needles.append(str(o).split("\n")[0][:40])
                elif isinstance(o, URIRef):
                    needles += self._names(o, prefixes)[1:]
            line = _line_of_any(text, needles, start) or line
        return Where(_display(path), line, label, owner)

    def _values(self, node, depth: int = 3):
        from rdflib import BNode
        from rdflib.namespace import RDF

        for p, o in self.union.predicate_objects(node):
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


def _line_of_any(text: str, needles: list[str], start: int) -> int | None:
    best = None
    for needle in needles:
        pos = text.find(needle, start) if needle else -1
        if pos >= 0 and (best is None or pos < best):
            best = pos
    return None if best is None else text.count("\n", 0, best) + 1


def _display(path: str) -> str:
    """A path relative to the working directory when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path
