"""A quote's passage in its source text: the one definition of "verbatim" and of a position.

"Verbatim" allows exactly what the sources' text extraction forces on a curator:
whitespace may differ (line wraps, double spaces, non-breaking spaces) and an
end-of-line hyphenation ("demo -\\ncratische") may be kept or joined. Every
letter, digit, punctuation mark and footnote number must be as in the source.
Positions count Unicode code points of the source file as stored (see anchors.py).
Shared by ``ncts quotes`` (quotes.py), the anchoring tool (anchors.py), the Web
Annotation export and the /sources pages.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import NctsError

_SOFT = "\x00"  # marks a place where the source breaks a word at a line end


_TOKEN = re.compile(r"-[ \t\u00a0]*\r?\n|[\u00ac\u00ad]|\s+|.", re.S)


def canonical_source(text: str) -> str:
    """Source text with whitespace removed and line-end hyphens turned into soft-break marks."""
    return canonical_map(text)[0]


def canonical_map(text: str) -> tuple[str, list[int], list[int]]:
    """:func:`canonical_source` of ``text``, with each canonical character's start and end
    offset in ``text`` itself (code points), so that a match can be mapped back to the raw
    file: the W3C TextPositionSelector counts the text as stored, not as normalised."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(text):
        tok, s = m.group(), m.start()
        if tok in ("\u00ac", "\u00ad") or (len(tok) > 1 and tok[0] == "-"):
            out.append(_SOFT), starts.append(s), ends.append(s + 1)
        elif tok.isspace():
            continue
        elif out and unicodedata.combining(tok) and ends[-1] == s and out[-1] != _SOFT:
            # a combining mark joins the character before it; NFC may compose the two
            begin = starts[-1]
            while starts and starts[-1] == begin:
                out.pop(), starts.pop(), ends.pop()
            for c in unicodedata.normalize("NFC", text[begin:s + 1]):
                out.append(c), starts.append(begin), ends.append(s + 1)
        else:
            for c in unicodedata.normalize("NFC", tok):
                out.append(c), starts.append(s), ends.append(s + 1)
    return "".join(out), starts, ends


def quote_pattern(quote: str) -> re.Pattern[str]:
    """A regex for the quote that tolerates only whitespace and line-end hyphenation."""
    chars = re.sub(r"\s+", "", unicodedata.normalize("NFC", quote).replace("\u00ad", ""))
    parts = ["[-\x00]" if c == "-" else re.escape(c) for c in chars]
    return re.compile("\x00?".join(parts))


def occurs_in(quote: str, source_text: str) -> bool:
    """True if ``quote`` occurs verbatim (in the sense above) in ``source_text``."""
    if not quote.strip():
        return False
    return quote_pattern(quote).search(canonical_source(source_text)) is not None


def source_path(sources_dir: Path, name: str) -> Path | None:
    """The source file ``name`` inside ``sources_dir``, or None when it would lie outside
    (an absolute path, ``..``, or a symbolic link leading out): a graph must not make the
    checker read, and report on, any other file on the machine."""
    relative = Path(name)
    if not name or relative.is_absolute() or ".." in relative.parts or "\x00" in name:
        return None
    base = Path(sources_dir).resolve()
    try:
        path = (base / relative).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return path if path.is_relative_to(base) and path != base else None


CONTEXT = 32  # characters of oa:prefix / oa:suffix (fewer at the start or end of a text)


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Source:
    """A source text as stored, and its normalised form with the map back."""
    text: str
    canonical: str
    starts: list
    ends: list


@lru_cache(maxsize=16)
def read_source(path: Path) -> Source:
    """The text of a source file exactly as stored (UTF-8, line ends untranslated)."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
    except UnicodeDecodeError as exc:
        raise NctsError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise NctsError(f"{path}: cannot read ({exc.strerror})") from None
    return Source(text, *canonical_map(text))


def locate(exact: str, source: Source) -> Anchor | None:
    """Where ``exact`` first occurs in the source (as ``ncts quotes`` matches it), in raw offsets."""
    if not exact.strip():
        return None
    m = quote_pattern(exact).search(source.canonical)
    if m is None:
        return None
    start, end = source.starts[m.start()], source.ends[m.end() - 1]
    text = source.text
    return Anchor(start, end, text[max(0, start - CONTEXT):start], text[end:end + CONTEXT])


def mismatch(exact: str, source: Source, start, end, prefix=None, suffix=None) -> str | None:
    """Why the stored anchor does not fit the source text, or None when it does."""
    text = source.text
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        return f"oa:start/oa:end {start!r}-{end!r} are not whole numbers"
    if start >= end:
        return f"oa:start {start} is not before oa:end {end}"
    if not 0 <= start < end <= len(text):
        return f"oa:start/oa:end {start}-{end} lie outside the text (0-{len(text)})"
    piece = text[start:end]
    # the normalised text between the two offsets, from the source's own map (no second pass)
    canonical = source.canonical[bisect_left(source.starts, start):bisect_left(source.starts, end)]
    if quote_pattern(exact).fullmatch(canonical) is None:
        shown = " ".join(piece.split())
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return f"oa:start/oa:end {start}-{end} select \"{shown}\", not the quote"
    if prefix is not None and text[max(0, start - len(prefix)):start] != prefix:
        return f"oa:prefix {str(prefix)[-30:]!r} is not the text before oa:start {start}"
    if suffix is not None and text[end:end + len(suffix)] != suffix:
        return f"oa:suffix {str(suffix)[:30]!r} is not the text after oa:end {end}"
    return None


def source_of(sources_dir: Path, file_name: str) -> Source:
    """The source text ``file_name`` of ``sources_dir`` (never a file outside it)."""
    return read_source(_source_file(Path(sources_dir), str(file_name)))


@lru_cache(maxsize=64)
def _source_file(sources_dir: Path, file_name: str) -> Path:
    path = source_path(sources_dir, file_name)
    if path is None or not path.is_file():
        raise NctsError(f"{Path(sources_dir) / file_name}: source file not found (or outside the sources folder)")
    return path
