"""The SPARQL 1.1 Protocol rules that every engine shares: the RDF dataset of a query, the
result format a client asked for, and the endpoint's Service Description.

Dataset (SPARQL 1.1 Query 13.2, Protocol 2.1.4): without FROM / FROM NAMED and without
``default-graph-uri`` / ``named-graph-uri`` the default graph is the union of all graphs
and every named graph is visible (the project's choice, as before); a dataset clause in the
query replaces that; the protocol's parameters replace the query's clause. Engines apply it
through :func:`oxigraph_options` and :func:`rdflib_query`, so all of them answer alike.
"""

from __future__ import annotations

from typing import NamedTuple

from .errors import NctsError


class Dataset(NamedTuple):
    """A dataset given by the protocol (or the CLI): default graph IRIs and named graph IRIs."""

    default: tuple = ()
    named: tuple = ()


_BAD_IRI = set(' <>"{}|\\^`\n\r\t')


def dataset_from(default=(), named=()) -> Dataset | None:
    """The protocol dataset, or None when no graph is named (the query's own dataset applies)."""
    default, named = tuple(default or ()), tuple(named or ())
    for iri in default + named:
        if ":" not in iri or _BAD_IRI & set(iri):
            raise NctsError(f"graph {iri!r} is not an absolute IRI")
    return Dataset(default, named) if default or named else None


def dataset_from_params(params: dict) -> Dataset | None:
    """The dataset of a protocol request's ``default-graph-uri`` / ``named-graph-uri`` lists."""
    return dataset_from(params.get("default-graph-uri", ()), params.get("named-graph-uri", ()))


def has_dataset_clause(text: str) -> bool:
    """True if the query has FROM or FROM NAMED (the keyword FROM occurs only there in SPARQL 1.1 Query)."""
    from .bind import tokens

    return any(kind == "word" and word.upper() == "FROM" for kind, word in tokens(text))


def relative_iri(text: str) -> tuple | None:
    """(line, column, IRI) of the first IRI of the query that needs a base IRI to resolve: a
    relative IRI (in the query, a PREFIX or a BASE) before any BASE with an absolute IRI; else None."""
    import re

    from .bind import tokens

    line, col = 1, 1
    after_base = False
    for kind, token in tokens(text):
        if kind == "word" and token.upper() == "BASE":
            after_base = True
        elif kind == "iri":
            if not re.match(r"<[A-Za-z][A-Za-z0-9+.-]*:", token):
                return line, col, token
            if after_base:  # an absolute BASE: every later IRI has its base
                return None
        breaks = token.count("\n")
        line, col = (line + breaks, len(token) - token.rfind("\n")) if breaks else (line, col + len(token))
    return None


def check_relative_iris(text: str, where: str = "query") -> None:
    """Refuse a relative IRI in a query that has no BASE and runs where no base IRI exists
    (SPARQL text on the embedded engines): RDF has only absolute IRIs, Oxigraph would report a
    puzzling syntax error and rdflib would return the relative IRI as if it were one. On `ncts
    serve` the endpoint's URL is the base, as the SPARQL 1.1 Protocol allows; a query read from
    a .rq file has the file's URI as its base (:attr:`ncts_graph.library.Query.base`)."""
    found = relative_iri(text)
    if found:
        raise NctsError(f"{where}:{found[0]}:{found[1]}: relative IRI {found[2]} and no BASE: write the full IRI "
                        f"or add BASE <...> (a query run here has no base IRI to resolve it against)")


def with_base(text: str, base: str | None) -> str:
    """The query with ``BASE <base>`` in front when it has IRIs that need a base (a .rq file's
    query sent to an endpoint, which would otherwise resolve them against its own URL); else as
    it is, so a file's path is sent only when the query needs it."""
    return f"BASE <{base}>\n{text}" if base and relative_iri(text) else text


def absolute_bases(text: str, base: str | None) -> str:
    """The query with each relative BASE IRI resolved against the base before it: rdflib keeps a
    relative BASE as it is (``BASE <sub/>`` gave IRIs such as <sub/a>); Oxigraph resolves it."""
    import re
    from urllib.parse import urljoin

    from .bind import tokens

    out, current, after_base = [], base, False
    for kind, token in tokens(text):
        if kind == "word" and token.upper() == "BASE":
            after_base = True
        elif kind == "iri" and after_base:
            after_base = False
            if not re.match(r"<[A-Za-z][A-Za-z0-9+.-]*:", token) and current:
                token = f"<{urljoin(current, token[1:-1])}>"
            current = token[1:-1]
        out.append(token)
    return "".join(out)


