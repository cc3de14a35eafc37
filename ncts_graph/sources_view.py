"""The source documents in the browser (``ncts serve``): /sources lists them, /sources/DOC shows
the text with every quoted passage highlighted and linked to the resources that cite it.

DOC is the last segment of the document's IRI (``src:ncts-2022-2026`` -> ``/sources/ncts-2022-2026``);
each passage is ``<mark id="q-START-END">`` with the offsets of its oa:TextPositionSelector, so
a resource page links to the exact spot as ``/sources/DOC#q-START-END`` (the same name ends the
passage's Web Annotation IRI, see :mod:`ncts_graph.annotations`). Overlapping passages nest:
the text is cut at every passage boundary and each piece is wrapped in one mark per passage
covering it. Only documents the graph names (ncts:SourceDocument with ncts:sourceFile) are
served, from the sources folder only; the text is escaped and its line breaks kept.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from types import SimpleNamespace

from .annotations import anchor_id, document_slug, passages_of
from .errors import NctsError

BASE = "https://w3id.org/ncts-graph/"
TEXT = {
    "nl": {"title": "Brondocumenten", "intro": "De vijf openbare overheidsteksten waarop elk feit in de graaf rust. "
           "Elk geciteerd fragment is gemarkeerd en verwijst naar wat erop rust.",
           "passages": "geciteerde fragmenten", "publisher": "Uitgever", "date": "Datum", "file": "Tekstbestand",
           "attribution": "Naamsvermelding", "licence": "Licentie",
           "no_licence": "niet vermeld in de README van de bronnen; geciteerd met bronvermelding",
           "cited_by": "geciteerd door", "here": "link naar dit fragment",
           "left_out": "Niet getoond (anker klopt niet met de bron):",
           "how": "Gemarkeerd: een geciteerd fragment (overlappende fragmenten donkerder). Na elk fragment staan de "
                  "bronnen die het citeren. Posities tellen tekens van het tekstbestand zoals opgeslagen "
                  "(oa:TextPositionSelector)."},
    "en": {"title": "Source documents", "intro": "The five public government texts every fact in the graph rests on. "
           "Each quoted passage is highlighted and links to what rests on it.",
           "passages": "quoted passages", "publisher": "Publisher", "date": "Date", "file": "Text file",
           "attribution": "Attribution", "licence": "Licence",
           "no_licence": "not stated in the sources' README; quoted with attribution",
           "cited_by": "cited by", "here": "link to this passage",
           "left_out": "Not shown (anchor does not fit the source):",
           "how": "Highlighted: a quoted passage (overlapping passages darker). After each passage come the "
                  "resources that cite it. Positions count characters of the text file as stored "
                  "(oa:TextPositionSelector)."},
}


def _rows(store, name: str) -> list[SimpleNamespace]:
    from . import paths
    from .query import run_on_store
    from .sparql import read_rq

    result = run_on_store(store, read_rq(paths.queries_dir() / "system" / f"{name}.rq"), {})
    return [SimpleNamespace(**{v: row.get(v) for v in result.vars}) for row in result.records()]


def readme_table(sources_dir: Path) -> dict:
    """The sources README's table: file -> {what, date, publisher} (empty when there is none)."""
    try:
        text = (Path(sources_dir) / "README.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith(".txt"):
            out[cells[0]] = {"what": cells[1].replace("*", ""), "date": cells[2], "publisher": cells[3]}
    return out


def _pick(values: dict, lang: str) -> str:
    """A label in ``lang``, else Dutch, else any."""
    return values.get(lang) or values.get("nl") or next(iter(values.values()), "")


def documents(store, lang: str = "nl") -> dict:
    """slug -> {iri, file, title, date, publisher, label, definition} of every source document with a text file."""
    docs: dict = {}
    for r in _rows(store, "source-documents"):
        d = docs.setdefault(document_slug(str(r.doc)), {"iri": str(r.doc), "file": str(r.file), "title": {},
                                                         "label": {}, "definition": {}, "publisher": {}, "date": ""})
        for key, term in (("title", r.title), ("label", r.label), ("definition", r.definition),
                          ("publisher", r.publisherLabel)):
            if term is not None:
                d[key][getattr(term, "language", None) or "nl"] = str(term)
        if r.date is not None:
            d["date"] = str(r.date)
    return {slug: dict(d, title=_pick(d["title"], lang) or _pick(d["label"], lang), label=_pick(d["label"], lang),
                       definition=_pick(d["definition"], lang), publisher=_pick(d["publisher"], lang)) for slug, d in docs.items()}


def labels(store, lang: str) -> dict:
    found: dict = {}
    for r in _rows(store, "source-citers"):
        found.setdefault(str(r.resource), {})[getattr(r.label, "language", None) or "nl"] = str(r.label)
    return {iri: _pick(v, lang) for iri, v in found.items()}


def href(iri: str) -> str:
    """Where a graph resource lives on this server (its IRI's path, as w3id would resolve it)."""
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else iri


def render_text(text: str, spans: list[dict], names: dict, lang: str) -> str:
    """``text`` as escaped HTML with one <mark> per passage per piece; ids on each passage's first piece."""
    words = TEXT[lang]
    cuts = sorted({0, len(text), *(s["start"] for s in spans), *(s["end"] for s in spans)})
    order = sorted(spans, key=lambda s: (s["start"], -s["end"]))
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for s in order if s["start"] <= a and s["end"] >= b]
        for s in covering:
            name = anchor_id(s["start"], s["end"])
            cited = "; ".join(names.get(r, r) for r in s["resources"])
            ident = f' id="{name}"' if s["start"] == a else ""
            out.append(f'<mark class="q"{ident} data-q="{name}" title="{html.escape(words["cited_by"] + ": " + cited)}">')
        out.append(html.escape(text[a:b], quote=False))
        out.append("</mark>" * len(covering))
        for s in order:
            if s["end"] == b:
                name = anchor_id(s["start"], s["end"])
                links = " · ".join(f'<a class="cite" href="{html.escape(href(r))}" title="{html.escape(r)}">'
                                   f'{html.escape(names.get(r, r))}</a>' for r in s["resources"])
                out.append(f'<sup class="cites" data-q="{name}"><a href="#{name}" aria-label="{words["here"]}">#</a>'
                           f'{" " + links if links else ""}</sup>')
    return "".join(out)


