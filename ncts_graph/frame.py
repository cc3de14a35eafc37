"""The one page frame of every HTML page of ``ncts serve`` and ``ncts docs``: the <head> (charset,
viewport, title, the one stylesheet), the nav bar (the same links in the same order everywhere,
the current page marked with aria-current), the nl/en language switch and the words they share.

A page supplies its title and its body (its ``<main id="main">``, and a footer if it has one);
the skeleton is ``web/frame.html`` and the stylesheet ``web/frame.css`` (inlined: the pages allow
no other style source). The resource pages (pages.py), /sources (sources_view.py), /validate
(webvalidate.py) and the query page (workbench.py, ``web/workbench.html`` as its body) all come
through :func:`page`. In the static site (``ncts docs``) the nav keeps the same order and leaves
out the pages only a server has (query, sources, validate), so every link there resolves.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from string import Template

from .protocol import weighted

WEB = Path(__file__).resolve().parent / "web"
LANGS = ("nl", "en")
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}  # each named in itself, for the switch
#: the nav bar: (key, server path), in order; the static site has only the pages in STATIC
NAV = (("query", "/"), ("browse", "/browse"), ("ontology", "/def"), ("search", "/search"),
       ("sources", "/sources"), ("validate", "/validate"))
STATIC = {"browse": "browse", "ontology": "def", "search": "search"}  # nav key -> page key of the static site
#: the frame's words, (nl, en)
WORDS = {
    "query": ("Bevragen", "Query"), "browse": ("Bladeren", "Browse"), "ontology": ("Ontologie", "Ontology"),
    "search": ("Zoeken", "Search"), "sources": ("Bronnen", "Sources"), "validate": ("Valideren", "Validate"),
    "skip": ("Naar de inhoud", "Skip to content"), "main_nav": ("Hoofdmenu", "Main menu"),
    "language": ("Taal", "Language"),
}


def word(key: str, lang: str) -> str:
    return WORDS[key][LANGS.index(lang)]


def choose_lang(params: dict, accept_language: str | None) -> str:
    """?lang= first, then the best of nl/en in Accept-Language, else Dutch (the sources' language)."""
    lang = (params.get("lang") or [None])[0]
    if lang in LANGS:
        return lang
    return next((tag.split("-")[0] for _, _, tag in weighted(accept_language) if tag.split("-")[0] in LANGS), "nl")


@functools.lru_cache(maxsize=None)
def _files() -> tuple[Template, str]:
    return (Template((WEB / "frame.html").read_text(encoding="utf-8")),
            (WEB / "frame.css").read_text(encoding="utf-8"))


def css() -> str:
    """The one stylesheet."""
    return _files()[1]


def server_href(key: str, lang: str) -> str:
    """A nav page on the server, in ``lang``."""
    return f"{dict(NAV)[key]}?lang={lang}"


def nav_links(lang: str, href=server_href) -> list[tuple[str, str, str]]:
    """(key, label, link) of the nav bar; ``href(key, lang)`` None leaves a page out."""
    return [(key, word(key, lang), link) for key, _ in NAV if (link := href(key, lang)) is not None]


def _both(key: str, attr: str = "") -> str:
    """The word in both languages as data attributes, for a page that switches in the browser."""
    nl, en = WORDS[key]
    return f' data{attr}-nl="{html.escape(nl)}" data{attr}-en="{html.escape(en)}"'


def page(title: str, body: str, lang: str, current: str | None, *, kind: str, switch=None, href=server_href,
         home: str = "/", meta: str = "", links: str = "", extra: str = "", titles: dict | None = None) -> str:
    """One page: ``title`` (text) and ``body`` (HTML with its ``<main id="main">``) in the frame.

    ``current``: the nav key of this page (aria-current); ``kind``: the body class that scopes the
    page's styles; ``switch``: {lang: link} to this page in each language, or ``("form", id)``
    for buttons that resubmit a form with ``to_lang`` (the validate report); ``href(key, lang)``:
    the nav links (the static site's relative ones); ``meta``/``links``: more head elements before
    and after the style; ``extra``: more header content (the search form); ``titles``: {lang:
    title} for a page that switches language in the browser (the query page): then every word of
    the frame carries both languages as data-nl/data-en (data-label-nl/-en for aria-label)."""
    e = html.escape
    live = titles is not None
    here, chosen, pressed = ' aria-current="page"', ' aria-current="true"', ' aria-pressed="true"'
    nav = "".join(f'<li><a href="{e(link)}" data-nav="{key}"{here if key == current else ""}'
                  f'{_both(key) if live else ""}>{e(label)}</a></li>' for key, label, link in nav_links(lang, href))
    if isinstance(switch, tuple):  # buttons of a form: switching resubmits it in the other language
        form = switch[1]
        langs = "".join(f'<li><button form="{e(form)}" name="to_lang" value="{code}" lang="{code}"'
                        f'{pressed if code == lang else ""}>{name}</button></li>'
                        for code, name in LANGUAGE_NAMES.items())
    else:
        switch = switch or {}
        langs = "".join(f'<li><a href="{e(switch.get(code, "?lang=" + code))}" hreflang="{code}" lang="{code}" '
                        f'data-lang="{code}"{chosen if code == lang else ""}>{name}</a></li>'
                        for code, name in LANGUAGE_NAMES.items())
    template, style = _files()
    both = (lambda key, attr="": _both(key, attr)) if live else (lambda key, attr="": "")
    full = f"{title} · ncts-graph"
    title_words = "".join(f' data-{code}="{e(titles[code] + " · ncts-graph")}"' for code in LANGS) if live else ""
    return template.substitute(
        lang=lang, kind=e(kind), meta=meta, title=e(full), title_words=title_words, css=style, links=links,
        skip=e(word("skip", lang)), skip_words=both("skip"), home=e(home),
        main_nav=e(word("main_nav", lang)), main_nav_words=both("main_nav", "-label"), nav=nav, extra=extra,
        language=e(word("language", lang)), language_words=both("language", "-label"), switch=langs, body=body)
