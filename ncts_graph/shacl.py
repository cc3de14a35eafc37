"""SHACL validation engine: pyshacl for the core, Oxigraph for the SHACL-SPARQL constraints of node shapes.

pyshacl evaluates a SPARQL constraint on rdflib's engine, which is where nearly all of
its time goes (70 s for the bundled graph). Here the SPARQL constraints of top-level
node shapes run on Oxigraph instead, with ``$this`` pre-bound as SHACL 5.3.1 means it
(the value in every occurrence, nested groups and unions included):

- as one query with all focus nodes joined in front, where that is provably the same
  (``join_safe``: $this only in triple patterns and in top-level FILTER/BIND, ...);
- else once per focus node through Oxigraph's ``substitutions``, where those are faithful
  (``substitution_safe``: not inside subqueries, BIND, bound(), aggregates);
- else (and for property shapes, shapes reached only through sh:node/sh:or/..., and
  $shapesGraph) by pyshacl itself.

Focus nodes are pyshacl's own (targets, implicit class targets, literal and blank target
nodes), so restricting them to a user's files changes nothing but which results are
reported. Before anything runs, every SPARQL query of the shapes is parsed (rdflib) and
refused if SHACL-SPARQL forbids it (5.3.2: MINUS, VALUES, SERVICE, ``AS`` a pre-bound
variable, a subquery without ``$this``): a SERVICE is never executed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import NctsError

SH = "http://www.w3.org/ns/shacl#"
PREBOUND = ("this", "currentShape", "shapesGraph")
FEW = 50  # a SPARQL constraint with at most this many results anywhere runs for their $this alone
_PATH = "<urn:ncts-graph:shacl-path>"  # stands for $PATH (component validators) when parsing


@dataclass
class SparqlConstraint:
    shape: object
    constraint: object
    select: str
    severity: object
    messages: list
    prebind: tuple = ("this",)  # the variables substituted (Oxigraph substitutes projected ones only)
    join: bool = False  # one query for all focus nodes, joined from the focus graph (join_safe)
    union: bool = False  # may read every graph of the store, the focus graphs included (union_safe)
    alone: bool = False  # may run without the focus nodes first (join and binds_this)


_PARSED: dict = {}
_ANALYSES: dict | None = None  # query hash -> analyse(); also kept on disk (see _analyses_file)
_UNSAVED = False
_USED: set = set()  # the cache keys this process asked for


def analyse(query: str) -> dict:
    """What the engine needs to know of a query: ``forbidden`` (why SHACL-SPARQL refuses it,
    or None), ``substitution_safe``, ``join_safe`` and ``projection`` (None for SELECT *).

    rdflib's parser takes about 0.1 s a query, so the answers are kept in the user's cache
    folder, keyed by the query text, this module's code and rdflib's version: a repeated
    `ncts validate` parses nothing.
    """
    import hashlib

    global _ANALYSES, _UNSAVED
    if _ANALYSES is None:
        _ANALYSES = _load_analyses()
    key = hashlib.sha256(query.encode("utf-8")).hexdigest()
    _USED.add(key)
    if key not in _ANALYSES:
        problem = forbidden(query)
        facts = {"forbidden": problem, "substitution_safe": False, "join_safe": False, "projection": None,
                 "union_safe": False, "binds_this": False}
        if problem is None:
            projected = _projection(query)
            facts.update(substitution_safe=substitution_safe(query), join_safe=join_safe(query),
                         union_safe=union_safe(query), binds_this=binds_this(query),
                         projection=None if projected is None else sorted(projected))
        _ANALYSES[key] = facts
        _UNSAVED = True
    return _ANALYSES[key]


def _analyses_file():
    import hashlib
    import os
    from pathlib import Path

    import rdflib

    from . import sparql

    code = Path(__file__).read_bytes() + Path(sparql.__file__).read_bytes() + rdflib.__version__.encode()
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ncts-graph"
    return folder / f"shacl-sparql-{hashlib.sha256(code).hexdigest()[:16]}.json"


def _load_analyses() -> dict:
    import json

    try:
        return json.loads(_analyses_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_analyses() -> None:
    """Write the cache (temp file, then rename); a cache that cannot be written is no error."""
    import json
    import os
    import tempfile

    global _UNSAVED
    if not _UNSAVED or _ANALYSES is None:
        return
    target = _analyses_file()
    kept = _ANALYSES if len(_ANALYSES) < 2000 else {k: v for k, v in _ANALYSES.items() if k in _USED}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(kept, out)
        os.replace(tmp, target)
        _UNSAVED = False
    except OSError:
        pass


def _parse(query: str):
    """rdflib's parse of a query (kept: the checks and the split both need it)."""
    from rdflib.plugins.sparql.parser import parseQuery

    if query not in _PARSED:
        _PARSED[query] = parseQuery(query)
    return _PARSED[query]


