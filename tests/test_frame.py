"""One page frame (ncts_graph/frame.py) on every kind of page: the same nav bar (same links, same
order, the current page marked), a language switch that works, and the right <title> and
<html lang> in Dutch and English. The pages are fetched from a running `ncts serve` and from a
site written by `ncts docs`; the query page, which switches language in the browser, is also
driven in Chromium."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import run_ncts

NAV = ["query", "browse", "ontology", "search", "sources", "validate"]
PATHS = {"query": "/", "browse": "/browse", "ontology": "/def", "search": "/search", "sources": "/sources",
         "validate": "/validate"}
LABELS = {"nl": ["Bevragen", "Bladeren", "Ontologie", "Zoeken", "Bronnen", "Valideren"],
          "en": ["Query", "Browse", "Ontology", "Search", "Sources", "Validate"]}
#: every kind of page: path, its nav entry (None: no entry is this page), its title in nl and en
KINDS = {
    "resource": ("/measure/uitreisverbod", None, {"nl": "Uitreisverbod", "en": "Exit ban"}),
    "browse": ("/browse", "browse", {"nl": "Bladeren", "en": "Browse"}),
    "search": ("/search", "search", {"nl": "Zoeken", "en": "Search"}),
    "def": ("/def", "ontology", {"nl": "ncts-graph ontologie", "en": "ncts-graph ontology"}),
    "sources": ("/sources", "sources", {"nl": "Brondocumenten", "en": "Source documents"}),
    "validate": ("/validate", "validate", {"nl": "Een maatregeldefinitie valideren",
                                           "en": "Validate a measure definition"}),
    "query": ("/", "query", {"nl": "Bevragen", "en": "Query"}),
}


class Frame(HTMLParser):
    """What a page's frame says: html lang, title, the main nav's entries, the language switch."""

    def __init__(self):
        super().__init__()
        self.lang = self.title = None
        self.nav: list[dict] = []
        self.switch: list[dict] = []
        self._in, self._text, self._link = None, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "title":
            self._in, self._text = "title", []
        elif tag == "nav" and a.get("class") in ("main-nav", "langswitch"):
            self._in = a["class"]
        elif tag in ("a", "button") and self._in in ("main-nav", "langswitch"):
            self._link, self._text = a, []

    def handle_endtag(self, tag):
        if tag == "title" and self._in == "title":
            self.title, self._in = "".join(self._text), None
        elif tag in ("a", "button") and self._link is not None:
            (self.nav if self._in == "main-nav" else self.switch).append(dict(self._link, text="".join(self._text)))
            self._link = None
        elif tag == "nav":
            self._in = None

    def handle_data(self, data):
        if self._in == "title" or self._link is not None:
            self._text.append(data)


def frame_of(text: str) -> Frame:
    f = Frame()
    f.feed(text)
    return f


def fetch(url: str) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"}), timeout=60) as r:
        assert r.status == 200
        return r.read().decode()


def check(f: Frame, lang: str, title: str, current: str | None, nav=NAV) -> None:
    assert f.lang == lang
    assert f.title == f"{title} · ncts-graph"
    assert [a["data-nav"] for a in f.nav] == nav
    assert [a["text"] for a in f.nav] == [LABELS[lang][NAV.index(k)] for k in nav]
    assert [a["data-nav"] for a in f.nav if "aria-current" in a] == ([current] if current in nav else [])
    assert [s.get("lang") for s in f.switch] == ["nl", "en"]  # the switch: both languages, the current one marked
    assert [s.get("lang") for s in f.switch if s.get("aria-current") or s.get("aria-pressed")] == [lang]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_served_page_has_the_frame_and_a_working_switch(ncts_serve, kind):
    path, current, titles = KINDS[kind]
    for lang in ("nl", "en"):
        f = frame_of(fetch(f"{ncts_serve}{path}?lang={lang}"))
        check(f, lang, titles[lang], current)
        assert [urlsplit(a["href"]).path for a in f.nav] == [PATHS[k] for k in NAV]
        assert all(urlsplit(a["href"]).query == f"lang={lang}" for a in f.nav)  # the language travels along
        other = "en" if lang == "nl" else "nl"
        link = next(s["href"] for s in f.switch if s["lang"] == other)
        switched = frame_of(fetch(ncts_serve + (link if link.startswith("/") else path + link)))
        check(switched, other, titles[other], current)  # following the switch gives the page in the other language


def test_static_site_pages_have_the_same_nav_without_the_server_pages(tmp_path):
    out = tmp_path / "site"
    assert run_ncts("docs", "-o", out, timeout=300).returncode == 0
    served_only = {"query", "sources", "validate"}  # no such pages in a static site: left out, order kept
    nav = [k for k in NAV if k not in served_only]
    for lang in ("nl", "en"):
        for page, current, title in (("browse", "browse", KINDS["browse"][2][lang]),
                                     ("measure/uitreisverbod", None, KINDS["resource"][2][lang]),
                                     ("def", "ontology", KINDS["def"][2][lang])):
            file = out / lang / f"{page}.html"
            f = frame_of(file.read_text(encoding="utf-8"))
            check(f, lang, title, current, nav)
            for a in f.nav:  # every nav link resolves to the page of that entry, in the same language
                target = (file.parent / unquote(a["href"])).resolve()
                assert target.is_file() and target.relative_to(out.resolve()).parts[0] == lang
            other = "en" if lang == "nl" else "nl"
            target = (file.parent / unquote(next(s["href"] for s in f.switch if s["lang"] == other))).resolve()
            assert target == (out / other / f"{page}.html").resolve()
            assert frame_of(target.read_text(encoding="utf-8")).lang == other


def test_validate_report_switch_resubmits_the_form(ncts_serve):
    """With a report on the page the switch is the form's buttons (the same text validated again
    in the other language); the browser walk is in test_webvalidate.py."""
    text = (Path(__file__).resolve().parent.parent / "examples" / "measures" / "valid" / "gebiedsverbod.ttl").read_text()
    body = urllib.parse.urlencode({"text": text, "lang": "en", "syntax": "ttl"}).encode()
    req = urllib.request.Request(ncts_serve + "/validate", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": ncts_serve, "Accept": "text/html"})
    with urllib.request.urlopen(req, timeout=120) as r:
        f = frame_of(r.read().decode())
    check(f, "en", KINDS["validate"][2]["en"], "validate")
    assert [(s["form"], s["name"], s["value"]) for s in f.switch] == [("validate", "to_lang", "nl"),
                                                                       ("validate", "to_lang", "en")]


def test_query_page_switches_its_frame_in_the_browser(ncts_serve, browser):
    """The query page switches language without reloading (the question and its answer stay):
    the frame's nav bar, title, html lang and switch follow, and its nav links carry the language."""
    from browser import offline_page

    page, blocked, errors = offline_page(browser)
    page.goto(ncts_serve + "/?lang=en")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    for lang in ("nl", "en"):
        page.click(f".langswitch a[data-lang={lang}]")
        page.wait_for_function("l => document.documentElement.lang === l", arg=lang)
        f = frame_of(page.content())
        check(f, lang, KINDS["query"][2][lang], "query")
        assert page.title() == f"{KINDS['query'][2][lang]} · ncts-graph"
        assert all(urlsplit(a["href"]).query == f"lang={lang}" for a in f.nav)
        assert page.get_attribute("nav.main-nav", "aria-label") == {"nl": "Hoofdmenu", "en": "Main menu"}[lang]
    assert page.url.startswith(ncts_serve + "/?lang=en#")  # switched in place, not reloaded
    assert blocked == [] and errors == []


def test_the_frame_is_the_only_skeleton():
    """No page module writes its own <head>, nav bar or language switch any more."""
    root = Path(__file__).resolve().parent.parent / "ncts_graph"
    for name in ("pages.py", "sources_view.py", "webvalidate.py", "workbench.py", "web/workbench.html"):
        text = (root / name).read_text(encoding="utf-8")
        assert not re.search(r"(?i)<!doctype|<meta charset|<title|<header|LANGUAGES\s*=", text), name
