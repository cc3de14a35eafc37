"""``ncts serve`` /validate: the report of ``ncts validate`` for a pasted or uploaded file.

People paste or upload a measure definition and get the CLI's report (same engine,
messages, severities and summary line, nl/en) with the offending lines marked in their
text; scripts POST the file and ask for Turtle (the SHACL report graph), JSON or plain text.

The text is written to a private temporary folder only for as long as the validation
runs (the validator reads files; the folder is removed in every case, also when the
validation overruns its time limit). The validation runs in a forked child process that
is killed at the limit, so it never touches the server's state or the bundled data.

The bundled ontology and data are parsed once, in the server, on the first validation
(:func:`bundled`), and the validator's modules imported with them: each child starts from
a fork of that and parses the user's file into its own copy (copy-on-write), so the server's
copy never holds a user's triples and the next validation starts from it unchanged.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from . import frame
from .errors import NctsError
from .protocol import weighted

SYNTAXES = {  # form value -> (extension, label, media type for raw POSTs)
    "ttl": (".ttl", "Turtle", "text/turtle"),
    "jsonld": (".jsonld", "JSON-LD", "application/ld+json"),
    "trig": (".trig", "TriG", "application/trig"),
    "nt": (".nt", "N-Triples", "application/n-triples"),
    "nq": (".nq", "N-Quads", "application/n-quads"),
    "rdf": (".rdf", "RDF/XML", "application/rdf+xml"),
}
OUTPUTS = {"text/html": "html", "application/xhtml+xml": "html", "text/turtle": "ttl",
           "application/json": "json", "text/plain": "text"}
MEDIA = {"html": "text/html; charset=utf-8", "ttl": "text/turtle; charset=utf-8",
         "json": "application/json; charset=utf-8", "text": "text/plain; charset=utf-8"}
# the page is static HTML with its own style: nothing else may load or run, forms post here only
CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
DRAIN = 16_000_000  # an oversized body up to this size is read (and dropped) so a browser sees the 413 page


@dataclass
class Limits:
    """Limits of the validate page: request body size in bytes and seconds per validation."""

    max_upload_bytes: int = 1_000_000
    timeout: float = 30.0

    def __post_init__(self):
        if not isinstance(self.max_upload_bytes, int) or isinstance(self.max_upload_bytes, bool) \
                or self.max_upload_bytes < 1:
            raise NctsError(f"--max-upload-bytes must be a whole number of at least 1 (got {self.max_upload_bytes!r})")
        t = self.timeout
        if not isinstance(t, (int, float)) or isinstance(t, bool) or not 0 < t < float("inf"):
            raise NctsError(f"--validate-timeout must be a number of seconds above 0 (got {t!r})")
        self.timeout = float(t)


WORDS = {
    "nl": {"title": "Een maatregeldefinitie valideren",
           "intro": "Plak een definitie (Turtle, JSON-LD, TriG) of upload een bestand. Ze wordt samen met de "
                    "meegeleverde ontologie en data tegen de SHACL-shapes gecontroleerd, met hetzelfde rapport als "
                    "<code>ncts validate</code>. Niets wordt bewaard.",
           "text": "Definitie", "syntax": "Formaat van de geplakte tekst",
           "file": "Of upload een bestand (gaat voor de geplakte tekst)", "submit": "Valideren",
           "limits": "Hoogstens {bytes} bytes; een validatie stopt na {seconds} s.",
           "report": "Rapport", "source": "Ingediende tekst", "error": "Fout",
           "at": "regel"},
    "en": {"title": "Validate a measure definition",
           "intro": "Paste a definition (Turtle, JSON-LD, TriG) or upload a file. It is checked against the SHACL "
                    "shapes together with the bundled ontology and data, with the same report as "
                    "<code>ncts validate</code>. Nothing is stored.",
           "text": "Definition", "syntax": "Format of the pasted text",
           "file": "Or upload a file (takes precedence over the pasted text)", "submit": "Validate",
           "limits": "At most {bytes} bytes; a validation stops after {seconds} s.",
           "report": "Report", "source": "Submitted text", "error": "Error",
           "at": "line"},
}


class Refusal(Exception):
    """An answer other than a report: HTTP status and the one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Submission:
    data: bytes  # the file's bytes as sent (pasted text: UTF-8, browser line breaks undone)
    name: str  # the file name the report uses (its extension decides the parser)
    lang: str = "nl"


