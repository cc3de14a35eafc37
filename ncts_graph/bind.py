"""Parameters written into a query as escaped RDF terms, found by a SPARQL tokenizer.

Why not a ``VALUES`` block: engines disagree on it. Virtuoso 7.2 fails with error SP031
on ``FILTER(LANG(?x) = ?lang)`` when ``?lang`` comes from VALUES, hangs on some queries
and drops OPTIONAL matches; and by SPARQL's bottom-up evaluation a VALUES block at the
top does not reach FILTERs in nested groups. Every engine agrees on a value written
inline, so that is what is done, safely:

* the query is split into SPARQL tokens in one left-to-right pass (comments, the four
  string forms, IRIs, prefixed names with their escapes, variables), so ``?name`` inside
  a string, an IRI or a comment is never touched;
* only variable tokens ``?name`` / ``$name`` of a bound parameter are replaced, by the
  term serialised in N-Triples syntax by Oxigraph (a complete, escaped token: a value can
  never close a string or add query text);
* where the grammar wants a variable, not a term, the term is wrapped so the query keeps
  its meaning: ``SELECT ?p`` becomes ``SELECT (term AS ?p)`` (the column stays), ``GROUP
  BY ?p`` becomes ``(term AS ?p_group)`` (a constant key, the groups unchanged), ``ORDER
  BY ?p`` becomes ``(term)``, ``BOUND(?p)`` becomes ``(true)``, and
  ``SELECT *`` gets ``BIND(term AS ?p)`` at the end of its WHERE group;
* a query that assigns the parameter itself (``AS ?p``, ``VALUES ?p``) is refused.
"""

from __future__ import annotations

import re

from .errors import NctsError

_ECHAR = r"\\."
_TOKEN = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<comment>#[^\n\r]*)"
    # strings "unrolled" (plain characters, then an escape or a run of one or two quotes, then
    # plain characters ...): linear, where an alternation per character took seconds on a long literal
    r"|(?P<string>'''[^'\\]*(?:(?:" + _ECHAR + r"|'{1,2}(?!'))[^'\\]*)*'''"
    r'|"""[^"\\]*(?:(?:' + _ECHAR + r'|"{1,2}(?!"))[^"\\]*)*"""'
    r"|'[^'\\\n\r]*(?:" + _ECHAR + r"[^'\\\n\r]*)*'"
    r'|"[^"\\\n\r]*(?:' + _ECHAR + r'[^"\\\n\r]*)*")'
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
    r"|(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)"
    r"|(?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:[\w:%\-.\u00B7]|\\[_~.\-!$&'()*+,;=/?#@%])*)"
    r"|(?P<word>[^\W\d][\w]*)"
    r"|(?P<other>.)",
    re.S,
)


def tokens(query: str) -> list[tuple[str, str]]:
    """The query as (kind, text) tokens; kinds: ws comment string iri var pname word other.
    Joining the texts gives the query back exactly. An unterminated string or IRI is left
    to the engine's parser to report (its quote is an 'other' token here)."""
    return [(m.lastgroup, m.group(0)) for m in _TOKEN.finditer(query)]


def term_text(term) -> str:
    """A results.Term in N-Triples syntax, escaped and validated by Oxigraph."""
    import pyoxigraph as ox

    try:
        if term.type == "uri":
            return str(ox.NamedNode(term.value))
        if term.type == "literal":
            if term.lang:
                return str(ox.Literal(term.value, language=term.lang))
            if term.datatype:
                return str(ox.Literal(term.value, datatype=ox.NamedNode(term.datatype)))
            return str(ox.Literal(term.value))
    except ValueError as exc:
        raise NctsError(f"parameter value {term.value!r} is not a valid RDF term ({exc})") from None
    raise NctsError(f"a parameter cannot be a blank node ({term.value!r})")


