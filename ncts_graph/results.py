"""Query results in one neutral form, whatever the engine, and their formats.

Every engine (Oxigraph, rdflib, a remote endpoint) is turned into the model of the
SPARQL 1.1 JSON results format: terms are ``Term(type, value, datatype, lang)``. So the
same question gives comparable answers everywhere, and printing needs no rdflib (the
cold ``ncts query`` path imports only pyoxigraph).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from .errors import NctsError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SELECT_FORMATS = ("text", "csv", "tsv", "json", "md")  # text: an aligned table ("table", its old name, works too)
GRAPH_FORMATS = {"ttl": "turtle", "turtle": "turtle", "nt": "ntriples", "jsonld": "jsonld", "xml": "rdfxml",
                 "rdfxml": "rdfxml", "nq": "nquads", "trig": "trig"}


@dataclass(frozen=True)
class Term:
    """An RDF term as SPARQL JSON results write it: type is uri, bnode or literal."""

    type: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def n3(self) -> str:
        """N-Triples syntax, escaped: safe to place in a query as data."""
        if self.type == "uri":
            return f"<{self.value}>"
        if self.type == "bnode":
            return f"_:{self.value}"
        text = '"' + _escape(self.value) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype and self.datatype != XSD_STRING:
            return f"{text}^^<{self.datatype}>"
        return text

    def to_json(self) -> dict:
        out = {"type": self.type, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != XSD_STRING:
            out["datatype"] = self.datatype
        return out

    def to_rdflib(self):
        from rdflib import BNode, Literal, URIRef

        if self.type == "uri":
            return URIRef(self.value)
        if self.type == "bnode":
            return BNode(self.value)
        if self.lang:
            return Literal(self.value, lang=self.lang)
        return Literal(self.value, datatype=URIRef(self.datatype) if self.datatype and self.datatype != XSD_STRING else None)


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
            .replace("\t", "\\t"))


def from_oxigraph(term) -> Term | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if term.language:
        return Term("literal", term.value, lang=term.language)
    dt = term.datatype.value
    return Term("literal", term.value, None if dt == XSD_STRING else dt)


def from_rdflib(term) -> Term | None:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return Term("uri", str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if isinstance(term, Literal):
        if term.language:
            return Term("literal", str(term), lang=term.language)
        dt = str(term.datatype) if term.datatype is not None else None
        return Term("literal", str(term), None if dt == XSD_STRING else dt)
    raise TypeError(f"not an RDF term: {term!r}")


def from_json(value: dict | None) -> Term | None:
    if value is None:
        return None
    kind = {"typed-literal": "literal"}.get(value["type"], value["type"])
    dt = value.get("datatype")
    return Term(kind, value["value"], None if dt == XSD_STRING else dt, value.get("xml:lang"))


@dataclass
class Result:
    """A SELECT (vars + rows), an ASK (boolean) or a CONSTRUCT/DESCRIBE (N-Triples lines)."""

    form: str  # select | ask | graph
    vars: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # variable -> Term (absent when unbound)
    boolean: bool | None = None
    triples: list[tuple] = field(default_factory=list)  # (Term, Term, Term)

    def records(self, rdflib_terms: bool = True) -> list[dict]:
        """Rows as dicts of variable to rdflib term (None when unbound), for Python callers."""
        return [{v: (row[v].to_rdflib() if rdflib_terms else row[v]) if v in row else None for v in self.vars}
                for row in self.rows]

    def dataframe(self):
        """The rows as a pandas DataFrame of plain strings (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            from .errors import NctsError

            raise NctsError("a DataFrame needs pandas: pip install pandas") from None
        return pd.DataFrame([{v: row[v].value if v in row else None for v in self.vars} for row in self.rows],
                            columns=self.vars)


# --- formats ----------------------------------------------------------------------

def output_format(form: str, fmt: str | None) -> str:
    """The format to print a query form (select, ask, construct, describe) in: ``fmt`` or the
    default. A format that does not fit is refused, not silently swapped: ``json`` is SPARQL
    JSON results, so a graph asks for ``jsonld``, and a table has no Turtle."""
    graph = form in ("construct", "describe", "graph")
    article = "an" if form == "ask" else "a"
    if fmt is None:
        return "ttl" if graph else "text"
    fmt = "text" if fmt == "table" else fmt
    if graph and fmt not in GRAPH_FORMATS:
        hint = " (JSON-LD is jsonld)" if fmt == "json" else ""
        raise NctsError(f"--format {fmt} does not fit {article} {form.upper()} query, whose answer is a graph: "
                        f"use ttl, nt, jsonld or xml{hint}")
    if not graph and fmt not in SELECT_FORMATS:
        raise NctsError(f"--format {fmt} is for graphs, but {article} {form.upper()} query answers with a "
                        f"{'table' if form == 'select' else 'yes or no'}: use {', '.join(SELECT_FORMATS)}")
    return fmt


def render(result: Result, fmt: str, compact=None) -> str:
    """The result as text: SELECT/ASK in a results format, graphs in an RDF syntax."""
    if result.form == "graph":
        return render_graph(result, fmt if fmt in GRAPH_FORMATS else "ttl")
    if fmt == "json":
        return render_json(result)
    if result.form == "ask":
        return {"csv": "_askResult\n", "tsv": "?_askResult\n"}.get(fmt, "") + ("true" if result.boolean else "false")
    show = compact or (lambda t: t.value)
    if fmt == "csv":
        return _delimited(result, ",", lambda t: t.value)
    if fmt == "tsv":
        return _tsv(result)
    cells = [[_cell(row.get(v), show) for v in result.vars] for row in result.rows]
    if fmt == "md":
        head = "| " + " | ".join(result.vars) + " |\n|" + "---|" * len(result.vars)
        body = "".join("\n| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells)
        return head + body
    return _table(result.vars, cells) + f"\n({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})"


def _cell(term: Term | None, show) -> str:
    if term is None:
        return ""
    """A table or Markdown cell: a literal's text without its language tag (the user chose the
    language), an IRI as ``show`` gives it (a CURIE or the whole IRI)."""
    if term.type == "literal":
        return " ".join(term.value.split())
    return show(term) if term.type == "uri" else f"_:{term.value}"


def _clip(cell: str, width: int) -> str:
    """Prose longer than ``width`` shortened at a word; a cell without spaces (an IRI, a CURIE, a
    number, a date) is never cut: a cut identifier cannot be looked up."""
    if len(cell) <= width or " " not in cell:
        return cell
    import textwrap

    return textwrap.shorten(cell, width, placeholder=" …", break_long_words=False)


def _table(header: list[str], cells: list[list[str]], width: int | None = 60) -> str:
    """Aligned columns; prose cells shortened to ``width`` (None: never)."""
    clip = [[_clip(c, width) if width else c for c in row] for row in cells]
    widths = [max([len(h)] + [len(r[i]) for r in clip]) for i, h in enumerate(header)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in clip])


def _delimited(result: Result, sep: str, text) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(result.vars)
    for row in result.rows:
        writer.writerow(["" if row.get(v) is None else text(row[v]) for v in result.vars])
    return out.getvalue().rstrip("\n")


def _tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: terms in SPARQL syntax, variables with '?'."""
    lines = ["\t".join("?" + v for v in result.vars)]
    for row in result.rows:
        lines.append("\t".join("" if row.get(v) is None else row[v].n3() for v in result.vars))
    return "\n".join(lines)


def render_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.form == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    bindings = [{v: row[v].to_json() for v in result.vars if row.get(v) is not None} for row in result.rows]
    return json.dumps({"head": {"vars": result.vars}, "results": {"bindings": bindings}}, indent=1, ensure_ascii=False)


def render_xml(result: Result) -> str:
    """SPARQL Query Results XML."""
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.vars]
    out.append("</head>")
    if result.form == "ask":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for v in result.vars:
                t = row.get(v)
                if t is None:
                    continue
                if t.type == "uri":
                    inner = f"<uri>{escape(t.value)}</uri>"
                elif t.type == "bnode":
                    inner = f"<bnode>{escape(t.value)}</bnode>"
                elif t.lang:
                    inner = f"<literal xml:lang={quoteattr(t.lang)}>{escape(t.value)}</literal>"
                elif t.datatype:
                    inner = f"<literal datatype={quoteattr(t.datatype)}>{escape(t.value)}</literal>"
                else:
                    inner = f"<literal>{escape(t.value)}</literal>"
                out.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out)


def render_graph(result: Result, fmt: str = "ttl") -> str:
    """CONSTRUCT/DESCRIBE results in an RDF syntax (Oxigraph's serialisers, project prefixes)."""
    import pyoxigraph as ox

    from .namespaces import PREFIXES

    kind = GRAPH_FORMATS[fmt]
    triples = [ox.Triple(*(_to_ox(t) for t in triple)) for triple in result.triples]
    if kind in ("nquads", "trig"):
        data = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    else:
        data = triples
    fmt_obj = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdfxml": ox.RdfFormat.RDF_XML, "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[kind]
    used = {t.value for triple in result.triples for t in triple if t.type == "uri"}
    prefixes = {p: ns for p, ns in PREFIXES.items() if any(v.startswith(ns) for v in used)} \
        if kind in ("turtle", "trig", "rdfxml") else None
    try:
        return ox.serialize(data, format=fmt_obj, prefixes=prefixes).decode("utf-8")
    except TypeError:  # serialisers without prefix support
        return ox.serialize(data, format=fmt_obj).decode("utf-8")


def _to_ox(term: Term):
    import pyoxigraph as ox

    if term.type == "uri":
        return ox.NamedNode(term.value)
    if term.type == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype) if term.datatype else None)
