"""Issue 12, section 5: /validate on ``ncts serve`` gives the report of ``ncts validate`` for a
pasted or uploaded file, within an upload limit and a time limit, keeping nothing.

Each answer is compared with the CLI run on the same file under the same name; the servers
run on 127.0.0.1 with their own TMPDIR, so "nothing left behind" is checked exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import BAD_RDF_IDS, BAD_RDF_INPUTS, ROOT, run_ncts
from test_security import EXTERNAL, LAUGHS, _alive, _children, ncts_server, request

MEASURES = ROOT / "examples" / "measures"
BROKEN = MEASURES / "invalid" / "no-legal-basis.ttl"
FIXED = MEASURES / "valid" / "gebiedsverbod.ttl"
LIMIT = 60_000


def _tree_digest() -> str:
    """One hash over the bundled data, ontology and shapes (names and bytes)."""
    h = hashlib.sha256()
    for folder in ("data", "ontology", "shapes"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@contextmanager
def server_with_tmpdir(tmpdir: Path, *options):
    """``ncts serve`` whose temporary files (if any) go to ``tmpdir``."""
    tmpdir.mkdir(parents=True, exist_ok=True)
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(tmpdir)  # read by the server process when it starts
    try:
        manager = ncts_server(*options)
        process, port = manager.__enter__()
    finally:
        if before is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = before
    try:
        yield process, port
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(port, its TMPDIR, digest of the bundled files before) for one server with a small upload limit."""
    tmpdir = tmp_path_factory.mktemp("serve-tmp")
    digest = _tree_digest()
    with server_with_tmpdir(tmpdir, "--max-upload-bytes", LIMIT, "--validate-timeout", 120) as (_, port):
        yield port, tmpdir, digest


def post_file(port, name: str, data: bytes, fields: dict | None = None, accept="text/html", origin=True,
              path="/validate"):
    """A browser-like multipart form post (with the page's own Origin unless told otherwise)."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in (fields or {}).items()]
    if name is not None:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": accept}
    if origin:
        headers["Origin"] = origin if isinstance(origin, str) else f"http://127.0.0.1:{port}"
    return request(port, path, body=body, headers=headers)


def post_raw(port, data: bytes, media="text/turtle", accept="text/plain", query=""):
    return request(port, "/validate" + query, body=data, headers={"Content-Type": media, "Accept": accept})


def cli(path: Path, *options):
    """``ncts validate NAME`` run in the file's folder, as the page names the file."""
    return run_ncts("validate", *options, path.name, cwd=path.parent)


# --- the page ----------------------------------------------------------------------------

def test_the_page_is_a_plain_form_with_the_nav_bar(site):
    port = site[0]
    status, headers, body = request(port, "/validate")
    page = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert 'method="post" action="/validate" enctype="multipart/form-data"' in page
    for href in ("/", "/browse", "/sources", "/validate"):
        assert f'href="{href}?lang=nl"' in page
    assert "<script" not in page and "script-src" not in headers["content-security-policy"]  # works without JS
    assert 'lang="nl"' in page and "Valideren" in page and f"{LIMIT} bytes" in page
    english = request(port, "/validate?lang=en")[2].decode()
    assert 'lang="en"' in english and "Validate a measure definition" in english


# --- the same report as the CLI ----------------------------------------------------------

@pytest.mark.parametrize("path,lang", [(BROKEN, "nl"), (MEASURES / "invalid" / "two-dutch-proportionality-notes.ttl", "en"),
                                       (FIXED, "en")], ids=["broken-nl", "two-notes-en", "fixed-en"])
def test_text_report_is_the_cli_report(site, path, lang):
    status, headers, body = post_raw(site[0], path.read_bytes(), query=f"?name={path.name}&lang={lang}")
    expected = cli(path, "--lang", lang)
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert body.decode().rstrip("\n") == expected.stdout.rstrip("\n")
    assert expected.stdout.splitlines()[-1].endswith("(fail-on: violation)") and expected.returncode == (path != FIXED)


