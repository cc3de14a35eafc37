"""The query page of ``ncts serve`` (/): YASGUI's editor and result views, with the library's
questions as forms.

The page and its JavaScript are files (ncts_graph/web/), YASGUI comes from the npm package
(web/node_modules/@zazuko/yasgui in a checkout, ncts_graph/_bundled/web/yasgui in the wheel);
nothing is fetched from anywhere but this server. The JSON routes the page needs live here:
/queries (the library), /workbench/bind (a question's text with its parameters bound, the way
``ncts query`` binds them) and /workbench/labels (IRIs of the graph by their nl/en labels, for
the parameter fields). serve.py hands every GET it does not answer itself to :func:`handle`.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from . import frame, paths
from .errors import NctsError

WEB = Path(__file__).resolve().parent / "web"
#: our own files of the page: URL name -> (file, media type)
OWN = {"app.js": ("workbench.js", "text/javascript; charset=utf-8"),
       "app.css": ("workbench.css", "text/css; charset=utf-8")}
#: YASGUI's files: URL name -> (file in the package's build/ folder, media type)
YASGUI = {"yasgui.min.js": ("yasgui.min.js", "text/javascript; charset=utf-8"),
          "yasgui.min.css": ("yasgui.min.css", "text/css; charset=utf-8")}
JSON_TYPE = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
LANGS = ("nl", "en")
MISSING = ("the query page needs YASGUI, which is not installed: run `make js` (scripts/install-js.sh, "
           "npm ci in web/) and restart ncts serve; the endpoint at /sparql works without it")
_OWL, _RDF, _RDFS = "http://www.w3.org/2002/07/owl#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#"
KINDS = {"class": {_OWL + "Class", _RDFS + "Class"},
         "property": {_OWL + "ObjectProperty", _OWL + "DatatypeProperty", _OWL + "AnnotationProperty", _RDF + "Property"}}


def yasgui_dir() -> Path | None:
    """The folder holding yasgui.min.js (wheel copy, $NCTS_JS_DIR, then the checkout's node_modules)."""
    candidates = [paths.home() / "web" / "yasgui"]  # in the wheel (hatch_build.py)
    env = os.environ.get("NCTS_JS_DIR")
    if env:
        candidates += [Path(env) / "yasgui", Path(env) / "@zazuko" / "yasgui" / "build"]
    for web in (paths.home() / "web", Path(__file__).resolve().parent.parent / "web"):
        candidates.append(web / "node_modules" / "@zazuko" / "yasgui" / "build")
    return next((c for c in candidates if (c / "yasgui.min.js").is_file()), None)


def yasgui_version() -> str:
    folder = yasgui_dir()
    for meta in ((folder / "package.json", folder.parent / "package.json") if folder else ()):
        if meta.is_file():
            return json.loads(meta.read_text(encoding="utf-8")).get("version", "?")
    return "?"


def handle(handler, path: str, params: dict) -> bool:
    """Answer a GET for the page, its files or its JSON routes; False when ``path`` is not ours."""
    if path in ("/", "/index.html"):
        if yasgui_dir() is None:
            handler._send(500, TEXT, MISSING.encode())
            return True
        handler._send(200, "text/html; charset=utf-8", page(frame.choose_lang(params, handler.headers.get("Accept-Language"))))
        return True
    if path == "/queries":
        handler._send(200, JSON_TYPE, library_json())
        return True
    if not path.startswith("/workbench/"):
        return False
    name = path[len("/workbench/"):]
    if name in OWN:
        file, media = OWN[name]
        handler._send(200, media, (WEB / file).read_bytes())
    elif name in YASGUI:
        folder = yasgui_dir()
        if folder is None:
            handler._send(500, TEXT, MISSING.encode())
        else:
            file, media = YASGUI[name]
            handler._send(200, media, (folder / file).read_bytes())
    elif name == "bind":
        status, body = bind_question(handler.settings.store, params)
        handler._send(status, JSON_TYPE if status == 200 else TEXT, body)
    elif name == "labels":
        first = {k: v[0] for k, v in params.items() if v}
        limit = int(first["limit"]) if first.get("limit", "").isdigit() else 20
        found = labels(handler.settings.store).search(first.get("q", ""), first.get("lang", "en"), first.get("like"),
                                                      first.get("kind"), min(limit, 100))
        handler._send(200, JSON_TYPE, json.dumps({"results": found}, ensure_ascii=False).encode())
    else:
        handler._send(404, TEXT, f"no such page: {path}".encode())
    return True


def page(lang: str) -> bytes:
    """The query page in the frame, in ``lang`` (the browser may switch it: the frame's words in both)."""
    body = (WEB / "workbench.html").read_text(encoding="utf-8").replace("{{yasgui_version}}", yasgui_version())
    titles = {code: frame.word("query", code) for code in frame.LANGS}
    css = "".join(f'<link rel="stylesheet" href="/workbench/{name}">' for name in ("yasgui.min.css", "app.css"))
    return frame.page(titles[lang], body, lang, "query", kind="query", links=css, titles=titles,
                      switch={code: f"/?lang={code}" for code in frame.LANGS}).encode()


def _split(text: str) -> dict:
    """'Dutch | English' (the library's parameter descriptions) as {nl, en}."""
    nl, sep, en = text.partition(" | ")
    return {"nl": nl.strip(), "en": (en if sep else nl).strip()}


def library_json() -> bytes:
    """The library for the page: each question with its title, description and typed
    parameters per language, its text, and the text with the defaults bound (per language)."""
    from .library import bindings, library
    from .namespaces import PREFIXES
    from .sparql import bind_values

    items = []
    for q in library():
        bound = {lang: bind_values(q.text, bindings(q, {}, lang)) for lang in LANGS}
        items.append({"name": q.name, "title": {lang: q.title(lang) for lang in LANGS},
                      "description": {lang: q.description(lang) for lang in LANGS},
                      "params": [{"name": p.name, "type": p.type, "default": p.default, "choices": list(p.choices),
                                  "label": _split(p.description) if p.description else {"nl": p.name, "en": p.name}}
                                 for p in q.params],
                      "text": q.text, "bound": bound})
    return json.dumps({"prefixes": PREFIXES, "queries": items}, ensure_ascii=False).encode()


def bind_question(store, params: dict) -> tuple[int, bytes]:
    """(status, body) for /workbench/bind?name=Q&lang=L&p.NAME=VALUE: the question's text with
    its parameters bound as ``ncts query`` binds them (typed, escaped, IRIs checked against the
    graph with a "did you mean"), or 400 with the one-line error."""
    from .library import bindings, library
    from .query import check_iri_params
    from .sparql import bind_values

    first = {k: v[0] for k, v in params.items() if v}
    name, lang = first.get("name", ""), first.get("lang", "en")
    q = next((q for q in library() if q.name == name), None)  # library names only, never a path
    if q is None:
        return 400, f"unknown question {name!r}".encode()
    given = {k[2:]: v for k, v in first.items() if k.startswith("p.")}
    try:
        bound = bindings(q, given, lang if lang in LANGS else "en")
        check_iri_params(store, bound)
        text = with_prefixes(bind_values(_body(q.text), bound))
    except NctsError as err:
        return 400, " ".join(str(err).split()).encode()
    title = " ".join(q.title(lang if lang in LANGS else "en").split())
    return 200, json.dumps({"query": f"# {q.name}: {title}\n{text}"}, ensure_ascii=False).encode()


def _body(text: str) -> str:
    """The query without its header comments (title, description, parameters: the form shows them)."""
    lines = text.splitlines(keepends=True)
    head = 0
    while head < len(lines) and lines[head].startswith("#"):
        head += 1
    return "".join(lines[head:])


def with_prefixes(text: str) -> str:
    """The query with a PREFIX line for each project prefix it uses without declaring (the
    endpoint predeclares them; the editor's syntax check and a copy for another endpoint do
    not), after its leading comment lines."""
    import re

    from .bind import tokens
    from .namespaces import PREFIXES

    declared = set(re.findall(r"(?i)\bPREFIX\s+([\w.-]*):", text))
    used = []
    for kind, token in tokens(text):
        prefix = token.partition(":")[0]
        if kind == "pname" and prefix in PREFIXES and prefix not in declared and prefix not in used:
            used.append(prefix)
    if not used:
        return text
    lines = text.splitlines(keepends=True)
    head = 0
    while head < len(lines) and lines[head].lstrip().startswith("#"):
        head += 1
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in sorted(used))
    return "".join(lines[:head]) + prologue + "".join(lines[head:])


