"""Shell completion (click's own mechanism: ``eval "$(_NCTS_COMPLETE=bash_source ncts)"``, or
zsh_source / fish_source): library query names, views, list kinds and analyze tables, the
choices of a parameter, and ids for ``-p NAME=`` (the things of the list kind NAME+s, e.g.
``-p threat=`` offers threat:jihadisme ...). Each function is a click ``shell_complete``
callback; none may fail, so errors give no suggestions rather than a traceback in the shell."""

from __future__ import annotations

from click.shell_completion import CompletionItem


def _safe(func):
    def wrapper(ctx, param, incomplete):
        try:
            return func(ctx, param, incomplete or "")
        except Exception:  # noqa: BLE001  (a completion must never break the user's shell)
            return []

    return wrapper


@_safe
def langs(_ctx, _param, incomplete):
    return [CompletionItem(v) for v in ("nl", "en") if v.startswith(incomplete)]


@_safe
def query_names(_ctx, _param, incomplete):
    """The library's names (with their English title as help); a path-like word completes as a file."""
    if "/" in incomplete or incomplete.startswith("."):
        return [CompletionItem(incomplete, type="file")]
    from ..library import library

    return [CompletionItem(q.name, help=q.title("en")) for q in library() if q.name.startswith(incomplete)]


@_safe
def views(_ctx, _param, incomplete):
    from ..views import view_names

    return [CompletionItem(v) for v in [*view_names(), "graph"] if v.startswith(incomplete)]


@_safe
def list_kinds(_ctx, _param, incomplete):
    from ..listing import kinds

    return [CompletionItem(k) for k in kinds() if k.startswith(incomplete)]


def ids(kind: str, prefix: str = "", lang: str = "en") -> list[CompletionItem]:
    """The ids of ``kind`` starting with ``prefix`` (a CURIE or IRI), their label as help."""
    from ..listing import items

    return [CompletionItem(r["id"], help=r["label"]) for r in items(kind, lang)
            if r["id"].startswith(prefix) or r["iri"].startswith(prefix)]


def _first_argument(ctx) -> str | None:
    """The command's first argument as typed. While an option still waits for its value (``-p``
    being completed), click parses no arguments, so read the line click's completion scripts
    (bash, zsh, fish) pass in $COMP_WORDS: the first word after the command name that is
    neither an option nor an option's value."""
    import os
    import shlex

    words = shlex.split(os.environ.get("COMP_WORDS", ""))
    if ctx.info_name not in words:
        return None
    takes_value = {o for p in ctx.command.params if not getattr(p, "is_flag", False) for o in p.opts}
    rest = iter(words[words.index(ctx.info_name) + 1:-1])
    for word in rest:
        if word.startswith("-"):
            if word in takes_value:
                next(rest, None)
            continue
        return word
    return None


@_safe
def params(ctx, _param, incomplete):
    """``-p NAME=VALUE`` of the query being typed: its parameter names, then a parameter's
    choices or the ids of its kind (``-p right=`` gives the rights)."""
    from ..library import find
    from ..listing import kinds

    name = ctx.params.get("name") or _first_argument(ctx)
    if not name:
        return []
    q = find(name)
    pname, sep, value = incomplete.partition("=")
    if not sep:
        return [CompletionItem(p.name + "=", help=p.description) for p in q.params if p.name.startswith(pname)]
    declared = next((p for p in q.params if p.name == pname), None)
    if declared is None:
        return []
    if declared.choices:
        return [CompletionItem(f"{pname}={c}") for c in declared.choices if c.startswith(value)]
    kind = pname + "s"
    if declared.type == "iri" and kind in kinds():
        return [CompletionItem(f"{pname}={item.value}", help=item.help) for item in ids(kind, value)]
    return []