def oxigraph_options(text: str, dataset: Dataset | None) -> dict:
    """Keyword arguments of pyoxigraph's Store.query for the dataset rules.

    Its union flag would override FROM, so it is set only when the query names no graph;
    default_graph / named_graphs replace the query's clause part by part, so both are given.
    """
    import pyoxigraph as ox

    if dataset is not None:
        return {"default_graph": [ox.NamedNode(g) for g in dataset.default],
                "named_graphs": [ox.NamedNode(g) for g in dataset.named]}
    return {"use_default_graph_as_union": not has_dataset_clause(text)}


def rdflib_query(graph, dataset_store, text: str, dataset: Dataset | None, init_ns: dict, base: str | None = None):
    """Run ``text`` on rdflib's engine under the dataset rules.

    ``graph`` gives the union as one plain Graph (fast); ``dataset_store`` the
    rdflib Dataset with one named graph per file, used when the query or the protocol names
    graphs or the query uses GRAPH. A graph named in FROM that the data lacks is empty: rdflib
    would otherwise fetch it from the web (SPARQL_LOAD_GRAPHS), which a query must never cause.
    """
    import rdflib.plugins.sparql as rdflib_sparql
    from rdflib import URIRef
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    from .bind import tokens

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # never load FROM / FROM NAMED graphs from the web
    query = translateQuery(parseQuery(absolute_bases(text, base)), base, init_ns)
    main = query.algebra
    if dataset is not None:
        main["datasetClause"] = ([CompValue("DatasetClause", default=URIRef(g)) for g in dataset.default]
                                 + [CompValue("DatasetClause", named=URIRef(g)) for g in dataset.named])
    uses_graphs = bool(main.get("datasetClause")) or any(
        kind == "word" and word.upper() == "GRAPH" for kind, word in tokens(text))
    return (dataset_store() if uses_graphs else graph()).query(query)


# --- result formats ------------------------------------------------------------------------

#: media type -> results.render format, per query form
RESULT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/turtle": "ttl",
    "text/n3": "ttl", "text/rdf+n3": "ttl", "application/n3": "ttl",  # Turtle is N3
    "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/rdf+xml": "xml", "application/xml": "xml", "text/xml": "xml",
}
#: what clients send as format= / output= / results= (SPARQLWrapper sends all three), per query form
FORMAT_NAMES = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "srj": ("application/sparql-results+json", None),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "srx": ("application/sparql-results+xml", None),
    "csv": ("text/csv", None), "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"), "ttl": (None, "text/turtle"), "n3": (None, "text/turtle"),
    "rdf": (None, "application/rdf+xml"), "rdf+xml": (None, "application/rdf+xml"),
    "rdfxml": (None, "application/rdf+xml"),
    "json-ld": (None, "application/ld+json"), "jsonld": (None, "application/ld+json"),
    "nt": (None, "application/n-triples"), "ntriples": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
}
FORMAT_PARAMS = ("format", "output", "results")


def negotiate(accept: str, form: str, formats=()) -> tuple[str, str]:
    """(media type, results.render format) for the query form ("graph" or a results form).

    ``formats`` are the values of format= / output= / results=, a short name or a media type:
    the first that fits the form wins. A known name that does not fit it (format=csv on a
    CONSTRUCT, as SPARQLWrapper sends) leaves the choice to Accept; an unknown one is refused
    (ValueError). Without either, JSON results or Turtle.
    """
    table = GRAPH_TYPES if form == "graph" else RESULT_TYPES
    unknown = []
    for value in formats:
        value = (value or "").strip().lower()
        if not value:
            continue
        media = value.split(";")[0].strip() if "/" in value else None
        if media is None:
            names = FORMAT_NAMES.get(value)
            if names is None:
                unknown.append(value)
                continue
            media = names[1] if form == "graph" else names[0]
        elif media not in RESULT_TYPES and media not in GRAPH_TYPES:
            unknown.append(value)
            continue
        if media in table:
            return media, table[media]
    if unknown and not accept:
        raise ValueError(f"unknown result format {unknown[0]!r} (use json, xml, csv, tsv for SELECT/ASK; "
                         f"turtle, nt, json-ld, rdf+xml for CONSTRUCT/DESCRIBE, or a media type)")
    return _by_accept(accept, table, "text/turtle" if form == "graph" else "application/sparql-results+json")


