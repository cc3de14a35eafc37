"""A page for every resource: the graph as linked data for people and machines.

Every IRI under https://w3id.org/ncts-graph/ dereferences on ``ncts serve`` at the path
after that base (``…/measure/uitreisverbod`` → ``/measure/uitreisverbod``; ontology terms
``…/def#Measure`` → ``/def/Measure``), as HTML for people and as Turtle, JSON-LD or
N-Triples by ``Accept`` or by a ``.ttl`` / ``.jsonld`` / ``.nt`` suffix. ``/browse`` groups
the measures and shows the SKOS schemes as trees; ``/search`` finds labels in both
languages; ``/def`` documents the ontology with the SHACL shapes that apply.
:func:`write_site` writes the same pages as a static site with relative links.

Pages are plain server-rendered HTML (no JavaScript), rendered from an index of the
store's triples built once per store, so a page takes a few milliseconds.
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import re
import shutil
import tempfile
import threading
import unicodedata
import urllib.parse
from collections import defaultdict
from pathlib import Path

from . import frame
from .errors import NctsError
from .frame import choose_lang
from .namespaces import BASE, NCTS, PREFIXES, compact
from .protocol import weighted

LANGS = ("nl", "en")
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
OA = PREFIXES["oa"]
DCT = PREFIXES["dcterms"]
TIME = PREFIXES["time"]
SH = "http://www.w3.org/ns/shacl#"
TYPE, LABEL, DEFINITION = RDF + "type", RDFS + "label", SKOS + "definition"
LABEL_PROPS = (LABEL, SKOS + "prefLabel", DCT + "title")
TEXT_PROPS = {LABEL, SKOS + "prefLabel", SKOS + "altLabel", DEFINITION}  # shown in the labels table
CURATOR_PROPS = {NCTS + "curatorLegalBasis", NCTS + "curatorRestriction", NCTS + "partOfMeasure",
                 NCTS + "officialLevelName"}  # the curator's judgement, not the sources' (README)
STATED_PROPS = {NCTS + "statedLegalBasis", NCTS + "statedRestriction"}
NOTE_PROPS = {NCTS + "curatorNote", NCTS + "partOfMeasureNote"}
FLAG_PROPS = {NCTS + "curatorSupplied", NCTS + "identifiedByCurator"}
EVIDENCE = NCTS + "evidence"
ONTOLOGY = BASE + "def"  # the ontology's IRI; its terms are ONTOLOGY + "#Name"
RDF_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json"}
ACCEPT = {"text/html": "html", "application/xhtml+xml": "html", "text/turtle": ".ttl",
          "application/x-turtle": ".ttl", "application/n-triples": ".nt", "application/ld+json": ".jsonld",
          "application/json": ".jsonld"}
MAX_SEARCH = 200  # characters of a search query
MAX_INDEX = 5000  # entries of the A-Z list on the server (the static site lists all)

#: labels for the standard terms the graph uses but does not label itself (nl, en)
TERM_LABELS = {
    TYPE: ("type", "type"), LABEL: ("label", "label"), RDFS + "comment": ("toelichting", "comment"),
    RDFS + "seeAlso": ("zie ook", "see also"), RDFS + "subClassOf": ("subklasse van", "subclass of"),
    RDFS + "subPropertyOf": ("subeigenschap van", "subproperty of"), RDFS + "domain": ("domein", "domain"),
    RDFS + "range": ("bereik", "range"), DEFINITION: ("definitie", "definition"),
    SKOS + "altLabel": ("alternatief label", "alternative label"), SKOS + "prefLabel": ("voorkeurslabel", "preferred label"),
    SKOS + "broader": ("ruimer begrip", "broader concept"), SKOS + "narrower": ("enger begrip", "narrower concept"),
    SKOS + "inScheme": ("in schema", "in scheme"), SKOS + "hasTopConcept": ("topbegrip", "top concept"),
    SKOS + "topConceptOf": ("topbegrip van", "top concept of"), SKOS + "scopeNote": ("toepassing", "scope note"),
    SKOS + "notation": ("notatie", "notation"), DCT + "title": ("titel", "title"), DCT + "date": ("datum", "date"),
    DCT + "subject": ("onderwerp", "subject"), DCT + "description": ("beschrijving", "description"),
    DCT + "license": ("licentie", "licence"), DCT + "created": ("gemaakt", "created"),
    OA + "hasSource": ("bron", "source"), OA + "hasSelector": ("selector", "selector"),
    OA + "exact": ("letterlijke tekst", "exact text"), PREFIXES["org"] + "subOrganizationOf": ("onderdeel van", "part of"),
    PREFIXES["eli"] + "id_local": ("officiële identificatie", "official identifier"),
    TIME + "hasBeginning": ("begin", "beginning"), TIME + "hasEnd": ("einde", "end"), TIME + "inXSDDate": ("datum", "date"),
    OWL + "inverseOf": ("inverse van", "inverse of"), OWL + "versionIRI": ("versie-IRI", "version IRI"),
    OWL + "versionInfo": ("versie", "version"), OWL + "equivalentClass": ("equivalent met", "equivalent class"),
    OWL + "disjointWith": ("disjunct met", "disjoint with"),
}

#: user-facing text of the pages, (nl, en)
TEXT = {
    "index": ("Alle bronnen A-Z", "All resources A-Z"),
    "search_label": ("Zoek in de labels (Nederlands en Engels)", "Search the labels (Dutch and English)"),
    "labels": ("Labels en definities", "Labels and definitions"),
    "outgoing": ("Eigenschappen en verwijzingen", "Properties and links"),
    "incoming": ("Verwijzingen naar deze bron", "Links to this resource"),
    "property": ("Eigenschap", "Property"), "value": ("Waarde", "Value"), "from": ("Van", "From"),
    "quotes": ("Letterlijke citaten uit de bronnen", "Verbatim quotes from the sources"),
    "quotes_here": ("Citaten uit dit document", "Quotes from this document"),
    "cited_by": ("geciteerd bij", "cited for"),
    "read_in_source": ("lees op de plek in de bron", "read it in place in the source"),
    "document": ("Document", "Document"), "about_right": ("over grondrecht", "on the right"),
    "cite": ("Citeer dit", "Cite this"),
    "cite_how": ("Citeer het document en de passage, en ncts-graph (IRI en versie) als vindplaats:",
                 "Cite the document and the passage, and ncts-graph (IRI and version) as where you found it:"),
    "cite_none": ("Geen bronpassage: citeer ncts-graph zelf:", "No source passage: cite ncts-graph itself:"),
    "via": ("Via", "Via"),
    "curator": ("curator", "curator"), "stated": ("bron", "source"),
    "curator_title": ("Toegevoegd of beoordeeld door de curator; de bronnen zeggen dit niet zelf",
                      "Added or judged by the curator; the sources do not say this themselves"),
    "stated_title": ("Volgens de bron (met citaat)", "Stated in the source (with a quote)"),
    "curator_supplied": ("Door de curator toegevoegd: de bronnen noemen dit niet.",
                         "Curator-supplied: the sources do not name this."),
    "identified": ("Door de curator herleid: de bronnen noemen het instrument, niet deze rechtshandeling.",
                   "Identified by the curator: the sources name the instrument, not this legal act."),
    "notes": ("Notities van de curator", "Curator notes"),
    "legal": ("Wettelijke grondslag", "Legal basis"), "validity": ("Geldig", "Valid"),
    "from_date": ("vanaf", "from"), "until": ("tot", "until"), "register": ("officieel register", "official register"),
    "identifier": ("Identificatie", "Identifier"), "status": ("Status", "Status"),
    "data": ("Deze bron als data", "This resource as data"),
    "named_graph": ("Benoemde graaf", "Named graph"), "defines": ("Beschrijft", "Describes"),
    "graphs": ("Benoemde grafen (een per bestand)", "Named graphs (one per file)"),
    "types": ("Soort", "Kind"), "hierarchy": ("Plaats in het schema", "Place in the scheme"), "iri": ("IRI", "IRI"),
    "domain_of": ("Eigenschappen met dit domein", "Properties with this domain"),
    "range_of": ("Eigenschappen met dit bereik", "Properties with this range"),
    "shapes": ("SHACL-vormen die gelden", "SHACL shapes that apply"),
    "shape": ("Vorm", "Shape"), "path": ("Pad", "Path"), "constraints": ("Eisen", "Constraints"),
    "severity": ("Ernst", "Severity"), "message": ("Melding", "Message"),
    "classes": ("Klassen", "Classes"), "object_props": ("Objecteigenschappen", "Object properties"),
    "data_props": ("Data-eigenschappen", "Datatype properties"),
    "annotation_props": ("Annotatie-eigenschappen", "Annotation properties"),
    "browse_intro": ("Maatregelen gegroepeerd, en de begrippenschema's als boom.",
                     "Measures grouped, and the concept schemes as trees."),
    "measures_by": ("Maatregelen per", "Measures by"), "schemes": ("Begrippenschema's", "Concept schemes"),
    "kinds": ("Bronnen per soort", "Resources by kind"),
    "facet_pillar": ("pijler", "pillar"), "facet_threat": ("dreiging", "threat"), "facet_partner": ("partner", "partner"),
    "facet_legal-basis": ("wettelijke grondslag", "legal basis"), "facet_right": ("grondrecht", "fundamental right"),
    "no_results": ("Niets gevonden voor", "Nothing found for"), "results_for": ("Gevonden voor", "Found for"),
    "too_long": ("De zoekvraag is te lang (meer dan 200 tekens).", "The search is too long (over 200 characters)."),
    "not_found": ("Niet gevonden", "Not found"),
    "not_found_text": ("Deze IRI staat niet in de graaf:", "This IRI is not in the graph:"),
    "did_you_mean": ("Bedoelde u", "Did you mean"),
    "licence": ("Ontologie en data: CC BY 4.0. Elk feit met een letterlijk citaat uit zijn bron.",
                "Ontology and data: CC BY 4.0. Every fact with a verbatim quote from its source."),
    "role": ("rol", "role"), "measures": ("maatregelen", "measures"),
    "static_search": ("Zoeken kan op de server (ncts serve); hier staan alle labels, gebruik Zoeken in de browser.",
                      "Search runs on the server (ncts serve); here are all labels: use your browser's Find."),
}


def t(key: str, lang: str) -> str:
    """A word of the pages, or of the frame they share with the other pages (browse, search, ...)."""
    return TEXT[key][LANGS.index(lang)] if key in TEXT else frame.word(key, lang)


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def quote_anchor(quote, source: str, exact: str, position: tuple | None = None) -> str:
    """The HTML id of a quote, shared with the source-text pages (/sources/<doc>#<id>).

    A quote anchored in its source (oa:TextPositionSelector, computed by ``ncts quotes
    --anchor``) is ``q-START-END``, as on the source-text page (annotations.anchor_id). An
    unanchored quote (a user's file) gets an id from the quote node's IRI, or for a blank node,
    whose label changes on every load, from the source IRI and the exact text:
    ``"q-" + sha1(source IRI + "\\n" + oa:exact)[:12]``.
    """
    if position is not None:
        from .annotations import anchor_id

        return anchor_id(*position)
    key = quote if isinstance(quote, str) else f"{source}\n{exact}"
    return "q-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


# --- IRIs and local paths --------------------------------------------------------------------

def local_path(iri: str) -> str | None:
    """The local path (no leading slash) of a project IRI; None for other IRIs."""
    if iri.startswith(NCTS) and len(iri) > len(NCTS):
        return "def/" + iri[len(NCTS):]
    if iri.startswith(BASE) and len(iri) > len(BASE):
        return iri[len(BASE):]
    return None


def iri_candidates(path: str) -> list[str]:
    """The IRIs a local path may stand for (``def/X`` is ``def#X`` or ``def/X``)."""
    found = [BASE + path]
    if path.startswith("def/"):
        found.insert(0, NCTS + path[4:])
    return found


# --- the index of the store ------------------------------------------------------------------

class Index:
    """The store's triples by subject and by object, with labels, read through Oxigraph's own indexes
    as pages ask for them (and cached): the first page is as fast as the next, and a large store
    costs nothing until a page reads it. The served store is read-only."""

    def __init__(self, store, shapes: "Index | None" = None):
        self.store = store
        self.out = _Adjacency(self._subject_pairs)
        self.inc = _Adjacency(self._object_pairs)
        self.shapes = shapes
        self._labels: dict = {}
        self._resources = self._search = self._kinds = self._graphs = None
        meta = dict(self.out.get(ONTOLOGY, []))
        self.version = getattr(meta.get(OWL + "versionInfo"), "value", "")
        self.version_iri = meta.get(OWL + "versionIRI", "")

    def _subject_pairs(self, node) -> list:
        pairs = {(_from_ox(q.predicate), _from_ox(q.object))
                 for q in self.store.quads_for_pattern(_to_ox(node), None, None, None)}
        return sorted(pairs, key=lambda x: (x[0], _sort_key(x[1])))

    def _object_pairs(self, node) -> list:
        pairs = {(_from_ox(q.subject), _from_ox(q.predicate))
                 for q in self.store.quads_for_pattern(None, None, _to_ox(node), None)}
        return sorted(pairs, key=lambda x: (_sort_key(x[0]), x[1]))

    def _select(self, query: str) -> list:
        return [[_from_ox(row[i]) for i in range(len(row))]
                for row in self.store.query(query, use_default_graph_as_union=True)]

    @property
    def resources(self) -> list:
        """Every IRI under the project's base that the store mentions as subject or object, sorted."""
        if self._resources is None:
            found = self._select(f"SELECT DISTINCT ?r WHERE {{ {{ ?r ?p ?o }} UNION {{ ?s ?p ?r }} "
                                 f"FILTER(isIRI(?r) && STRSTARTS(STR(?r), \"{BASE}\")) }}")
            self._resources = sorted(r for (r,) in found if local_path(r))
        return self._resources

    def graphs(self) -> set:
        """The store's named graphs (one per bundled file)."""
        if self._graphs is None:
            self._graphs = {g.value for g in self.store.named_graphs() if hasattr(g, "value")}
        return self._graphs

    def exists(self, iri: str) -> bool:
        """True if the store mentions the IRI (False for text that is no valid IRI, e.g. from a URL's %20)."""
        try:
            return bool(self.out.get(iri)) or bool(self.inc.get(iri))
        except ValueError:
            return False

    def kinds(self) -> dict:
        """Project class -> number of project resources of that class."""
        if self._kinds is None:
            rows = self._select(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER(isIRI(?s) && "
                                f"STRSTARTS(STR(?s), \"{BASE}\") && STRSTARTS(STR(?c), \"{NCTS}\")) }} GROUP BY ?c")
            self._kinds = {c: int(n.value) for c, n in rows}
        return self._kinds

    def searchable(self) -> list:
        """(resource, folded text, label literal) for every label, title and alternative label."""
        if self._search is None:
            props = " ".join(f"<{p}>" for p in (*LABEL_PROPS, SKOS + "altLabel"))
            rows = self._select(f"SELECT ?s ?l WHERE {{ VALUES ?p {{ {props} }} ?s ?p ?l FILTER(isIRI(?s) && "
                                f"STRSTARTS(STR(?s), \"{BASE}\") && isLiteral(?l)) }}")
            self._search = sorted({(r, fold(lbl.value), lbl) for r, lbl in rows}, key=lambda x: (x[0], x[1]))
        return self._search

    def objects(self, s, p) -> list:
        return [o for q, o in self.out.get(s, ()) if q == p]

    def subjects(self, p, o) -> list:
        return [s for s, q in self.inc.get(o, ()) if q == p]

    def types(self, s) -> list:
        return self.objects(s, TYPE)

    def label(self, term, lang: str) -> str:
        """The label in ``lang`` (rdfs:label, then skos:prefLabel, then dcterms:title; an untagged one,
        then the other language's), else a built-in label of a standard term, else ``prefix:name``."""
        if isinstance(term, Lit):
            return term.value
        if isinstance(term, Blank):
            return "[…]"
        hit = self._labels.get((term, lang))
        if hit is None:
            best = None
            for p, o in self.out.get(term, ()):
                if p in LABEL_PROPS and isinstance(o, Lit):
                    score = (LABEL_PROPS.index(p), 0 if o.lang == lang else 1 if not o.lang else 2)
                    if best is None or score < best[0]:
                        best = (score, o.value)
            if best is not None:
                hit = best[1]
            elif term in TERM_LABELS:
                hit = TERM_LABELS[term][LANGS.index(lang)]
            else:
                hit = compact(term)
            self._labels[(term, lang)] = hit
        return hit

    def texts(self, s, p) -> list:
        return [o for o in self.objects(s, p) if isinstance(o, Lit)]

    def is_true(self, s, p) -> bool:
        return any(o.value in ("true", "1") for o in self.texts(s, p))

    def instances(self, cls) -> list:
        return [s for s in self.subjects(TYPE, cls) if isinstance(s, str)]


class _Adjacency:
    """A node's (predicate, other end) pairs, fetched from the store on first use and cached."""

    LIMIT = 200_000  # cached nodes; the cache starts afresh beyond it

    def __init__(self, fetch):
        self.fetch, self.cache = fetch, {}

    def get(self, key, default=()):
        hit = self.cache.get(key)
        if hit is None:
            if len(self.cache) > self.LIMIT:
                self.cache = {}
            hit = self.cache[key] = self.fetch(key)
        return hit or default

    def __getitem__(self, key):
        return self.get(key, [])


class Lit:
    """A literal (value, language, datatype) as the index keeps it."""

    __slots__ = ("value", "lang", "datatype")

    def __init__(self, value, lang=None, datatype=None):
        self.value, self.lang, self.datatype = value, lang, datatype

    def _key(self):
        return (self.value, self.lang or "", self.datatype or "")

    def __eq__(self, other):
        return isinstance(other, Lit) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())


class Blank:
    """A blank node (never a str, so ``isinstance(x, str)`` means an IRI throughout this module)."""

    __slots__ = ("id",)

    def __init__(self, ident: str):
        self.id = ident

    def __eq__(self, other):
        return isinstance(other, Blank) and self.id == other.id

    def __hash__(self):
        return hash(("_:", self.id))


def _sort_key(term):
    if isinstance(term, Lit):
        return (2, term.value, term.lang or "", term.datatype or "")
    if isinstance(term, Blank):
        return (1, term.id, "", "")
    return (0, term, "", "")


def _from_ox(term):
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return Blank(term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        return Lit(term.value, term.language, None if dt.endswith("#string") or dt.endswith("#langString") else dt)
    raise NctsError(f"cannot show RDF term {term!r}")


def _to_ox(term):
    import pyoxigraph as ox

    if isinstance(term, Lit):
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype)) if term.datatype else ox.Literal(term.value)
    if isinstance(term, Blank):
        return ox.BlankNode(term.id)
    return ox.NamedNode(term)


_INDEXES: dict = {}
_LOCK = threading.Lock()


def _shapes_index() -> Index:
    """The bundled SHACL shapes (shapes/*.ttl) in a store of their own, for the ontology pages."""
    import pyoxigraph as ox

    from . import paths

    cached = _INDEXES.get("shapes")
    if cached is None:
        store = ox.Store()
        for path in sorted((paths.home() / "shapes").glob("*.ttl")):
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        cached = _INDEXES["shapes"] = Index(store)
    return cached


def index_of(store) -> Index:
    """The page index of an Oxigraph store (one per store; nothing is read until a page asks)."""
    with _LOCK:
        cached = _INDEXES.get(id(store))
        if cached is not None and cached[0] is store:
            return cached[1]
        index = Index(store, _shapes_index())
        _INDEXES[id(store)] = (store, index)
        return index


# --- links: on the server (absolute paths) or in the static site (relative files) ---------------

class Links:
    """Where a page's links go. ``here`` is the current page's key (for relative static links)."""

    def __init__(self, lang: str, static: bool = False, here: str = "browse"):
        self.lang, self.static, self.here = lang, static, here

    def page(self, key: str, lang: str | None = None, fragment: str = "") -> str:
        lang = lang or self.lang
        frag = f"#{fragment}" if fragment else ""
        if not self.static:
            return "/" + urllib.parse.quote(key) + f"?lang={lang}" + frag
        return self._rel(f"{lang}/{key}.html") + frag

    def nav(self, key: str, lang: str) -> str | None:
        """The nav bar's link to ``key`` (frame.NAV); None in the static site for a server's page."""
        if not self.static:
            return frame.server_href(key, lang)
        return self.page(frame.STATIC[key], lang) if key in frame.STATIC else None

    def data(self, key: str, suffix: str) -> str:
        return "/" + urllib.parse.quote(key) + suffix if not self.static else self._rel(key + suffix)

    def _rel(self, target: str) -> str:
        start = posixpath.dirname(f"{self.lang}/{self.here}.html")
        return urllib.parse.quote(posixpath.relpath(target, start or "."))

    def term(self, iri: str) -> str | None:
        """A link for any IRI: the local page of a project IRI, an http(s) IRI itself, else None
        (an IRI such as ``javascript:…`` in a user's data is shown, never linked)."""
        key = local_path(iri)
        return self.page(key) if key is not None else iri if web_link(iri) else None


def web_link(text: str) -> bool:
    """True for an http(s) URL without spaces: the only external links a page makes."""
    return text.lower().startswith(("https://", "http://")) and not any(c.isspace() for c in text)


# --- HTML building blocks ----------------------------------------------------------------------

CSP_META = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'"
CSP = CSP_META + "; frame-ancestors 'none'"  # no script at all, on the server and in the static site


def section(ident: str, heading: str, inner: str, cls: str = "") -> str:
    """A labelled section: ``heading`` (HTML) is its h2 and its accessible name."""
    attr = f' class="{cls}"' if cls else ""
    return f'<section{attr} aria-labelledby="{ident}"><h2 id="{ident}">{heading}</h2>{inner}</section>'


def table(columns: list, rows: list) -> str:
    """A table with column headers (escaped text) over rows of ready HTML."""
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    return f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def badge(kind: str, lang: str) -> str:
    cls, key, title = ("cur", "curator", "curator_title") if kind == "curator" else ("src", "stated", "stated_title")
    return f' <span class="badge {cls}" title="{esc(t(title, lang))}">{esc(t(key, lang))}</span>'


#: how a definition or note says that a sentence is the curator's judgement (data/partners.ttl, the pillar files)
CURATOR_SENTENCE = re.compile(r"(?:(?<=^)|(?<=[.;:]\s)|(?<=\())\s*(?:naar het oordeel van de curator|in the curator[’']s judgement)"
                              r"[^.]*(?:\.|$)", re.I)


def lit_html(lit: Lit) -> str:
    """A literal as text (escaped); an http(s) URL as a link; sentences of the curator's judgement marked."""
    if web_link(lit.value):
        text = f'<a href="{esc(lit.value)}">{esc(lit.value)}</a>'
    else:
        text, last = [], 0
        for m in CURATOR_SENTENCE.finditer(lit.value):
            text.append(esc(lit.value[last:m.start()]))
            text.append(f'<span class="cur-text">{esc(m.group(0))}</span>')
            last = m.end()
        text = "".join(text) + esc(lit.value[last:])
    return f'<span lang="{esc(lit.lang)}">{text}</span>' if lit.lang else text


def page_html(title: str, body: str, links: Links, key: str, alternates: bool = False, query: str = "") -> str:
    """A page in the frame (frame.py): the search form in its header on the server, the
    alternate forms of the resource and its page in the other language in its head."""
    lang = links.lang
    search = "" if links.static else (
        f'<form class="search" role="search" action="/search" method="get"><label for="q">{esc(t("search_label", lang))}</label>'
        f'<input id="q" name="q" type="search" maxlength="{MAX_SEARCH}" value="{esc(query[:MAX_SEARCH])}"><input type="hidden" name="lang" value="{lang}">'
        f'<button type="submit">{esc(t("search", lang))}</button></form>')
    alt = "".join(f'<link rel="alternate" type="{m}" href="{esc(links.data(key, s))}">' for s, m in RDF_TYPES.items()) \
        if alternates else ""
    alt += "".join(f'<link rel="alternate" hreflang="{other}" href="{esc(links.page(key, other))}">'
                   for other in LANGS if other != lang)
    footer = (f'<footer><p>{badge("curator", lang)} {esc(t("curator_title", lang))}. '
              f'{badge("stated", lang)} {esc(t("stated_title", lang))}.</p><p>{esc(t("licence", lang))}</p></footer>')
    return frame.page(title, f'<main id="main">{body}</main>{footer}', lang, NAV_KEYS.get(key), kind="pages",
                      switch={other: links.page(key, other) for other in LANGS}, href=links.nav,
                      home=links.page("browse") if links.static else "/",
                      meta=f'<meta http-equiv="Content-Security-Policy" content="{CSP_META}">', links=alt,
                      extra=search) + "\n"


NAV_KEYS = {"browse": "browse", "def": "ontology", "search": "search"}  # page key -> the nav bar's entry


class Renderer:
    """Renders the pages of one index in one language with one kind of links."""

    def __init__(self, index: Index, links: Links):
        self.ix, self.links, self.lang = index, links, links.lang

    def label(self, term) -> str:
        return self.ix.label(term, self.lang)

    def a(self, iri: str) -> str:
        """A link to a resource, with its label (escaped)."""
        name, href = self.label(iri), self.links.term(iri)
        return f'<a href="{esc(href)}">{esc(name)}</a>' if href else f"<code>{esc(name)}</code>"

    def value(self, term, depth: int = 0, prop: str | None = None) -> str:
        if isinstance(term, Lit):
            return lit_html(term)
        if isinstance(term, Blank):
            return self.nested(term, depth)
        out = self.a(term)
        if prop in CURATOR_PROPS:
            out += badge("curator", self.lang)
        elif prop in STATED_PROPS:
            out += badge("stated", self.lang)
        return out + self.legal_summary(term)

    def legal_summary(self, iri: str) -> str:
        """Validity and register link beside a link to a legal basis."""
        bits = []
        span = self.validity(iri)
        if span:
            bits.append(f'{esc(t("validity", self.lang)).lower()} {span}')
        for reg in (r for r in self.ix.texts(iri, NCTS + "identifierSource") if web_link(r.value)):
            bits.append(f'<a href="{esc(reg.value)}">{esc(t("register", self.lang))}</a>')
        return f' <span class="muted">({"; ".join(bits)})</span>' if bits else ""

    def validity(self, iri: str) -> str:
        for interval in self.ix.objects(iri, NCTS + "validity"):
            dates = {}
            for edge, key in ((TIME + "hasBeginning", "from_date"), (TIME + "hasEnd", "until")):
                for instant in self.ix.objects(interval, edge):
                    for d in self.ix.objects(instant, TIME + "inXSDDate"):
                        dates[key] = d.value
            if dates:
                return " ".join(
                    f'{esc(t(k, self.lang))} <time datetime="{esc(v)}">{esc(v)}</time>' for k, v in dates.items())
        return ""

    def nested(self, node, depth: int) -> str:
        if depth > 4:
            return "[…]"
        pairs = self.ix.out.get(node, [])
        flag = badge("curator", self.lang) if any(p in FLAG_PROPS and o.value == "true" for p, o in pairs
                                                  if isinstance(o, Lit)) else ""
        shown = sorted((po for po in pairs if po[0] not in FLAG_PROPS and po[0] != TYPE),
                       key=lambda po: (po[0] in NOTE_PROPS, self.label(po[0]).lower()))
        parts = [f"<dt>{esc(self.label(p))}</dt><dd>{self.value(o, depth + 1, p)}</dd>" for p, o in shown]
        return f'{flag}<dl class="nested">{"".join(parts)}</dl>'

    # --- the resource page ----------------------------------------------------------------------
    def resource(self, iri: str) -> str:
        ix, lang, key = self.ix, self.lang, local_path(iri)
        types = [o for o in ix.types(iri) if isinstance(o, str)]
        head = (f'<h1>{esc(self.label(iri))}</h1><p class="iri">{esc(t("iri", lang))}: <code>{esc(iri)}</code></p>')
        if types:
            head += f'<p>{esc(t("types", lang))}: ' + ", ".join(self.a(c) for c in sorted(types)) + "</p>"
        head += self.hierarchy(iri)
        if ix.is_true(iri, NCTS + "curatorSupplied"):
            head += f'<p class="curator-box"><strong>{esc(t("curator_supplied", lang))}</strong></p>'
        if ix.is_true(iri, NCTS + "identifiedByCurator"):
            head += f'<p class="curator-box"><strong>{esc(t("identified", lang))}</strong></p>'
        sections = [head, self.texts_section(iri), self.notes_section(iri), self.legal_section(iri),
                    self.outgoing_section(iri), self.quotes_section(iri), self.document_quotes(iri),
                    self.ontology_section(iri), self.incoming_section(iri), self.cite_section(iri),
                    self.data_section(key)]
        return page_html(self.label(iri), "".join(sections), self.links, key, alternates=True)

    def hierarchy(self, iri: str) -> str:
        """A concept's place in its scheme, as Skosmos shows it: scheme › broader › … › this concept."""
        ix, chain, node = self.ix, [], iri
        while len(chain) < 12:
            broader = [b for b in ix.objects(node, SKOS + "broader") if isinstance(b, str)]
            if not broader or broader[0] in chain or broader[0] == iri:
                break
            node = broader[0]
            chain.insert(0, node)
        scheme = next((s for s in (*ix.objects(node, SKOS + "topConceptOf"), *ix.objects(iri, SKOS + "inScheme"))
                       if isinstance(s, str)), None)
        if scheme is None and not chain:
            return ""
        crumbs = ([f'<li><a href="{esc(self.links.page(scheme_key(scheme)))}">{esc(self.label(scheme))}</a></li>']
                  if scheme else []) + [f"<li>{self.a(c)}</li>" for c in chain]
        crumbs.append(f'<li aria-current="page">{esc(self.label(iri))}</li>')
        return f'<nav class="crumbs" aria-label="{esc(t("hierarchy", self.lang))}"><ol>{"".join(crumbs)}</ol></nav>'

    def texts_section(self, iri: str) -> str:
        rows = []
        for p in (LABEL, SKOS + "prefLabel", SKOS + "altLabel", DEFINITION):
            lits = sorted(ix_lits(self.ix, iri, p), key=lambda x: (x.lang != self.lang, x.lang or "", x.value))
            for lit in lits:
                rows.append(f'<tr><th scope="row">{esc(self.label(p))} <span class="muted">({esc(lit.lang or "-")})</span>'
                            f'</th><td>{lit_html(lit)}</td></tr>')
        if not rows:
            return ""
        return section("labels", esc(t("labels", self.lang)), f'<table><tbody>{"".join(rows)}</tbody></table>')

    def notes_section(self, iri: str) -> str:
        notes = [o for p in sorted(NOTE_PROPS) for o in self.ix.texts(iri, p)]
        if not notes:
            return ""
        items = "".join(f"<li>{lit_html(n)}</li>" for n in notes)
        heading = esc(t("notes", self.lang)) + badge("curator", self.lang)
        return section("notes", heading, f"<ul>{items}</ul>", cls="curator-box")

    def legal_section(self, iri: str) -> str:
        ix, lang = self.ix, self.lang
        ids = ix.texts(iri, PREFIXES["eli"] + "id_local")
        regs = [r for r in ix.texts(iri, NCTS + "identifierSource") if web_link(r.value)]
        span = self.validity(iri)
        status = ix.objects(iri, NCTS + "legalStatus")
        if not (ids or regs or span or status):
            return ""
        also = [o for o in ix.objects(iri, RDFS + "seeAlso") if isinstance(o, str) and web_link(o)
                and o not in {r.value for r in regs}]
        rows = []
        if ids:
            rows.append(f'<tr><th scope="row">{esc(t("identifier", lang))}</th><td>{", ".join(esc(i.value) for i in ids)}</td></tr>')
        if regs:
            rows.append(f'<tr><th scope="row">{esc(t("register", lang))}</th><td>'
                        + ", ".join(f'<a href="{esc(r.value)}">{esc(r.value)}</a>' for r in regs) + "</td></tr>")
        if status:
            rows.append(f'<tr><th scope="row">{esc(t("status", lang))}</th><td>{", ".join(self.a(s) for s in status)}</td></tr>')
        if span:
            rows.append(f'<tr><th scope="row">{esc(t("validity", lang))}</th><td>{span}</td></tr>')
        if also:
            rows.append(f'<tr><th scope="row">{esc(self.label(RDFS + "seeAlso"))}</th><td>'
                        + ", ".join(f'<a href="{esc(a)}">{esc(a)}</a>' for a in also) + "</td></tr>")
        return section("legal", esc(t("legal", lang)), f'<table><tbody>{"".join(rows)}</tbody></table>')

    def outgoing_section(self, iri: str) -> str:
        groups: dict = defaultdict(list)
        skip = TEXT_PROPS | NOTE_PROPS | FLAG_PROPS | {EVIDENCE, TYPE}
        for p, o in self.ix.out.get(iri, []):
            if p not in skip:
                groups[p].append(o)
        if not groups:
            return ""
        rows = []
        for p in sorted(groups, key=lambda x: self.label(x).lower()):
            values = sorted(groups[p], key=lambda o: (isinstance(o, Lit), self.label(o).lower()))
            cells = "".join(f"<li>{self.value(o, 0, p)}</li>" for o in values)
            rows.append(f'<tr><th scope="row">{self.a(p)}{badge("curator", self.lang) if p in CURATOR_PROPS else ""}'
                        f'</th><td><ul>{cells}</ul></td></tr>')
        columns = [t("property", self.lang), t("value", self.lang)]
        return section("out", esc(t("outgoing", self.lang)), table(columns, rows))

    def quote_parts(self, quote):
        """(source IRI, exact literal, anchor, subjects) of a quote node."""
        ix = self.ix
        source = next(iter(ix.objects(quote, OA + "hasSource")), None)
        exact = next((e for sel in ix.objects(quote, OA + "hasSelector") for e in ix.texts(sel, OA + "exact")), None)
        if source is None or exact is None:
            return None
        anchor = quote_anchor(None if isinstance(quote, Blank) else quote, source, exact.value, self.position(quote))
        return source, exact, anchor, ix.objects(quote, DCT + "subject")

    def position(self, quote) -> tuple | None:
        """(start, end) of the quote's oa:TextPositionSelector, or None when it has none."""
        for sel in self.ix.objects(quote, OA + "hasSelector"):
            start, end = self.ix.texts(sel, OA + "start"), self.ix.texts(sel, OA + "end")
            if start and end and start[0].value.isdigit() and end[0].value.isdigit():
                return int(start[0].value), int(end[0].value)
        return None

    @staticmethod
    def position_key(anchor: str) -> int:
        """Passages in the order of the text (q-START-END), unanchored ones last."""
        parts = anchor.split("-")
        return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 1 << 62

    def source_link(self, source: str, anchor: str) -> str:
        """Where a quote is read in place: the source-text page on the server, the document's page here."""
        if self.links.static:
            return self.links.page(local_path(source), fragment=anchor)
        doc = urllib.parse.quote(source.rsplit("/", 1)[-1])
        return f"/sources/{doc}?lang={self.lang}#{anchor}"

    def quotes_section(self, iri: str) -> str:
        quotes = [q for q in (self.quote_parts(q) for q in self.ix.objects(iri, EVIDENCE)) if q]
        if not quotes:
            return ""
        lang, items = self.lang, []
        for source, exact, anchor, subjects in sorted(quotes, key=lambda q: (q[0], q[1].value)):
            about = "".join(f' <span class="muted">{esc(t("about_right", lang))} {self.a(s)}</span>' for s in subjects)
            items.append(f'<li class="quote"><blockquote cite="{esc(source)}"><p lang="{esc(exact.lang or "nl")}">'
                         f'{esc(exact.value)}</p></blockquote><p>{esc(t("document", lang))}: {self.a(source)}{self.date(source)}'
                         f' · <a href="{esc(self.source_link(source, anchor))}">{esc(t("read_in_source", lang))}</a>{about}</p></li>')
        return section("quotes", esc(t("quotes", lang)) + badge("stated", lang), f'<ul>{"".join(items)}</ul>')

    def date(self, source: str) -> str:
        dates = self.ix.texts(source, DCT + "date")
        return f' <span class="muted">({esc(dates[0].value)})</span>' if dates else ""

    def document_quotes(self, iri: str) -> str:
        """On a source document's page: every quote from it, each with its anchor id."""
        if NCTS + "SourceDocument" not in self.ix.types(iri):
            return ""
        passages: dict = {}  # anchor -> (exact, citing resources): one item per passage, ids never repeat
        for quote in self.ix.subjects(OA + "hasSource", iri):
            parts = self.quote_parts(quote)
            if not parts:
                continue
            _, exact, anchor, _ = parts
            cited = passages.setdefault(anchor, (exact, []))[1]
            cited += [s for s in self.ix.subjects(EVIDENCE, quote) if isinstance(s, str) and s not in cited]
        if not passages:
            return ""
        items = [(self.position_key(anchor), exact.value,
                  f'<li id="{anchor}" class="quote"><blockquote><p lang="{esc(exact.lang or "nl")}">'
                  f'{esc(exact.value)}</p></blockquote><p>{esc(t("cited_by", self.lang))}: '
                  + ", ".join(self.a(s) for s in cited) + "</p></li>")
                 for anchor, (exact, cited) in passages.items()]
        listed = "".join(html_ for _, _, html_ in sorted(items))
        return section("docquotes", f'{esc(t("quotes_here", self.lang))} ({len(items)})', f"<ul>{listed}</ul>")

    def incoming_section(self, iri: str) -> str:
        groups: dict = defaultdict(list)
        for s, p in self.ix.inc.get(iri, []):
            if isinstance(s, Blank):
                if p == OA + "hasSource":
                    continue  # quotes: listed with their anchors on the document's page
                for root, up in self.ix.inc.get(s, []):
                    if isinstance(root, str):
                        groups[(up, p)].append((root, s))
            else:
                groups[(p,)].append((s, None))
        if not groups:
            return ""
        rows = []
        for path in sorted(groups, key=lambda ps: [self.label(x).lower() for x in ps]):
            names = " / ".join(self.a(p) for p in path)
            entries = []
            for s, via in sorted(set(groups[path]), key=lambda e: self.label(e[0]).lower()):
                extra = ""
                if via is not None:
                    extra = "".join(f' <span class="muted">({esc(self.label(q))}: {esc(self.label(o))})</span>'
                                    for q, o in self.ix.out.get(via, []) if q not in (TYPE, path[-1], *FLAG_PROPS, *NOTE_PROPS)
                                    and not isinstance(o, Blank))
                    if any(self.ix.is_true(via, f) for f in FLAG_PROPS):
                        extra += badge("curator", self.lang)
                mark = badge("curator", self.lang) if path[-1] in CURATOR_PROPS else \
                    badge("stated", self.lang) if path[-1] in STATED_PROPS else ""
                entries.append(f"<li>{self.a(s)}{mark}{extra}</li>")
            rows.append(f'<tr><th scope="row">{names}</th><td><ul>{"".join(entries)}</ul></td></tr>')
        columns = [t("property", self.lang), t("from", self.lang)]
        return section("in", esc(t("incoming", self.lang)), table(columns, rows))

    def cite_section(self, iri: str) -> str:
        lang, ix = self.lang, self.ix
        quotes = [q for q in (self.quote_parts(q) for q in ix.objects(iri, EVIDENCE)) if q]
        via = f'{esc(t("via", lang))} ncts-graph {esc(ix.version)} (<code>{esc(ix.version_iri)}</code>), <code>{esc(iri)}</code>.'
        if not quotes:
            body = f'<p>{esc(t("cite_none", lang))}</p><p>ncts-graph {esc(ix.version)}, <code>{esc(iri)}</code>.</p>'
        else:
            cites = []
            for source, exact, _, _ in sorted(quotes, key=lambda q: (q[0], q[1].value)):
                publisher = next(iter(ix.objects(source, NCTS + "publisher")), None)
                who = ""
                if publisher:
                    alt = [a for a in ix.texts(publisher, SKOS + "altLabel")]
                    who = esc(alt[0].value if alt else self.label(publisher)) + ", "
                title = next(iter(ix.texts(source, DCT + "title")), None)
                dates = ix.texts(source, DCT + "date")
                year = f" ({esc(dates[0].value[:4])})" if dates else ""
                cites.append(f'<p>{who}<cite>{esc(title.value if title else self.label(source))}</cite>{year}: '
                             f'<q lang="{esc(exact.lang or "nl")}">{esc(exact.value)}</q> {via}</p>')
            body = f'<p>{esc(t("cite_how", lang))}</p>' + "".join(cites)
        return section("cite", esc(t("cite", lang)), body, cls="cite")

    def data_section(self, key: str) -> str:
        links = " · ".join(f'<a href="{esc(self.links.data(key, s))}" type="{m}">{s[1:]}</a>'
                           for s, m in RDF_TYPES.items())
        return section("data", esc(t("data", self.lang)), f"<p>{links}</p>")

    # --- ontology documentation -----------------------------------------------------------------
    def ontology_section(self, iri: str) -> str:
        ix, lang = self.ix, self.lang
        types = set(ix.types(iri))
        parts = []
        if OWL + "Class" in types:
            for key, p in (("domain_of", RDFS + "domain"), ("range_of", RDFS + "range")):
                props = sorted(ix.subjects(p, iri), key=lambda x: self.label(x).lower())
                if props:
                    parts.append(f'<h3>{esc(t(key, lang))}</h3><ul>' + "".join(f"<li>{self.a(x)}</li>" for x in props) + "</ul>")
        shapes = self.shapes_for(iri, types)
        if shapes:
            parts.append(shapes)
        if iri == ONTOLOGY:
            parts.append(self.term_lists())
        if not parts:
            return ""
        return section("onto", esc(t("ontology", lang)), "".join(parts))

    def term_lists(self) -> str:
        ix, out = self.ix, []
        for key, cls in (("classes", OWL + "Class"), ("object_props", OWL + "ObjectProperty"),
                         ("data_props", OWL + "DatatypeProperty"), ("annotation_props", OWL + "AnnotationProperty")):
            terms = sorted((x for x in ix.instances(cls) if x.startswith(NCTS)), key=lambda x: self.label(x).lower())
            items = "".join(f'<li id="{esc(x[len(NCTS):])}">{self.a(x)} <code class="muted">{esc(compact(x))}</code></li>'
                            for x in terms)
            out.append(f"<h3>{esc(t(key, self.lang))} ({len(terms)})</h3><ul>{items}</ul>")
        return "".join(out)

    def shapes_for(self, iri: str, types: set) -> str:
        sx = self.ix.shapes
        if sx is None or not (types & {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty",
                                       OWL + "AnnotationProperty", RDF + "Property"}):
            return ""
        rows = []
        if OWL + "Class" in types:
            classes = self.superclasses(iri)
            for node in sorted({s for c in classes for s in sx.subjects(SH + "targetClass", c)}):
                for prop_shape in sx.objects(node, SH + "property"):
                    rows.append(self.shape_row(node, prop_shape))
        else:
            for prop_shape, _ in [(s, p) for s, p in sx.inc.get(iri, []) if p == SH + "path"] + self.alt_paths(iri):
                for node in sx.subjects(SH + "property", prop_shape):
                    rows.append(self.shape_row(node, prop_shape))
        if not rows:
            return ""
        lang = self.lang
        columns = [t(k, lang) for k in ("shape", "path", "constraints", "severity", "message")]
        return f'<h3>{esc(t("shapes", lang))}</h3>' + table(columns, rows)

    def superclasses(self, iri: str) -> list:
        seen, todo = [], [iri]
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.append(c)
                todo.extend(x for x in self.ix.objects(c, RDFS + "subClassOf") if isinstance(x, str))
        return seen

    def alt_paths(self, iri: str) -> list:
        """Property shapes whose path is an sh:alternativePath list naming the property."""
        sx, found = self.ix.shapes, []
        for cell in sx.subjects(RDF + "first", iri):
            head = cell
            while True:
                prev = sx.subjects(RDF + "rest", head)
                if not prev:
                    break
                head = prev[0]
            for alt in sx.subjects(SH + "alternativePath", head):
                found.extend((s, None) for s in sx.subjects(SH + "path", alt))
        return found

    def path_text(self, path) -> str:
        sx = self.ix.shapes
        if isinstance(path, Blank):
            for lst in sx.objects(path, SH + "alternativePath"):
                items, cell = [], lst
                while cell and cell != RDF + "nil":
                    items += sx.objects(cell, RDF + "first")
                    cell = next(iter(sx.objects(cell, RDF + "rest")), None)
                return " | ".join(self.a(i) if isinstance(i, str) else "…" for i in items)
            for inv in sx.objects(path, SH + "inversePath"):
                return "^" + self.a(inv)
            return "…"
        return self.a(path)

    def shape_row(self, node, prop_shape) -> str:
        sx, lang = self.ix.shapes, self.lang
        name = self.label(node) if not isinstance(node, Blank) else "…"
        own = {lbl.value for lbl in sx.texts(node, LABEL) if lbl.lang == lang}
        name = next(iter(own), compact(node) if isinstance(node, str) else name)
        path = next(iter(sx.objects(prop_shape, SH + "path")), None)
        cons = []
        for p, o in sx.out.get(prop_shape, []):
            if p.startswith(SH) and p not in (SH + "path", SH + "message", SH + "severity", SH + "name", SH + "description"):
                shown = esc(o.value) if isinstance(o, Lit) else self.a(o) if isinstance(o, str) else "[…]"
                cons.append(f"<code>sh:{esc(p[len(SH):])}</code> {shown}")
        severity = next((o[len(SH):] for o in sx.objects(prop_shape, SH + "severity") if isinstance(o, str)
                         and o.startswith(SH)), "Violation")
        msgs = [m for m in sx.texts(prop_shape, SH + "message") if m.lang == lang] or sx.texts(prop_shape, SH + "message")
        return (f"<tr><td>{esc(name)}</td><td>{self.path_text(path) if path is not None else ''}</td>"
                f"<td>{'<br>'.join(cons)}</td><td>{esc(severity)}</td>"
                f"<td>{lit_html(msgs[0]) if msgs else ''}</td></tr>")

    def named_graph(self, name: str) -> str:
        """A named graph (one file of the data): what it defines, and its triples as data."""
        import pyoxigraph as ox

        lang, key = self.lang, local_path(name)
        subjects = sorted({q.subject.value for q in self.ix.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
                           if isinstance(q.subject, ox.NamedNode)}, key=lambda x: self.label(x).lower())
        items = "".join(f'<li>{self.a(x)} <code class="muted">{esc(compact(x))}</code></li>' for x in subjects)
        body = (f'<h1>{esc(t("named_graph", lang))}: {esc(key[len("graph/"):])}</h1><p class="iri">{esc(t("iri", lang))}: '
                f'<code>{esc(name)}</code></p><section aria-labelledby="defines"><h2 id="defines">'
                f'{esc(t("defines", lang))} ({len(subjects)})</h2><ul>{items}</ul></section>{self.data_section(key)}')
        return page_html(f'{t("named_graph", lang)} {key}', body, self.links, key, alternates=True)

    # --- browse and search ----------------------------------------------------------------------
    def browse(self) -> str:
        ix, lang = self.ix, self.lang
        facets = "".join(f'<li><a href="{esc(self.links.page("browse/" + f))}">{esc(t("measures_by", lang))} '
                         f'{esc(t("facet_" + f, lang))}</a></li>' for f in FACETS)
        schemes = "".join(f'<li><a href="{esc(self.links.page(scheme_key(s)))}">{esc(self.label(s))}</a></li>'
                          for s in self.schemes())
        kinds = ix.kinds()
        kind_items = "".join(f"<li>{self.a(c)} ({n})</li>" for c, n in sorted(kinds.items(), key=lambda x: self.label(x[0]).lower()))
        body = (f'<h1>{esc(t("browse", lang))}</h1><p>{esc(t("browse_intro", lang))}</p>'
                + section("facets", f'{esc(t("measures_by", lang))} …', f"<ul>{facets}</ul>")
                + section("schemes", esc(t("schemes", lang)), f"<ul>{schemes}</ul>")
                + section("kinds", esc(t("kinds", lang)), f"<ul>{kind_items}</ul>")
                + section("graphs", esc(t("graphs", lang)), "<ul>" + "".join(
                    f'<li><a href="{esc(self.links.page(local_path(g)))}">{esc(local_path(g)[6:])}</a></li>'
                    for g in sorted(ix.graphs()) if g.startswith(BASE + "graph/")) + "</ul>"))
        return page_html(t("browse", lang), body, self.links, "browse")

    def facet(self, name: str) -> str:
        ix, lang = self.ix, self.lang
        groups: dict = defaultdict(list)
        for m in ix.instances(NCTS + "Measure"):
            for path in FACETS[name]:
                for target, via in follow(ix, m, path):
                    mark = ""
                    if path[-1] in CURATOR_PROPS or (via is not None and ix.is_true(via, NCTS + "curatorSupplied")):
                        mark = badge("curator", lang)
                    elif path[-1] in STATED_PROPS:
                        mark = badge("stated", lang)
                    role = "".join(f' <span class="muted">({esc(t("role", lang))}: {esc(self.label(r))})</span>'
                                   for r in (ix.objects(via, NCTS + "role") if via is not None else []))
                    groups[target].append((self.label(m).lower(), f"<li>{self.a(m)}{mark}{role}</li>"))
        sections = []
        for target in sorted(groups, key=lambda x: self.label(x).lower()):
            ident = "g-" + hashlib.sha1(str(target).encode()).hexdigest()[:10]
            items = "".join(h for _, h in sorted(groups[target]))
            sections.append(f'<section aria-labelledby="{ident}"><h2 id="{ident}">{self.a(target)} '
                            f'<span class="muted">({len(groups[target])} {esc(t("measures", lang))})</span></h2><ul>{items}</ul></section>')
        title = f'{t("measures_by", lang)} {t("facet_" + name, lang)}'
        return page_html(title, f"<h1>{esc(title)}</h1>{''.join(sections)}", self.links, "browse/" + name)

    def schemes(self) -> list:
        return sorted(self.ix.instances(SKOS + "ConceptScheme"), key=lambda s: self.label(s).lower())

    def scheme_tree(self, scheme: str) -> str:
        ix = self.ix
        members = set(ix.subjects(SKOS + "inScheme", scheme)) | set(ix.subjects(SKOS + "topConceptOf", scheme)) \
            | set(ix.objects(scheme, SKOS + "hasTopConcept"))
        members = {m for m in members if isinstance(m, str)}
        children: dict = defaultdict(set)
        for m in members:
            for b in ix.objects(m, SKOS + "broader"):
                children[b].add(m)
            for n in ix.objects(m, SKOS + "narrower"):
                children[m].add(n)
        tops = set(ix.objects(scheme, SKOS + "hasTopConcept")) | set(ix.subjects(SKOS + "topConceptOf", scheme))
        tops |= {m for m in members if not any(b in members for b in ix.objects(m, SKOS + "broader"))}
        tops -= {c for cs in children.values() for c in cs if c in members} - (
            set(ix.objects(scheme, SKOS + "hasTopConcept")) | set(ix.subjects(SKOS + "topConceptOf", scheme)))

        def branch(nodes, seen) -> str:
            items = []
            for n in sorted(nodes, key=lambda x: self.label(x).lower()):
                sub = branch(children.get(n, ()), seen | {n}) if n not in seen else ""
                items.append(f"<li>{self.a(n)}{sub}</li>")
            return f"<ul>{''.join(items)}</ul>" if items else ""

        title = self.label(scheme)
        definition = [d for d in ix.texts(scheme, DEFINITION) if d.lang == self.lang]
        body = (f'<h1>{esc(title)}</h1><p>{self.a(scheme)}</p>'
                + (f"<p>{lit_html(definition[0])}</p>" if definition else "")
                + f'<nav aria-label="{esc(title)}" class="tree-nav"><ul class="tree">{branch(tops, set())[4:-5]}</ul></nav>')
        return page_html(title, body, self.links, scheme_key(scheme))

    def search(self, query: str | None) -> str:
        lang = self.lang
        title = t("index" if self.links.static else "search", lang)
        body = f"<h1>{esc(title)}</h1>"
        if self.links.static:
            body += f"<p>{esc(t('static_search', lang))}</p>"
        if query is not None and not self.links.static:
            if len(query) > MAX_SEARCH:
                body += f'<p role="alert">{esc(t("too_long", lang))}</p>'
            elif query.strip():
                hits = search(self.ix, query)
                head = t("results_for" if hits else "no_results", lang)
                body += (f'<h2 id="results">{esc(head)} “{esc(query)}” ({len(hits)})</h2><ul>'
                         + "".join(self.index_entry(r, matched) for r, matched in hits) + "</ul>")
                return page_html(title, body, self.links, "search", query=query)
        entries = sorted(self.ix.resources, key=lambda r: fold(self.label(r)))
        shown = entries if self.links.static else entries[:MAX_INDEX]  # the server's page stays small
        body += f'<h2 id="all">{esc(t("index", lang))} ({len(entries)})</h2><ul>' + "".join(
            self.index_entry(r, None) for r in shown) + "</ul>"
        if len(shown) < len(entries):
            body += f"<p>… {len(entries) - len(shown)}</p>"
        return page_html(title, body, self.links, "search")

    def index_entry(self, iri: str, matched) -> str:
        kinds = ", ".join(esc(self.label(c)) for c in self.ix.types(iri) if isinstance(c, str) and c.startswith(NCTS))
        other = self.ix.label(iri, "en" if self.lang == "nl" else "nl")
        extra = f' / <span lang="{"en" if self.lang == "nl" else "nl"}">{esc(other)}</span>' if other != self.label(iri) else ""
        found = f' <span class="muted">“{lit_html(matched)}”</span>' if matched is not None and matched.value not in (
            self.label(iri), other) else ""
        return f'<li>{self.a(iri)}{extra}{found} <span class="muted">{kinds}</span></li>'

    def ix_iri(self, key: str) -> str:
        return next(i for i in iri_candidates(key) if local_path(i) == key and self.ix.exists(i))

    def not_found(self, path: str) -> str:
        lang = self.lang
        iri = iri_candidates(path)[-1]
        import difflib

        section = path.split("/", 1)[0] + "/"
        paths = [local_path(r) for r in self.ix.resources if local_path(r).startswith(section)] or \
            [local_path(r) for r in self.ix.resources]
        near = [self.ix_iri(k) for k in difflib.get_close_matches(path, paths, n=3, cutoff=0)]
        body = (f'<h1>{esc(t("not_found", lang))}</h1><p>{esc(t("not_found_text", lang))} <code>{esc(iri)}</code></p>'
                f'<p>{esc(t("did_you_mean", lang))}</p><ul>' + "".join(f"<li>{self.a(r)}</li>" for r in near) + "</ul>")
        return page_html(t("not_found", lang), body, self.links, "browse")


def ix_lits(ix: Index, s, p) -> list:
    return ix.texts(s, p)


FACETS = {  # facet -> property paths from a measure to the grouping resource
    "pillar": [(NCTS + "pillar",)],
    "threat": [(NCTS + "addressesThreat",)],
    "partner": [(NCTS + "involvement", NCTS + "partner")],
    "legal-basis": [(NCTS + "statedLegalBasis",), (NCTS + "curatorLegalBasis",), (NCTS + "legalBasis",)],
    "right": [(NCTS + "statedRestriction",), (NCTS + "curatorRestriction",), (NCTS + "restrictsRight",)],
}


def follow(ix: Index, node, path) -> list:
    """(target, last blank node on the way) for each end of a property path from node."""
    ends = [(node, None)]
    for p in path:
        ends = [(o, n if isinstance(n, Blank) else via) for n, via in ends for o in ix.objects(n, p)]
    return [(o, via) for o, via in ends if isinstance(o, str)]


def scheme_key(scheme: str) -> str:
    return "browse/scheme/" + scheme.rstrip("/").rsplit("/", 1)[-1]


def fold(text: str) -> str:
    """Lower case without accents, for search and sorting (``Rechtsstaat`` ~ ``rechtsstaat``, é ~ e)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def search(ix: Index, query: str) -> list:
    """(resource, matching label) for every resource whose label (nl or en, alternative labels too)
    contains every word of the query, accents and case ignored; labels starting with it first."""
    words = fold(query).split()
    phrase, best = " ".join(words), {}
    for r, folded, lbl in ix.searchable():
        if all(w in folded for w in words):
            rank = (not folded.startswith(phrase), lbl.lang != "nl")
            if r not in best or rank < best[r][0]:
                best[r] = (rank, lbl)
    return [(r, m) for r, (_, m) in sorted(best.items(), key=lambda h: (h[1][0][0], fold(ix.label(h[0], "en"))))]


# --- RDF of one resource -------------------------------------------------------------------------

def description(ix: Index, iri: str) -> list:
    """The resource's concise bounded description: its triples, and those of blank nodes it reaches."""
    out, todo, seen = [], [iri], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in ix.out.get(node, []):
            out.append((node, p, o))
            if isinstance(o, Blank):
                todo.append(o)
    return out


def rdf_bytes(ix: Index, iri: str, suffix: str) -> bytes:
    """The resource's description in an RDF syntax. The ontology IRI gives the whole ontology (every
    ``def#`` term with it), as a hash IRI's document does when w3id redirects ``…/def``."""
    import pyoxigraph as ox

    described = description(ix, iri)
    if iri == ONTOLOGY:
        described += [t for term in ix.resources if term.startswith(NCTS) for t in description(ix, term)]
    return serialise([ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in described], suffix)


def graph_bytes(ix: Index, name: str, suffix: str) -> bytes:
    """The triples of one named graph (one file of the bundled data: ``…/graph/data/partners``)."""
    import pyoxigraph as ox

    quads = ix.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
    return serialise([ox.Triple(q.subject, q.predicate, q.object) for q in quads], suffix)


def serialise(triples: list, suffix: str) -> bytes:
    """Oxigraph's serialisers; Turtle with the project's prefixes that the triples use."""
    import pyoxigraph as ox

    fmt = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD}[suffix]
    prefixes = None
    if suffix == ".ttl":
        used = {x.value for tr in triples for x in (tr.subject, tr.predicate, tr.object) if isinstance(x, ox.NamedNode)}
        prefixes = {p: ns for p, ns in PREFIXES.items() if any(v.startswith(ns) for v in used)}
    return ox.serialize(triples, format=fmt, prefixes=prefixes)


# --- one page or data file by its key (the path without the leading slash), on the server and in the site ---

def key_iri(ix: Index, key: str) -> str | None:
    """The resource (or named graph) a page key stands for, if the store has it."""
    if key.startswith("graph/"):
        return BASE + key if BASE + key in ix.graphs() else None
    return next((i for i in iri_candidates(key) if local_path(i) == key and ix.exists(i)), None)


def render_page(r: "Renderer", key: str, query: str | None = None) -> str | None:
    """The HTML of the page ``key``, or None if there is no such page."""
    if key == "browse":
        return r.browse()
    if key.startswith("browse/") and key[7:] in FACETS:
        return r.facet(key[7:])
    if key.startswith("browse/scheme/"):
        scheme = next((s for s in r.schemes() if scheme_key(s) == key), None)
        return r.scheme_tree(scheme) if scheme else None
    if key == "search":
        return r.search(query)
    iri = key_iri(r.ix, key)
    if iri is None:
        return None
    return r.named_graph(iri) if key.startswith("graph/") else r.resource(iri)


def data_of(ix: Index, key: str, suffix: str) -> bytes | None:
    """The RDF of the resource or named graph ``key`` in the syntax of ``suffix``, or None."""
    iri = key_iri(ix, key)
    if iri is None:
        return None
    return graph_bytes(ix, iri, suffix) if key.startswith("graph/") else rdf_bytes(ix, iri, suffix)


# --- HTTP: what ncts serve answers -------------------------------------------------------------------

def choose_format(accept: str | None) -> str:
    """'html' or an RDF suffix, from the Accept header (q-values honoured; HTML when in doubt)."""
    return next((ACCEPT[media] for _, _, media in weighted(accept) if media in ACCEPT), "html")


def handles(path: str) -> bool:
    """True for the paths the pages answer: /browse…, /search, /def…, and the resource namespaces."""
    first = path.strip("/").split("/", 1)[0]
    return first in ROUTED or first.rsplit(".", 1)[0] in ROUTED  # /def.ttl


ROUTED = {"browse", "search", "def", "graph"} | {ns[len(BASE):].strip("/").split("/")[0] for ns in PREFIXES.values()
                                         if ns.startswith(BASE) and ns != NCTS}


def respond(store, path: str, params: dict, headers, max_bytes: int = 10_000_000):
    """(status, content type, body, headers) for a page request, or None if the path is not a page's."""
    if not handles(path):
        return None
    ix = index_of(store)
    lang = choose_lang(params, headers.get("Accept-Language"))
    key = urllib.parse.unquote(path).strip("/")
    vary = {"Vary": "Accept, Accept-Language", "Content-Language": lang}
    suffix = next((s for s in (*RDF_TYPES, ".html") if key.endswith(s)), None)
    fmt = choose_format(headers.get("Accept"))
    if suffix:
        key, fmt = key[: -len(suffix)], ("html" if suffix == ".html" else suffix)
    status, ctype, extra = 200, "text/html; charset=utf-8", {}
    r = Renderer(ix, Links(lang))
    if fmt != "html":
        data = data_of(ix, key, fmt)
        if data is not None:
            return 200, f"{RDF_TYPES[fmt]}; charset=utf-8", data, {"Vary": "Accept"}
    # HTML: asked for, or the only form of the page (/browse asked for as Turtle); a .ttl suffix is never HTML
    body = None if suffix in RDF_TYPES else render_page(r, key, (params.get("q") or [None])[0])
    if body is not None and key_iri(ix, key):
        extra = {"Link": ", ".join(f'</{urllib.parse.quote(key)}{s}>; rel="alternate"; type="{m}"'
                                   for s, m in RDF_TYPES.items())}
    if body is None:
        status, body = 404, r.not_found(key)
    data = body.encode("utf-8")
    if len(data) > max_bytes:
        return 413, "text/plain; charset=utf-8", b"the page is larger than the server's byte limit (--max-bytes)", {}
    return status, ctype, data, {**vary, **extra, "Content-Security-Policy": CSP}


# --- the static site ---------------------------------------------------------------------------------

MARKER = ".ncts-docs"  # in a written site: lets a later run replace it (and nothing else)


def site_pages(ix: Index) -> list[str]:
    """Keys of every page of the site (resources, browse, facets, schemes, search/index)."""
    r = Renderer(ix, Links("nl"))
    return (["browse", "search"] + [f"browse/{f}" for f in FACETS] + [scheme_key(s) for s in r.schemes()]
            + [local_path(i) for i in ix.resources] + data_keys(ix, graphs_only=True))


def data_keys(ix: Index, graphs_only: bool = False) -> list[str]:
    """Keys of every page with data files: the named graphs (and the resources)."""
    graphs = [local_path(g) for g in sorted(ix.graphs()) if g.startswith(BASE + "graph/")]
    return graphs if graphs_only else [local_path(i) for i in ix.resources] + graphs


def write_site(out_dir, store=None) -> dict:
    """Write every resource page (nl and en), the browse pages and the ontology documentation as a
    static site with relative links, plus each resource as .ttl, .nt and .jsonld; atomically
    (a temporary folder renamed into place). Returns counts of what was written."""
    from .query import oxigraph_store

    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MARKER).exists())):
        raise NctsError(f"{out_dir}: exists and is not a site written by `ncts docs`; choose another folder")
    ix = index_of(store if store is not None else oxigraph_store())
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    counts = {"pages": 0, "data": 0}
    try:
        for lang in LANGS:
            for key in site_pages(ix):
                page = render_page(Renderer(ix, Links(lang, static=True, here=key)), key)
                _write(tmp / lang / f"{key}.html", page.encode("utf-8"))
                counts["pages"] += 1
        for key in data_keys(ix):
            for suffix in RDF_TYPES:
                _write(tmp / f"{key}{suffix}", data_of(ix, key, suffix))
                counts["data"] += 1
        _write(tmp / "index.html", _home().encode("utf-8"))
        (tmp / MARKER).write_text("written by `ncts docs`; the whole folder is replaced on the next run\n")
        os.chmod(tmp, 0o755)
        old = None
        if out_dir.exists():
            old = parent / f".{out_dir.name}.old-{os.getpid()}"
            os.rename(out_dir, old)
        os.rename(tmp, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return counts


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _home() -> str:
    """The static site's index.html: its two languages, in the frame (nav links into the English pages)."""
    body = ('<main id="main"><h1>ncts-graph</h1><ul>'
            '<li><a href="nl/browse.html" hreflang="nl" lang="nl">Nederlands: bladeren</a></li>'
            '<li><a href="en/browse.html" hreflang="en">English: browse</a></li>'
            '<li><a href="nl/def.html" hreflang="nl" lang="nl">Ontologie</a></li>'
            '<li><a href="en/def.html" hreflang="en">Ontology</a></li></ul></main>')
    nav = lambda key, lang: f"{lang}/{frame.STATIC[key]}.html" if key in frame.STATIC else None  # noqa: E731
    return frame.page("Start", body, "en", None, kind="pages", href=nav, home="en/browse.html",
                      switch={code: f"{code}/browse.html" for code in LANGS},
                      meta=f'<meta http-equiv="Content-Security-Policy" content="{CSP_META}">') + "\n"