class Labels:
    """Every IRI of the graph with an rdfs:label or skos:prefLabel in nl or en, and its types:
    what a parameter field suggests as the user types (built once per store, on first use)."""

    def __init__(self, store):
        from .namespaces import compact

        union = {"use_default_graph_as_union": True}
        self.entries: dict[str, dict] = {}
        for row in store.query(
                "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label>|"
                "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(isIRI(?s) && LANG(?l) IN ('nl', 'en')) }",
                **union):
            iri = row["s"].value
            entry = self.entries.setdefault(iri, {"iri": iri, "curie": compact(iri), "label": {}, "types": set()})
            entry["label"].setdefault(row["l"].language, row["l"].value)
        for row in store.query("SELECT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?s) && isIRI(?t)) }", **union):
            if row["s"].value in self.entries:
                self.entries[row["s"].value]["types"].add(row["t"].value)

    def search(self, text: str, lang: str = "en", like: str | None = None, kind: str | None = None,
               limit: int = 20) -> list[dict]:
        """IRIs whose label (either language), prefixed name or IRI contains ``text``; with ``like``
        (an IRI or prefix:name, a parameter's default) only those sharing its project type, with
        ``kind`` (class, property) only the ontology's classes or properties (the editor's term
        completion). Matches at the start of a word before others, then by label."""
        from .library import _curie
        from .namespaces import NCTS, PREFIXES

        lang = lang if lang in LANGS else "en"
        needle = " ".join(text.lower().split())
        pool = list(self.entries.values())
        if like:
            model = self.entries.get(_curie(like, PREFIXES) or like.strip("<>"))
            if model is not None and model["types"]:
                wanted = {t for t in model["types"] if t.startswith(NCTS)} or model["types"]
                pool = [e for e in pool if e["types"] & wanted]
        if kind in KINDS:
            pool = [e for e in pool if e["types"] & KINDS[kind]]
        scored = []
        for e in pool:
            shown = e["label"].get(lang) or next(iter(e["label"].values()))
            hay = [shown.lower(), *(v.lower() for v in e["label"].values()), e["curie"].lower(), e["iri"].lower()]
            if needle and not any(needle in h for h in hay):
                continue
            rank = 0 if not needle or any(h.startswith(needle) or f" {needle}" in h for h in hay) else 1
            scored.append((rank, shown.lower(), e, shown))
        scored.sort(key=lambda s: (s[0], s[1]))
        return [{"iri": e["iri"], "curie": e["curie"], "label": shown,
                 "other": e["label"].get("nl" if lang == "en" else "en", "")} for _, _, e, shown in scored[:limit]]


_LABELS: dict[int, Labels] = {}
_LOCK = threading.Lock()


def labels(store) -> Labels:
    with _LOCK:
        if id(store) not in _LABELS:
            _LABELS[id(store)] = Labels(store)
        return _LABELS[id(store)]
