"""Validate measure definitions (or the whole graph) against the SHACL shapes in shapes/.

A user's files are validated *together with* the ontology and the bundled data, so a
measure can point at existing partners, laws and threats; only results about nodes
defined in the user's files are reported (``scope="all"`` reports everything).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import paths, terms
from .errors import NctsError

SEVERITIES = ("violation", "warning", "info")  # most severe first
INFERENCE = ("none", "rdfs", "owlrl")
SH = "http://www.w3.org/ns/shacl#"
NCTSH = "https://w3id.org/ncts-graph/shapes#"
RUN_GRAPH = "urn:ncts-graph:run"  # holds the reference date (nctsh:run nctsh:asOf) during a run


@dataclass
class Result:
    """One SHACL validation result, located in the file that defines its focus node."""

    focus: object  # rdflib term (blank nodes as in the loaded data)
    path: object
    value: object
    severity: str  # violation | warning | info
    message: str  # in the requested language
    messages: dict  # language -> message
    source_shape: object
    component: str  # e.g. "sh:MinCountConstraintComponent"
    file: str | None = None
    line: int | None = None
    focus_label: str | None = None
    owner: object = None  # nearest IRI above a blank-node focus (the measure of a quote, say)
    shape_name: str | None = None  # the named shape a blank-node property shape belongs to

    def as_dict(self, prefixes: dict | None = None) -> dict:
        from functools import partial

        from .namespaces import compact

        compact = partial(compact, prefixes=prefixes)

        return {"focus": compact(self.focus), "focus_label": self.focus_label, "owner": compact(self.owner),
                "file": self.file, "line": self.line, "path": compact(self.path), "value": compact(self.value),
                "severity": self.severity, "message": self.message, "messages": self.messages,
                "shape": self.shape_name or _compact_shape(self.source_shape), "component": self.component}


@dataclass
class Report:
    results: list
    outcome: object  # the report graph (rdflib Graph), or an _Outcome that builds it when asked (.graph)
    fail_on: str = "violation"
    as_of: _dt.date | None = None
    files: list = field(default_factory=list)
    prefixes: dict = field(default_factory=dict)  # the files' own prefixes, for display
    validated: dict = field(default_factory=dict)  # what was validated: measures, legal_bases, partners, quotes
    shapes: object = None  # the shapes graph, where a result's path (a blank node) is described

    def path_text(self, result) -> str | None:
        """A result's path as text, without building the report graph for it."""
        from rdflib import BNode

        if isinstance(result.path, BNode) and self.shapes is not None and (result.path, None, None) in self.shapes:
            return path_text(self.shapes, result.path, self.prefixes)
        return path_text(self.graph if isinstance(result.path, BNode) else None, result.path, self.prefixes)

    @property
    def graph(self):
        """The SHACL validation report (rdflib Graph), built on first use: 100,000 measures' 38,762
        results make a graph of 400,000 triples that text and JSON reports never read."""
        if isinstance(self.outcome, _Outcome):
            self.outcome = self.outcome.build()
        return self.outcome

    @property
    def conforms(self) -> bool:
        """True when no result is at or above the fail-on severity (a file that defines
        nothing to validate, or uses an unknown project term, has a violation)."""
        return not self.failing

    @property
    def verdict(self) -> str:
        return "conforms" if self.conforms else "does not conform"

    @property
    def failing(self) -> list:
        if self.fail_on == "never":  # report only
            return []
        limit = SEVERITIES.index(self.fail_on)
        return [r for r in self.results if SEVERITIES.index(r.severity) <= limit]

    def counts(self) -> dict:
        return {s: sum(1 for r in self.results if r.severity == s) for s in SEVERITIES}


def shape_files(extra: Iterable[Path | str] = (), bundled: bool = True) -> list[Path]:
    """The shapes files to use: bundled shapes/*.ttl and/or the given files and folders."""
    home = paths.home() / "shapes"
    files = [home / "_prefixes.ttl"]
    if bundled:
        files += sorted(p for p in home.glob("*.ttl") if p.name != "_prefixes.ttl")
    for item in extra:
        item = Path(item)
        if item.is_dir():
            found = sorted(item.glob("*.ttl"))
            if not found:
                raise NctsError(f"{item}: no shapes files (*.ttl) in this folder")
            files += found
        else:
            files.append(item)
    return files