_UNSAFE = ("SubSelect", "Bind", "Builtin_BOUND", "GroupClause", "HavingClause", "OrderClause")


def substitution_safe(query: str) -> bool:
    """Whether Oxigraph's substitution pre-binds $this/$currentShape as SHACL means here.

    It does in triple patterns, FILTERs, EXISTS and nested groups and unions (tested by
    the W3C pre-binding cases), but not inside subqueries, BIND, bound(), aggregates or
    solution modifiers: a query using a pre-bound variable there stays with pyshacl.
    """
    from pyparsing import ParseResults
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    def walk(node, unsafe: bool) -> bool:
        if isinstance(node, Variable):
            return not (unsafe and str(node) in ("this", "currentShape"))
        if isinstance(node, CompValue):
            inside = unsafe or node.name in _UNSAFE or node.name.startswith("Aggregate_") \
                or (node.name == "vars" and "expr" in node)
            return all(walk(v, inside) for v in node.values())
        if isinstance(node, (list, tuple, ParseResults)):
            return all(walk(v, unsafe) for v in node)
        return True

    return walk(_parse(query)[1], False)


def join_safe(query: str) -> bool:
    """Whether joining the focus nodes in front of the query (a pattern binding ?this,
    first in its WHERE) is the same as pre-binding $this in it, focus node by focus node.

    It is when $this occurs only in triple patterns (at any depth), in FILTERs and BINDs
    of the top-level group (EXISTS included: it sees the joined $this), and the query has
    no aggregates, GROUP BY, HAVING, LIMIT or OFFSET (which would mix focus nodes), nor
    GRAPH or FROM (the focus nodes come from a named graph: shacl_compiled.FocusGraph).
    """
    from pyparsing import ParseResults
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    from .sparql import tree_nodes

    select = _parse(query)[1]
    if any(k in select for k in ("groupby", "having", "limitoffset")):
        return False
    if {"GraphGraphPattern", "DatasetClause"} & _names(_parse(query)):
        return False  # the focus nodes are joined from a named graph of their own

    def uses_this(node) -> bool:
        return any(isinstance(n, Variable) and str(n) in ("this", "currentShape") for n in tree_nodes(node))

    def only_in_triples(node) -> bool:
        if isinstance(node, CompValue):
            if node.name == "TriplesBlock":
                return True
            if node.name in ("Filter", "Bind", "SubSelect") or node.name.startswith("Aggregate_"):
                return not uses_this(node)  # evaluated before the join: a LIMIT in a subquery, say
            return all(only_in_triples(v) for v in node.values())
        if isinstance(node, (list, tuple, ParseResults)):
            return all(only_in_triples(v) for v in node)
        return not (isinstance(node, Variable) and str(node) in ("this", "currentShape"))

    if any(str(k).startswith("Aggregate_") for k in _names(select)):
        return False
    return all(part.name in ("TriplesBlock", "Filter", "Bind") or only_in_triples(part)
               for part in dict.get(select["where"], "part") or [])