# --- routing (called from serve.Handler) ---------------------------------------------------

def get(handler) -> None:
    """GET /validate: the empty form (?lang=en for English)."""
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
    lang = frame.choose_lang(params, handler.headers.get("Accept-Language"))
    _send(handler, 200, "html", page(lang, _limits(handler)))


def post(handler) -> None:
    """POST /validate: a form (urlencoded or multipart) or a raw RDF body; the answer's
    kind from ?format= (html, text, json, ttl) or Accept."""
    limits = _limits(handler)
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
    kind = _output(params.get("format", [None])[0], handler.headers.get("Accept", ""))
    lang = params.get("lang", ["nl"])[0]
    sub = None
    try:
        if handler._foreign():  # a form post needs no preflight: a page elsewhere must not use this one
            raise Refusal(403, "cross-origin posts to /validate are refused")
        body = _read_body(handler, limits)
        sub, switch = _submission(handler.headers.get("Content-Type") or "", body, params)
        lang = sub.lang
        if switch and not sub.data:  # the language switch on the empty form
            return _send(handler, 200, kind, page(lang, limits) if kind == "html" else b"")
        outcome = run(handler.settings, limits, sub, "html" if kind == "html" else kind)
    except Refusal as refusal:
        lang = lang if lang in WORDS else "nl"
        if kind == "html":
            return _send(handler, refusal.status, kind, page(lang, limits, sub, error=str(refusal)))
        return _send(handler, refusal.status, "text", str(refusal).encode())
    if kind == "html":
        return _send(handler, 200, kind, page(sub.lang, limits, sub, outcome))
    return _send(handler, 200, kind, outcome["body"].encode())


def _limits(handler) -> Limits:
    return getattr(handler, "validate_limits", None) or Limits()


def _send(handler, status: int, kind: str, body) -> None:
    if isinstance(body, str):
        body = body.encode()
    headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"} if kind == "html" else {}
    handler._send(status, MEDIA[kind], body, headers)


def _output(fmt: str | None, accept: str) -> str:
    """html, text, json or ttl: ?format= first, then the most preferred type of Accept (html by default)."""
    if fmt in MEDIA:
        return fmt
    return next((OUTPUTS[m] for _, _, m in weighted(accept) if m in OUTPUTS), "html")


def _read_body(handler, limits: Limits) -> bytes:
    if handler.headers.get("Transfer-Encoding"):
        raise Refusal(411, "send the file with a Content-Length (chunked bodies are not accepted)")
    raw = (handler.headers.get("Content-Length") or "0").strip()
    if not re.fullmatch(r"\d{1,12}", raw):
        raise Refusal(400, f"invalid Content-Length {raw[:40]!r}")
    length = int(raw)
    if length > limits.max_upload_bytes:
        if length <= DRAIN:  # read it away, else the browser sees a reset connection, not the message
            left = length
            while left > 0:
                chunk = handler.rfile.read(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)
        raise Refusal(413, f"the upload ({length} bytes) is larger than the limit of {limits.max_upload_bytes} bytes")
    data = handler.rfile.read(length)
    if len(data) < length:
        raise Refusal(400, "the request body ended before its Content-Length")
    return data


