"""The library of named research questions: queries/*.rq with a header.

    # title-nl: Maatregelen per dreiging
    # title-en: Measures per threat
    # description-nl: ...
    # description-en: ...
    # param: threat iri threat:jihadisme De dreiging | The threat
    # example: ncts query measures-per-threat -p threat=threat:pgee

A parameter line is ``NAME TYPE DEFAULT [description]``; DEFAULT ``-`` makes it required.
Types: iri, string, date, integer, boolean, or a closed list of words ``a|b|c`` (a string that
must be one of them, e.g. ``# param: provenance stated|curator|all stated ...``). A parameter named ``lang`` takes ``--lang``.
Values are parsed into RDF terms (results.Term) and bound as data, never pasted as text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import NctsError
from .results import Term

TYPES = {"iri", "string", "date", "integer", "boolean"}
XSD = "http://www.w3.org/2001/XMLSchema#"
_BAD_IRI = re.compile(r'[\s<>"{}|\\^`]')


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str = ""
    choices: tuple = ()  # a closed list of allowed values (TYPE written as ``a|b|c``); the type is then string


@dataclass
class Query:
    name: str
    text: str
    path: Path | None = None
    meta: dict = field(default_factory=dict)
    params: list = field(default_factory=list)

    @property
    def base(self) -> str | None:
        """The base IRI of the query's relative IRIs (unless it sets BASE): the file's URI for a
        query read from a .rq file (SPARQL 1.1 Query 4.1.1.1 and RFC 3986 5.1.3: the URI the query
        was retrieved from); None for SPARQL text, which has no base outside an endpoint."""
        return self.path.resolve().as_uri() if self.path is not None else None

    def title(self, lang: str = "en") -> str:
        return self.meta.get(f"title-{lang}") or self.meta.get("title-en") or self.meta.get("title-nl") or self.name

    def description(self, lang: str = "en") -> str:
        return self.meta.get(f"description-{lang}") or self.meta.get("description-en") or ""

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse(text: str, name: str = "query", path: Path | None = None) -> Query:
    """A query and its header (leading ``# key: value`` lines; ``# param:`` may repeat)."""
    meta: dict[str, str] = {}
    params: list[Param] = []
    last = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = re.match(r"^#\s*([A-Za-z][\w-]*)\s*:\s*(.*)$", line)
        if match and match.group(1).lower() == "param":
            parts = match.group(2).split(None, 3)
            where = f"{path or name}:{number}"
            choices = tuple(parts[1].split("|")) if len(parts) > 1 and re.fullmatch(r"[\w-]+(\|[\w-]+)+", parts[1]) else ()
            if len(parts) < 3 or (parts[1] not in TYPES and not choices):
                raise NctsError(f"{where}: a parameter line is '# param: NAME TYPE DEFAULT [description]', "
                                f"TYPE one of {', '.join(sorted(TYPES))} or a list of values a|b|c")
            default = None if parts[2] == "-" else parts[2]
            if choices and default is not None and default not in choices:
                raise NctsError(f"{where}: default {default!r} is not one of {', '.join(choices)}")
            params.append(Param(parts[0], "string" if choices else parts[1], default,
                                parts[3] if len(parts) > 3 else "", choices))
            last = None
        elif match:
            last = match.group(1).lower()
            meta[last] = match.group(2).strip()
        elif last and line[1:].strip():
            meta[last] += " " + line[1:].strip()
    return Query(name, text, path, meta, params)


def library_dir() -> Path:
    return paths.queries_dir()


def library() -> list[Query]:
    """Every named question in queries/*.rq, by name."""
    return [load_file(p) for p in sorted(library_dir().glob("*.rq"))]


def load_file(path: Path) -> Query:
    from .load import read_input

    path = Path(path)
    try:
        text = read_input(path).decode("utf-8")
    except UnicodeDecodeError:
        raise NctsError(f"{path}: not UTF-8 text") from None
    return parse(text, path.stem, path)


def find(name_or_path: str) -> Query:
    """A library question by name, or a .rq file by path."""
    candidate = Path(name_or_path)
    if name_or_path.endswith(".rq") or candidate.is_file():
        return load_file(candidate)
    path = library_dir() / f"{name_or_path}.rq"
    if path.is_file():
        return load_file(path)
    names = [p.stem for p in sorted(library_dir().glob("*.rq"))]
    close = [n for n in names if name_or_path in n] or names[:8]
    raise NctsError(f"unknown query {name_or_path!r} (ncts queries lists them; e.g. {', '.join(close[:5])})")


def to_term(value: str, kind: str | None, name: str = "value") -> Term:
    """A parameter value as an RDF term of its declared type (or guessed, for ad-hoc queries)."""
    from .namespaces import PREFIXES

    if kind is None:  # an ad-hoc query: IRIs in <...> or as prefix:local, numbers, dates, else strings
        if value.startswith("<") and value.endswith(">") or _curie(value, PREFIXES):
            kind = "iri"
        elif re.fullmatch(r"[+-]?\d+", value):
            kind = "integer"
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            kind = "date"
        else:
            kind = "string"
    if kind == "iri":
        iri = value[1:-1] if value.startswith("<") and value.endswith(">") else (_curie(value, PREFIXES) or value)
        if _BAD_IRI.search(iri) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
            raise NctsError(f"parameter {name}: {value!r} is not an IRI (use prefix:local or a full IRI)")
        return Term("uri", iri)
    if kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise NctsError(f"parameter {name}: {value!r} is not a date (YYYY-MM-DD)") from None
        return Term("literal", value, XSD + "date")
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise NctsError(f"parameter {name}: {value!r} is not an integer")
        return Term("literal", str(int(value)), XSD + "integer")
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise NctsError(f"parameter {name}: {value!r} is not true or false")
        return Term("literal", value.lower(), XSD + "boolean")
    return Term("literal", value)


def _curie(value: str, prefixes: dict) -> str | None:
    prefix, sep, local = value.partition(":")
    if sep and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return None


def bindings(query: Query, given: dict[str, str], lang: str | None = None) -> dict[str, Term]:
    """Declared parameters bound to terms (given value, else --lang for ``lang``, else default)."""
    declared = {p.name for p in query.params}
    if query.params or query.path is not None:
        unknown = sorted(set(given) - declared)
        if unknown:
            known = ", ".join(sorted(declared)) or "none"
            raise NctsError(f"unknown parameter {unknown[0]!r} for query {query.name} (its parameters: {known})")
    out = {}
    for p in query.params:
        if p.name in given:
            raw = given[p.name]
        elif p.name == "lang" and lang:
            raw = lang
        elif p.default is not None:
            raw = p.default
        else:
            raise NctsError(f"query {query.name} needs parameter {p.name} ({p.type}): -p {p.name}=...")
        if p.choices and raw not in p.choices:
            raise NctsError(f"parameter {p.name}: {raw!r} is not one of {', '.join(p.choices)}")
        out[p.name] = to_term(raw, p.type, p.name)
    if not query.params and query.path is None:  # ad-hoc text: any name, type guessed
        out = {k: to_term(v, None, k) for k, v in given.items()}
    return out
