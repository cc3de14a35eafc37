"""Load the ontology and curated data into one rdflib Dataset, one named graph per file.

Named graphs keep each triple's file of origin (useful for reports and TriG exports);
the Dataset's default graph is the union, so ``load().query(...)`` sees everything.
A file with named graphs of its own (TriG, N-Quads, JSON-LD with ``@graph`` names) puts its
default graph in the file's graph and keeps its graphs' names; ``merge_graphs=True`` (the
verbs that check a user's files: validate, check, quotes) puts all of it in the file's graph,
so the file's whole content is known by the file's name.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import stat
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

from . import paths
from .errors import NctsError
from .namespaces import BASE, PREFIXES

GRAPH_BASE = BASE + "graph/"

_FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld",
            ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3"}


def rdf_format(path: Path) -> str:
    """The rdflib format name for a file extension, or a usage error."""
    fmt = _FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_FORMATS))
        raise NctsError(f"{path}: unknown RDF file extension (use one of {known})")
    return fmt


def graph_name(path: Path) -> str:
    """The named-graph IRI of a file: bundled files by their place in the repository."""
    path = Path(path).resolve()
    try:
        rel = path.relative_to(paths.home().resolve())
        return GRAPH_BASE + rel.with_suffix("").as_posix()
    except ValueError:
        return path.as_uri()


def parse_bundled(dataset, path: Path) -> None:
    """Parse a bundled (tested, well-formed) file with Oxigraph's parser, ten times faster
    than rdflib's; any trouble falls back to :func:`parse_into` and its precise errors."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from .store import to_rdflib

    path = Path(path)
    if path.suffix.lower() != ".ttl":
        return parse_into(dataset, path)
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    except (OSError, SyntaxError, ValueError):
        return parse_into(dataset, path)
    graph = dataset.graph(URIRef(graph_name(path)))
    from rdflib import BNode

    terms: dict = {}  # Oxigraph term -> rdflib term; each blank node gets a fresh rdflib id

    def term(t):
        out = terms.get(t)
        if out is None:
            out = terms[t] = BNode() if isinstance(t, ox.BlankNode) else to_rdflib(t)
        return out

    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)


_DATASET_FORMATS = ("trig", "nquads", "json-ld")  # formats that can name graphs


