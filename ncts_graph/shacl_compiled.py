"""SHACL core constraints compiled to SPARQL and run on Oxigraph, one query per constraint
over all focus nodes of a shape (issue 10: pyshacl's per-node Python loop took ~10 ms a
measure).

Only what is compiled faithfully is compiled; a top-level shape with anything else
(an unknown or custom constraint component, a SPARQL target, sh:property below a
property shape, a shape without sh:message whose results would need pyshacl's generic
messages, a language range with a subtag, sh:qualifiedValueShapesDisjoint, ...) is left,
whole, to pyshacl (:func:`plan` says which). The results are pyshacl's own result
descriptions (focus node, value, path and shape cloned into the report the same way),
so the report graph is built by pyshacl's ``create_validation_report``.

The semantics followed are pyshacl 0.40.1's where they differ from plain SPARQL: value
nodes are sets (DISTINCT), sh:in and sh:hasValue compare RDF terms (sameTerm),
sh:languageIn matches a tag or its first subtag case-insensitively, sh:pattern fails
blank nodes and searches (not matches) the string. SPARQL does not check that a literal is well-formed for its
datatype, so shapes using sh:datatype with an XSD type other than xsd:string and
xsd:integer (whose well-typed forms in rdflib are known: see _LEXICAL) go to pyshacl.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import NamedTuple

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FOCUS = "urn:ncts-graph:compiled-focus"
# the lexical forms rdflib (so pyshacl) takes as well-typed, for the datatypes compiled
# (xsd:integer: rdflib converts with Python's int(), which allows surrounding whitespace, a sign,
# any Unicode decimal digits and single underscores between digits). Other datatypes (xsd:boolean, say)
# are decided by pyshacl's own code (:func:`_confirmed`).
_LEXICAL = {"http://www.w3.org/2001/XMLSchema#integer": "^\\s*[+-]?\\d+(_\\d+)*\\s*$"}

# sh:datatype values decided in SPARQL alone; any other datatype is decided by pyshacl's own code
_EXACT_DATATYPES = {LANGSTRING, XSD_STRING, *_LEXICAL}
# constraints decided by pyshacl's own code on the rows SPARQL cannot pass for certain
_CONFIRMED = ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive", "lessThan", "lessThanOrEquals")
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
# a literal SPARQL and rdflib read as the same integer
_INT = "(isLiteral({x}) && datatype({x}) = <" + XSD_INTEGER + "> && REGEX(STR({x}), \"^[+-]?[0-9]+$\"))"

# predicates of a shape that are no constraint (or are handled elsewhere)
_NOT_CONSTRAINTS = {"path", "message", "severity", "name", "description", "order", "group", "defaultValue",
                    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "deactivated",
                    "property", "sparql", "qualifiedMinCount", "qualifiedMaxCount", "prefixes", "declare"}
# a shape without sh:message gets pyshacl's generic messages, which are not compiled: such a
# shape goes to pyshacl. False only in tests/test_w3c_shacl.py ("compiled" mode: the W3C
# check compares no messages), so the suite tests the compiled checks themselves.
REQUIRE_MESSAGES = True
# a check's prefilter runs first when its shape has at least this many focus nodes: at N = 100,000
# measures a value check's prefilter takes 0.05 s where the check takes 0.6 s, while on a handful
# of focus nodes the check is the cheaper (0 in tests, so the W3C suite runs the prefilters)
PREFILTER_MIN = 1000
# a subquery's LIMIT keeps Oxigraph from pushing a FILTER into it: a value test (EXISTS of a class,
# say) then runs once per distinct value rather than once per triple
_NO_PUSHDOWN = "LIMIT 1000000000000"
# a check whose prefilter finds at most this many failing values runs once per value (an invalid
# class value among 100,000 measures: 0.15 s, where the whole check takes 1.8 s)
BY_VALUE = 50
_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")


def is_true(term) -> bool:
    """A boolean parameter as pyshacl reads it: by its value, so "TRUE"^^xsd:boolean is true and
    "1" is not (the shapes are parsed under pyshacl's patch of rdflib's booleans), never by its
    lexical form."""
    from rdflib import Literal

    return isinstance(term, Literal) and term.value is True


class Unsupported(Exception):
    """Something this compiler does not translate faithfully: the shape goes to pyshacl."""


@dataclass
class Check:
    """One compiled constraint: a SELECT giving ?this (and ?v when the result has a value)."""

    shape: object  # the shape node (sh:sourceShape)
    component: str  # e.g. sh:MinCountConstraintComponent
    query: str  # with {focus} where the focus-node pattern goes
    has_value: bool
    path: object = None  # the sh:path node (property shapes)
    top: object = None  # the top-level shape whose focus nodes it runs on
    # for what SPARQL cannot decide as pyshacl does (value ranges, datatypes, sh:lessThan): the query
    # selects only the rows that do not certainly pass, and pyshacl's own code decides each of them
    confirm: object = None  # (focus, value[, other value]) -> True when it is a result
    # a test of the focus node alone (sh:minCount 1 as NOT EXISTS, say): the tests of a shape's focus
    # nodes run as one query, a column each (:func:`run`), rather than a pass over the nodes each
    exists: str | None = None
    # a query over the whole data, without the focus nodes, that finds nothing when the check can find
    # nothing (a value that fails a value-only test anywhere, two values of one language anywhere):
    # run first on large focus sets, where it is cheaper than the check (:data:`PREFILTER_MIN`)
    prefilter: str | None = None
    # the variable the prefilter's rows bind (at most BY_VALUE + 1 of them): "v" for the failing values,
    # "this" for the nodes with too many values; when it gives no more than BY_VALUE, the check runs once
    # for each of them, that variable bound, rather than over every focus node ("": never)
    by: str = ""
    severity: object = None  # the shape's sh:severity (sh:Violation when it has none), set by plan()
    messages: list = field(default_factory=list)  # the shape's sh:message literals, set by plan()


def _exists_check(shape, component: str, condition: str, path, top) -> Check:
    return Check(shape, component, f"SELECT ?this WHERE {{ {{focus}} FILTER({condition}) }}", False, path, top,
                 exists=condition)


@dataclass
class Plan:
    checks: list = field(default_factory=list)
    compiled: set = field(default_factory=set)  # top-level shapes fully compiled
    fallback: set = field(default_factory=set)  # top-level shapes left to pyshacl (with why)
    why: dict = field(default_factory=dict)


def _u(name: str):
    from rdflib import URIRef

    return URIRef(SH + name)


def term(t) -> str:
    """An rdflib term in SPARQL syntax."""
    from rdflib import BNode

    if isinstance(t, BNode):
        raise Unsupported("a blank node as a constant")
    return t.n3()


class _Compiler:
    def __init__(self, sg, confirm: bool = True):
        self.sg = sg
        self.confirm = confirm  # False: the constraints pyshacl decides (_confirmed) are Unsupported
        self.counter = itertools.count()
        # parameters of custom (SPARQL-based) constraint components: a shape using one goes to pyshacl
        self.custom = {p for param in sg.objects(None, _u("parameter")) for p in sg.objects(param, _u("path"))}

    def var(self) -> str:
        return f"?_v{next(self.counter)}"

    def objects(self, node, name):
        return list(self.sg.objects(node, _u(name)))

    def one(self, node, name):
        values = self.objects(node, name)
        if len(values) > 1:
            raise Unsupported(f"more than one sh:{name}")
        return values[0] if values else None

    def deactivated(self, node) -> bool:
        return any(is_true(v) for v in self.objects(node, "deactivated"))

    def may_be_empty(self, p) -> bool:
        """Whether the path can have length zero (then ``[] path ?v`` does not give every value)."""
        from rdflib import URIRef
        from rdflib.namespace import RDF

        if isinstance(p, URIRef):
            return False
        if (p, RDF.first, None) in self.sg:
            return all(self.may_be_empty(x) for x in self.items(p))
        if self.one(p, "zeroOrMorePath") is not None or self.one(p, "zeroOrOnePath") is not None:
            return True
        for name in ("inversePath", "oneOrMorePath"):
            x = self.one(p, name)
            if x is not None:
                return self.may_be_empty(x)
        alt = self.one(p, "alternativePath")
        return alt is None or any(self.may_be_empty(x) for x in self.items(alt))

    def items(self, lst) -> list:
        try:
            return list(self.sg.items(lst))
        except Exception:
            raise Unsupported("an ill-formed RDF list") from None

    # --- paths ---------------------------------------------------------------------------
    def path(self, p) -> str:
        from rdflib import BNode, URIRef
        from rdflib.namespace import RDF

        if isinstance(p, URIRef):
            return p.n3()
        if not isinstance(p, BNode):
            raise Unsupported("a path that is not an IRI or blank node")
        if (p, RDF.first, None) in self.sg:
            parts = self.items(p)
            if len(parts) < 2:
                raise Unsupported("a sequence path of fewer than two")
            return "(" + "/".join(self.path(x) for x in parts) + ")"
        for name, fmt in (("inversePath", "^({})"), ("zeroOrMorePath", "({})*"), ("oneOrMorePath", "({})+"),
                          ("zeroOrOnePath", "({})?")):
            x = self.one(p, name)
            if x is not None:
                return fmt.format(self.path(x))
        alt = self.one(p, "alternativePath")
        if alt is not None:
            parts = self.items(alt)
            if not parts:
                raise Unsupported("an empty alternative path")
            return "(" + "|".join(self.path(x) for x in parts) + ")"
        raise Unsupported("an unknown path form")

    # --- per-value tests (a SPARQL boolean expression true when ?v passes) ------------
    def value_tests(self, shape, top: bool = False) -> list[tuple[str, str]]:
        """(component, expression on {v}) for every value-node constraint of a shape,
        Unsupported for anything unknown. ``top``: the constraints decided in Python
        (:func:`confirmed`) are left to the caller; in a nested shape they are Unsupported."""
        from rdflib import Literal, URIRef

        from rdflib.namespace import RDF, RDFS

        tests = []
        for p in set(self.sg.predicates(shape, None)):
            if not str(p).startswith(SH):
                if p in self.custom:
                    raise Unsupported(f"custom constraint component parameter {p}")
                continue
            name = str(p)[len(SH):]
            if name in _NOT_CONSTRAINTS or name in ("minCount", "maxCount", "uniqueLang", "hasValue",
                                                     "qualifiedValueShape", "qualifiedValueShapesDisjoint",
                                                     "flags"):
                continue
            values = self.objects(shape, name)
            if name == "datatype" and len(values) > 1:
                raise Unsupported("more than one sh:datatype (pyshacl refuses the shape)")
            if name in _CONFIRMED or name == "datatype" and str(values[0]) not in _EXACT_DATATYPES:
                if top:
                    continue
                raise Unsupported(f"sh:{name} in a nested shape (decided in Python only at the top)")
            for x in values:
                if name == "class":
                    if not isinstance(x, URIRef):
                        raise Unsupported("sh:class not an IRI")
                    tests.append(("ClassConstraintComponent",
                                  f"EXISTS {{ {{v}} <{RDF.type}>/<{RDFS.subClassOf}>* {x.n3()} }}"))
                elif name == "nodeKind":
                    kinds = {"IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
                             "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
                             "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
                             "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))"}
                    kind = str(x)[len(SH):] if str(x).startswith(SH) else None
                    if kind not in kinds:
                        raise Unsupported("an unknown sh:nodeKind")
                    tests.append(("NodeKindConstraintComponent", kinds[kind]))
                elif name == "datatype":
                    if str(x) == LANGSTRING:
                        tests.append(("DatatypeConstraintComponent", "(isLiteral({v}) && lang({v}) != \"\")"))
                    elif str(x) == XSD_STRING:
                        tests.append(("DatatypeConstraintComponent",
                                      f"(isLiteral({{v}}) && lang({{v}}) = \"\" && datatype({{v}}) = <{x}>)"))
                    elif str(x) in _LEXICAL:  # pyshacl (rdflib) also rejects ill-typed lexical forms
                        tests.append(("DatatypeConstraintComponent",
                                      f"(isLiteral({{v}}) && datatype({{v}}) = <{x}> && "
                                      f"REGEX(STR({{v}}), {Literal(_LEXICAL[str(x)]).n3()}))"))
                elif name == "pattern":
                    flags = self.objects(shape, "flags")
                    flag = str(flags[0]) if flags else ""
                    if not isinstance(x, Literal) or len(flags) > 1 or set(flag.lower()) - {"i"} \
                            or not _regex_portable(str(x)):
                        raise Unsupported("a pattern or flags not known to mean the same in SPARQL")
                    regex = f"REGEX(STR({{v}}), {Literal(str(x)).n3()}{', ' + Literal(flag).n3() if flag else ''})"
                    tests.append(("PatternConstraintComponent", f"(!isBlank({{v}}) && {regex})"))
                elif name == "languageIn":
                    ranges = [str(r).lower() for r in self.items(x)]
                    if any("-" in r or not r.replace("*", "").isalnum() and r != "*" for r in ranges):
                        raise Unsupported("a language range with a subtag")
                    if "*" in ranges:
                        cond = "lang({v}) != \"\""
                    else:
                        cond = " || ".join(f"LCASE(lang({{v}})) = \"{r}\" || STRSTARTS(LCASE(lang({{v}})), \"{r}-\")"
                                           for r in ranges) or "false"
                    tests.append(("LanguageInConstraintComponent", f"(isLiteral({{v}}) && ({cond}))"))
                elif name == "in":
                    members = [term(m) for m in self.items(x)]
                    cond = " || ".join(f"sameTerm({{v}}, {m})" for m in members) or "false"
                    tests.append(("InConstraintComponent", f"({cond})"))
                elif name == "not":
                    tests.append(("NotConstraintComponent", f"!({self.conforms(x)})"))
                elif name == "node":
                    tests.append(("NodeConstraintComponent", self.conforms(x)))
                elif name in ("or", "and", "xone"):
                    members = [self.conforms(m) for m in self.items(x)]
                    if name == "or":
                        cond = " || ".join(members) or "false"
                    elif name == "and":
                        cond = " && ".join(members) or "true"
                    else:
                        cond = "(" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1" if members else "false"
                    tests.append((name.title() + "ConstraintComponent", f"({cond})"))
                else:
                    raise Unsupported(f"sh:{name}")
        return tests

    def conforms(self, shape) -> str:
        """A boolean expression on {v}: the node conforms to ``shape`` (a nested shape)."""
        if self.deactivated(shape):
            return "true"
        if self.objects(shape, "sparql") or self.objects(shape, "qualifiedValueShape"):
            raise Unsupported("SPARQL or qualified constraints in a nested shape")
        parts = []
        own_path = self.one(shape, "path")
        if own_path is None:
            parts += [t for _c, t in self.value_tests(shape)]
            if self.objects(shape, "minCount") or self.objects(shape, "maxCount") or self.objects(shape, "uniqueLang"):
                raise Unsupported("cardinality on a node shape")
            for hv in self.objects(shape, "hasValue"):
                parts.append(f"sameTerm({{v}}, {term(hv)})")
            props = self.objects(shape, "property")
        else:
            props = [shape]
        for prop in props:
            if self.deactivated(prop):
                continue
            if self.objects(prop, "property") or self.objects(prop, "qualifiedValueShape") or self.objects(prop, "sparql"):
                raise Unsupported("nested property shapes below a nested property shape")
            path = self.path(self.one(prop, "path"))
            x = self.var()
            for mc in self.objects(prop, "minCount"):
                n = int(mc)
                if n > 1:
                    raise Unsupported("sh:minCount above 1 in a nested shape")
                if n == 1:
                    parts.append(f"EXISTS {{ {{v}} {path} {x} }}")
            for mc in self.objects(prop, "maxCount"):
                if int(mc) != 0:
                    raise Unsupported("sh:maxCount in a nested shape")
                parts.append(f"NOT EXISTS {{ {{v}} {path} {x} }}")
            if self.objects(prop, "uniqueLang"):
                raise Unsupported("sh:uniqueLang in a nested shape")
            for hv in self.objects(prop, "hasValue"):
                parts.append(f"EXISTS {{ {{v}} {path} {term(hv)} }}")
            tests = [t for _c, t in self.value_tests(prop)]
            if tests:
                y = self.var()
                inner = " && ".join(t.replace("{v}", y) for t in tests)
                parts.append(f"NOT EXISTS {{ {{v}} {path} {y} FILTER(!({inner})) }}")
        if not parts:
            return "true"
        return "(" + " && ".join(parts) + ")"


def _regex_portable(pattern: str) -> bool:
    """Patterns whose meaning is the same in Python's re (pyshacl) and SPARQL's XPath
    regex (Oxigraph): no lookaround, backreferences, named groups, inline flags, or
    classes only Python knows."""
    import re

    return not re.search(r"\(\?|\\[1-9AZbBpP]|\\[wWdD]", pattern)


def _focus_patterns(c: _Compiler, shape) -> list[str]:
    """SPARQL groups binding ?this to the shape's focus nodes (pyshacl's target semantics)."""
    from rdflib import URIRef
    from rdflib.namespace import RDF, RDFS

    groups = []
    implicit = [shape] if (shape, RDF.type, RDFS.Class) in c.sg else []  # implicit class target
    for cls in [*implicit, *c.objects(shape, "targetClass")]:
        groups.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {term(cls)} }}")
    for p in c.objects(shape, "targetSubjectsOf"):
        if not isinstance(p, URIRef):
            raise Unsupported("sh:targetSubjectsOf not an IRI")
        groups.append(f"{{ ?this {p.n3()} [] }}")
    for p in c.objects(shape, "targetObjectsOf"):
        if not isinstance(p, URIRef):
            raise Unsupported("sh:targetObjectsOf not an IRI")
        groups.append(f"{{ [] {p.n3()} ?this }}")
    return groups


def top_level_shapes(sg) -> list:
    """The shapes pyshacl validates on their own targets."""
    from rdflib.namespace import RDF, RDFS

    found = set()
    for name in (*_TARGETS, "target"):
        found |= set(sg.subjects(_u(name), None))
    for kind in ("NodeShape", "PropertyShape"):
        found |= {s for s in sg.subjects(RDF.type, _u(kind))
                  if (s, RDF.type, RDFS.Class) in sg}  # implicit class targets
    return sorted(found, key=str)


def plan(sg, skip=frozenset(), confirm: bool = True) -> Plan:
    """Compile every top-level shape of ``sg`` (the shapes left after the SHACL-SPARQL
    split), or put it in ``fallback`` with the reason. ``confirm`` False: the store is a copy
    that lost rdflib's ill-typed flags, so the constraints pyshacl decides on them
    (:func:`_confirmed`) are left to pyshacl."""

    c = _Compiler(sg, confirm)
    out = Plan()
    for shape in top_level_shapes(sg):
        if c.deactivated(shape):
            continue
        try:
            if c.objects(shape, "target"):
                raise Unsupported("SPARQL-based targets")
            if c.objects(shape, "sparql"):
                raise Unsupported("SHACL-SPARQL constraints left to pyshacl")
            if c.objects(shape, "path") and c.objects(shape, "property"):
                raise Unsupported("a top-level property shape with property shapes")
            checks = _shape_checks(c, shape, shape)
            for prop in c.objects(shape, "property"):
                if c.deactivated(prop):
                    continue
                if c.one(prop, "path") is None:
                    raise Unsupported("sh:property without sh:path")
                if c.objects(prop, "property") or c.objects(prop, "sparql") or c.objects(prop, "target") \
                        or any(c.objects(prop, t) for t in _TARGETS):
                    raise Unsupported("a property shape with property shapes, SPARQL or targets of its own")
                checks += _shape_checks(c, prop, shape)
        except Unsupported as exc:
            out.fallback.add(shape)
            out.why[shape] = str(exc)
            continue
        for check in checks:
            check.severity = sg.value(check.shape, _u("severity")) or _u("Violation")
            check.messages = c.objects(check.shape, "message")
        out.checks += checks
        out.compiled.add(shape)
    return out


def _shape_checks(c: _Compiler, shape, top) -> list[Check]:
    """The checks of one shape (node shape: value node = focus node; property shape: its path)."""
    from rdflib import URIRef

    path_node = c.one(shape, "path")
    tests = c.value_tests(shape, top=True)
    confirmed = _confirmed(c, shape, path_node)
    extra = [n for n in ("minCount", "maxCount", "uniqueLang", "hasValue", "qualifiedValueShape")
             if c.objects(shape, n)] + confirmed
    if (tests or extra) and not c.objects(shape, "message") and REQUIRE_MESSAGES:
        raise Unsupported("a shape without sh:message (pyshacl writes generic messages)")
    if c.objects(shape, "qualifiedValueShapesDisjoint") and any(is_true(v) for v in
                                                                   c.objects(shape, "qualifiedValueShapesDisjoint")):
        raise Unsupported("sh:qualifiedValueShapesDisjoint")
    checks = []
    if path_node is None:
        if len(extra) > len(confirmed):
            raise Unsupported("cardinality or sh:hasValue on a node shape")
        for component, test in tests:
            checks.append(Check(shape, component, f"SELECT DISTINCT ?this ?v WHERE {{ {{focus}} BIND(?this AS ?v) "
                                f"FILTER(!({test.replace('{v}', '?v')})) }}", True, None, top))
        for component, certain, confirm in confirmed:
            checks.append(Check(shape, component, f"SELECT DISTINCT ?this ?v WHERE {{ {{focus}} BIND(?this AS ?v) "
                                f"FILTER(!({certain})) }}", True, None, top, confirm))
        return checks
    path = c.path(path_node)
    simple = isinstance(path_node, URIRef)  # a predicate, not a longer path
    anywhere = not c.may_be_empty(path_node)  # `?x path ?v` over all subjects gives every value of the path

    def failing(test: str) -> str | None:
        """The prefilter of a test of the value alone: some value of the path, anywhere, fails it."""
        if not anywhere or "?this" in test:
            return None
        if "EXISTS" in test:  # once per distinct value
            return (f"SELECT ?v WHERE {{ {{ SELECT DISTINCT ?v WHERE {{ [] {path} ?v }} {_NO_PUSHDOWN} }} "
                    f"FILTER(!({test})) }} LIMIT {BY_VALUE + 1}")
        return f"SELECT DISTINCT ?v WHERE {{ [] {path} ?v FILTER(!({test})) }} LIMIT {BY_VALUE + 1}"

    for component, certain, confirm in confirmed:
        other = f"?this <{confirm.other}> ?w . " if confirm.other else ""
        checks.append(Check(shape, component, f"SELECT DISTINCT ?this ?v{' ?w' if other else ''} WHERE {{ {{focus}} "
                            f"?this {path} ?v . {other}FILTER(!({certain})) }}", True, path_node, top, confirm,
                            prefilter=None if other else failing(certain), by="" if other else "v"))
    for component, test in tests:
        test = test.replace('{v}', '?v')
        checks.append(Check(shape, component, f"SELECT DISTINCT ?this ?v WHERE {{ {{focus}} ?this {path} ?v "
                            f"FILTER(!({test})) }}", True, path_node, top, prefilter=failing(test), by="v"))

    def over(n: int, test: str = "") -> str | None:
        """The prefilter of a count above n: the nodes, anywhere, with more than n such values."""
        return (f"SELECT ?x WHERE {{ ?x {path} ?v {test} }} GROUP BY ?x HAVING (COUNT(DISTINCT ?v) > {n}) "
                f"LIMIT {BY_VALUE + 1}"
                if anywhere else None)
    for mc in c.objects(shape, "minCount"):
        # at least one, on a predicate: a test per node (NOT EXISTS), 2.7 times faster than counting every
        # value; not on a longer path, which Oxigraph evaluates inside NOT EXISTS for all nodes at once
        # (72 s for 10,000 quotes' oa:hasSelector/oa:exact)
        if int(mc) == 1 and simple:
            checks.append(_exists_check(shape, "MinCountConstraintComponent", f"NOT EXISTS {{ ?this {path} ?v }}",
                                        path_node, top))
            continue
        if int(mc) == 1 and anywhere:  # the path's subjects found once, then taken away: 0.3 s where counting
            # every focus node's values takes 1.1 s (100,000 quotes' oa:hasSelector/oa:exact); not on a path
            # that can have length zero, whose value is the focus node itself even where it is in no triple
            checks.append(Check(shape, "MinCountConstraintComponent",
                                f"SELECT ?this WHERE {{ {{focus}} MINUS {{ ?this {path} ?v }} }}", False, path_node, top))
            continue
        checks.append(Check(shape, "MinCountConstraintComponent",
                            f"SELECT ?this WHERE {{ {{focus}} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this "
                            f"HAVING (COUNT(DISTINCT ?v) < {int(mc)})", False, path_node, top))
    for mc in c.objects(shape, "maxCount"):
        if int(mc) == 1 and simple:  # more than one: two values that are not the same term
            checks.append(_exists_check(shape, "MaxCountConstraintComponent",
                                        f"EXISTS {{ ?this {path} ?_a , ?_b FILTER(!sameTerm(?_a, ?_b)) }}",
                                        path_node, top))
            continue
        checks.append(Check(shape, "MaxCountConstraintComponent",
                            f"SELECT ?this WHERE {{ {{focus}} ?this {path} ?v }} GROUP BY ?this "
                            f"HAVING (COUNT(DISTINCT ?v) > {int(mc)})", False, path_node, top, prefilter=over(int(mc)),
                            by="this"))
    for hv in c.objects(shape, "hasValue"):
        condition = f"NOT EXISTS {{ ?this {path} ?v FILTER(sameTerm(?v, {term(hv)})) }}"
        checks.append(_exists_check(shape, "HasValueConstraintComponent", condition, path_node, top) if simple else
                      Check(shape, "HasValueConstraintComponent", f"SELECT ?this WHERE {{ {{focus}} FILTER({condition}) }}",
                            False, path_node, top))
    for flag in c.objects(shape, "uniqueLang"):
        if not is_true(flag):
            continue  # pyshacl: false (or not a boolean) checks nothing
        # one result per focus node and duplicated language (case-insensitive), without a value
        checks.append(Check(shape, "UniqueLangConstraintComponent",
                            f"SELECT ?this ?l WHERE {{ {{focus}} ?this {path} ?v FILTER(lang(?v) != \"\") "
                            f"BIND(LCASE(lang(?v)) AS ?l) }} GROUP BY ?this ?l HAVING (COUNT(DISTINCT ?v) > 1)",
                            False, path_node, top, by="this", prefilter=f"SELECT DISTINCT ?x WHERE {{ ?x {path} ?v , ?w "
                            f"FILTER(lang(?v) != \"\" && !sameTerm(?v, ?w) && LCASE(lang(?v)) = LCASE(lang(?w))) }} "
                            f"LIMIT {BY_VALUE + 1}" if anywhere else None))
    for q in c.objects(shape, "qualifiedValueShape"):
        test = c.conforms(q).replace("{v}", "?v")
        for name, op in (("qualifiedMinCount", "<"), ("qualifiedMaxCount", ">")):
            for n in c.objects(shape, name):
                component = "QualifiedMinCountConstraintComponent" if op == "<" else "QualifiedMaxCountConstraintComponent"
                if op == "<" and int(n) == 1 and simple:
                    checks.append(_exists_check(shape, component, f"NOT EXISTS {{ ?this {path} ?v FILTER({test}) }}",
                                                path_node, top))
                    continue
                checks.append(Check(shape, component,
                                    f"SELECT ?this WHERE {{ {{focus}} OPTIONAL {{ ?this {path} ?v FILTER({test}) }} }} "
                                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {int(n)})", False, path_node, top,
                                    prefilter=over(int(n), f"FILTER({test})") if op == ">" else None,
                                    by="this" if op == ">" else ""))
    return checks


class _Confirm:
    """pyshacl's own decision for one constraint, on one row (focus, value[, other value]):
    its component's evaluation code runs with ``make_v_result`` recording instead of
    describing, so the semantics are pyshacl's by construction (the rows are few: SPARQL
    has passed the values it can decide for certain)."""

    def __init__(self, name: str, parameter, other=None):
        self.name, self.parameter, self.other, self._probe = name, parameter, other, None

    @property
    def probe(self):
        """The component's code, made when a row first needs it (importing pyshacl takes 0.2 s of a
        one-measure `ncts validate`, whose rows SPARQL usually decides)."""
        if self._probe is None:
            self._probe = self._make()
        return self._probe

    def _make(self):
        import logging

        from pyshacl.constraints.core import property_pair_constraints as pairs
        from pyshacl.constraints.core import value_constraints as values
        from pyshacl.constraints.core import value_range_constraints as ranges

        name, parameter = self.name, self.parameter
        cls = {"datatype": values.DatatypeConstraintComponent,
               "minInclusive": ranges.MinInclusiveConstraintComponent,
               "minExclusive": ranges.MinExclusiveConstraintComponent,
               "maxInclusive": ranges.MaxInclusiveConstraintComponent,
               "maxExclusive": ranges.MaxExclusiveConstraintComponent,
               "lessThan": pairs.LessThanConstraintComponent,
               "lessThanOrEquals": pairs.LessThanOrEqualsConstraintComponent}[name]

        class Probe(cls):
            def __init__(self):  # noqa: D107 (no shape to load: the parameter is given)
                self.shape = type("Shape", (), {"logger": logging.getLogger("ncts_graph.pyshacl")})()
                self.datatype_rule = parameter

            def make_v_result(self, datagraph, focus_node, value_node=None, **_options):
                return value_node

        return Probe()

    def __call__(self, focus, value, other=None) -> bool:
        try:
            return self._decide(focus, value, other)
        except (ArithmeticError, TypeError):  # pyshacl 0.40.1 crashes on "NaN"^^xsd:double against a
            return True  # decimal; SHACL: values the comparison cannot order are a result

    def _decide(self, focus, value, other) -> bool:
        p, name = self.probe, self.name
        if name == "datatype":
            return bool(p.evaluate(None, None, {focus: [value]}, [])[1])
        if name.startswith("min"):
            return bool(p._evaluate_min_rule(self.parameter, None, {focus: [value]})[1])
        if name.startswith("max"):
            return bool(p._evaluate_max_rule(self.parameter, None, {focus: [value]})[1])
        compare = p._compare_lt if name == "lessThan" else p._compare_ltoe
        return bool(compare({value}, [other], None, focus)[1])


def _component(name: str) -> str:
    """sh:minInclusive -> MinInclusiveConstraintComponent."""
    return name[0].upper() + name[1:] + "ConstraintComponent"


def _confirmed(c: _Compiler, shape, path_node) -> list[tuple[str, str, _Confirm]]:
    """(component, SPARQL condition true when ?v certainly passes, pyshacl's decision) for the
    constraints of a top-level shape that SPARQL alone does not decide as pyshacl does."""
    from rdflib import Literal, URIRef

    out = []
    integer = _INT.replace("{x}", "?v")
    for name in _CONFIRMED:
        for x in c.objects(shape, name):
            if name.startswith("lessThan"):
                if path_node is None or not isinstance(x, URIRef):
                    raise Unsupported(f"sh:{name} on a node shape or with a non-IRI")  # pyshacl refuses it
                op = "<" if name == "lessThan" else "<="
                certain = f"{integer} && {_INT.replace('{x}', '?w')} && ?v {op} ?w"
                out.append((_component(name), certain, _Confirm(name, None, other=str(x))))
                continue
            if not isinstance(x, Literal):
                raise Unsupported(f"sh:{name} not a literal")  # pyshacl refuses it
            op = {"minInclusive": ">=", "minExclusive": ">", "maxInclusive": "<=", "maxExclusive": "<"}[name]
            exact = x.datatype is not None and str(x.datatype) == XSD_INTEGER and isinstance(x.value, int)
            certain = f"{integer} && ?v {op} {int(x.value)}" if exact else "false"
            out.append((_component(name), certain, _Confirm(name, x)))
    for x in c.objects(shape, "datatype"):
        if str(x) in _EXACT_DATATYPES:
            continue
        certain = (f"(isLiteral(?v) && datatype(?v) = <{XSD_BOOLEAN}> && (STR(?v) = \"true\" || STR(?v) = \"false\"))"
                   if str(x) == XSD_BOOLEAN else "false")
        out.append(("DatatypeConstraintComponent", certain, _Confirm("datatype", x)))
    if out and not c.confirm:
        raise Unsupported("ill-typed literals in data copied from rdflib, which keeps their flag only in rdflib")
    return out


def focus_nodes(store, sg, shapes, scope=None) -> dict:
    """{shape: [focus nodes as rdflib terms]} for top-level shapes with plain targets
    (sh:targetNode, sh:targetClass with rdfs:subClassOf*, sh:targetSubjectsOf/ObjectsOf),
    kept only when in ``scope`` (None keeps all)."""
    focus = FocusGraph(store, sg, shapes, scope)
    try:
        return {shape: focus.nodes(shape) for shape in shapes}
    finally:
        focus.close()


def reads(the_plan: Plan, sparql=()) -> dict:
    """How many queries read each top shape's focus nodes, counting neither the prefilters nor
    the checks behind them (which read them only when their prefilter finds something): one for
    the focus-node tests together, one a check without a prefilter, one a SHACL-SPARQL constraint."""
    out: dict = {}
    merged = set()
    for c in the_plan.checks:
        if c.exists is not None:
            if c.top not in merged:
                merged.add(c.top)
                out[c.top] = out.get(c.top, 0) + 1
        elif not c.prefilter:
            out[c.top] = out.get(c.top, 0) + 1
    for c in sparql:
        out[c.shape] = out.get(c.shape, 0) + 1
    return out


class FocusGraph:
    """Each top-level shape's focus nodes, kept in the store (one named graph, a key per shape)
    rather than in Python: found by one SELECT per shape and inserted as Oxigraph terms, so a
    hundred thousand measures never become rdflib terms. Checks join them in front
    (:meth:`pattern`). ``scope``: a set of nodes results may be about (None: all), or
    ``scope_graphs``: the names of the graphs whose subjects those are (a test in SPARQL)."""

    GRAPH = FOCUS
    SCOPE = FOCUS + ":scope"

    def __init__(self, store, sg, shapes, scope=None, scope_graphs=None, reads=None):
        """``reads``: how many queries read each shape's focus nodes (:func:`reads`; None: many).
        Where one or two do and there are many nodes (PREFILTER_MIN or more), they are a subquery
        where read rather than a key of the focus graph (its inserts: 1 s per 100,000 nodes)."""
        import pyoxigraph as ox
        from rdflib import Literal

        from .store import _ox_term

        self.store, self.keys, self._nodes, self._any, self.originals = store, {}, {}, {}, {}
        self.counts: dict = {}  # key -> the number of focus nodes put in it (for PREFILTER_MIN)
        self._inline: dict = {}  # shape -> the subquery giving its focus nodes, for shapes read once or twice
        self.query = _query(store)
        graph = ox.NamedNode(self.GRAPH)
        c = _Compiler(sg) if shapes else None
        if scope_graphs is not None:
            values = " ".join(f"<{g}>" for g in sorted(scope_graphs))
            keep = f"FILTER EXISTS {{ VALUES ?_g {{ {values} }} GRAPH ?_g {{ ?this ?_p ?_o }} }}"
        elif scope is not None:
            store.bulk_extend(ox.Quad(ox.NamedNode(self.SCOPE), graph, _ox_term(n), graph) for n in scope)
            keep = f"FILTER EXISTS {{ GRAPH <{self.GRAPH}> {{ <{self.SCOPE}> <{self.GRAPH}> ?this }} }}"
        else:
            keep = ""
        made: dict = {}  # shapes with the same targets share their focus nodes (a measure's shapes)
        sharing: dict = {}  # key -> its shapes
        found = []  # (key, the query of its focus nodes), run together below
        for i, shape in enumerate(sorted(shapes, key=str)):
            groups = _focus_patterns(c, shape)
            listed = c.objects(shape, "targetNode")
            targets = (tuple(sorted(map(str, listed))), tuple(sorted(groups)))
            if targets in made and not any(isinstance(n, Literal) for n in listed):
                self.keys[shape] = made[targets]
                sharing[made[targets]].append(shape)
                continue
            key = ox.NamedNode(f"{FOCUS}:{i}")
            self.keys[shape] = made[targets] = key.value
            sharing[key.value] = [shape]
            nodes = [n for n in listed if scope is None or n in scope]
            if scope_graphs is not None and nodes:  # a target node is in scope when a user's graph describes it
                nodes = [n for n in nodes if self.query(f"ASK {{ {keep} }}",
                                                        substitutions={ox.Variable("this"): _ox_term(n)})]
            nodes = list(dict.fromkeys(nodes))
            store.bulk_extend(ox.Quad(key, graph, _ox_term(n), graph) for n in nodes)
            self._originals(nodes)
            self.counts[key.value] = len(nodes)
            if groups:
                found.append((key, "SELECT DISTINCT ?this WHERE { { " + " UNION ".join(groups) + f" }} {keep} }}",
                              not listed))
        few = {key.value for key, _, alone in found  # read once or twice: at most PREFILTER_MIN - 1 nodes put in
               if alone and reads is not None and sum(reads.get(s, 0) for s in sharing[key.value]) <= 2}
        queries = [q + (f" LIMIT {PREFILTER_MIN}" if key.value in few else "") for key, q, _ in found]
        for (key, query, _), rows in zip(found, _solutions(store, queries)):
            if key.value in few and len(rows) >= PREFILTER_MIN:  # many: a subquery where read
                for shape in sharing[key.value]:
                    self._inline[shape] = f"{{ {query} }}"
                continue
            self.counts[key.value] += len(rows)
            store.bulk_extend(ox.Quad(key, graph, row[0], graph) for row in rows)

    def _originals(self, nodes) -> None:
        """Oxigraph stores a typed literal in its canonical form ("4.0"^^xsd:decimal as "4"): a
        literal target node is reported as written in the shapes."""
        import pyoxigraph as ox
        from rdflib import Literal

        from .store import _ox_term, to_rdflib

        scratch = ox.NamedNode(FOCUS + ":canonical")
        for n in nodes:
            if isinstance(n, Literal):
                self.store.bulk_extend([ox.Quad(scratch, scratch, _ox_term(n), scratch)])
                stored = next(iter(self.query(f"SELECT ?o WHERE {{ GRAPH <{scratch.value}> {{ ?s ?p ?o }} }}")))[0]
                _drop(self.store, scratch)
                self.originals[to_rdflib(stored)] = n

    def original(self, term):
        """The term as written, for a literal target node; else the term."""
        return self.originals.get(term, term) if self.originals else term

    def pattern(self, shape) -> str:
        """The SPARQL group binding ?this to the shape's focus nodes."""
        if shape in self._inline:
            return self._inline[shape]
        return f"GRAPH <{self.GRAPH}> {{ <{self.keys[shape]}> <{self.GRAPH}> ?this }}"

    def nodes(self, shape) -> list:
        """The shape's focus nodes as rdflib terms (for what runs once per node)."""
        from .store import to_rdflib

        if shape not in self._nodes:
            self._nodes[shape] = [] if shape not in self.keys else [
                self.original(to_rdflib(row[0])) for row in self.query(f"SELECT ?this WHERE {{ {self.pattern(shape)} }}")]
        return self._nodes[shape]

    def count(self, shape) -> int:
        """How many focus nodes the shape has (at most: a target node may also be a target's instance);
        for a shape whose focus nodes are a subquery, not counted: PREFILTER_MIN (its prefilters run)."""
        if shape in self._inline:
            return PREFILTER_MIN
        return self.counts.get(self.keys.get(shape), 0)

    def has_nodes(self, shape) -> bool:
        if shape not in self._any:
            self._any[shape] = shape in self.keys and bool(self.query(f"ASK {{ {self.pattern(shape)} }}"))
        return self._any[shape]

    def add(self, shape, nodes) -> None:
        """Focus nodes found elsewhere (pyshacl's, for shapes it validates)."""
        import pyoxigraph as ox

        from .store import _ox_term

        key = ox.NamedNode(f"{FOCUS}:extra:{len(self.keys)}")
        self.keys[shape] = key.value
        self._nodes[shape] = list(nodes)
        self.counts[key.value] = len(nodes)
        self._any.pop(shape, None)
        graph = ox.NamedNode(self.GRAPH)
        self.store.bulk_extend(ox.Quad(key, graph, _ox_term(n), graph) for n in nodes)

    def close(self) -> None:
        import pyoxigraph as ox

        _drop(self.store, ox.NamedNode(self.GRAPH))


def _query(store):
    """The query method with every graph as the default graph: a plain Store (data copied into
    its default graph) or a shacl.UnionStore."""
    return getattr(store, "query_all", store.query)


def _drop(store, graph) -> None:
    getattr(store, "remove_graph", store.clear_graph)(graph)


def _solutions(store, queries: list[str]) -> list[list]:
    """Every query's solutions, read in two threads (Oxigraph evaluates without the GIL)."""
    with _Pool(store) as ask:
        return [f.result() for f in [ask(q) for q in queries]]


class _Pool:
    """Queries on the store in two threads (one on a single core): ``ask(query)`` gives a future
    of its solutions, a list."""

    def __init__(self, store):
        import os
        from concurrent.futures import ThreadPoolExecutor

        self.read = _query(store)
        self.pool = ThreadPoolExecutor(min(2, os.cpu_count() or 1))

    def __enter__(self):
        return lambda query, bound=None: self.pool.submit(lambda: list(self.read(query, substitutions=bound or {})))

    def __exit__(self, *exc):
        self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)


