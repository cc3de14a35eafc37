"""The query page of `ncts serve` (YASGUI) in headless Chromium with every non-local request
refused: a free query, highlighting and prefix completion, a library question through its form
with an IRI picked by its label, the language switch, CSV and JSON downloads, permalinks, and
syntax errors in one line. Expected answers come from the Python API, not from the page."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import ncts_graph
from browser import ARTIFACTS, offline_page


@pytest.fixture(scope="module")
def base(ncts_serve):
    return ncts_serve


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def open_page(browser, url: str):
    page, blocked, errors = offline_page(browser)
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=20000)
    return page, blocked, errors


def editor_text(page) -> str:
    return page.evaluate("document.querySelector('#yasqe .CodeMirror').CodeMirror.getValue()")


def set_editor(page, text: str) -> None:
    page.evaluate("t => document.querySelector('#yasqe .CodeMirror').CodeMirror.setValue(t)", text)


def run_and_wait(page, selector=".yasr table.dataTable tbody tr"):
    page.click(".yasqe_queryButton")
    page.wait_for_selector(selector, timeout=15000)


def test_free_query_highlighting_and_prefix_completion(base, browser):
    page, blocked, errors = open_page(browser, base + "/")
    assert page.locator(".topbar nav a[href^='/browse?']").count() == 1
    assert page.locator(".topbar nav a[href^='/sources?']").count() == 1
    assert page.locator(".topbar nav a[href^='/validate?']").count() == 1
    assert "SELECT" in editor_text(page)
    config = page.evaluate("[window.ncts.yasqe.config.autocompleters, window.ncts.yasqe.config.prefixCcApi]")
    assert config == [["variables", "ncts-prefixes", "ncts-class", "ncts-property"], None]  # nothing from prefix.cc or LOV
    assert page.locator("#yasqe .cm-keyword").count() >= 3  # SELECT, WHERE, ORDER BY ... highlighted
    run_and_wait(page)
    expected = ncts_graph.query(editor_text(page))  # the example query, on the API
    shown = page.inner_text(".yasr table.dataTable")
    assert page.locator(".yasr table.dataTable tbody tr").count() == len(expected) == 50
    assert "m:" in shown  # IRIs compacted with the project's prefixes
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workbench-query.png"), full_page=False)

    # prefix completion: the project's prefixes, not YASGUI's prefix.cc list
    page.click("#yasqe .CodeMirror")
    page.keyboard.press("Control+Home")  # a PREFIX line belongs at the top
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    page.keyboard.type("PREFIX thr")
    page.wait_for_selector(".CodeMirror-hints", timeout=5000)
    hints = page.inner_text(".CodeMirror-hints")
    assert "threat: <https://w3id.org/ncts-graph/threat/>" in hints
    page.keyboard.press("Enter")
    assert "PREFIX threat: <https://w3id.org/ncts-graph/threat/>" in editor_text(page)
    set_editor(page, "PREFIX dbo: <http://dbpedia.org/ontology/>\nSELECT * WHERE { ?s a dbo:Place }")
    page.click("#yasqe .CodeMirror")
    page.keyboard.press("Control+Home")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    page.keyboard.type("PREFIX dbp")
    page.wait_for_timeout(400)
    hints = page.inner_text(".CodeMirror-hints") if page.locator(".CodeMirror-hints").count() else ""
    assert "dbpedia" not in hints
    # class completion from the project's ontology on this server (YASGUI would ask LOV on the internet)
    set_editor(page, "PREFIX ncts: <https://w3id.org/ncts-graph/def#>\nSELECT * WHERE { ?s a ncts:Meas")
    page.click("#yasqe .CodeMirror")
    page.keyboard.press("Control+End")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints", timeout=5000)
    assert "ncts:Measure" in page.inner_text(".CodeMirror-hints")
    assert blocked == [] and errors == []


@pytest.mark.parametrize("typo, expected", [
    ("SELECT ?x WHERE { ?x nope:y ?z }", "unknown prefix nope:"),
    ("SELECT ?x WHERE { ?x ?y ?z } LIMT 3", "expected one of HAVING"),
    ('SELECT ?x WHERE { ?x ?y "abc }', "unterminated string"),
    ("SELECT * WHERE { ?s ?p <http://a b> }", "invalid IRI"),
])
def test_syntax_error_is_one_readable_line(base, browser, typo, expected):
    page, blocked, errors = open_page(browser, base + "/")
    set_editor(page, typo)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr .error-line", timeout=15000)
    line = page.inner_text(".yasr .error-line")
    assert "\n" not in line.strip() and len(line) < 200, line
    assert "SPARQL syntax error" in line and expected in line, line
    assert "\\u{" not in line and "..=" not in line  # none of Oxigraph's Unicode ranges
    assert line.split(": SPARQL")[0].split(":")[-2:][0].isdigit()  # line:column
    if "nope" in typo:
        page.screenshot(path=str(ARTIFACTS / "workbench-error.png"))
    assert blocked == [] and errors == []


def test_question_form_autocomplete_language_download_permalink(base, browser):
    page, blocked, errors = open_page(browser, base + "/#lang=en")
    page.click("#questions a[data-name='measures-per-threat']")
    page.wait_for_selector("#param-threat")
    assert page.inner_text("#question-title") == "Which measures target a threat?"
    assert page.input_value("#param-threat") == "threat:jihadisme"  # the default
    # an IRI parameter picked by its label (typed in English, found by label)
    page.fill("#param-threat", "")
    page.type("#param-threat", "lone act")
    option = page.locator("#list-threat [role=option]", has_text="Potentially violent extremist lone actors")
    option.wait_for(timeout=5000)
    option.click()
    assert page.input_value("#param-threat") == "threat:pgee"
    page.wait_for_function("document.querySelector('#yasqe .CodeMirror').CodeMirror.getValue()"
                           ".includes('<https://w3id.org/ncts-graph/threat/pgee>')")
    page.click("#run-question")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    expected_en = ncts_graph.query("measures-per-threat", {"threat": "threat:pgee"}, lang="en")
    shown = page.inner_text(".yasr table.dataTable")
    assert all(str(r["measureLabel"]) in shown for r in expected_en), shown
    page.screenshot(path=str(ARTIFACTS / "workbench-question.png"))

    # the language switch: UI strings, the question's texts and its answer
    page.click(".langswitch a[data-lang=nl]")
    expected_nl = ncts_graph.query("measures-per-threat", {"threat": "threat:pgee"}, lang="nl")
    first_nl = str(expected_nl[0]["measureLabel"])
    page.wait_for_function("t => document.querySelector('.yasr table.dataTable') && "
                           "document.querySelector('.yasr table.dataTable').innerText.includes(t)", arg=first_nl)
    assert page.inner_text("#question-title") == "Welke maatregelen richten zich op een dreiging?"
    assert page.inner_text(".topbar nav a[data-nav=query]") == "Bevragen"
    assert page.input_value("#param-threat") == "threat:pgee"
    assert '= "nl"' in editor_text(page)
    page.screenshot(path=str(ARTIFACTS / "workbench-question-nl.png"))

    # CSV download: the rows the API gives, in the file
    with page.expect_download() as info:
        page.click(".yasr .yasr_downloadIcon")
    download = info.value
    assert download.suggested_filename == "measures-per-threat.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert sorted(r["measure"] for r in rows) == sorted(str(r["measure"]) for r in expected_nl)
    assert {r["measureLabel"] for r in rows} == {str(r["measureLabel"]) for r in expected_nl}
    # JSON download (the Response view): SPARQL JSON results
    page.click(".yasr .select_response")
    with page.expect_download() as info:
        page.click(".yasr .yasr_downloadIcon")
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert len(data["results"]["bindings"]) == len(expected_nl)

    # the permalink reopens the same question with the same value and language, and runs it
    link = page.get_attribute("#permalink", "href")
    params = urllib.parse.parse_qs(link.lstrip("#"))
    assert params["question"] == ["measures-per-threat"] and params["p.threat"] == ["threat:pgee"] and params["lang"] == ["nl"]
    text = editor_text(page)
    again, blocked2, errors2 = open_page(browser, base + "/" + link)
    again.wait_for_selector(".yasr table.dataTable tbody tr", timeout=15000)
    assert again.input_value("#param-threat") == "threat:pgee"
    assert editor_text(again) == text
    assert first_nl in again.inner_text(".yasr table.dataTable")
    assert again.get_attribute(".langswitch a[data-lang=nl]", "aria-current") == "true"

    # a free query's permalink carries its text
    set_editor(again, "SELECT ?m WHERE { ?m ncts:addressesThreat threat:pgee } ORDER BY ?m")
    free = again.get_attribute("#permalink", "href")
    assert "query=" in free and "question=" not in free
    third, blocked3, errors3 = open_page(browser, base + "/" + free)
    third.wait_for_selector(".yasr table.dataTable tbody tr", timeout=15000)
    assert editor_text(third) == "SELECT ?m WHERE { ?m ncts:addressesThreat threat:pgee } ORDER BY ?m"
    assert third.locator(".yasr table.dataTable tbody tr").count() == len(expected_nl)
    # an IRI of the graph in the results opens its page on this server, not on w3id.org
    first = third.locator('.yasr table.dataTable tbody a[data-iri^="https://w3id.org/ncts-graph/measure/"]').first
    iri, href = first.get_attribute("data-iri"), first.get_attribute("href")
    assert href == "/measure/" + iri.rsplit("/", 1)[1] + "?lang=nl"
    first.click()
    third.wait_for_url(base + href)
    assert iri in third.content()  # the resource page (cite block)
    assert blocked == blocked2 == blocked3 == [] and errors == errors2 == errors3 == []


def test_form_refuses_a_bad_value_in_one_line(base, browser):
    page, blocked, errors = open_page(browser, base + "/#lang=en&question=measures-per-threat&p.threat=threat%3Apgeee")
    page.wait_for_function("document.getElementById('form-error').textContent.length > 0")
    message = page.inner_text("#form-error")
    assert "did you mean threat:pgee?" in message and "\n" not in message
    assert blocked == [] and errors == []


def test_json_routes_of_the_page(base):
    status, body = get(base + "/workbench/labels?" + urllib.parse.urlencode({"q": "eenling", "lang": "nl",
                                                                               "like": "threat:jihadisme"}))
    found = json.loads(body)["results"]
    assert status == 200 and "threat:pgee" in [r["curie"] for r in found]
    assert all(r["curie"].startswith("threat:") for r in found)  # only what fits the parameter
    status, body = get(base + "/workbench/bind?" + urllib.parse.urlencode(
        {"name": "measures-per-threat", "lang": "en", "p.threat": 'x" || true || "'}))
    assert status == 400 and "is not an IRI" in body
    status, body = get(base + "/workbench/bind?" + urllib.parse.urlencode({"name": "../../etc/passwd"}))
    assert status == 400 and "unknown question" in body
    status, js = get(base + "/workbench/yasgui.min.js")
    assert status == 200 and len(js) > 500_000
    assert get(base + "/workbench/../serve.py")[0] == 404


@pytest.mark.parametrize("typo, expected", [
    ("SELECT ?x WHERE { ?x nope:y ?z }", 'query:1:28: SPARQL syntax error: unknown prefix nope: after "SELECT ?x WHERE { ?x nope:y"'),
    ("SELECT (COUNT(?s) AS ?n WHERE { ?s ?p ?o }", 'query:1:25: SPARQL syntax error: after "SELECT (COUNT(?s) AS ?n"; expected ")"'),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p\n}", "query:4:2: SPARQL syntax error: at the end of the query"),
    ("SELECT * WHERE { ?s ?p <http://a b> }", "SPARQL syntax error: invalid IRI"),
])
def test_syntax_errors_are_one_readable_line_everywhere(typo, expected):
    """The API (and so `ncts query` and the endpoint) words Oxigraph's parse errors readably."""
    with pytest.raises(ncts_graph.NctsError) as info:
        ncts_graph.query(typo)
    message = str(info.value)
    assert expected in message and message.startswith("query:"), message
    assert "\n" not in message and len(message) < 200 and "\\u{" not in message and "[_]" not in message