def test_a_validation_never_sees_an_earlier_upload(site, tmp_path):
    """Each validation starts from the server's parsed bundled graph (webvalidate.bundled): an
    earlier upload's triples must not be in it. The first upload gives the measure a second
    Dutch label; were it kept, the second (the plain file) would break sh:uniqueLang."""
    port = site[0]
    other = FIXED.read_text().replace('"Gebiedsverbod (eigen analyse)"@nl', '"Ander gebiedsverbod"@nl')
    assert other != FIXED.read_text()
    first = post_raw(port, other.encode(), query=f"?name={FIXED.name}&lang=en")
    assert first[0] == 200 and first[2].decode().rstrip().endswith(": conforms (fail-on: violation)")
    (tmp_path / FIXED.name).write_text(other + "\n" + FIXED.read_text())
    both = cli(tmp_path / FIXED.name, "--lang", "en")  # what a leak would look like: two Dutch labels
    assert both.returncode == 1 and "does not conform" in both.stdout
    for fmt in ("text", "json", "ttl"):
        status, _, body = post_raw(port, FIXED.read_bytes(), query=f"?name={FIXED.name}&lang=en&format={fmt}")
        expected = cli(FIXED, "--lang", "en", *(("--format", fmt) if fmt != "text" else ())).stdout
        assert status == 200
        if fmt == "text":
            assert body.decode().rstrip("\n") == expected.rstrip("\n")
        elif fmt == "json":
            ours = json.loads(body)
            ours.pop("summary")
            assert ours == json.loads(expected) and ours["conforms"] is True
        else:
            from rdflib import Graph
            from rdflib.compare import isomorphic

            assert isomorphic(Graph().parse(data=body.decode(), format="turtle"), Graph().parse(data=expected, format="turtle"))


def test_turtle_and_json_are_the_cli_formats(site):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    port = site[0]
    status, headers, body = post_raw(port, BROKEN.read_bytes(), accept="text/turtle", query=f"?name={BROKEN.name}")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    ours, theirs = Graph().parse(data=body.decode(), format="turtle"), Graph().parse(
        data=cli(BROKEN, "--format", "ttl").stdout, format="turtle")
    assert isomorphic(ours, theirs) and len(ours) > 10
    status, headers, body = post_raw(port, BROKEN.read_bytes(), accept="application/json",
                                     query=f"?name={BROKEN.name}&lang=en")
    ours = json.loads(body)
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert ours.pop("summary") == cli(BROKEN, "--quiet", "--lang", "en").stdout.strip()
    assert ours == json.loads(cli(BROKEN, "--format", "json", "--lang", "en").stdout)
    assert ours["conforms"] is False and ours["counts"]["violation"] == 1


def test_uploaded_file_gets_the_report_with_its_lines_marked(site):
    port = site[0]
    data = BROKEN.read_bytes() + b"# <script>alert(1)</script>\n"
    status, headers, body = post_file(port, BROKEN.name, data, {"lang": "en"})
    page = body.decode()
    assert status == 200 and "default-src 'none'" in headers["content-security-policy"]
    summary = re.search(r'id="summary"[^>]*>([^<]*)<', page).group(1)
    assert summary == cli(BROKEN, "--quiet", "--lang", "en").stdout.strip()
    assert 'class="summary fails"' in page
    line = next(i for i, text in enumerate(data.decode().splitlines(), 1) if text.startswith("ex:gebiedsverbod"))
    marked = re.findall(r'<li id="L(\d+)" class="mark (\w+)">', page)
    assert marked == [(str(line), "violation")]
    assert f'<a href="#L{line}">{BROKEN.name}:{line}</a>' in page  # the report's file:line links to it
    assert "A measure needs a legal basis" in page.split(f'id="L{line}"')[1].split("</li>")[0]
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f'name="name" value="{BROKEN.name}"' in page  # the language switch validates the same file again