def union_safe(query: str) -> bool:
    """Whether the query reads the same on every graph of the store as on the data graphs alone
    (Oxigraph's union of all graphs is twice as fast as a list of graphs, and does not slow
    down with the number of files): when every triple pattern has a fixed predicate (an IRI, or a
    path without a negated property set or a part of length zero) other than the focus graphs'
    own, or is `$this ?p ?o`, and the query names no graph. The focus graphs
    (shacl_compiled.FocusGraph) hold only triples with that predicate, about the engine's own IRIs."""
    from rdflib import URIRef, Variable
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    from .shacl_compiled import FOCUS
    from .sparql import tree_nodes

    def fixed(p) -> bool:
        if isinstance(p, URIRef):
            return str(p) != FOCUS
        if isinstance(p, (SequencePath, AlternativePath)):
            return all(fixed(x) for x in p.args)
        if isinstance(p, InvPath):
            return fixed(p.arg)
        if isinstance(p, MulPath):  # not * or ?: a path of length zero matches every node of every graph
            return p.mod == "+" and fixed(p.path)
        return False  # a variable, a negated property set

    parsed = _parse(query)
    if {"GraphGraphPattern", "DatasetClause", "ServiceGraphPattern"} & _names(parsed):
        return False
    this = Variable("this")
    for node in tree_nodes(translateQuery(parsed).algebra):
        if isinstance(node, CompValue) and node.name in ("BGP", "TriplesBlock"):
            # `$this ?p ?o` too: $this is a data node, never a focus graph's subject (its own IRIs)
            if not all(len(t) == 3 and (fixed(t[1]) or (t[0] == this and isinstance(t[1], Variable)))
                       for t in node["triples"]):
                return False
    return True


def binds_this(query: str) -> bool:
    """Whether every solution of the query binds $this by the query's own triple patterns (in
    its top-level group, or in every branch of a top-level UNION). Then a join-safe query's
    results on the focus nodes are its results anywhere whose $this is a focus node: it can run
    without them first (:func:`run_sparql`)."""
    from rdflib import Variable

    from .sparql import tree_nodes

    this = Variable("this")

    def binds(group) -> bool:
        for part in dict.get(group, "part") or []:
            if part.name == "TriplesBlock" and any(n == this for n in tree_nodes(part)):
                return True
            if part.name == "GroupOrUnionGraphPattern" and all(binds(g) for g in part["graph"]):
                return True
        return False

    return binds(_parse(query)[1]["where"])


def _names(node) -> set:
    from rdflib.plugins.sparql.parserutils import CompValue

    from .sparql import tree_nodes

    return {n.name for n in tree_nodes(node) if isinstance(n, CompValue)}


def _projection(query: str) -> set | None:
    """The variables a SELECT query projects (None for SELECT *)."""
    projection = dict.get(_parse(query)[1], "projection")
    if not projection:
        return None
    return {str(dict.get(p, "var") or dict.get(p, "evar")) for p in projection}


class ShapesError(NctsError):
    """The shapes cannot be used; ``node`` is the shapes-graph node at fault, when known."""

    def __init__(self, message: str, node=None):
        super().__init__(message)
        self.node = node


# --- checking the SPARQL of the shapes ---------------------------------------------------

def check_sparql(shapes) -> None:
    """Refuse every SPARQL query in the shapes that SHACL-SPARQL forbids (ShapesError)."""
    from rdflib import Namespace

    sh = Namespace(SH)
    for predicate in (sh.select, sh.ask):
        for owner, text in shapes.subject_objects(predicate):
            query = prologue(shapes, owner) + str(text).replace("$PATH", _PATH)
            problem = analyse(query)["forbidden"]
            if problem:
                raise ShapesError(f"{problem}, in the SPARQL of {_name(shapes, owner)}", owner)


def forbidden(query: str) -> str | None:
    """What SHACL-SPARQL forbids in this query (None when nothing), from rdflib's parse of it."""
    from rdflib import Variable
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parserutils import CompValue

    from .sparql import services_in, tree_nodes

    try:
        parsed = _parse(query)
    except Exception as exc:  # pyparsing's ParseException; too deep a nesting
        return f"SPARQL syntax error ({' '.join(str(exc).split())[:160]})"
    try:
        endpoints = services_in(parsed, translatePrologue(parsed[0], None))
    except Exception as exc:  # an undeclared prefix
        return f"SPARQL syntax error ({' '.join(str(exc).split())[:160]})"
    if endpoints:
        shown = ", ".join("a variable" if e is None else f"<{e}>" for e in endpoints)
        return f"SERVICE (a federated query to {shown}) is not allowed in shapes and was not run"
    for node in tree_nodes(parsed):
        if not isinstance(node, CompValue):
            continue
        if node.name == "MinusGraphPattern":
            return "MINUS is not allowed in SHACL-SPARQL"
        if node.name in ("InlineData", "ValuesClause") or dict.get(node, "valuesClause") is not None:
            return "VALUES is not allowed in SHACL-SPARQL"
        if node.name == "Bind" and str(dict.get(node, "var")) in PREBOUND:
            return f"BIND (... AS ?{node['var']}) of a pre-bound variable is not allowed in SHACL-SPARQL"
        projection = dict.get(node, "projection") or [] if node.name in ("SubSelect", "SelectQuery") else []
        for p in projection:
            if isinstance(dict.get(p, "evar"), Variable) and str(p["evar"]) in PREBOUND:
                return f"(... AS ?{p['evar']}) of a pre-bound variable is not allowed in SHACL-SPARQL"
        if node.name == "SubSelect":
            names = [str(dict.get(p, "var") or dict.get(p, "evar")) for p in projection]
            if "this" not in (names or _pattern_variables(node)):  # SELECT *: the variables of its patterns
                return "a nested SELECT must return $this in SHACL-SPARQL"
    return None