def load_shapes(extra: Iterable[Path | str] = (), bundled: bool = True):
    """Parse the shapes into one graph; a given file without any SHACL shape is an error."""
    return _load_shapes(extra, bundled)[0]


def _load_shapes(extra: Iterable[Path | str] = (), bundled: bool = True):
    """(union shapes graph, [(file, its graph)]), so errors can name the file at fault."""
    from rdflib import Namespace, URIRef
    from rdflib.namespace import RDF

    from .build import union_graph
    from .load import graph_name, new_dataset, parse_into

    sh = Namespace(SH)
    ds = new_dataset()
    files = shape_files(extra, bundled)
    monkey = _pyshacl_monkey()
    monkey.rdflib_bool_patch()  # as pyshacl reads shapes: only "true"/"false" are the booleans (sh:uniqueLang "1" is not)
    try:
        for path in files:
            parse_into(ds, path)
    finally:
        monkey.rdflib_bool_unpatch()
    extra_files = files[len(shape_files((), bundled)):] if extra else []
    for path in extra_files:
        g = ds.graph(URIRef(graph_name(path)))
        kinds = (sh.NodeShape, sh.PropertyShape)
        if not any((None, RDF.type, k) in g for k in kinds) and (None, sh.property, None) not in g \
                and (None, sh.targetClass, None) not in g and (None, sh.path, None) not in g:
            raise NctsError(f"{path}: not SHACL shapes (no sh:NodeShape, sh:PropertyShape, sh:property or sh:targetClass)")
    return union_graph(ds), [(path, ds.graph(URIRef(graph_name(path)))) for path in files]


def validate(files: Iterable[Path | str] | None = None, *, shapes: Iterable[Path | str] = (),
             bundled_shapes: bool = True, lang: str = "nl", as_of: _dt.date | str | None = None,
             inference: str = "none", fail_on: str = "violation", scope: str | None = None,
             graph=None, engine: str | None = None) -> Report:
    """Validate FILES with the bundled graph (or the bundled graph alone) against the shapes.

    ``scope`` is "files" (report only nodes defined in FILES; default when FILES are given)
    or "all". ``graph`` validates an already loaded rdflib Dataset instead of loading.
    ``engine``: "compiled" (default) or "pyshacl" (the engine before issue 10, for comparison).
    """
    from .load import graph_name, load
    from .namespaces import prefixes_of

    if inference not in INFERENCE:
        raise NctsError(f"unknown inference {inference!r} (use one of {', '.join(INFERENCE)})")
    if fail_on not in (*SEVERITIES, "never"):
        raise NctsError(f"unknown severity {fail_on!r} (use one of {', '.join(SEVERITIES)}, never)")
    if lang not in ("nl", "en"):
        raise NctsError(f"unknown language {lang!r} (use nl or en)")
    as_of = _as_date(as_of)
    files = [Path(f) for f in (files or [])]
    scope = scope or ("files" if files else "all")
    if scope not in ("files", "all"):
        raise NctsError(f"unknown scope {scope!r} (use files or all)")
    shapes_graph, shapes_files = _load_shapes(shapes, bundled_shapes)  # first: a bad --shapes file fails fast
    if graph is None:
        from . import bigload

        bigload.check_fits(files)  # one line, before loading, rather than killed mid-way
        # every graph of a TriG / N-Quads file is the file's content: merged into its graph
        dataset = bigload.load_oxigraph(files) if bigload.is_big(files) else load(files, merge_graphs=True)
    else:
        dataset = graph
    focus_graphs = {str(graph_name(f)) for f in files} if scope == "files" else None
    # the files' own prefixes come with each file's line index (a big file's is still being built
    # beside the load), so after the run, into the dict its rows hold (they are only shown in
    # results), unless the run builds its report graph (inference)
    prefixes = prefixes_of(dataset)
    declared = lambda: prefixes.update(terms.declared_prefixes(files))  # noqa: E731
    if inference != "none":
        declared()
    try:
        outcome = _run(dataset, shapes_graph, focus_graphs, inference, as_of, prefixes, engine,
                       bundled_shapes_only=bundled_shapes and not shapes)
    except Exception as exc:
        if not isinstance(exc, _shapes_errors()):  # asked after the run: pyshacl may be imported by then
            raise
        raise _shapes_error(exc, shapes_files) from None
    if inference == "none":
        declared()
    user_graphs = {str(graph_name(f)): str(f) for f in files}
    validated = terms.defined(dataset, list(user_graphs) if files else None)
    if files:  # "nothing to validate" is about the project's rules, so only with the bundled shapes
        _add_file_results(outcome, dataset, user_graphs, prefixes, nothing_check=bundled_shapes)
    outcome.counts = validated
    if outcome.graph is not None:  # pyshacl made a report graph: read the results from it
        report = outcome.build()
        results = _results(report, dataset, shapes_graph, lang, user_graphs)
    else:
        report = outcome
        results = _results_of(outcome, dataset, shapes_graph, lang, user_graphs)
    return Report(results=results, outcome=report, fail_on=fail_on, as_of=as_of, files=[str(f) for f in files],
                  prefixes=prefixes, validated=validated, shapes=shapes_graph)