def _submission(content_type: str, body: bytes, params: dict) -> tuple[Submission, bool]:
    """The file to validate from a form or a raw body, and whether the language switch was used."""
    media = content_type.split(";")[0].strip().lower()
    raw_types = {v[2]: k for k, v in SYNTAXES.items()}
    if media in raw_types:  # a script posting the file itself
        name = _name(params.get("name", [""])[0], raw_types[media], keep_extension=True)
        return Submission(body, name, _lang(params.get("lang", ["nl"])[0])), False
    if media == "application/x-www-form-urlencoded":
        try:
            form = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            raise Refusal(400, "the form is not UTF-8") from None
        files = {}
    elif media == "multipart/form-data":
        form, files = _multipart(content_type, body)
    else:
        raise Refusal(415, "POST a form (multipart/form-data or application/x-www-form-urlencoded) or the file as "
                           + ", ".join(v[2] for v in SYNTAXES.values()))
    form = {**{k: v[-1] for k, v in params.items()}, **form}
    switch = form.get("to_lang")
    lang = _lang(switch or form.get("lang", "nl"))
    syntax = form.get("syntax", "ttl")
    if syntax not in SYNTAXES:
        raise Refusal(400, f"unknown format {syntax!r} (use one of {', '.join(SYNTAXES)})")
    upload = files.get("file")
    if upload and (upload[1] or upload[0]):  # a chosen file wins over the pasted text
        return Submission(upload[1], _name(upload[0], syntax, keep_extension=True), lang), bool(switch)
    text = form.get("text", "").replace("\r\n", "\n")  # browsers send a textarea's lines with CRLF
    return Submission(text.encode("utf-8"), _name(form.get("name", ""), syntax), lang), bool(switch)


def _lang(value: str) -> str:
    if value not in WORDS:
        raise Refusal(400, f"unknown language {value!r} (use nl or en)")
    return value