def test_every_library_question_binds_and_runs_as_the_page_sends_it(base):
    """The form's text (header comments dropped, PREFIX lines added) of every question, with its
    defaults, parses on the endpoint and gives what `ncts query` gives."""
    status, body = get(base + "/queries")
    questions = json.loads(body)["queries"]
    assert status == 200 and len(questions) >= 20
    for q in questions:
        status, body = get(base + "/workbench/bind?" + urllib.parse.urlencode({"name": q["name"], "lang": "en"}))
        assert status == 200, (q["name"], body)
        text = json.loads(body)["query"]
        assert text.startswith(f"# {q['name']}: ") and "# param:" not in text
        request = urllib.request.Request(base + "/sparql", data=text.encode(), headers={
            "Content-Type": "application/sparql-query", "Accept": "text/csv, text/turtle;q=0.9"})
        with urllib.request.urlopen(request, timeout=30) as r:
            answer = r.read().decode()
        result = ncts_graph.query(q["name"], lang="en", as_result=True)
        if result.form == "select":
            assert len(answer.splitlines()) == len(result.rows) + 1, q["name"]


def test_page_without_yasgui_says_how_to_install_it(monkeypatch):
    """A checkout without `make js` answers / with a one-line instruction, not a broken page."""
    from ncts_graph import workbench

    monkeypatch.setattr(workbench, "yasgui_dir", lambda: None)
    sent = []

    class Handler:  # what workbench.handle uses of serve.Handler
        def _send(self, status, ctype, body, headers=None):
            sent.append((status, body.decode()))

    assert workbench.handle(Handler(), "/", {}) and workbench.handle(Handler(), "/workbench/yasgui.min.js", {})
    for status, message in sent:
        assert status == 500 and "make js" in message and "\n" not in message


