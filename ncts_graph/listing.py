"""``ncts list KIND``: the ids and labels of one kind of thing (threats, partners, rights, laws,
measure types, pillars, goals, measures), so a user finds the id a ``-p`` parameter wants.

Each kind is one query in queries/list/KIND.rq (data, not Python strings): a new file there is a
new kind. They run like any query (Oxigraph in memory, the bundled graph + files).
"""

from __future__ import annotations

import json
from pathlib import Path

from . import paths
from .errors import NctsError

FORMATS = ("text", "json", "tsv")


def list_dir() -> Path:
    return paths.queries_dir() / "list"


def kinds() -> list[str]:
    """The kinds there is a list query for, sorted."""
    return sorted(p.stem for p in list_dir().glob("*.rq"))


def items(kind: str, lang: str = "nl", files=(), store=None) -> list[dict]:
    """``[{"id": CURIE, "iri": IRI, "label": label in lang}]`` for every thing of ``kind``, by id."""
    from .library import load_file
    from .namespaces import compact
    from .query import run

    if kind not in kinds():
        raise NctsError(f"unknown list {kind!r} (use one of {', '.join(kinds())})")
    result = run(load_file(list_dir() / f"{kind}.rq"), {}, lang=lang, files=files, store=store)
    return [{"id": compact(row["id"].value), "iri": row["id"].value,
             "label": row["label"].value if "label" in row else ""} for row in result.rows]


def render(rows: list[dict], fmt: str = "text") -> str:
    """text: an aligned table of id and label (ids never cut); json: the list of objects; tsv:
    a header line, then one ``id<TAB>label`` line per thing (tabs and newlines in labels as spaces)."""
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if fmt == "tsv":
        clean = lambda s: " ".join(s.split())  # noqa: E731
        return "\n".join(["id\tlabel", *(f"{r['id']}\t{clean(r['label'])}" for r in rows)])
    if fmt != "text":
        raise NctsError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")
    from .results import _table

    return _table(["id", "label"], [[r["id"], r["label"]] for r in rows], width=None) + f"\n({len(rows)})"