@dataclass
class _Outcome:
    """A validation's results before any report graph: the compiled engine's hits, the
    SHACL-SPARQL and file results, and pyshacl's report graph when pyshacl ran."""

    core: object  # the shapes graph of the hits
    data: object
    hits: list = field(default_factory=list)  # shacl_compiled.Hit
    rows: list = field(default_factory=list)  # (row, prefixes, data graph, shapes graph), as _add_result takes
    graph: object = None
    counts: dict = None

    def build(self):
        """The report graph, as pyshacl writes it, with every result and the counts."""
        from rdflib.namespace import RDF
        from rdflib import URIRef

        from . import shacl_compiled

        if self.graph is None:
            from types import SimpleNamespace

            from pyshacl.validator import Validator

            tuples = shacl_compiled.tuples(self.hits, self.core, self.data)
            self.graph, _text = Validator.create_validation_report(SimpleNamespace(graph=self.core), not tuples, tuples)
            self.hits = []
        root = self.graph.value(predicate=RDF.type, object=URIRef(SH + "ValidationReport"), any=True)
        for row, prefixes, data, shapes_graph in self.rows:
            _add_result(self.graph, row, prefixes, data, shapes_graph, root)
        self.rows = []
        if self.counts is not None:
            _add_counts(self.graph, self.counts)
        _set_conforms(self.graph)
        return self.graph


def _add_file_results(report, dataset, user_graphs: dict, prefixes: dict, nothing_check: bool = True) -> None:
    """Results the shapes cannot express: unknown project terms (with the nearest known
    one) and a file that defines nothing to validate. Both are violations: either way the
    shapes never saw what the user meant to write."""
    from rdflib import URIRef

    nctsh = lambda name: URIRef(NCTSH + name)  # noqa: E731
    for u in terms.unknown_terms(dataset, list(user_graphs)):
        row = {"focus": u.subject, "path": u.predicate, "value": URIRef(u.iri), "shape": nctsh("KnownTerms"),
               "component": nctsh("UnknownTerm"), "constraint": nctsh("KnownTerms")}
        _add_plain_result(report, row, u.messages(prefixes), dataset)
    for name in user_graphs if nothing_check else ():
        if not sum(terms.defined(dataset, [name]).values()):
            row = {"focus": URIRef(name), "path": None, "value": None, "shape": nctsh("FileContent"),
                   "component": nctsh("NothingToValidate"), "constraint": nctsh("FileContent")}
            _add_plain_result(report, row, {lang: terms.nothing_defined(lang) for lang in ("nl", "en")}, dataset)


def _add_plain_result(report, row: dict, messages: dict, dataset) -> None:
    from rdflib import Graph, Literal, Namespace

    sh = Namespace(SH)
    row = dict(row, severity=sh.Violation, messages=[Literal(m, lang=lang) for lang, m in messages.items()],
               bindings={})
    report.rows.append((row, {}, dataset, Graph()))