def bind(query: str, bindings: dict) -> str:
    """The query with each bound parameter's variable tokens replaced by its RDF term
    (``bindings`` maps names to results.Term); see the module docstring for the rules."""
    if not bindings:
        return query
    terms = {name: term_text(term) for name, term in bindings.items()}
    toks = tokens(query)
    out = [text for _, text in toks]
    significant = [i for i, (kind, _) in enumerate(toks) if kind not in ("ws", "comment")]

    def word(i: int | None) -> str:
        return toks[i][1].upper() if i is not None and toks[i][0] == "word" else ""

    depth = 0                 # parentheses
    braces = 0                # curly brackets
    clause = None             # 'select' (projection), 'by' (GROUP/ORDER BY), 'values' (VALUES header)
    clause_depth = 0
    top_select_star = False
    top_group = None          # (brace depth inside, index of its closing '}') of the first SELECT's WHERE
    seen_select = top_select = grouping = False
    prev = None
    names = {text[1:] for kind, text in toks if kind == "var"}

    def fresh(name: str) -> str:
        candidate = f"?{name}_group"
        while candidate[1:] in names:
            candidate += "_"
        return candidate

    for pos, i in enumerate(significant):
        kind, text = toks[i]
        upper = text.upper() if kind == "word" else ""
        if kind == "other" and text in ("(", "{"):
            if text == "(":
                depth += 1
            else:
                braces += 1
                if clause in ("select", "values"):
                    clause = None
                if top_group is None and seen_select and braces == 1:
                    top_group = [1, None]
        elif kind == "other" and text in (")", "}"):
            if text == ")":
                depth -= 1
            else:
                if top_group is not None and top_group[1] is None and braces == top_group[0]:
                    top_group[1] = i
                braces -= 1
                clause = None
        elif upper == "SELECT":
            clause, clause_depth = "select", depth
            top_select, seen_select = braces == 0, True
        elif upper == "BY" and word(prev) in ("GROUP", "ORDER"):
            clause, clause_depth, grouping = "by", depth, word(prev) == "GROUP"
        elif upper in ("WHERE", "FROM", "HAVING", "LIMIT", "OFFSET"):
            clause = None
        elif upper == "VALUES":
            clause = "values"
        elif kind == "other" and text == "*" and clause == "select" and depth == clause_depth and top_select:
            top_select_star = True
        elif kind == "var" and text[1:] in terms:
            name = text[1:]
            if word(prev) == "AS" or clause == "values":
                raise NctsError(f"parameter {name}: the query binds ?{name} itself, so it cannot also be given")
            term = terms[name]
            if clause == "select" and depth == clause_depth:
                out[i] = f"({term} AS {text})"
            elif clause == "by" and depth == clause_depth and grouping:
                out[i] = f"({term} AS {fresh(name)})"  # rdflib groups by an expression only with AS
            elif clause == "by" and depth == clause_depth:
                out[i] = f"({term})"
            elif prev is not None and toks[prev][1] == "(" and pos >= 2 and word(significant[pos - 2]) == "BOUND":
                out[significant[pos - 2]] = ""
                out[i] = "true"
            else:
                out[i] = term
        prev = i
    if top_select_star:
        if top_group is None or top_group[1] is None:
            raise NctsError("the query has no WHERE group to bind parameters in")
        extra = " ".join(f"BIND({term} AS ?{name})" for name, term in terms.items())
        out[top_group[1]] = " " + extra + " }"
    return "".join(out)


def misfit(query: str, bindings: dict) -> NctsError | None:
    """When a bound query fails to parse but the query itself parses: which parameter's
    value cannot stand where its variable is (a literal as a predicate or GRAPH name, say).
    Parse-only (rdflib's parser), so nothing is evaluated; used on the error path only."""
    from rdflib.plugins.sparql.parser import parseQuery

    def parses(text: str) -> bool:
        try:
            parseQuery(text)
            return True
        except Exception:  # pyparsing's errors and rdflib's alike
            return False

    if not bindings or not parses(query):
        return None
    for name, term in bindings.items():
        if not parses(bind(query, {name: term})):
            return NctsError(f"parameter {name}: its value {term_text(term)} cannot stand where the query uses "
                             f"?{name} (a predicate or GRAPH name must be an IRI)")
    return None