def _pattern_variables(node) -> set:
    """The names of the variables in the triple patterns below a parse-tree node."""
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    from .sparql import tree_nodes

    blocks = [n for n in tree_nodes(node) if isinstance(n, CompValue) and n.name == "TriplesBlock"]
    return {str(v) for block in blocks for v in tree_nodes(block) if isinstance(v, Variable)}


def _name(shapes, node) -> str:
    """The shape a SPARQL query belongs to, for messages."""
    from rdflib import BNode, Namespace, URIRef

    sh = Namespace(SH)
    shape = next((s for p in (sh.sparql, sh.validator, sh.nodeValidator, sh.propertyValidator)
                  for s in shapes.subjects(p, node)), node)
    if not isinstance(shape, BNode):
        return f"<{shape}>"
    parent = shapes.value(predicate=sh.property, object=shape)
    return f"a property shape of <{parent}>" if isinstance(parent, URIRef) else "a blank-node shape"


def prologue(shapes, owner) -> str:
    """PREFIX lines from the sh:declare of the owner's sh:prefixes and of everything they
    owl:imports, transitively (SHACL 5.2.1)."""
    from rdflib import Namespace
    from rdflib.namespace import OWL

    sh = Namespace(SH)
    lines, seen = [], set()
    todo = list(shapes.objects(owner, sh.prefixes))
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo += shapes.objects(node, OWL.imports)
        for decl in shapes.objects(node, sh.declare):
            prefix, ns = shapes.value(decl, sh.prefix), shapes.value(decl, sh.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines))) + "\n"  # sorted: the same text every run (the cache's key)


# --- splitting the work between the engines ------------------------------------------------

_NESTING = ("node", "property", "qualifiedValueShape", "not")
_LISTS = ("and", "or", "xone")


def split_shapes(shapes):
    """(shapes for pyshacl, SHACL-SPARQL constraints to run on Oxigraph).

    A constraint goes to Oxigraph when its shape is a node shape no other shape refers to
    (so it is only ever evaluated on its own targets) and its query needs no $shapesGraph.
    """
    from rdflib import Graph, Namespace

    from . import shacl_compiled

    sh = Namespace(SH)
    core = Graph()
    for prefix, ns in shapes.namespaces():
        core.bind(prefix, ns)
    core += shapes
    nested = {o for name in _NESTING for o in shapes.objects(None, sh[name])}
    nested |= {item for name in _LISTS for lst in shapes.objects(None, sh[name]) for item in shapes.items(lst)}
    fast = []
    for shape, constraint in list(shapes.subject_objects(sh.sparql)):
        if (shape, sh.path, None) in shapes or shape in nested:
            continue
        if any(shacl_compiled.is_true(v) for n in (constraint, shape) for v in shapes.objects(n, sh.deactivated)):
            continue  # pyshacl skips it too
        select = shapes.value(constraint, sh.select)
        if select is None or "shapesGraph" in str(select):
            continue
        query = prologue(shapes, constraint) + str(select)
        facts = analyse(query)
        if facts["forbidden"] or not facts["substitution_safe"]:
            continue
        projected = None if facts["projection"] is None else set(facts["projection"])
        if projected is not None and ("this" not in projected or
                                      ("currentShape" in str(select) and "currentShape" not in projected)):
            continue  # Oxigraph cannot substitute a variable the query does not project: pyshacl
        prebind = ("this", "currentShape") if projected is None or "currentShape" in projected else ("this",)
        messages = list(shapes.objects(constraint, sh.message)) or list(shapes.objects(shape, sh.message))
        severity = shapes.value(shape, sh.severity) or sh.Violation
        fast.append(SparqlConstraint(shape, constraint, query, severity, messages, prebind,
                                     facts["join_safe"] and "currentShape" not in str(select), facts["union_safe"],
                                     facts["join_safe"] and facts["binds_this"]))
        core.remove((shape, sh.sparql, constraint))
    _save_analyses()
    return core, fast


