"""ncts-graph: a sourced knowledge graph of the Dutch National Counterterrorism Strategy 2022-2026.

The Python API mirrors the ``ncts`` command, one function per verb::

    import ncts_graph
    g = ncts_graph.load()                      # rdflib Dataset: ontology + data
    ncts_graph.select(g, "SELECT ?m WHERE { ?m ncts:addressesThreat threat:pgee }")
    ncts_graph.info(g)["classes"]              # counts per class
    ncts_graph.check(g)                        # hygiene findings (empty list = clean)
    ncts_graph.check_quotes(g)                 # (quotes checked, problems)
    ncts_graph.check_consistency(g)            # HermiT verdict
    ncts_graph.build(g, "ncts.ttl")            # write, atomically
    ncts_graph.validate(["my-measure.ttl"])    # SHACL report: .conforms, .results, .graph
    ncts_graph.query("measures-per-threat", {"threat": "threat:pgee"})   # library question -> rows
    ncts_graph.to_networkx("partners", lang="en")                        # a view as a networkx graph
    ncts_graph.web_annotations(g)              # every quote as a W3C AnnotationCollection (JSON-LD dict)

Imports are lazy so that ``import ncts_graph`` (and ``ncts --help``) stay fast.
"""

from __future__ import annotations

__version__ = "1.0.0"
__all__ = ["load", "select", "info", "check", "check_quotes", "check_consistency", "build", "validate",
           "query", "to_networkx", "web_annotations", "anchor_quotes", "NctsError", "PREFIXES"]

# Submodules named like the verbs are loaded first (they import nothing heavy), so that the
# functions below, not the modules, are what ncts_graph.validate, .query, ... name.
import importlib as _importlib

for _verb in ("build", "info", "load", "query", "validate"):
    _importlib.import_module(f".{_verb}", __name__)
_query, _validate = _importlib.sys.modules[f"{__name__}.query"], _importlib.sys.modules[f"{__name__}.validate"]
from .errors import NctsError
from .namespaces import PREFIXES


def load(files=None, *, bundled: bool = True, merge_graphs: bool = False):
    """The knowledge graph as an rdflib Dataset (see :func:`ncts_graph.load.load`)."""
    from .load import load as _load

    return _load(files, bundled=bundled, merge_graphs=merge_graphs)


def select(graph, query: str, bindings: dict | None = None, engine: str = "oxigraph") -> list[dict]:
    """Run a SPARQL SELECT (project prefixes predeclared); rows map variable names to rdflib terms.

    ``bindings`` bind variables to RDF terms (never pasted into the query text);
    ``engine`` is "oxigraph" (fast, default) or "rdflib".
    """
    from .store import select as _select

    return _select(graph, query, bindings, engine)


def info(graph=None, lang: str = "nl") -> dict:
    """Counts per class, per pillar, per source document; namespaces."""
    from .info import info as _info

    return _info(graph if graph is not None else load(), lang=lang)


def check(graph=None, engine: str = "oxigraph"):
    """Hygiene findings (queries/hygiene/*.rq), one per check that fired; clean means no finding of
    severity "error" (warnings, such as identifiers the curator could not verify, may remain)."""
    from .hygiene import check as _check

    return _check(graph if graph is not None else load(), engine=engine)


def check_quotes(graph=None, sources_dir=None):
    """(number of quotes checked, problems): quotes not verbatim in their source (``.kind``
    "verbatim") or whose stored position does not fit it ("anchor"; the bundled graph:
    also a quote without one)."""
    from . import paths
    from .quotes import check_quotes as _cq

    return _cq(graph if graph is not None else load(), sources_dir or paths.sources_dir(),
               require_anchors=graph is None)


def anchor_quotes(files=None, sources_dir=None):
    """Compute every quote's oa:TextPositionSelector and oa:prefix/oa:suffix from the source
    texts and write them into ``files`` (Turtle, default: the bundled data/); one report per file."""
    from . import paths
    from .anchors import anchor_bundled, anchor_files

    sources_dir = sources_dir or paths.sources_dir()
    return anchor_files(files, sources_dir) if files else anchor_bundled(sources_dir)


def web_annotations(graph=None, sources_dir=None) -> dict:
    """Every quote as a W3C Web Annotation ``AnnotationCollection`` (a JSON-LD dict; ``ncts export
    --format annotations`` writes it): target the passage (TextQuoteSelector + TextPositionSelector),
    body the resources citing it."""
    from .annotations import annotations as _annotations

    return _annotations(graph, sources_dir)


def check_consistency(graph=None):
    """HermiT's verdict on OWL 2 DL consistency (needs Java)."""
    from .reason import check_consistency as _cc

    return _cc(graph if graph is not None else load())


def build(graph, output):
    """Write ``graph`` to ``output`` in the format its extension names, atomically."""
    from .build import build as _build

    return _build(graph, output)


def validate(files=None, **options):
    """Validate FILES (with the bundled graph) or the bundled graph against the SHACL shapes.

    Options: shapes, bundled_shapes, lang, as_of, inference, fail_on, scope; returns a
    Report with .conforms, .results (focus, path, value, severity, message, file, line, ...)
    and .graph (the standard SHACL report). See :func:`ncts_graph.validate.validate`.
    """
    return _validate.validate(files, **options)


def query(name_or_text: str, params: dict | None = None, **options):
    """Run a library question (by name), a .rq file or SPARQL text; parameters are bound as RDF terms.

    Options: engine ("oxigraph" | "rdflib"), endpoint (URL of a SPARQL 1.1 endpoint), store
    (a persistent Oxigraph folder), files (extra RDF), lang, timeout, auth, as_result.
    Rows for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT/DESCRIBE; as_result=True
    gives the engine-neutral result (``.dataframe()`` with pandas). See :mod:`ncts_graph.query`.
    """
    return _query.query(name_or_text, params, **options)


def to_networkx(view: str = "full", lang: str = "nl", graph=None, provenance: str = "stated"):
    """A named view (queries/views/*.rq) as a networkx graph with scalar node/edge attributes;
    ``provenance`` (stated, curator, all) picks the partner involvements."""
    from .views import to_networkx as _to_networkx

    return _to_networkx(view, lang=lang, graph=graph, provenance=provenance)