class Hit(NamedTuple):
    """One result of a compiled check (its report triples are made only if a report graph is asked for)."""

    check: Check
    focus: object
    value: object


def run(store, the_plan: Plan, focus) -> list:
    """The compiled checks on Oxigraph: a :class:`Hit` per result (:func:`tuples` makes
    pyshacl's result tuples of them). ``focus``: a :class:`FocusGraph` (or a dict of focus
    nodes, put in one for the run)."""
    import pyoxigraph as ox

    from .store import converter

    to_rdflib = converter()
    own = None
    if isinstance(focus, dict):
        own = focus = _given(store, focus)
    try:
        checks = [c for c in the_plan.checks if focus.has_nodes(c.top)]
        together: dict = {}  # top shape -> its focus-node tests, one query
        for c in checks:
            if c.exists is not None:
                together.setdefault(c.top, []).append(c)
        merged = []
        for top, tests in together.items():
            flags = [f"?_f{i}" for i in range(len(tests))]
            merged.append(f"SELECT ?this {' '.join(flags)} WHERE {{ {focus.pattern(top)} "
                          + " ".join(f"BIND({t.exists} AS {f})" for t, f in zip(tests, flags))
                          + f" FILTER({' || '.join(flags)}) }}")
        # the prefilters first (they are short), then the rest; a check whose prefilter finds
        # nothing never runs. One queue, so neither thread waits for the other between the two.
        with _Pool(store) as ask:
            first = [(c, ask(c.prefilter)) for c in checks
                     if c.exists is None and c.prefilter and focus.count(c.top) >= PREFILTER_MIN]
            ruled = {id(c) for c, _ in first}
            plain = [(c, ask(c.query.replace("{focus}", focus.pattern(c.top)))) for c in checks
                     if c.exists is None and id(c) not in ruled]
            merged = [ask(q) for q in merged]
            alone = plain[:]
            for c, found in first:
                bad = found.result()
                if not bad:
                    continue
                query = c.query.replace("{focus}", focus.pattern(c.top))
                if c.by and len(bad) <= BY_VALUE:
                    alone += [(c, ask(query, {ox.Variable(c.by): row[0]})) for row in bad]
                else:
                    alone.append((c, ask(query)))
            answers = [f.result() for _, f in alone] + [f.result() for f in merged]
            alone = [c for c, _ in alone]
    finally:
        if own is not None:
            own.close()
    hits = []
    for tests, rows in zip(together.values(), answers[len(alone):]):
        for row in rows:
            f = focus.original(to_rdflib(row[0]))
            hits += [Hit(t, f, None) for i, t in enumerate(tests) if row[i + 1].value == "true"]
    for check, rows in zip(alone, answers):
        for row in rows:
            f = focus.original(to_rdflib(row[0]))
            v = (f if check.path is None else to_rdflib(row[1])) if check.has_value else None
            if check.confirm is not None and not check.confirm(
                    f, v, *([to_rdflib(row["w"])] if check.confirm.other else [])):
                continue
            hits.append(Hit(check, f, v))
    return hits


