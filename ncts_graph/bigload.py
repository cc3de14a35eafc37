"""Loading big inputs for `ncts validate` (issues 10 and 14): the files parsed by Oxigraph
straight into an Oxigraph store (one named graph per file, as :func:`ncts_graph.load.load`
does with rdflib), seen through rdflib's API by oxrdflib, so nothing holds an rdflib copy of
a million triples; and a refusal, before loading, of input that would not fit in memory.

Inputs below ``BIG_BYTES`` keep rdflib's loader (its precise file:line errors and IRI
checks, and no oxrdflib start-up cost).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import NctsError

BIG_BYTES = 16 * 2**20  # user files larger than this (together) load into Oxigraph
# peak resident memory of `ncts validate` per byte of input, with a margin: a 200 MB N-Triples file
# of synthetic measures peaked at 1,646 MiB (6.8 bytes a byte above the base; docs/validating.md);
# their Turtle is 3.9 times smaller for the same triples. Formats rdflib parses: ~40.
BYTES_PER_INPUT_BYTE = {".nt": 8.0, ".nq": 8.0, ".ttl": 32.0, ".trig": 32.0}
BASE_BYTES = 350 * 2**20  # Python, rdflib, pyshacl, the bundled graph and shapes
_OX_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".trig": "TRIG"}


def available_bytes() -> int | None:
    """Memory this process may still use: MemAvailable, or a smaller cgroup limit."""
    avail = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                avail = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
        if limit != "max":
            avail = min(avail or 2**62, int(limit) - used)
    except (OSError, ValueError):
        pass
    return avail


def needed_bytes(files) -> int:
    """The estimated peak memory of validating these files with the bundled graph."""
    total = 0
    for f in files:
        f = Path(f)
        try:
            size = f.stat().st_size
        except OSError:
            continue  # the loader says what is wrong with it
        total += int(size * BYTES_PER_INPUT_BYTE.get(f.suffix.lower(), 40.0))  # rdflib-parsed formats: ~40x
    return BASE_BYTES + total


def check_fits(files, available: int | None = None) -> None:
    """Refuse, in one line, input whose validation would not fit in this machine's memory."""
    files = [Path(f) for f in files]
    available = available_bytes() if available is None else available
    if available is None or not files:
        return
    need = needed_bytes(files)
    if need > available:
        size = sum(f.stat().st_size for f in files if f.is_file())
        shown = files[0] if len(files) == 1 else f"{files[0]} (and {len(files) - 1} more)"
        raise NctsError(f"{shown}: {size / 1e6:,.0f} MB of RDF needs about {need / 1e9:.1f} GB of memory to "
                        f"validate; {available / 1e9:.1f} GB is available on this machine (split the file, or "
                        f"validate on a machine with more memory)")


@lru_cache(maxsize=1)
def _libc():
    """The C library, where it is glibc (its allocator has the knobs below); else None."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")  # by name: ctypes.util.find_library runs ldconfig
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def fewer_arenas() -> None:
    """At most two malloc arenas from now on: each thread that queries Oxigraph would otherwise
    get an arena of its own, whose freed memory no other thread reuses (85 MiB of the peak at
    N = 100,000). No effect off glibc."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(-8, 2)  # M_ARENA_MAX


def release() -> None:
    """Give the memory freed so far back to the system (glibc keeps it for reuse otherwise, and a
    later phase then peaks above it: 100 MiB at N = 100,000 after the focus graphs are dropped)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def leave(code: int) -> None:
    """End the process now, its output flushed: a big input's store and results are not freed
    object by object at exit (2 s at N = 100,000); the system takes the memory back at once."""
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or a reader gone: nothing more can reach it
            pass
    os._exit(code)


def is_big(files) -> bool:
    total = 0
    for f in files:
        try:
            total += Path(f).stat().st_size
        except OSError:
            pass
    return total >= BIG_BYTES and all(Path(f).suffix.lower() in _OX_FORMATS for f in files)


def load_oxigraph(files, *, bundled: bool = True):
    """An rdflib Dataset kept in Oxigraph (oxrdflib), union default graph, one named graph per
    file (all the graphs of a TriG or N-Quads file in it, as ``load(merge_graphs=True)``), filled
    by the same loader as ``ncts query`` (query.fill: one-line errors with file and line, the
    same input checks)."""
    from rdflib import Dataset

    from .load import bundled_files
    from .locate import warm
    from .namespaces import PREFIXES
    from .query import fill

    fewer_arenas()
    warm(files)  # a large file's line index, built while Oxigraph loads it (on the other core)
    ds = Dataset(store="Oxigraph", default_union=True)
    for prefix, iri in PREFIXES.items():
        ds.bind(prefix, iri, override=True)
    fill(ds.store._inner, [*(bundled_files() if bundled else []), *map(Path, files)], merge_graphs=True, memory=True)
    return ds