def _add_counts(report, validated: dict) -> None:
    """What was validated, on the report node (nctsh:measures 3 ; nctsh:quotes 2 ...)."""
    from rdflib import Literal, Namespace, URIRef
    from rdflib.namespace import RDF

    root = report.value(predicate=RDF.type, object=Namespace(SH).ValidationReport, any=True)
    report.bind("nctsh", NCTSH)
    for key, count in validated.items():
        camel = key.split("_")[0] + "".join(w.title() for w in key.split("_")[1:])
        report.set((root, URIRef(NCTSH + camel), Literal(count)))


def _as_date(value) -> _dt.date:
    if value is None:
        return _dt.date.today()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise NctsError(f"--as-of: {value!r} is not a date (use YYYY-MM-DD)") from None


def _run(dataset, shapes_graph, focus_graphs, inference: str, as_of: _dt.date, prefixes: dict, engine=None,
         bundled_shapes_only: bool = True):
    """Validate and return the SHACL report graph (results of both engines merged)."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from .inference import expanded

    run = (URIRef(NCTSH + "run"), URIRef(NCTSH + "asOf"), Literal(as_of.isoformat(), datatype=XSD.date))
    # The dataset is validated in place and left as it was: the reference date sits in a
    # named graph of its own during the run. Inference adds a named graph
    # for the run too, or works on a copy (ncts_graph/inference.py).
    run_graph = dataset.graph(URIRef(RUN_GRAPH))
    run_graph.add(run)
    try:
        scope = None if focus_graphs is None else _Subjects(dataset, focus_graphs)
        with expanded(dataset, inference, bundled_shapes_only) as data:
            outcome = _outcome(data, scope, shapes_graph, inference, prefixes, engine,
                               None if focus_graphs is None or data is not dataset else set(focus_graphs))
            if inference != "none":  # the report clones blank nodes from the expanded data: build it now
                outcome.build()
            return outcome
    finally:
        dataset.remove_graph(run_graph)


class _Subjects:
    """The nodes the user's files define, found on first use: the compiled engine tests the
    graphs in SPARQL instead, so a hundred thousand measures need not become a Python set."""

    def __init__(self, dataset, graph_names):
        self.dataset, self.names, self._set = dataset, graph_names, None

    def _get(self) -> set:
        if self._set is None:
            self._set = _subjects(self.dataset, self.names)
        return self._set

    def __contains__(self, node) -> bool:
        return node in self._get()

    def __iter__(self):
        return iter(self._get())


def _subjects(dataset, graph_names) -> set:
    """The subjects of the named graphs (the nodes a user's files define)."""
    from . import shacl
    from .store import to_rdflib

    store = shacl.oxigraph_of(dataset)
    if store is None:
        return {s for g in _graphs(dataset, graph_names) for s in g.subjects()}
    values = " ".join(f"<{n}>" for n in sorted(graph_names))
    return {to_rdflib(row[0]) for row in store.store.query(
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")}


def _graphs(dataset, names):
    return [g for g in dataset.graphs() if str(g.identifier) in names]


ENGINES = ("compiled", "pyshacl")  # compiled: SHACL core as SPARQL on Oxigraph (issue 10); pyshacl: the engine before it
ENGINE = "compiled"


def _validate(data, scope, shapes_graph, inference: str, prefixes: dict, engine: str | None = None,
              scope_graphs=None):
    """The report graph of :func:`_outcome`."""
    return _outcome(data, scope, shapes_graph, inference, prefixes, engine, scope_graphs).build()


def _outcome(data, scope, shapes_graph, inference: str, prefixes: dict, engine: str | None = None,
             scope_graphs=None) -> "_Outcome":
    """The SHACL core compiled to SPARQL on Oxigraph (pyshacl for the shapes it does not
    compile), SHACL-SPARQL on Oxigraph; the results, not yet a report graph.

    ``scope``: the nodes results may be about (those the user's files define), or None;
    ``scope_graphs``: the names of the graphs defining them (tested in SPARQL where the data is
    in Oxigraph already).
    ``engine``: "compiled" (default) or "pyshacl" (the core on pyshacl, as before issue 10).
    """
    from . import shacl, shacl_compiled

    engine = engine or ENGINE
    shacl.check_sparql(shapes_graph)  # before anything runs: a SERVICE is never executed
    core, fast = shacl.split_shapes(shapes_graph)
    fast_shapes = {c.shape for c in fast}
    store = None
    ill_typed: list = []

    def data_store():
        kept = shacl.oxigraph_of(data)  # the data already in Oxigraph: no copy
        if kept is not None:
            return kept
        triples = ((s, p, o) for g in data.graphs() for s, p, o in g) if hasattr(data, "graphs") else data
        return shacl.to_store(triples, ill_typed)

    focus = side = beside = None  # beside: the SHACL-SPARQL rows, when they are found beside the core
    outcome = _Outcome(core, data)
    try:
        if engine == "pyshacl":
            outcome.graph, focus = shacl.run_core(data, shapes_graph, core, scope, fast_shapes)
        else:
            from concurrent.futures import ThreadPoolExecutor

            store = data_store()
            plan = shacl_compiled.plan(core, confirm=not ill_typed)
            plain = set(shacl_compiled.top_level_shapes(shapes_graph))
            own = plan.compiled | {s for s in fast_shapes if s in plain and s not in plan.fallback}
            in_place = scope_graphs is not None and shacl.oxigraph_of(data) is not None
            focus = shacl_compiled.FocusGraph(store, shapes_graph, own, None if in_place else scope,
                                              scope_graphs if in_place else None, shacl_compiled.reads(plan, fast))
            rest = fast_shapes - set(focus.keys)
            if fast and not (plan.fallback or rest):  # the SHACL-SPARQL constraints need nothing pyshacl finds:
                side = ThreadPoolExecutor(1)  # they run beside the core's queries, so no core waits on a tail
                beside = side.submit(shacl.run_sparql, store, fast, focus)
            outcome.hits = shacl_compiled.run(store, plan, focus)
            if plan.fallback or rest:
                outcome.graph, more = shacl.run_core(data, shapes_graph, core, scope, rest, only=plan.fallback,
                                                     extra=shacl_compiled.tuples(outcome.hits, core, data))
                outcome.hits = []
                for shape, nodes in more.items():
                    focus.add(shape, nodes)
        if fast:
            store = store or data_store()
            rows = beside.result() if beside is not None else shacl.run_sparql(store, fast, focus)
            outcome.rows += [(row, prefixes, data, shapes_graph) for row in rows]
    finally:
        if side is not None:
            side.shutdown(wait=True, cancel_futures=True)
        if focus is not None and not isinstance(focus, dict):
            focus.close()
        if shacl.oxigraph_of(data) is not None:  # large input: the focus graphs' memory back before locating
            from .bigload import release

            release()
    return outcome


def _pyshacl_monkey():
    """pyshacl's ``monkey`` module (its patch of rdflib's booleans), run without pyshacl's package:
    importing pyshacl takes 0.2 s of a one-measure `ncts validate`, which often needs nothing
    else of it (the module needs only rdflib and packaging)."""
    import importlib.util
    import sys

    if "pyshacl.monkey" in sys.modules:
        return sys.modules["pyshacl.monkey"]
    global _MONKEY
    if _MONKEY is None:
        package = importlib.util.find_spec("pyshacl")  # finds it, runs nothing
        spec = importlib.util.spec_from_file_location(
            "_ncts_pyshacl_monkey", Path(package.submodule_search_locations[0]) / "monkey" / "__init__.py")
        _MONKEY = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_MONKEY)
    return _MONKEY


_MONKEY = None


def _shapes_errors() -> tuple:
    """The errors that mean unusable shapes: the project's; pyshacl's (ValidationFailure,
    ConstraintLoadError, ...), which only a pyshacl already imported can have raised;
    NotImplementedError for what pyshacl does not support ($shapesGraph); RecursionError for
    shapes nested without end."""
    import sys

    from .shacl import ShapesError

    errors = sys.modules.get("pyshacl.errors")
    return (ShapesError, NotImplementedError, RecursionError,
            *([errors.ReportableRuntimeError] if errors is not None else []))


def _shapes_error(exc, shapes_files) -> NctsError:
    """One line naming the shapes file at fault (or the shapes given, when pyshacl does not say)."""
    node = getattr(exc, "node", None)
    files = [str(f) for f, g in shapes_files if node is not None and (node, None, None) in g]
    if not files:
        home = paths.home() / "shapes"
        given = [str(f) for f, _ in shapes_files if f.parent != home]
        files = given or [str(home) + "/"]
    text = str(exc) if isinstance(exc, NctsError) else f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
    return NctsError(f"{', '.join(files)}: shapes unusable: {text}")


def _set_conforms(report) -> None:
    """sh:conforms is true only without any result, whatever its severity (SHACL 3.6.1); the
    verdict of ``ncts validate`` follows --fail-on instead (Report.conforms)."""
    from rdflib import Literal, Namespace
    from rdflib.namespace import RDF

    sh = Namespace(SH)
    root = report.value(predicate=RDF.type, object=sh.ValidationReport, any=True)
    report.set((root, sh.conforms, Literal((root, sh.result, None) not in report)))


def _add_result(report, row, prefixes: dict, data, shapes_graph, root=None):
    """One SHACL-SPARQL result; blank nodes come with their description, as pyshacl's do."""
    from pyshacl.rdfutil import clone_blank_node
    from rdflib import BNode, Namespace
    from rdflib.namespace import RDF

    sh = Namespace(SH)

    def term(t, source):
        if isinstance(t, BNode) and (t, None, None) not in report:
            clone_blank_node(source, t, report, keepid=True)
        return t

    if root is None:
        root = report.value(predicate=RDF.type, object=sh.ValidationReport, any=True)
    node = BNode()
    report.add((root, sh.result, node))
    report.add((node, RDF.type, sh.ValidationResult))
    report.add((node, sh.focusNode, term(row["focus"], data)))
    if row["path"] is not None:
        report.add((node, sh.resultPath, row["path"]))
    if row["value"] is not None:
        report.add((node, sh.value, term(row["value"], data)))
    report.add((node, sh.resultSeverity, row["severity"]))
    report.add((node, sh.sourceShape, term(row["shape"], shapes_graph)))
    report.add((node, sh.sourceConstraint, term(row["constraint"], shapes_graph)))
    report.add((node, sh.sourceConstraintComponent, row["component"]))
    for message in row["messages"]:
        report.add((node, sh.resultMessage, _fill(message, row["bindings"], prefixes)))


def _fill(message, bindings, prefixes: dict, done: dict | None = None):
    """SHACL message templates: {?var} and {$var} take the solution's value. ``done``: the
    messages filled so far (tens of thousands of results repeat the same few values)."""
    names = _TEMPLATE.findall(message) if "{" in message else None
    if not names:
        return message
    key = (message, *(bindings.get(n) for n in names))
    if done is not None and key in done:
        return done[key]
    from rdflib import Literal

    from .namespaces import compact

    def value(match):
        term = bindings.get(match.group(1))
        return "" if term is None else str(term) if isinstance(term, Literal) else compact(term, prefixes)

    out = Literal(_TEMPLATE.sub(value, str(message)), lang=message.language)
    if done is not None:
        done[key] = out
    return out


_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


def _component(term) -> str:
    text = str(term)
    return "sh:" + text[len(SH):] if text.startswith(SH) else _compact_shape(term)


def _shape_name(shapes_graph, shape) -> str | None:
    """For a blank-node property shape, the named node shape holding it."""
    from rdflib import BNode, Namespace

    if not isinstance(shape, BNode):
        return None
    parent = next(shapes_graph.subjects(Namespace(SH).property, shape), None)
    return _compact_shape(parent) if parent is not None else None


def _compact_shape(term) -> str:
    from .namespaces import compact

    text = str(term)
    return "nctsh:" + text[len(NCTSH):] if text.startswith(NCTSH) else compact(term)


def _results(report, dataset, shapes_graph, lang: str, user_graphs: dict | None = None) -> list[Result]:
    """The results read from a report graph (pyshacl's, when pyshacl ran)."""
    from rdflib import Namespace
    from rdflib.namespace import RDF

    from .locate import Locator

    sh = Namespace(SH)
    root = report.value(predicate=RDF.type, object=sh.ValidationReport, any=True)
    nodes = set(report.objects(root, sh.result))  # not the sh:detail results nested in them
    by_node: dict = {}  # one pass over the report rather than ten lookups a result
    for s, p, o in report:
        if s in nodes:
            by_node.setdefault(s, {}).setdefault(p, []).append(o)
    one = lambda f, p: (f.get(p) or [None])[0]  # noqa: E731
    fields = [(one(f, sh.focusNode), one(f, sh.resultPath), one(f, sh.value), one(f, sh.resultSeverity),
               f.get(sh.resultMessage, []), one(f, sh.sourceShape), one(f, sh.sourceConstraintComponent))
              for f in (by_node.get(n, {}) for n in nodes)]
    return _located(fields, Locator(dataset, lang), shapes_graph, lang, user_graphs)


def _results_of(outcome: _Outcome, dataset, shapes_graph, lang: str, user_graphs: dict | None = None) -> list[Result]:
    """The results straight from the compiled engine's hits and the result rows, as
    :func:`_results` reads them from a report graph."""
    from rdflib import URIRef

    from .locate import Locator

    fields = [(hit.focus, hit.check.path, hit.value, hit.check.severity, hit.check.messages, hit.check.shape,
               URIRef(SH + hit.check.component)) for hit in outcome.hits]  # as _results reads them
    done: dict = {}
    for row, prefixes, _data, _shapes in outcome.rows:
        fields.append((row["focus"], row["path"], row["value"], row["severity"],
                       [_fill(m, row["bindings"], prefixes, done) for m in row["messages"]], row["shape"],
                       row["component"]))
    return _located(fields, Locator(dataset, lang), shapes_graph, lang, user_graphs)


def _located(fields, locator, shapes_graph, lang: str, user_graphs: dict | None) -> list[Result]:
    """Result objects, each located in its file, sorted for reading."""
    from .bigload import release

    locator.prefetch(f[0] for f in fields)
    release()  # the prefetch's query results are freed: their memory back before the files are read
    names: dict = {}
    results = []
    for focus, path, value, severity, messages_list, shape, component in fields:
        severity = str(severity).rsplit("#", 1)[-1].lower()
        messages = {}
        for m in sorted(messages_list, key=lambda m: (m.language or "", str(m))):
            messages.setdefault(m.language or "", str(m))
        message = messages.get(lang) or messages.get("en") or messages.get("") or next(iter(messages.values()), "")
        component = _component(component)
        where = locator.where_used(focus, value) if component == "nctsh:UnknownTerm" else locator.where(focus)
        if str(focus) in (user_graphs or {}):  # a result about a whole file
            where.file = user_graphs[str(focus)]
        if shape not in names:
            names[shape] = _shape_name(shapes_graph, shape)
        results.append(Result(
            focus=focus, path=path, value=value, severity=severity if severity in SEVERITIES else "violation",
            message=message, messages=messages, source_shape=shape, component=component, shape_name=names[shape],
            file=where.file, line=where.line, focus_label=where.label, owner=where.owner))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    results.sort(key=lambda r: (r.file or "~", r.line or 0, str(r.focus), order[r.severity], str(r.path), str(r.value),
                                r.component, r.message))
    return results


# --- presentation -----------------------------------------------------------------

_WORDS = {
    "nl": {"violation": ("overtreding", "overtredingen"), "warning": ("waarschuwing", "waarschuwingen"),
           "info": ("melding", "meldingen"), "conforms": "voldoet", "fails": "voldoet niet",
           "value": "waarde", "under": "in", "none": "Geen resultaten.", "bundled": "de meegeleverde graaf"},
    "en": {"violation": ("violation", "violations"), "warning": ("warning", "warnings"),
           "info": ("info", "infos"), "conforms": "conforms", "fails": "does not conform",
           "value": "value", "under": "under", "none": "No results.", "bundled": "the bundled graph"},
}


def path_text(report_graph, path, prefixes: dict | None = None) -> str | None:
    """A SHACL property path as SPARQL-like text: a/b for sequences, a|b for alternatives."""
    from rdflib import BNode, Namespace
    from rdflib.collection import Collection

    from .namespaces import compact

    sh = Namespace(SH)
    if path is None:
        return None
    if not isinstance(path, BNode):
        return terms.show(path, prefixes)
    alt = report_graph.value(path, sh.alternativePath)
    if alt is not None:
        return "|".join(path_text(report_graph, p, prefixes) for p in Collection(report_graph, alt))
    if report_graph.value(path, sh.inversePath) is not None:
        return "^" + path_text(report_graph, report_graph.value(path, sh.inversePath), prefixes)
    try:
        return "/".join(path_text(report_graph, p, prefixes) for p in Collection(report_graph, path))
    except Exception:
        return str(path)


def summary(report: Report, lang: str = "nl") -> str:
    """'1 measure, 1 quote in my.ttl; 0 violations, 0 warnings, 0 infos: conforms (fail-on: violation)'."""
    words = _WORDS[lang]
    counts = report.counts()
    parts = [f"{counts[s]} {words[s][0] if counts[s] == 1 else words[s][1]}" for s in SEVERITIES]
    verdict = words["conforms"] if report.conforms else words["fails"]
    what = terms.describe(report.validated, terms.files_text(report.files) or words["bundled"], lang)
    return f"{what}; {', '.join(parts)}: {verdict} (fail-on: {report.fail_on})"


def render_text(report: Report, lang: str = "nl") -> str:
    """The report for people: one block per focus node, then a summary line."""
    from .namespaces import compact

    words = _WORDS[lang]
    lines: list[str] = []
    current = object()
    for r in report.results:
        key = (r.file, r.line, str(r.focus))
        if key != current:
            current = key
            where = f"{r.file}:{r.line}" if r.file and r.line else (r.file or "?")
            name = ("" if r.component == "nctsh:NothingToValidate"
                    else compact(r.focus, report.prefixes) if not _is_blank(r.focus)
                    else f"[ ] {words['under']} {compact(r.owner, report.prefixes)}")
            label = f'  "{r.focus_label}"' if r.focus_label else ""
            lines.append((("" if not lines else "\n") + f"{where}  {name}{label}").rstrip())
        path = report.path_text(r)
        lines.append(f"  {r.severity:<9}  {path + ': ' if path else ''}{r.message}")
        detail = []
        if r.value is not None and r.value != r.focus:
            detail.append(f"{words['value']}: {_show(r.value, report.prefixes)}")
        detail.append(f"{r.component}, {r.shape_name or _compact_shape(r.source_shape)}")
        lines.append("             " + "; ".join(detail))
    if not report.results:
        lines.append(words["none"])
    lines.append(summary(report, lang))
    return "\n".join(lines)


def render_json(report: Report) -> str:
    import json

    return json.dumps({"conforms": report.conforms, "verdict": report.verdict, "validated": report.validated,
                       "fail_on": report.fail_on,
                       "as_of": report.as_of.isoformat() if report.as_of else None, "files": report.files,
                       "counts": report.counts(),
                       "results": [dict(r.as_dict(report.prefixes), path=report.path_text(r))
                                   for r in report.results]},
                      indent=2, ensure_ascii=False)


def render_ttl(report: Report) -> str:
    return report.graph.serialize(format="turtle")


def _is_blank(term) -> bool:
    from rdflib import BNode

    return isinstance(term, BNode)


def _show(term, prefixes: dict) -> str:
    from rdflib import Literal

    from .namespaces import compact

    if isinstance(term, Literal):
        text = str(term)
        text = text if len(text) <= 80 else text[:77] + "..."
        return f'"{text}"' + (f"@{term.language}" if term.language else "")
    return terms.show(term, prefixes)