# --- running ------------------------------------------------------------------------------

def run_core(data, shapes, core, scope=None, fast_shapes=(), only=None, extra=()):
    """pyshacl over ``core``: (report graph, {fast shape: its focus nodes}).

    Each shape is validated on its own focus nodes as pyshacl finds them, kept only when in
    ``scope`` (a set of nodes; None keeps all); nested shapes are evaluated normally.
    ``only``: the top-level shapes to validate (None: all); ``extra``: results (pyshacl's
    (text, node, triples) tuples) of other engines, put in the same report.
    """
    from pyshacl.graph_abstraction import DataGraph
    from pyshacl.shapes_graph import ShapesGraph
    from pyshacl.validator import Validator

    options = {"inplace": True, "allow_warnings": True, "allow_infos": True, "logger": _quiet_logger()}
    graph = DataGraph.from_rdflib(data)
    validator = Validator(graph, shacl_graph=core, options=options)
    executor = validator.make_executor()

    def focus_of(shape):
        nodes = shape.focus_nodes(graph)
        return [n for n in nodes if n in scope] if scope is not None else list(nodes)

    results, conforms = list(extra), not extra
    for shape in validator.shacl_graph.shapes:
        if only is not None and shape.node not in only:
            continue
        nodes = focus_of(shape)
        if nodes:
            ok, found = shape.validate(executor, graph, focus=nodes)
            conforms = conforms and ok
            results.extend(found)
    report, _text = Validator.create_validation_report(validator.shacl_graph, conforms, results)
    focus = {}
    if fast_shapes:
        every = {s.node: s for s in ShapesGraph(shapes, logger=_quiet_logger()).shapes}
        focus = {node: focus_of(every[node]) for node in fast_shapes if node in every}
    return report, focus


def _quiet_logger():
    """pyshacl's messages about unusable shapes become our one-line error, not log lines."""
    import logging

    logger = logging.getLogger("ncts_graph.pyshacl")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
    return logger


