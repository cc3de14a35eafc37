"""Every quote of the graph as a W3C Web Annotation (JSON-LD), for annotation tools and readers.

One ``Annotation`` per passage (a source document and a span of its text): its target is
the passage, a ``SpecificResource`` on the source document with a ``TextQuoteSelector``
(``exact`` the passage exactly as the source text has it, with ``prefix``/``suffix``)
and a ``TextPositionSelector`` (``start``/``end`` in code points of the source text file,
see :mod:`ncts_graph.anchors`); its bodies are the graph's resources that cite it
(``motivation`` identifying: the passage identifies what the resource is). The anchors
are those stored in the graph, checked against the source texts; a quote without one (a
user's file) is anchored on the fly. The document is an ``AnnotationCollection`` with
its one ``AnnotationPage`` embedded, under the official context
(``http://www.w3.org/ns/anno.jsonld``, a copy in ``ncts_graph/contexts/``).
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import NctsError

CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_FILE = Path(__file__).resolve().parent / "contexts" / "anno.jsonld"
BASE = "https://w3id.org/ncts-graph/"
COLLECTION = BASE + "annotations"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def anchor_id(start: int, end: int) -> str:
    """The fragment naming a passage on its source page (``/sources/DOC#q-START-END``) and
    the last step of its annotation's IRI: stable as long as the source text is."""
    return f"q-{start}-{end}"


def document_slug(iri: str) -> str:
    """The last path segment of a source document's IRI (``src:ncts-2022-2026`` -> ``ncts-2022-2026``)."""
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def passages(graph, sources_dir: Path | None = None) -> list[dict]:
    """Every quoted passage: {doc, file, start, end, exact (the source's own text), prefix,
    suffix, resources}, sorted by document and position. Raises NctsError when a stored
    anchor does not fit its source or a quote is not verbatim (run ``ncts quotes``)."""
    from .quotes import _quote_rows

    return passages_of(_quote_rows(graph), sources_dir)[0]


def passages_of(rows, sources_dir: Path | None = None, strict: bool = True) -> tuple[list[dict], list[tuple]]:
    """:func:`passages` from the rows of queries/system/quotes.rq (any engine), and the
    quotes left out as (source file, reason) (``strict=False``: a page shows the rest and
    says what it left out)."""
    from . import paths
    from .passages import CONTEXT, locate, mismatch, source_of

    sources_dir = Path(sources_dir or paths.sources_dir())
    if not sources_dir.is_dir():
        raise NctsError(f"{sources_dir}: source texts not found; the annotations quote them exactly. "
                        "Point at them with NCTS_SOURCES=DIR")
    found: dict[tuple, dict] = {}
    skipped: list[str] = []

    def refuse(message):
        if strict:
            raise NctsError(message)
        skipped.append((None if row.file is None else str(row.file), message))

    for row in rows:
        who = row.resource or row.quote
        if row.doc is None or row.file is None:
            refuse(f"{who}: a quote without a source document file; run `ncts quotes`")
            continue
        try:
            source = source_of(sources_dir, str(row.file))
        except NctsError as exc:
            refuse(str(exc))
            continue
        exact = str(row.exact)
        if row.start is not None:
            reason = mismatch(exact, source, row.start, row.end,
                              None if row.prefix is None else str(row.prefix),
                              None if row.suffix is None else str(row.suffix))
            if reason:
                refuse(f"{who}: {reason}; run `ncts quotes --anchor`")
                continue
            start, end = int(row.start), int(row.end)
        else:
            anchor = locate(exact, source)
            if anchor is None:
                refuse(f"{who}: quote not found verbatim in {row.file}; run `ncts quotes`")
                continue
            start, end = anchor.start, anchor.end
        key = (str(row.doc), start, end)
        entry = found.setdefault(key, {"doc": str(row.doc), "file": str(row.file), "start": start, "end": end,
                                       "exact": source.text[start:end],
                                       "prefix": source.text[max(0, start - CONTEXT):start],
                                       "suffix": source.text[end:end + CONTEXT], "resources": set()})
        if row.resource is not None:
            entry["resources"].add(str(row.resource))
    return [dict(v, resources=sorted(v["resources"])) for _, v in sorted(found.items())], skipped


def annotation(p: dict) -> dict:
    """One passage as a Web Annotation (JSON-LD, compacted with the official context)."""
    bodies = p["resources"]
    out = {"id": f"{BASE}annotation/{document_slug(p['doc'])}/{anchor_id(p['start'], p['end'])}",
           "type": "Annotation", "motivation": "identifying"}
    if bodies:
        out["body"] = bodies[0] if len(bodies) == 1 else bodies
    out["target"] = {
        "type": "SpecificResource",
        "source": {"id": p["doc"], "type": "Text", "format": "text/plain", "language": "nl"},
        "selector": [
            {"type": "TextQuoteSelector", "exact": p["exact"], "prefix": p["prefix"], "suffix": p["suffix"]},
            {"type": "TextPositionSelector", "start": p["start"], "end": p["end"]},
        ],
    }
    return out


def annotations(graph=None, sources_dir: Path | None = None) -> dict:
    """All quotes of ``graph`` (default: the bundled graph) as a W3C AnnotationCollection."""
    if graph is None:
        from .load import load

        graph = load()
    items = [annotation(p) for p in passages(graph, sources_dir)]
    return {"@context": CONTEXT_URL, "id": COLLECTION, "type": "AnnotationCollection",
            "label": "ncts-graph: the source passages every fact rests on", "total": len(items),
            "rights": LICENCE,
            "first": {"id": COLLECTION + "/page/1", "type": "AnnotationPage", "partOf": COLLECTION,
                      "startIndex": 0, "items": items}}


def write_annotations(graph, output: Path, sources_dir: Path | None = None) -> Path:
    """Write :func:`annotations` to ``output`` atomically (UTF-8 JSON-LD)."""
    from .build import atomic_write

    text = json.dumps(annotations(graph, sources_dir), ensure_ascii=False, indent=1) + "\n"
    atomic_write(Path(output), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return Path(output)