def test_typed_fields_date_and_choice(base, browser):
    """A date parameter is a date field, a closed list a select; what they send is what the API answers."""
    page, blocked, errors = open_page(browser, base + "/#lang=en&question=legal-bases-expiring-before&p.date=2030-01-01")
    page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=15000)
    assert page.get_attribute("#param-date", "type") == "date" and page.input_value("#param-date") == "2030-01-01"
    expected = ncts_graph.query("legal-bases-expiring-before", {"date": "2030-01-01"}, lang="en")
    assert page.locator(".yasr table.dataTable tbody tr").count() == len(expected) > 0

    page.click("#questions a[data-name='partners-by-measure-count']")
    page.wait_for_selector("select#param-provenance")
    options = page.eval_on_selector_all("#param-provenance option", "os => os.map(o => o.value)")
    assert options == ["stated", "curator", "all"] and page.input_value("#param-provenance") == "stated"
    page.select_option("#param-provenance", "all")
    page.wait_for_function("window.ncts.yasqe.getValue().includes('\"all\"')")
    page.click("#run-question")
    expected = ncts_graph.query("partners-by-measure-count", {"provenance": "all"}, lang="en")
    page.wait_for_function("n => document.querySelectorAll('.yasr table.dataTable tbody tr').length === n",
                           arg=min(len(expected), 50))
    assert "p.provenance=all" in page.get_attribute("#permalink", "href")
    assert blocked == [] and errors == []


def test_iri_field_by_keyboard_offers_only_its_kind(base, browser):
    """Type a Dutch label, arrow down, Enter: the field holds the IRI, its label shows beside it;
    the suggestions are partners only (the parameter's default is a partner)."""
    page, blocked, errors = open_page(browser, base + "/#lang=nl&question=measures-per-partner")
    page.wait_for_selector("#param-partner")
    page.fill("#param-partner", "")
    page.type("#param-partner", "immigratie")
    page.wait_for_selector("#list-partner [role=option]")
    values = page.eval_on_selector_all("#list-partner [role=option]", "os => os.map(o => o.dataset.value)")
    assert values and all(v.startswith("partner:") for v in values) and "partner:ind" in values
    for _ in range(values.index("partner:ind") + 1):
        page.keyboard.press("ArrowDown")
    assert page.get_attribute("#param-partner", "aria-activedescendant")
    page.keyboard.press("Enter")
    assert page.input_value("#param-partner") == "partner:ind"
    assert "Immigratie" in page.inner_text(".iri-label")
    assert page.is_hidden("#list-partner")
    assert blocked == [] and errors == []
