"""OWL 2 DL consistency of ontology + data, checked by HermiT through owlready2 (needs Java).

HermiT accepts only literals of the OWL 2 datatype map; OWL-Time and DCTERMS dates
(xsd:date, xsd:gYear, xsd:gYearMonth) are therefore passed to it as plain strings.
No axiom of the ontology constrains those datatypes, so this leaves the consistency
verdict unchanged. Blank nodes are skolemised because owlready2 treats anonymous
individuals poorly.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field

from .errors import NctsError

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes of the OWL 2 datatype map that occur in practice (plus langString/PlainLiteral).
_OWL2_DATATYPES = {
    _XSD + t
    for t in ("string", "boolean", "decimal", "integer", "nonNegativeInteger", "positiveInteger",
              "negativeInteger", "nonPositiveInteger", "long", "int", "short", "byte", "unsignedLong",
              "unsignedInt", "unsignedShort", "unsignedByte", "double", "float", "dateTime",
              "dateTimeStamp", "anyURI", "normalizedString", "token", "language", "Name", "NCName",
              "NMTOKEN", "hexBinary", "base64Binary")
} | {"http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral", "http://www.w3.org/2000/01/rdf-schema#Literal",
     "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}


@dataclass
class ReasonerResult:
    consistent: bool
    message: str = ""
    unsatisfiable_classes: list[str] = field(default_factory=list)


def hermit_ready_graph(graph):
    """A copy of ``graph`` (a graph or dataset) that HermiT can read: skolemised, OWL 2 datatypes only."""
    from rdflib import Graph, Literal

    from .build import union_graph

    out = Graph()
    for s, p, o in union_graph(graph).skolemize():
        if isinstance(o, Literal) and o.datatype is not None and str(o.datatype) not in _OWL2_DATATYPES:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def check_consistency(graph) -> ReasonerResult:
    """Run HermiT on ``graph``; report consistency and unsatisfiable classes."""
    if shutil.which("java") is None:
        raise NctsError("java not found on PATH: HermiT needs Java 17 or newer")
    import owlready2

    ready = hermit_ready_graph(graph)
    fd, path = tempfile.mkstemp(suffix=".nt", prefix="ncts-hermit-")
    os.close(fd)
    try:
        ready.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology("file://" + path).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return ReasonerResult(False, "HermiT: the ontology and data are inconsistent")
        except owlready2.OwlReadyJavaError as exc:
            lines = [ln for ln in str(exc).splitlines() if "Exception" in ln or "error" in ln.lower()]
            raise NctsError("HermiT failed: " + (lines[0].strip() if lines else "Java error")[:300]) from None
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c.iri != "http://www.w3.org/2002/07/owl#Nothing")
        if unsat:
            return ReasonerResult(True, f"{len(unsat)} unsatisfiable classes", unsat)
        return ReasonerResult(True, "HermiT: consistent, all classes satisfiable")
    finally:
        os.unlink(path)
