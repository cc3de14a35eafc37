"""What a user's files define, and which project terms in them nothing defines.

Shared by ``validate``, ``check``, ``quotes`` and ``query -p``, so that no verb passes a
file silently: a file that defines no measure, partner, legal basis or quote validated
nothing, and an IRI in (or near) one of the project's namespaces that neither the
ontology, the bundled data nor the user's files define is a typo. Suggestions come
from :mod:`difflib` over the terms that are defined ("did you mean ncts:curatorLegalBasis?").
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .namespaces import BASE, NCTS, PREFIXES

#: what a user's file can define that is worth validating: (key, class, nl singular/plural, en singular/plural)
KINDS = (
    ("measures", "Measure", ("maatregel", "maatregelen"), ("measure", "measures")),
    ("legal_bases", "LegalBasis", ("wettelijke grondslag", "wettelijke grondslagen"), ("legal basis", "legal bases")),
    ("partners", "Partner", ("partner", "partners"), ("partner", "partners")),
    ("quotes", "Quote", ("citaat", "citaten"), ("quote", "quotes")),
)

#: the project's namespaces (prefix -> namespace IRI), those under https://w3id.org/ncts-graph/
PROJECT = {p: ns for p, ns in PREFIXES.items() if ns.startswith(BASE)}
#: IRIs under the base that are no terms: named graphs, skolem IRIs, the shapes, the ontology's IRI and version IRIs
_NOT_TERMS = re.compile(re.escape(BASE) + r"(graph/|\.well-known/|shapes#|def$|def/\d)")
_NEAR = 0.9  # difflib ratio above which another namespace counts as a mistyped project namespace


@dataclass(frozen=True)
class Unknown:
    """An IRI nothing defines, where it is used, and the likely intended term."""

    iri: str
    subject: object  # an rdflib term using it (the subject of the triple)
    predicate: object  # the triple's predicate (the IRI itself when used as a property)
    namespace: str | None = None  # the project namespace it misses, when its own namespace differs
    suggestion: str | None = None  # the nearest defined IRI

    def messages(self, prefixes: dict | None = None) -> dict:
        """The message in Dutch and English."""
        name = show(self.iri, prefixes)
        hint = {"nl": "", "en": ""}
        if self.suggestion:
            hint = {"nl": f"; bedoel je {show(self.suggestion, prefixes)}?", "en": f"; did you mean {show(self.suggestion, prefixes)}?"}
        if self.namespace:
            own, prefix = _namespace_of(self.iri), _prefix_of(self.namespace)
            return {"nl": f"{name}: namespace <{own}> wijkt af van {prefix}: <{self.namespace}>{hint['nl']}",
                    "en": f"{name}: namespace <{own}> differs from {prefix}: <{self.namespace}>{hint['en']}"}
        return {"nl": f"{name} is niet gedefinieerd in de ontologie, de meegeleverde data of je bestanden{hint['nl']}",
                "en": f"{name} is defined neither by the ontology, the bundled data nor your files{hint['en']}"}


def show(iri: str, prefixes: dict | None = None) -> str:
    """An IRI as prefix:local with the project's (or the user's own) prefixes, else <full IRI>."""
    from .namespaces import compact

    text = compact(iri, prefixes)
    return f"<{iri}>" if text == str(iri) else text


class Vocabulary:
    """The defined IRIs (those that occur as a subject), indexed by namespace for suggestions."""

    def __init__(self, iris: Iterable[str]):
        self.iris = set(map(str, iris))
        self._by_ns: dict[str, list[str]] = {}

    def __contains__(self, iri) -> bool:
        return str(iri) in self.iris

    def in_namespace(self, ns: str) -> list[str]:
        if ns not in self._by_ns:
            self._by_ns[ns] = sorted(i[len(ns):] for i in self.iris if i.startswith(ns) and len(i) > len(ns))
        return self._by_ns[ns]

    def check(self, iri: str) -> tuple[bool, str | None, str | None]:
        """(unknown?, missed project namespace, suggestion) for one IRI."""
        iri = str(iri)
        if iri in self.iris or _NOT_TERMS.match(iri):
            return False, None, None
        home = _in_project(iri)
        if home is not None:
            return True, None, self._nearest(home, iri[len(home):])
        own = _namespace_of(iri)
        near = _near_namespace(own)
        if near is None:
            return False, None, None
        return True, near, self._nearest(near, iri[len(own):])

    def _nearest(self, ns: str, local: str) -> str | None:
        names = self.in_namespace(ns)
        lower = {n.lower(): n for n in names}
        if local.lower() in lower:
            return ns + lower[local.lower()]
        match = difflib.get_close_matches(local.lower(), list(lower), n=1, cutoff=0.6)
        return ns + lower[match[0]] if match else None


def namespace_for(iri: str) -> str | None:
    """The project namespace an IRI is in or is a near miss of (None: not the project's)."""
    if _NOT_TERMS.match(iri):
        return None
    return _in_project(iri) or _near_namespace(_namespace_of(iri))


def _in_project(iri: str) -> str | None:
    """The project namespace the IRI is in (the longest that fits), else None."""
    fits = [ns for ns in PROJECT.values() if iri.startswith(ns) and len(iri) > len(ns)]
    return max(fits, key=len) if fits else None


def _namespace_of(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1] if cut >= 0 else iri


@functools.lru_cache(maxsize=4096)  # one fuzzy match per namespace, not per IRI (100,000 measures: issue 10)
def _near_namespace(ns: str) -> str | None:
    """The project namespace that ``ns`` is a near miss of (a typo, '/' for '#', http for https)."""
    if ns in PROJECT.values():
        return None
    candidates = list(PROJECT.values())
    under_base = ns.startswith(BASE) or ns.startswith("http://w3id.org/ncts-graph/")
    scored = sorted(((difflib.SequenceMatcher(None, ns, c).ratio(), c) for c in candidates), reverse=True)
    best, ratio = scored[0][1], scored[0][0]
    if ns.rstrip("/#") == NCTS.rstrip("#"):
        return NCTS
    return best if ratio >= (0.6 if under_base else _NEAR) else None


def _prefix_of(ns: str) -> str:
    return next(p for p, n in PROJECT.items() if n == ns)


def vocabulary(dataset) -> Vocabulary:
    """Every IRI that is a subject somewhere in the (union of the) dataset."""
    from rdflib import URIRef

    from .shacl import oxigraph_of

    store = oxigraph_of(dataset)
    if store is not None:  # a big input kept in Oxigraph: one query, not a walk through rdflib
        return Vocabulary(row[0].value for row in store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"))
    return Vocabulary(s for s in dataset.subjects(unique=True) if isinstance(s, URIRef))


def unknown_terms(dataset, graph_names: Iterable[str], vocab: Vocabulary | None = None) -> list[Unknown]:
    """One Unknown per distinct undefined project IRI used in the named graphs (users' files),
    with the first triple using it (in sorted order); each IRI is checked once."""
    from rdflib import URIRef

    vocab = vocab or vocabulary(dataset)
    verdicts: dict[str, tuple] = {}
    first: dict[str, tuple] = {}
    for g in _graphs(dataset, graph_names):
        for triple in g:
            for term in triple:
                if not isinstance(term, URIRef):
                    continue
                iri = str(term)
                verdict = verdicts.get(iri)
                if verdict is None:
                    verdict = verdicts[iri] = vocab.check(iri)
                if verdict[0]:
                    key = tuple(map(str, triple))
                    if iri not in first or key < first[iri][0]:
                        first[iri] = (key, triple, verdict)
    return sorted((Unknown(iri, t[0], t[1], v[1], v[2]) for iri, (_k, t, v) in first.items()), key=lambda u: u.iri)


def defined(dataset, graph_names: Iterable[str] | None = None) -> dict[str, int]:
    """How many measures, legal bases, partners and quotes the named graphs (default: all) define.

    A node counts as a measure when it is typed as one or uses a property whose domain is
    ncts:Measure (so a measure that forgets its type is still counted, and validated).
    """
    from rdflib import URIRef
    from rdflib.namespace import RDF, RDFS

    from .shacl import oxigraph_of

    store = oxigraph_of(dataset)
    if store is not None:  # a big input kept in Oxigraph: counted by queries
        return _defined_oxigraph(dataset, store, graph_names)
    graphs = list(_graphs(dataset, graph_names)) if graph_names is not None else [dataset]
    out = {}
    for key, cls, _nl, _en in KINDS:
        classes = set(dataset.transitive_subjects(RDFS.subClassOf, URIRef(NCTS + cls)))
        nodes = {s for g in graphs for c in classes for s in g.subjects(RDF.type, c)}
        if cls == "Measure":
            props = set(dataset.subjects(RDFS.domain, URIRef(NCTS + cls)))
            nodes |= {s for g in graphs for p in props for s in g.subjects(p, None)}
        out[key] = len(nodes)
    return out


def describe(counts: dict, where: str, lang: str = "en") -> str:
    """'3 measures, 1 legal basis, 2 quotes in my.ttl' (kinds with none left out)."""
    index = 2 if lang == "nl" else 3
    parts = [f"{counts[k[0]]} {k[index][0] if counts[k[0]] == 1 else k[index][1]}" for k in KINDS if counts.get(k[0])]
    if not parts:
        return ("niets gevalideerd in " if lang == "nl" else "nothing validated in ") + where
    return f"{', '.join(parts)} in {where}"


def nothing_defined(lang: str = "en") -> str:
    """Why a file without any measure, partner, legal basis or quote does not pass."""
    if lang == "nl":
        return ("het bestand definieert geen maatregel, partner, wettelijke grondslag of citaat, dus er is niets "
                f"gecontroleerd (staat ncts: voor <{NCTS}>? is elke maatregel getypeerd als ncts:Measure?)")
    return ("the file defines no measure, partner, legal basis or quote, so nothing was checked "
            f"(is ncts: bound to <{NCTS}>? is each measure typed as ncts:Measure?)")


def user_files(files) -> list[Path]:
    """The files that are not part of the bundled data (a curator checking data/x.ttl gets every check)."""
    from . import paths

    home = paths.home().resolve()
    bundled = (home / "data", home / "ontology")
    return [Path(f) for f in files or [] if not any(Path(f).resolve().is_relative_to(b) for b in bundled)]


def files_text(files: Iterable[Path | str]) -> str:
    return ", ".join(str(f) for f in files)


def _defined_oxigraph(dataset, store, graph_names) -> dict[str, int]:
    """:func:`defined` as SPARQL counts on the Oxigraph store under the dataset."""
    from rdflib import URIRef
    from rdflib.namespace import RDF, RDFS

    names = None if graph_names is None else sorted({str(n) for n in graph_names})
    # VALUES, not FILTER(?p IN ...), and each graph by name: Oxigraph then looks the predicates up in
    # its index rather than scanning every triple (2.4 s at 2.4 million triples)
    graphs = ["?g"] if names is None else [f"<{n}>" for n in names]
    out = {}
    for key, cls, _nl, _en in KINDS:
        classes = sorted(set(dataset.transitive_subjects(RDFS.subClassOf, URIRef(NCTS + cls))))
        groups = [f"{{ VALUES ?c {{ {' '.join(c.n3() for c in classes)} }} ?s <{RDF.type}> ?c }}"]
        if cls == "Measure":
            props = sorted(set(dataset.subjects(RDFS.domain, URIRef(NCTS + cls))))
            if props:
                groups.append(f"{{ VALUES ?p {{ {' '.join(p.n3() for p in props)} }} ?s ?p ?o }}")
        body = " UNION ".join(groups)
        query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {' UNION '.join(f'{{ GRAPH {g} {{ {body} }} }}' for g in graphs)} }}"
        out[key] = int(next(iter(store.store.query(query)))[0].value)
    return out


def _graphs(dataset, names):
    names = {str(n) for n in names}
    return [g for g in dataset.graphs() if str(g.identifier) in names]


def declared_prefixes(files: Iterable[Path | str]) -> dict:
    """The prefixes the files themselves declare (never rdflib's invented ``threat1:``), for
    display; a prefix that names a project namespace differently is left out (full IRIs then)."""
    from .locate import _file

    out = {}
    for path in files:
        if Path(path).suffix.lower() not in (".ttl", ".trig", ".n3"):
            continue
        for ns, prefix in _file(str(Path(path).resolve())).prefixes.items():
            if prefix and ns not in PREFIXES.values() and PREFIXES.get(prefix, ns) == ns:
                out[prefix] = ns
    return out