@pytest.mark.parametrize("syntax", ["jsonld", "trig"])
def test_pasted_jsonld_and_trig_are_validated_like_turtle(site, syntax, tmp_path):
    """A pasted text (urlencoded, CRLF lines as browsers send them) in another syntax: the CLI's report."""
    import urllib.parse

    from rdflib import Graph

    if syntax == "trig":  # the Turtle in TriG's default-graph block (named graphs: tests/test_validate_trig.py)
        lines = BROKEN.read_text().splitlines()
        text = "\n".join([line for line in lines if line.startswith("@prefix")] + ["{"]
                         + [line for line in lines if not line.startswith(("@prefix", "#"))] + ["}", ""])
    else:
        text = Graph().parse(BROKEN, format="turtle").serialize(format="json-ld")
    name = f"measure.{syntax}"
    (tmp_path / name).write_text(text)
    form = urllib.parse.urlencode({"text": text.replace("\n", "\r\n"), "syntax": syntax, "lang": "nl"})
    status, _, body = request(site[0], "/validate?format=text", body=form.encode(),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    expected = cli(tmp_path / name).stdout
    assert status == 200 and body.decode().rstrip("\n") == expected.rstrip("\n")
    assert "sh:MinCountConstraintComponent" in expected and "voldoet niet" in expected


# --- bad input: the CLI's one line, 422 (400 for a bad request) ---------------------------

BAD = [*[("bad.ttl", data, fragment) for data, fragment in BAD_RDF_INPUTS],
       ("laughs.rdf", LAUGHS.encode(), "entit"), ("external.rdf", EXTERNAL.encode(), "entit"),
       ("remote.jsonld", json.dumps({"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://example.org/x"}).encode(),
        "context"),
       ("bad.xyz", b"x", "unknown RDF file extension")]


@pytest.mark.parametrize("name,data,fragment", BAD, ids=[*BAD_RDF_IDS, "laughs", "external-entity", "remote-context",
                                                         "extension"])
def test_bad_input_gets_the_cli_line(site, tmp_path, name, data, fragment):
    (tmp_path / name).write_bytes(data)
    out = cli(tmp_path / name)
    assert out.returncode == 2 and fragment in out.stderr, out.stderr
    line = out.stderr.strip().removeprefix("ncts: error: ").replace(tmp_path.as_uri() + "/", "file:///")
    status, headers, body = post_file(site[0], name, data, accept="text/plain")
    assert (status, body.decode()) == (422, line) and headers["content-type"].startswith("text/plain")
    status, _, body = post_file(site[0], name, data)
    page = body.decode()
    assert status == 422 and 'role="alert"' in page
    import html

    assert html.escape(line) in page
    where = re.match(rf"{re.escape(name)}:(\d+):", line)
    if where and b"\0" not in data:  # the line the error names is marked in the text shown
        assert re.search(rf'<li id="L{where.group(1)}" class="mark violation">', page)


def test_bad_requests_are_400_or_415(site):
    port = site[0]
    assert post_file(port, BROKEN.name, BROKEN.read_bytes(), {"lang": "fr"}, accept="text/plain")[::2] == \
        (400, b"unknown language 'fr' (use nl or en)")
    status, _, body = post_file(port, None, b"", {"text": "x", "syntax": "owl"}, accept="text/plain")
    assert status == 400 and body.startswith(b"unknown format 'owl'")
    status, _, body = post_raw(port, b"{}", media="application/json")
    assert status == 415 and b"multipart/form-data" in body
    status, _, body = post_raw(port, b"", query="?name=empty.ttl")
    assert (status, body) == (422, b"empty.ttl: file is empty")


def test_an_upload_name_is_only_a_name(site, tmp_path):
    """Folders in an uploaded file's name are dropped (the file is written nowhere else), odd characters replaced."""
    status, _, body = post_file(site[0], "../../etc/fixed<1>.ttl", FIXED.read_bytes(), accept="text/plain")
    assert status == 200 and body.decode().splitlines()[-1].startswith("1 maatregel, 2 citaten in fixed_1_.ttl;")
    assert not (ROOT.parent / "etc").exists()


# --- limits and security -------------------------------------------------------------------

def test_upload_over_the_limit_is_413(site):
    port = site[0]
    big = b"# " + b"x" * LIMIT + b"\n"
    status, _, body = post_file(port, "big.ttl", big, accept="text/plain")
    assert status == 413 and body.startswith(b"the upload (") and f"limit of {LIMIT} bytes".encode() in body
    status, headers, body = post_file(port, "big.ttl", big)  # the page says so too
    assert status == 413 and headers["content-type"].startswith("text/html") and b'role="alert"' in body
    from test_security import raw

    answer = raw(port, (f"POST /validate HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/turtle\r\n"
                        f"Content-Length: 999999999999\r\n\r\n").encode())  # never read, answered at once
    assert answer.startswith(b"HTTP/1.0 413") and b"larger than the limit" in answer


def test_same_origin_form_posts_work_and_foreign_ones_are_refused(site):
    port = site[0]
    for origin in ("http://evil.example", f"http://127.0.0.1:{port + 1}", "null"):
        status, _, body = post_file(port, FIXED.name, FIXED.read_bytes(), origin=origin, accept="text/plain")
        assert (status, body) == (403, b"cross-origin posts to /validate are refused")
    status, _, _ = request(port, "/validate", body=FIXED.read_bytes(), headers={
        "Content-Type": "text/turtle", "Origin": "http://evil.example"})
    assert status == 403
    status, headers, _ = request(port, "/validate", host="evil.example")  # DNS rebinding
    assert status == 403
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        status, headers, body = post_file(port, FIXED.name, FIXED.read_bytes(), origin=origin, accept="text/plain")
        assert status == 200 and body.decode().rstrip().endswith("voldoet (fail-on: violation)")
        assert "access-control-allow-origin" not in headers


def test_overrunning_validation_is_killed_and_leaves_nothing(tmp_path):
    # 0.02 s: a validation from the graph the server parsed once takes about 0.3 s, so any limit
    # near that races it
    with server_with_tmpdir(tmp_path / "tmp", "--validate-timeout", "0.02") as (process, port):
        status, _, body = post_file(port, FIXED.name, FIXED.read_bytes(), accept="text/plain")
        assert (status, body) == (400, b"validation stopped after the time limit of 0.02 s")
        assert [pid for pid in _children(process.pid) if _alive(pid)] == []
        assert list((tmp_path / "tmp").iterdir()) == []


def test_bad_limits_are_one_line(tmp_path):
    for option, value in (("--max-upload-bytes", "0"), ("--validate-timeout", "0"), ("--validate-timeout", "nan")):
        out = run_ncts("serve", "--port", "0", option, value)
        assert out.returncode == 2 and out.stderr.strip().startswith(f"ncts: error: {option} must be"), out.stderr
        assert len(out.stderr.strip().splitlines()) == 1


# --- in Chromium (no JavaScript needed; every non-local request refused) -------------------

def test_validate_in_the_browser(site):
    """Paste the broken definition: the violation, its line marked; the same in English; the
    fixed one conforms; a file chosen with the file input; screenshots in test-artifacts/."""
    from playwright.sync_api import sync_playwright

    from browser import ARTIFACTS, launch, offline_page

    port = site[0]
    ARTIFACTS.mkdir(exist_ok=True)
    line = next(i for i, text in enumerate(BROKEN.read_text().splitlines(), 1) if text.startswith("ex:gebiedsverbod"))
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page, blocked, errors = offline_page(browser)
            page.goto(f"http://127.0.0.1:{port}/validate?lang=nl")
            assert page.locator("header nav.main-nav a").all_inner_texts() == [
                "Bevragen", "Bladeren", "Ontologie", "Zoeken", "Bronnen", "Valideren"]
            page.get_by_label("Definitie").fill(BROKEN.read_text())
            page.get_by_role("button", name="Valideren", exact=True).click()
            summary = page.locator("#summary")
            assert summary.inner_text().endswith("voldoet niet (fail-on: violation)")
            marked = page.locator("#source li.mark")
            assert marked.count() == 1 and marked.get_attribute("id") == f"L{line}"
            assert "violation: Een maatregel heeft een wettelijke grondslag nodig" in marked.inner_text()
            page.locator(f'#report a[href="#L{line}"]').click()  # the report's measure.ttl:27 jumps to the line
            assert page.url.endswith(f"#L{line}")
            page.screenshot(path=str(ARTIFACTS / "validate-broken-nl.png"), full_page=True)

            page.get_by_role("button", name="English").click()  # the switch validates the same text in English
            assert summary.inner_text().endswith("does not conform (fail-on: violation)")
            assert "violation: A measure needs a legal basis" in page.locator(f"#L{line}").inner_text()
            assert page.get_by_label("Definition").input_value() == BROKEN.read_text()
            page.screenshot(path=str(ARTIFACTS / "validate-broken-en.png"), full_page=True)

            page.get_by_label("Definition").fill(FIXED.read_text())
            page.get_by_role("button", name="Validate", exact=True).click()
            assert summary.inner_text() == "1 measure, 2 quotes in measure.ttl; 0 violations, 0 warnings, 0 infos: " \
                                           "conforms (fail-on: violation)"
            assert page.locator("#source li.mark").count() == 0 and page.locator("#source li").count() > 20
            page.screenshot(path=str(ARTIFACTS / "validate-fixed-en.png"), full_page=True)

            page.get_by_role("button", name="Nederlands").click()
            assert summary.inner_text().endswith(": voldoet (fail-on: violation)")
            page.screenshot(path=str(ARTIFACTS / "validate-fixed-nl.png"), full_page=True)

            page.goto(f"http://127.0.0.1:{port}/validate?lang=en")
            page.get_by_label("Or upload a file").set_input_files(str(BROKEN))
            page.get_by_role("button", name="Validate", exact=True).click()
            assert summary.inner_text().startswith(f"1 measure, 1 quote in {BROKEN.name};")
            assert page.locator("#source li.mark.violation").get_attribute("id") == f"L{line}"
            page.screenshot(path=str(ARTIFACTS / "validate-upload-en.png"), full_page=True)

            page.get_by_label("Or upload a file").set_input_files(
                files=[{"name": "big.ttl", "mimeType": "text/turtle", "buffer": b"#" * (LIMIT + 1)}])
            page.get_by_role("button", name="Validate", exact=True).click()
            assert "larger than the limit of" in page.locator("#error").inner_text()
            assert blocked == [] and errors == []
        finally:
            browser.close()


def test_zz_nothing_stored_and_bundled_data_unchanged(site):
    """Last in the module: after every request above, the server's TMPDIR is empty and the
    bundled files are byte for byte as before."""
    port, tmpdir, digest = site
    post_file(port, BROKEN.name, BROKEN.read_bytes())  # at least one validation on this server
    assert list(tmpdir.iterdir()) == []
    assert _tree_digest() == digest
