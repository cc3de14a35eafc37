"""Anchor quotes in their source text the W3C Web Annotation way, computed, never typed.

Each quote's ``oa:TextQuoteSelector`` gets ``oa:prefix``/``oa:suffix`` (the
:data:`CONTEXT` characters of the source before and after the passage) and the quote a
second selector, an ``oa:TextPositionSelector`` with ``oa:start``/``oa:end``. Offsets
count Unicode code points of the source's text file decoded as UTF-8, exactly as stored:
no newline translation, no Unicode normalisation, no whitespace folding (the Web
Annotation model: position 0 is the first character, ``end`` is exclusive). The
curator's ``oa:exact`` may differ from that slice only as ``ncts quotes`` allows
(whitespace, end-of-line hyphenation): it is matched normalised and the match is mapped
back to the raw offsets.

``anchor_files`` rewrites Turtle files in place (atomically), inserting or replacing
only the anchor triples of each quote so that the curator's layout and comments stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import NctsError
from .passages import CONTEXT, Anchor, Source, locate, mismatch, read_source, source_of  # noqa: F401  (API)

# --- rewriting Turtle files --------------------------------------------------------------

_LIT = r'(?:"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*")'
_EXACT = re.compile(
    r"oa:exact\s+(?P<lit>" + _LIT + r")(?P<tag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?"
    r"(?:\s*;\s*oa:prefix\s+" + _LIT + r"\s*;\s*oa:suffix\s+" + _LIT + r")?"
    r"(?P<close>\s*\])?"
    r"(?:\s*,\s*\[\s*a\s+oa:TextPositionSelector\s*;\s*oa:start\s+\d+\s*;\s*oa:end\s+\d+\s*\])?")
_SOURCE = re.compile(r"oa:hasSource\s+(<[^>\s]*>|[A-Za-z0-9_-]*:[A-Za-z0-9_.-]*)")
_ESC = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def turtle_string(lexical: str) -> str:
    """The value of a Turtle string literal (with its quotes)."""
    body = lexical[3:-3] if lexical.startswith('"""') else lexical[1:-1]
    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)",
                  lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) > 1 else _ESC.get(m.group(1), m.group(1)),
                  body)


def turtle_literal(value: str) -> str:
    """``value`` as a one-line Turtle string literal."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04X}", out) + '"'


@dataclass
class Rewrite:
    file: Path
    quotes: int      # quotes anchored in the file
    changed: int     # of which the anchor text changed
    problems: list   # one line each: quotes that could not be anchored (left as they were)


def anchor_text(path: Path, text: str, sources_dir: Path, documents: dict) -> tuple[str, Rewrite]:
    """``text`` (a Turtle file) with every quote's anchor inserted or replaced.

    ``documents`` maps a source document IRI to its text file name. Quotes that cannot
    be anchored (not verbatim, unknown source, a layout the rewriter cannot place the
    anchor in) are left as they were and reported.
    """
    prefixes = dict(re.findall(r"@prefix\s+([A-Za-z0-9_-]*):\s*<([^>]*)>", text, flags=re.I))
    result, last, quotes, changed, problems = [], 0, 0, 0, []
    for m in _EXACT.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        where = f"{path}:{line}"
        found = None
        for found in _SOURCE.finditer(text, 0, m.start()):
            pass
        if found is None:
            problems.append(f"{where}: no oa:hasSource before this quote; not anchored")
            continue
        name = found.group(1)
        iri = name[1:-1] if name.startswith("<") else prefixes.get(name.split(":")[0], "\0") + name.split(":", 1)[1]
        exact = turtle_string(m.group("lit"))
        if iri not in documents:
            problems.append(f"{where}: {name} is no source document with ncts:sourceFile; not anchored")
            continue
        if m.group("close") is None:
            problems.append(f"{where}: oa:exact is not the last statement of its [ a oa:TextQuoteSelector ... ]; "
                            "not anchored")
            continue
        anchor = locate(exact, source_of(sources_dir, documents[iri]))
        if anchor is None:
            problems.append(f"{where}: not found verbatim in {documents[iri]}; not anchored")
            continue
        start_of_line = text.rfind("\n", 0, m.start()) + 1
        lead = text[start_of_line:m.start()]
        indent = lead if not lead.strip() else re.match(r"\s*", lead).group() + "    "
        new = (f"oa:exact {m.group('lit')}{m.group('tag') or ''} ;\n"
               f"{indent}oa:prefix {turtle_literal(anchor.prefix)} ; oa:suffix {turtle_literal(anchor.suffix)} ] ,\n"
               f"{indent}[ a oa:TextPositionSelector ; oa:start {anchor.start} ; oa:end {anchor.end} ]")
        quotes += 1
        changed += new != m.group()
        result += [text[last:m.start()], new]
        last = m.end()
    result.append(text[last:])
    return "".join(result), Rewrite(path, quotes, changed, problems)


def anchor_files(files, sources_dir: Path) -> list[Rewrite]:
    """Anchor every quote in ``files`` (Turtle), rewriting each changed file atomically.

    Source documents are looked up in the files themselves and the bundled data. A file
    in which the rewriter finds a different number of quotes than an RDF parser does is
    left untouched (reported), so a layout it does not understand never loses a quote.
    """
    from rdflib import Namespace

    from . import paths
    from .build import atomic_write
    from .load import load

    if not Path(sources_dir).is_dir():
        raise NctsError(f"{sources_dir}: source texts not found; point at them with NCTS_SOURCES=DIR or --sources DIR")
    ncts = Namespace("https://w3id.org/ncts-graph/def#")
    known = load([f for f in files if Path(f).resolve() not in {d.resolve() for d in paths.data_files()}])
    documents = {str(doc): str(name) for doc, name in known.subject_objects(ncts.sourceFile)}
    out = []
    for f in files:
        f = Path(f)
        if f.suffix != ".ttl":
            raise NctsError(f"{f}: only Turtle files (.ttl) can be anchored in place")
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise NctsError(f"{f}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
        new, report = anchor_text(f, text, sources_dir, documents)
        before = _exacts(f, text)
        if report.quotes + len(report.problems) != len(before):
            report.problems.append(f"{f}: found {report.quotes + len(report.problems)} quotes where the file has "
                                   f"{len(before)}; file left as it was")
            report.quotes = report.changed = 0
        elif new != text:
            if _exacts(f, new) != before:  # never write a file that lost or changed a quote
                raise NctsError(f"{f}: anchoring would change the quotes themselves; file left as it was")
            atomic_write(f, lambda tmp, data=new: Path(tmp).write_text(data, encoding="utf-8"))
        out.append(report)
    return out


def _exacts(path: Path, text: str) -> list:
    from rdflib import Graph, Namespace

    oa = Namespace("http://www.w3.org/ns/oa#")
    try:
        g = Graph().parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many kinds for bad syntax
        raise NctsError(f"{path}: not readable Turtle ({' '.join(str(exc).split())[:200]})") from None
    return sorted(str(o) for o in g.objects(None, oa.exact))


def anchor_bundled(sources_dir: Path) -> list[Rewrite]:
    """Anchor the quotes of the curated data/*.ttl of this checkout (never of an installed package)."""
    from . import paths

    if paths.home().name == "_bundled":
        raise NctsError("the data of an installed package is not rewritten; anchor your own files: "
                        "ncts quotes --anchor FILE...")
    return anchor_files(paths.data_files(), sources_dir)
