"""axe-core on the workbench's other main pages (the resource pages are checked in test_pages.py):
the query page, the validate page with a report, and the source texts with their quotes.
No serious or critical WCAG 2.1 A/AA violation, every non-local request refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from a11y import axe_violations
from browser import ARTIFACTS, offline_page

INVALID = sorted((Path(__file__).resolve().parent.parent / "examples" / "measures" / "invalid").glob("*.ttl"))[0]


@pytest.fixture(scope="module")
def base(ncts_serve):
    return ncts_serve


@pytest.fixture(scope="module")
def page(browser):
    page, blocked, errors = offline_page(browser)
    yield page
    assert blocked == [] and errors == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_query_page_is_accessible(base, page, lang):
    page.goto(f"{base}/#lang={lang}")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert axe_violations(page) == []
    page.click("#questions a[data-name='measures-per-threat']")
    page.wait_for_selector("#param-threat")
    assert axe_violations(page) == []  # the open question's form
    # every kind of token the editor colours: strings, numbers, comments, variables, keywords, prefixed names
    page.evaluate("""() => window.ncts.yasqe.setValue('# a comment\\nPREFIX ex: <http://example.org/>\\n'
        + 'SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ex:p "text"@en ; ex:q 42 , true . FILTER(?n > 1.5) }')""")
    page.wait_for_timeout(300)
    assert axe_violations(page) == []


def test_validate_page_and_its_report_are_accessible(base, page):
    page.goto(f"{base}/validate?lang=en")
    assert axe_violations(page) == []
    page.fill("textarea", INVALID.read_text(encoding="utf-8"))
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()
    assert "does not conform" in page.content()
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "a11y-validate-report.png"), full_page=True)


def test_source_pages_are_accessible(base, page):
    page.goto(f"{base}/sources?lang=en")
    assert axe_violations(page) == []
    page.goto(f"{base}/sources/ncts-2022-2026?lang=nl")
    assert page.locator("mark").count() > 100
    assert axe_violations(page) == []