def tuples(hits, sg, datagraph) -> list:
    """pyshacl's result tuples (text, node, triples) for hits, so pyshacl's
    ``create_validation_report`` writes (and clones into) the report graph as it does its own."""
    from rdflib import BNode, URIRef
    from rdflib.namespace import RDF

    out = []
    for hit in hits:
        check = hit.check
        shape = check.shape
        r = BNode()
        triples = [(r, RDF.type, _u("ValidationResult")), (r, _u("sourceConstraintComponent"),
                                                           (sg, URIRef(SH + check.component))),
                   (r, _u("sourceShape"), (sg, shape)), (r, _u("resultSeverity"), check.severity),
                   (r, _u("focusNode"), (datagraph, hit.focus))]
        if hit.value is not None:
            triples.append((r, _u("value"), (datagraph, hit.value)))
        if check.path is not None:
            triples.append((r, _u("resultPath"), (sg, check.path)))
        triples += [(r, _u("resultMessage"), m) for m in check.messages]
        out.append(("", r, triples))
    return out


def _given(store, focus: dict) -> FocusGraph:
    """A FocusGraph holding given focus nodes (the API before FocusGraph; tests)."""
    graph = FocusGraph(store, None, ())
    for shape, nodes in focus.items():
        graph.add(shape, nodes)
    return graph