def _page(title: str, body: str, lang: str, path: str) -> bytes:
    from . import frame

    return frame.page(title, f'<main id="main">{body}</main>', lang, "sources", kind="sources",
                      switch={code: f"{path}?lang={code}" for code in frame.LANGS}).encode()


def index_page(store, sources_dir: Path, lang: str = "nl") -> bytes:
    words, readme = TEXT[lang], readme_table(sources_dir)
    counts: dict = {}
    for p in passages_of(_rows(store, "quotes"), sources_dir, strict=False)[0]:
        counts[p["doc"]] = counts.get(p["doc"], 0) + 1
    items = []
    for slug, d in sorted(documents(store, lang).items(), key=lambda kv: kv[1]["file"]):
        info = readme.get(d["file"], {})
        items.append(
            f'<li><a href="/sources/{html.escape(slug)}?lang={lang}"><strong>{html.escape(d["title"])}</strong></a>'
            f' <span class="meta">({counts.get(d["iri"], 0)} {words["passages"]})</span>'
            f'<br>{html.escape(d["definition"] or info.get("what") or d["label"])}<dl>'
            f'<dt>{words["publisher"]}</dt><dd>{html.escape(d["publisher"] or info.get("publisher", ""))}</dd>'
            f'<dt>{words["date"]}</dt><dd>{html.escape(d["date"] or info.get("date", ""))}</dd>'
            f'<dt>{words["attribution"]}</dt><dd>{html.escape(info.get("publisher", d["publisher"]))}</dd>'
            f'<dt>{words["licence"]}</dt><dd>{words["no_licence"]}</dd>'
            f'<dt>{words["file"]}</dt><dd><code>{html.escape(d["file"])}</code></dd></dl></li>')
    body = f'<h1>{words["title"]}</h1><p>{words["intro"]}</p><ul>{"".join(items)}</ul>'
    return _page(words["title"], body, lang, "/sources")


def document_page(store, slug: str, sources_dir: Path, lang: str = "nl") -> bytes | None:
    """The page of one source document, or None when the graph names no such document."""
    from .passages import source_of

    words = TEXT[lang]
    doc = documents(store, lang).get(slug) if re.fullmatch(r"[A-Za-z0-9._-]{1,200}", slug) else None
    if doc is None:
        return None
    source = source_of(sources_dir, doc["file"])  # inside the sources folder only
    found, skipped = passages_of(_rows(store, "quotes"), sources_dir, strict=False)
    spans = [p for p in found if p["doc"] == doc["iri"]]
    mine = [reason for file, reason in skipped if file == doc["file"]]
    meta = " · ".join(html.escape(x) for x in (doc["publisher"], doc["date"]) if x)
    body = (f'<h1>{html.escape(doc["title"])}</h1><p class="meta">{meta} · <code>{html.escape(doc["file"])}</code> · '
            f'{len(spans)} {words["passages"]}</p><p>{words["how"]}</p>'
            + (f'<p>{words["left_out"]} {html.escape("; ".join(mine))}</p>' if mine else "")
            + f'<div class="text" lang="nl">{render_text(source.text, spans, labels(store, lang), lang)}</div>')
    return _page(doc["title"], body, lang, f"/sources/{slug}")


def respond(store, path: str, params: dict) -> tuple[int, str, bytes]:
    """(status, content type, body) for GET /sources and /sources/DOC (serve.py routes here)."""
    from . import paths

    lang = params.get("lang", ["nl"])[0]
    lang = lang if lang in TEXT else "nl"
    sources_dir = paths.sources_dir()
    if not Path(sources_dir).is_dir():
        return 404, "text/plain; charset=utf-8", (f"source texts not found ({sources_dir}); "
                                                  "start ncts serve with NCTS_SOURCES=DIR").encode()
    try:
        if path.rstrip("/") == "/sources":
            return 200, "text/html; charset=utf-8", index_page(store, sources_dir, lang)
        page = document_page(store, path[len("/sources/"):], sources_dir, lang)
    except NctsError as exc:
        return 500, "text/plain; charset=utf-8", str(exc).encode()
    if page is None:
        return 404, "text/plain; charset=utf-8", b"no such source document; /sources lists them"
    return 200, "text/html; charset=utf-8", page