def run_sparql(store, constraints, focus) -> list[dict]:
    """Each SHACL-SPARQL constraint on Oxigraph with $this (and $currentShape) pre-bound:
    one query with the focus nodes joined in front (from the focus graph) where that is the
    same (join_safe), once per focus node by substitution otherwise; rows as SHACL result
    fields. ``focus``: a shacl_compiled.FocusGraph, or a dict of focus nodes."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    import pyoxigraph as ox
    from rdflib import URIRef

    from . import shacl_compiled
    from .sparql import inject
    from .store import _ox_term, converter

    own = shacl_compiled._given(store, focus) if isinstance(focus, dict) else None
    focus = own or focus
    jobs = []  # (constraint, query, substitutions, focus node or None)
    first = []  # (constraint, query on the focus nodes) of those run without the focus nodes first

    def solve(job):
        c, text, substitutions, _node = job
        try:
            solutions = (shacl_compiled._query(store) if c.union else store.query)(text, substitutions=substitutions)
        except SyntaxError as exc:
            return ShapesError(f"SPARQL syntax error in a constraint of {c.shape}: {' '.join(str(exc).split())}",
                               c.constraint)
        return [v.value for v in solutions.variables], list(solutions)

    def solve_all(jobs):
        workers = min(2, os.cpu_count() or 1)
        if workers > 1 and len(jobs) > 1:  # Oxigraph evaluates without the GIL
            with ThreadPoolExecutor(workers) as pool:
                answers = list(pool.map(solve, jobs))
        else:
            answers = [solve(job) for job in jobs]
        for answer in answers:
            if isinstance(answer, ShapesError):
                raise answer
        return answers

    try:
        for c in constraints:
            if not focus.has_nodes(c.shape):
                continue
            if c.join:
                (first if c.alone else jobs).append((c, inject(c.select, focus.pattern(c.shape)), None, None))
                continue
            values = {"currentShape": _ox_term(c.shape)}
            for node in focus.nodes(c.shape):
                values["this"] = _ox_term(node)
                jobs.append((c, c.select, {ox.Variable(v): values[v] for v in c.prebind}, node))
        # a query that binds $this itself runs without the focus nodes first: when it finds few
        # results anywhere (an e-mail address among 100,000 measures: 0.7 s, not 3 s), it then runs
        # only for their $this, else on all focus nodes as the others do
        anywhere = solve_all([(c, f"{c.select}\nLIMIT {FEW + 1}", None, None) for c, *_ in first])
        for (c, joined, _s, _n), (_names, solutions) in zip(first, anywhere):
            if len(solutions) > FEW:
                jobs.append((c, joined, None, None))
            else:
                jobs += [(c, joined, {ox.Variable("this"): this}, None)
                         for this in dict.fromkeys(s["this"] for s in solutions)]
        answers = solve_all(jobs)
    finally:
        if own is not None:
            own.close()
    results = []
    to_rdflib = converter()
    for (c, _text, _subs, node), (names, solutions) in zip(jobs, answers):
        for sol in solutions:
            row = {n: to_rdflib(sol[n]) for n in names}
            if row.get("failure") is not None and str(row["failure"]) == "true":
                raise ShapesError(f"a constraint of {c.shape} reported a failure", c.constraint)
            this = node if node is not None else row.get("this")
            path = row.get("path")
            results.append({"focus": this, "path": path if isinstance(path, URIRef) else None,
                            "value": row["value"] if row.get("value") is not None else this,
                            "shape": c.shape, "constraint": c.constraint, "severity": c.severity,
                            "component": URIRef(SH + "SPARQLConstraintComponent"), "messages": c.messages,
                            "bindings": row})
    return results


class UnionStore:
    """An Oxigraph store holding the data as named graphs (one per file, as ``ncts validate``
    loads big inputs: see :func:`ncts_graph.validate.load_for_validation`), queried as one
    default graph: their union. Graphs added later (the focus-node graphs) stay out of it."""

    def __init__(self, store):
        import pyoxigraph as ox

        self.store = store
        self.graphs = [*store.named_graphs(), ox.DefaultGraph()]

    def query(self, text, **options):
        return self.store.query(text, default_graph=self.graphs, **options)

    def query_all(self, text, **options):
        """Every graph as the default graph, the focus-node graphs included: twice as fast as
        listing the data graphs, and the same for queries that never use the focus graphs'
        own predicate (the compiled SHACL core's; never a shapes author's SPARQL)."""
        return self.store.query(text, use_default_graph_as_union=True, **options)

    def bulk_extend(self, quads):
        self.store.bulk_extend(quads)

    def clear_graph(self, graph):
        self.store.remove_graph(graph)


def oxigraph_of(data):
    """The Oxigraph store under an rdflib Dataset kept in Oxigraph (oxrdflib), else None."""
    import pyoxigraph as ox

    inner = getattr(getattr(data, "store", None), "_inner", None)
    return UnionStore(inner) if isinstance(inner, ox.Store) else None


def to_store(graph, ill_typed: list | None = None):
    """An Oxigraph store holding the data graph as its default graph. ``ill_typed`` (a list)
    receives the literals rdflib flags as ill-typed: rdflib may have rewritten their lexical
    form ("TRUE"^^xsd:boolean to "true"), so the copy cannot show what pyshacl sees."""
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    from .store import _ox_term

    cache: dict = {}

    def term(t):
        if ill_typed is not None and type(t) is Literal and t.ill_typed:  # before the cache: equal to a
            ill_typed.append(t)  # well-typed "true" once rewritten
        out = cache.get(t)
        if out is None:
            out = cache[t] = _ox_term(t)
        return out

    store = ox.Store()
    # inference (owlrl) can produce generalised triples, literal subjects say; RDF has no place for them
    store.bulk_extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in graph
                      if not isinstance(s, Literal) and isinstance(p, URIRef))
    return store