def _by_accept(accept: str, table: dict, default: str) -> tuple[str, str]:
    media = next((m for _, _, m in weighted(accept) if m in table), default)
    return media, table[media]


def weighted(header: str | None) -> list:
    """The items of an Accept or Accept-Language header as (-q, position, lower-case token), best first;
    q=0 (not acceptable) and a malformed q leave an item out. One parser for the endpoint, the pages
    and /validate."""
    items = []
    for i, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if fields[0] and q > 0:
            items.append((-q, i, fields[0].lower()))
    return sorted(items)


def format_values(params: dict) -> list:
    """Every format= / output= / results= value of a request, in that order."""
    return [v for name in FORMAT_PARAMS for v in params.get(name, ())]


# --- service description --------------------------------------------------------------------

SD_TYPES = {"text/turtle": "turtle", "application/rdf+xml": "rdfxml", "application/ld+json": "jsonld",
            "application/n-triples": "ntriples"}
_W3C_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]


def service_description(store, endpoint_url: str, accept: str) -> tuple[str, bytes]:
    """(media type, body) of the SPARQL 1.1 Service Description of this endpoint (sd: vocabulary):
    its URL, language, result formats, the union default graph and each named graph with its size."""
    import pyoxigraph as ox

    SD = "http://www.w3.org/ns/sparql-service-description#"
    VOID = "http://rdfs.org/ns/void#"
    RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    node = ox.NamedNode
    me = node(endpoint_url)
    triples = [ox.Triple(me, RDF_TYPE, node(SD + "Service")), ox.Triple(me, node(SD + "endpoint"), me),
               ox.Triple(me, node(SD + "supportedLanguage"), node(SD + "SPARQL11Query")),
               ox.Triple(me, node(SD + "feature"), node(SD + "UnionDefaultGraph")),
               ox.Triple(me, node("http://purl.org/dc/terms/title"), ox.Literal("ncts-graph SPARQL endpoint", language="en")),
               ox.Triple(me, node("http://purl.org/dc/terms/title"), ox.Literal("ncts-graph SPARQL-eindpunt", language="nl"))]
    triples += [ox.Triple(me, node(SD + "resultFormat"), node("http://www.w3.org/ns/formats/" + f)) for f in _W3C_FORMATS]
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    counts = _graph_sizes(store)
    triples += [ox.Triple(me, node(SD + "defaultDataset"), dataset),
                ox.Triple(dataset, RDF_TYPE, node(SD + "Dataset")),
                ox.Triple(dataset, node(SD + "defaultGraph"), default),
                ox.Triple(default, RDF_TYPE, node(SD + "Graph")),
                ox.Triple(default, node(VOID + "triples"), ox.Literal(str(counts[None]),
                                                                       datatype=node("http://www.w3.org/2001/XMLSchema#integer")))]
    for i, (name, count) in enumerate(sorted((n, c) for n, c in counts.items() if n is not None)):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        triples += [ox.Triple(dataset, node(SD + "namedGraph"), named),
                    ox.Triple(named, RDF_TYPE, node(SD + "NamedGraph")),
                    ox.Triple(named, node(SD + "name"), node(name)),
                    ox.Triple(named, node(SD + "graph"), graph),
                    ox.Triple(graph, RDF_TYPE, node(SD + "Graph")),
                    ox.Triple(graph, node(VOID + "triples"), ox.Literal(str(count), datatype=node(
                        "http://www.w3.org/2001/XMLSchema#integer")))]
    media, _ = _by_accept(accept, SD_TYPES, "text/turtle")
    fmt = {"turtle": ox.RdfFormat.TURTLE, "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD,
           "ntriples": ox.RdfFormat.N_TRIPLES}[SD_TYPES[media]]
    prefixes = {"sd": SD, "void": VOID, "dcterms": "http://purl.org/dc/terms/", "formats": "http://www.w3.org/ns/formats/"}
    try:
        body = ox.serialize(triples, format=fmt, prefixes=prefixes if fmt != ox.RdfFormat.N_TRIPLES else None)
    except TypeError:
        body = ox.serialize(triples, format=fmt)
    return media, body


_SIZES: dict = {}


def _graph_sizes(store) -> dict:
    """Triples per named graph, and under None those of the (union) default graph."""
    key = id(store), len(store)
    if key not in _SIZES:
        _SIZES.clear()
        answer = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        sizes = {row["g"].value: int(row["n"].value) for row in answer}
        union = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        sizes[None] = int(next(iter(union))["n"].value)
        _SIZES[key] = sizes
    return _SIZES[key]