def _name(given: str, syntax: str, keep_extension: bool = False) -> str:
    """A safe file name (no folders, plain characters) whose extension selects the parser:
    the given one's if ``keep_extension`` (an upload), else the chosen format's."""
    from .load import rdf_format

    ext = SYNTAXES[syntax][0]
    base = re.sub(r"[^\w.-]", "_", given.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(".")[:100]
    if not base:
        return "measure" + ext
    stem, dot, suffix = base.rpartition(".")
    if keep_extension and dot:
        return base
    try:
        if dot and rdf_format(base) == rdf_format("x" + ext):  # measure.json stays .json for JSON-LD
            return base
    except NctsError:
        pass
    return (stem if dot else base) + ext


def _multipart(content_type: str, body: bytes) -> tuple[dict, dict]:
    """(fields, files) of a multipart/form-data body; files: name -> (file name, bytes)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1", "replace")
                                                  + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise Refusal(400, "a multipart/form-data body without parts (or without its boundary)")
    fields, files = {}, {}
    for part in message.iter_parts():
        field = part.get_param("name", header="content-disposition")
        if not field:
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[field] = (filename, data)
        else:
            try:
                fields[field] = data.decode("utf-8")
            except UnicodeDecodeError:
                raise Refusal(400, f"the form field {field!r} is not UTF-8") from None
    return fields, files


# --- validation in a child process ---------------------------------------------------------

def run(settings, limits: Limits, sub: Submission, kind: str) -> dict:
    """Validate the submission in a forked, time-limited child; the answer as a dict
    (``body`` for text/json/ttl; report text, summary, marks for html). Refusal on bad input."""
    from .load import rdf_format

    try:
        rdf_format(sub.name)
    except NctsError as err:
        raise Refusal(422, str(err)) from None
    if not settings.slots.acquire(timeout=limits.timeout):  # shares the query slots: two at once
        raise Refusal(503, "the server is busy: no slot freed within the time limit; retry shortly")
    folder = tempfile.mkdtemp(prefix="ncts-validate-")  # private (0700), removed below in every case
    try:
        with open(os.path.join(folder, sub.name), "xb") as out:
            out.write(sub.data)
        answer = _fork(settings, limits, folder, sub, kind)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        settings.slots.release()
    if "error" in answer:
        raise Refusal(422, answer["error"])
    return answer


_BUNDLED: list = []
_BUNDLED_LOCK = threading.Lock()


def bundled():
    """The bundled ontology and data as an rdflib Dataset, parsed once per server process,
    with the validator's modules imported; read only in forked children (never changed here)."""
    with _BUNDLED_LOCK:
        if not _BUNDLED:
            import pyshacl  # noqa: F401  imported once here, not in every validation's child

            from . import shacl, shacl_compiled, terms, validate  # noqa: F401
            from .load import load

            _BUNDLED.append(load())
        return _BUNDLED[0]


def _fork(settings, limits: Limits, folder: str, sub: Submission, kind: str) -> dict:
    from . import child

    base = bundled()  # before the fork: the child inherits it parsed

    def work() -> bytes:  # in the child: validate, one JSON answer
        try:
            os.chdir(folder)  # the report names the file as the user does: "measure.ttl:12"
            answer = _child(sub.name, sub.lang, kind, base)
        except BaseException as exc:
            answer = {"error": f"{sub.name}: " + (" ".join(str(exc).split()) or type(exc).__name__)}
        return json.dumps(answer, ensure_ascii=False).encode()

    cap = 50 * limits.max_upload_bytes + 5_000_000  # a report is a bounded multiple of its input
    try:
        return json.loads(child.run(work, settings, limits.timeout, cap))
    except child.Stopped as stop:
        if stop.timed_out:
            raise Refusal(400, f"validation {stop}") from None
        if stop.too_big:
            raise Refusal(400, f"the report is larger than {cap} bytes") from None
        raise Refusal(500, "the validation process ended without an answer") from None


def _child(name: str, lang: str, kind: str, base=None) -> dict:
    """In the child, in the temporary folder: the same calls as ``ncts validate NAME``, on
    ``base`` (the child's copy of the bundled dataset) when given."""
    answer = _validate(name, lang, kind, base)
    return json.loads(_private(json.dumps(answer, ensure_ascii=False), os.getcwd()))


def _private(text: str, folder: str) -> str:
    """The temporary folder never shows: a relative IRI in the file (resolved against its
    location) reads file:///x, as if the file lay at the root."""
    uri = Path(folder).as_uri() + "/"
    return text.replace(json.dumps(uri)[1:-1], "file:///").replace(json.dumps(folder + "/")[1:-1], "")


def _validate(name: str, lang: str, kind: str, base=None) -> dict:
    from . import bigload
    from .load import parse_into
    from .validate import render_json, render_text, render_ttl, summary, validate

    try:
        if base is None or bigload.is_big([Path(name)]):  # a large file goes the CLI's way (Oxigraph)
            report = validate([name], lang=lang)
        else:  # as load([name]) would: the file into its own named graph, with the bundled graph
            parse_into(base, Path(name), merge_graphs=True)  # a TriG file's graphs are all its content
            report = validate([name], lang=lang, graph=base)
    except NctsError as err:
        return {"error": str(err)}
    if kind == "ttl":
        return {"body": render_ttl(report)}
    if kind == "json":
        data = json.loads(render_json(report))
        return {"body": json.dumps({"summary": summary(report, lang), **data}, indent=2, ensure_ascii=False)}
    if kind == "text":
        return {"body": render_text(report, lang) + "\n"}
    marks = [[r.line, r.severity, r.message] for r in report.results if r.file == name and r.line]
    return {"text": render_text(report, lang), "summary": summary(report, lang), "conforms": report.conforms,
            "marks": marks}


# --- the page ------------------------------------------------------------------------------

def page(lang: str, limits: Limits, sub: Submission | None = None, outcome: dict | None = None,
         error: str | None = None) -> str:
    """The validate page: the form (with the submitted text), then the error or the report
    and the text with its line numbers, the lines the report names marked."""
    w = WORDS[lang]
    e = html.escape
    name = sub.name if sub else ""
    text = _text(sub.data) if sub else None
    syntax = _syntax_of(name)
    # switching the language of a report validates the same text again; of the empty form, a link
    switch = ("form", "validate") if sub is not None else {code: f"/validate?lang={code}" for code in WORDS}
    options = "".join(f'<option value="{k}"{" selected" if k == syntax else ""}>{e(v[1])}</option>'
                      for k, v in SYNTAXES.items())
    accept = ",".join(sorted({".ttl", ".jsonld", ".json", ".trig", ".nt", ".nq", ".rdf", ".xml", ".owl", ".n3"}))
    parts = [f'<main id="main"><h1>{e(w["title"])}</h1><p>{w["intro"]}</p>',
             f'<form id="validate" method="post" action="/validate" enctype="multipart/form-data">'
             f'<input type="hidden" name="lang" value="{lang}"><input type="hidden" name="name" value="{e(name)}">'
             f'<label for="text">{e(w["text"])}</label>'
             f'<textarea id="text" name="text" spellcheck="false">{e(text or "")}</textarea>'
             f'<label for="syntax">{e(w["syntax"])}</label><select id="syntax" name="syntax">{options}</select>'
             f'<label for="file">{e(w["file"])}</label><input type="file" id="file" name="file" accept="{accept}">'
             f'<p class="hint">{e(w["limits"].format(bytes=limits.max_upload_bytes, seconds=f"{limits.timeout:g}"))}</p>'
             f'<button class="go" type="submit">{e(w["submit"])}</button></form>']
    marks: dict = {}
    if error is not None:
        parts.append(f'<h2>{e(w["error"])}</h2><p class="error" role="alert" id="error">{e(error)}</p>')
        found = re.match(rf"{re.escape(name)}:(\d+):", error) if name else None
        if found:
            marks[int(found.group(1))] = [("violation", error[found.end():].strip())]
    if outcome is not None:
        css = "ok" if outcome["conforms"] else "fails"
        parts.append(f'<h2>{e(w["report"])}</h2><p class="summary {css}" id="summary" role="status">'
                     f'{e(outcome["summary"])}</p>')
        report = e(outcome["text"])
        if name:  # "measure.ttl:12" links to the line below
            report = re.sub(rf"(?m)^{re.escape(e(name))}:(\d+)", r'<a href="#L\1">\g<0></a>', report)
        parts.append(f'<pre class="report" id="report">{report}</pre>')
        for line, severity, message in outcome["marks"]:
            marks.setdefault(line, []).append((severity, message))
    if text is not None and text.strip():
        parts.append(f'<h2 id="source-title">{e(w["source"])}: {e(name)}</h2>' + _source(text, marks, w))
    parts.append("</main>")
    return frame.page(w["title"], "".join(parts), lang, "validate", kind="validate", switch=switch)


def _source(text: str, marks: dict, w: dict) -> str:
    """The text as a numbered list of lines (id L1, L2, ...); marked lines carry their messages."""
    from .validate import SEVERITIES

    items = []
    for number, line in enumerate(text.split("\n"), 1):
        found = marks.get(number)
        if not found:
            items.append(f'<li id="L{number}">{html.escape(line) or " "}</li>')
            continue
        worst = min((s for s, _ in found), key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else 0)
        notes = "".join(f'<span class="note">{html.escape(s)}: {html.escape(m)}</span>' for s, m in found)
        items.append(f'<li id="L{number}" class="mark {worst}">{html.escape(line) or " "}{notes}</li>')
    if text.endswith("\n"):
        items.pop()
    # a scrolling region: focusable, so a keyboard can scroll it (WCAG 2.1.1), and named by its heading
    return f'<ol class="source" id="source" tabindex="0" aria-labelledby="source-title">{"".join(items)}</ol>'


def _text(data: bytes) -> str | None:
    """The submission as text to show again, or None for binary data."""
    if b"\x00" in data:
        return None
    return data.decode("utf-8", "replace")


def _syntax_of(name: str) -> str:
    from .load import rdf_format

    try:
        fmt = rdf_format(name) if name else "turtle"
    except NctsError:
        return "ttl"
    return next((k for k, v in SYNTAXES.items() if rdf_format("x" + v[0]) == fmt), "ttl")
