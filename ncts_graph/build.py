"""``ncts build``: write the merged graph in the format its file extension names, atomically."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path

from .errors import NctsError
from .namespaces import PREFIXES

#: extension -> (rdflib format, keeps named graphs)
BUILD_FORMATS = {".ttl": ("turtle", False), ".nt": ("nt", False), ".jsonld": ("json-ld", False),
                 ".trig": ("trig", True), ".nq": ("nquads", True)}


def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``; never leave a half-written file,
    not even when SIGTERM or SIGHUP arrives mid-write. A read-only target is not replaced."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise NctsError(f"{path}: directory {directory} does not exist")
    if path.exists() and path.is_file() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise NctsError(f"{path}: the file is read-only; not replaced")
    with _signals_raise():
        tmp = None
        try:
            # the name is known before the file exists, so a signal at any point finds it in ``finally``
            # (with mkstemp, one between creating the file and returning its name left it behind)
            for _ in range(100):
                tmp = str(directory / f".{path.name}.{secrets.token_hex(6)}.tmp")
                try:
                    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    break
                except FileExistsError:
                    tmp = None  # another's file: never removed below
                except OSError as exc:
                    tmp = None
                    raise NctsError(f"{path}: cannot write ({exc.strerror})") from None
            else:
                raise NctsError(f"{path}: cannot write (no free temporary name in {directory})")
            os.close(fd)
            umask = os.umask(0)
            os.umask(umask)
            write(Path(tmp))
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a written file follows the umask
            os.replace(tmp, path)
        except OSError as exc:
            raise NctsError(f"{path}: cannot write ({exc.strerror})") from None
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


@contextmanager
def _signals_raise():
    """SIGTERM/SIGHUP become SystemExit(128+n) while inside, so ``finally`` blocks run
    (a default SIGTERM ends the process on the spot). Only the main thread can do this."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum, frame):
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, leave) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def union_graph(dataset):
    """All triples of a dataset in one rdflib Graph, with the project's prefixes bound."""
    from rdflib import Graph

    g = Graph()
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri, override=True)
    graphs = list(dataset.graphs()) if hasattr(dataset, "graphs") else [dataset]
    g.addN((s, p, o, g) for part in graphs for s, p, o in part)
    return g


def build(dataset, output: Path) -> Path:
    """Serialise ``dataset`` to ``output``; .trig/.nq keep one named graph per source file."""
    output = Path(output)
    fmt = BUILD_FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise NctsError(f"{output}: unknown output format (use one of {', '.join(BUILD_FORMATS)})")
    rdf_format, named = fmt
    target = dataset if named else union_graph(dataset)
    kwargs = {"context": {p: i for p, i in PREFIXES.items()}} if rdf_format == "json-ld" else {}

    def write(tmp: Path) -> None:
        target.serialize(destination=str(tmp), format=rdf_format, encoding="utf-8", **kwargs)

    atomic_write(output, write)
    return output