def parse_into(dataset, path: Path, merge_graphs: bool = False) -> None:
    """Parse one file into its own named graph, turning parser failures into one-line errors.

    The default graph of a TriG, N-Quads or JSON-LD file goes into the file's graph, its
    named graphs keep their names, or with ``merge_graphs`` join the file's graph too."""
    from rdflib import Dataset, URIRef

    path = Path(path)
    fmt = rdf_format(path)
    raw = read_input(path)
    if not raw.strip():
        raise NctsError(f"{path}: file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise NctsError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    if "\x00" in text:
        raise NctsError(f"{path}: binary file, not RDF")
    check_safe(path, text, fmt)
    name = URIRef(graph_name(path))
    # a format that can name graphs is parsed on its own first, so its graphs are known
    target = Dataset() if fmt in _DATASET_FORMATS else dataset
    graph = target.graph(name)
    try:
        with _quiet_rdflib():  # rdflib logs bad IRIs; _check_iris reports them as one error
            graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types; all mean "bad input"
        target.remove_graph(graph)
        raise NctsError(f"{path}:{_error_line(exc)}{_one_line(exc)}") from None
    if target is dataset:
        _check_iris(graph, path, text)
        return
    graphs = [g for g in target.graphs() if len(g)]
    for g in graphs:
        _check_iris(g, path, text)
    into = dataset.graph(name)
    for g in graphs:
        dest = into if merge_graphs or g.identifier == name else dataset.graph(g.identifier)
        dest.addN((s, p, o, dest) for s, p, o in g)


def check_input(path: Path) -> None:
    """Refuse in one line what is not a readable, non-empty regular file, before any parser
    opens it: missing, a folder, a pipe or device (reading a FIFO waits for a writer forever),
    or unreadable (permissions; a read error), or not UTF-8 text in its first 64 KiB (so every
    parser, rdflib's or Oxigraph's, says the same). Never reads the whole file."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # O_NONBLOCK: opening a FIFO must not wait
    except FileNotFoundError:
        raise NctsError(f"{path}: file not found") from None
    except OSError as exc:
        raise NctsError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise NctsError(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise NctsError(f"{path}: not a regular file (a pipe, socket or device); give a file")
        first = os.read(fd, 1 << 16)
    except OSError as exc:
        raise NctsError(f"{path}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if not first:
        raise NctsError(f"{path}: file is empty")
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NctsError(f"{path}:1: UTF-16 text; save it as UTF-8")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(first, final=False)  # a character cut at the end is fine
    except UnicodeDecodeError as exc:
        line = first[:exc.start].count(b"\n") + 1
        raise NctsError(f"{path}:{line}: not UTF-8 text (byte 0x{first[exc.start]:02x})") from None
    if b"\x00" in first:
        raise NctsError(f"{path}: binary file, not text")


def read_input(path: Path) -> bytes:
    """The bytes of a user's input file, after :func:`check_input`."""
    check_input(path)
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise NctsError(f"{path}: cannot read ({exc.strerror or exc})") from None


def check_safe(path: Path, text: str, fmt: str) -> None:
    """Refuse input whose parsing would reach beyond the file or blow up, for every parser
    (rdflib and Oxigraph): RDF/XML with DTD entities (billion laughs, external entities) or
    a declared encoding other than UTF-8, and JSON-LD whose @context is fetched (a URL or a
    file). ``fmt`` is an rdflib format name ("xml", "json-ld"); other formats pass."""
    if fmt == "xml":
        _check_xml(path, text)
    elif fmt == "json-ld":
        _check_jsonld(path, text)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _check_xml(path: Path, text: str) -> None:
    match = re.search(r"<!ENTITY", text, re.I)
    if match:
        raise NctsError(f"{path}:{_line(text, match.start())}: RDF/XML with DTD entity declarations is refused "
                        f"(entity expansion can exhaust memory or read other files); write the IRIs out in full")
    match = re.search(r"<!DOCTYPE[^\[>]*\b(SYSTEM|PUBLIC)\b", text, re.I)
    if match:
        raise NctsError(f"{path}:{_line(text, match.start())}: RDF/XML with an external DTD is refused "
                        f"(no file or network access while loading data; external entities)")
    match = re.match(r"\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)", text)
    if match and match.group(1).strip().lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise NctsError(f"{path}:1: RDF/XML must be UTF-8 (the file declares encoding {match.group(1)!r})")


def _check_jsonld(path: Path, text: str) -> None:
    import json

    try:
        data = json.loads(text)
    except RecursionError:
        raise NctsError(f"{path}: JSON nested too deeply") from None
    except ValueError as exc:
        where = f"{exc.lineno}: " if hasattr(exc, "lineno") else " "
        raise NctsError(f"{path}:{where}syntax error: {getattr(exc, 'msg', exc)}") from None
    todo = [data]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                refs = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
                    if isinstance(value, list) else []
                if key in ("@context", "@import") and refs:
                    raise NctsError(f"{path}: JSON-LD {key} {refs[0]!r} is refused: contexts are not fetched "
                                    f"(no network or file access while loading data); put the context inline")
                todo.append(value)


@contextmanager
def _quiet_rdflib():
    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


_BAD_IRI = re.compile(r'[\s<>"{}|\\^`]')


def _check_iris(graph, path: Path, text: str) -> None:
    """rdflib accepts IRIs with spaces or angle brackets; a user should hear about them."""
    from rdflib import URIRef

    base = path.resolve().as_uri()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and (_BAD_IRI.search(str(term)) or ":" not in str(term)):
                raw = str(term)[len(base):] if str(term).startswith(base) else str(term)
                raw = raw.lstrip("/")
                needle = raw.rsplit("/", 1)[-1] or raw
                where = text.find(needle)
                line = f"{text.count(chr(10), 0, where) + 1}: " if where >= 0 else " "
                raise NctsError(f"{path}:{line}not a valid IRI: <{raw}>")


def _error_line(exc: Exception) -> str:
    line = getattr(exc, "lines", None)
    if isinstance(line, int):
        return f"{line + 1}: "
    match = re.search(r"line (\d+)", str(exc))
    return f"{match.group(1)}: " if match else " "


def _one_line(exc: Exception) -> str:
    why = getattr(exc, "_why", None) or str(exc) or type(exc).__name__
    text = " ".join(str(why).split())
    return f"syntax error: {text}"[:300]


def new_dataset():
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    for prefix, iri in PREFIXES.items():
        ds.bind(prefix, iri, override=True)
    return ds


def bundled_files() -> list[Path]:
    return [paths.ontology_file(), *paths.data_files()]


def load(files: Iterable[Path | str] | None = None, *, bundled: bool = True, merge_graphs: bool = False):
    """Return the knowledge graph as an rdflib ``Dataset`` (union default graph).

    ``bundled=True`` loads the ontology and all curated data; ``files`` are added
    to it (or loaded alone with ``bundled=False``), each into its own named graph
    (the graphs a TriG or N-Quads file names keep their names unless ``merge_graphs``).
    """
    ds = new_dataset()
    for path in files or []:  # the user's files first: a bad one is refused before the bundled parse
        parse_into(ds, Path(path), merge_graphs)
    for path in bundled_files() if bundled else []:
        parse_bundled(ds, path)
    return ds
