"""`ncts export --format annotations`: every quote as W3C Web Annotation JSON-LD, read back with two
JSON-LD processors (pyld, rdflib) against the official context (a local copy; nothing is fetched)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Namespace

from ncts_graph.anchors import read_source
from ncts_graph.annotations import CONTEXT_FILE, CONTEXT_URL
from ncts_graph.sparql import select

from conftest import run_ncts

OA = Namespace("http://www.w3.org/ns/oa#")
CONTEXT = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("anno") / "quotes.jsonld"
    done = run_ncts("export", "--format", "annotations", "-o", out)
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def _loader(url, options=None):
    assert url == CONTEXT_URL, f"only the Web Annotation context may be loaded, not {url}"
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": CONTEXT}


def _keys(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            out.add(k)
            _keys(v, out)
    elif isinstance(node, list):
        for v in node:
            _keys(v, out)
    return out


def test_the_official_context_is_the_w3c_one():
    assert CONTEXT["dcterms:license"]["@id"].startswith("https://www.w3.org/Consortium/Legal/")
    assert CONTEXT["@context"]["TextPositionSelector"] == "oa:TextPositionSelector"


def test_every_key_is_a_term_of_the_context(exported):
    assert exported["@context"] == CONTEXT_URL
    unknown = _keys(exported, set()) - set(CONTEXT["@context"]) - {"@context"}
    assert unknown == set()  # a key the context does not define would be dropped by every reader


def test_pyld_expands_it_to_annotations_with_both_selectors(exported):
    from pyld import jsonld

    expanded = jsonld.expand(exported, {"documentLoader": _loader})
    page = expanded[0]["http://www.w3.org/ns/activitystreams#first"][0]
    items = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(items) == exported["total"] >= 250
    for a in items:
        assert a["@type"] == [str(OA.Annotation)]
        assert a[str(OA.motivatedBy)] == [{"@id": str(OA.identifying)}]
        target = a[str(OA.hasTarget)][0]
        assert target["@type"] == [str(OA.SpecificResource)]
        kinds = sorted(s["@type"][0] for s in target[str(OA.hasSelector)])
        assert kinds == [str(OA.TextPositionSelector), str(OA.TextQuoteSelector)]
        assert all(b["@id"].startswith("https://w3id.org/ncts-graph/") for b in a[str(OA.hasBody)])


def test_each_position_slices_the_exact_quote_from_the_source(exported, graph, sources_dir):
    files = {str(r["doc"]): str(r["file"]) for r in
             select(graph, "SELECT ?doc ?file WHERE { ?doc a ncts:SourceDocument ; ncts:sourceFile ?file }")}
    for a in exported["first"]["items"]:
        target = a["target"]
        quote = next(s for s in target["selector"] if s["type"] == "TextQuoteSelector")
        position = next(s for s in target["selector"] if s["type"] == "TextPositionSelector")
        with open(sources_dir / files[target["source"]["id"]], encoding="utf-8", newline="") as f:
            text = f.read()  # the file as stored, read independently of the package
        start, end = position["start"], position["end"]
        assert text[start:end] == quote["exact"], a["id"]
        assert text[:start].endswith(quote["prefix"]) and text[end:].startswith(quote["suffix"]), a["id"]
        assert a["id"].endswith(f"/q-{start}-{end}")


def test_rdflib_reads_the_same_annotations_as_the_graph_holds(exported, graph):
    doc = dict(exported, **{"@context": CONTEXT["@context"]})
    g = Graph().parse(data=json.dumps(doc), format="json-ld")
    rows = select(g, """SELECT ?body ?doc ?start ?end WHERE {
        ?a a oa:Annotation ; oa:hasBody ?body ; oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?p .
        ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }""")
    exported_set = {(str(r["body"]), str(r["doc"]), int(r["start"]), int(r["end"])) for r in rows}
    stored = {(str(r["r"]), str(r["doc"]), int(r["s"]), int(r["e"])) for r in select(graph, """
        SELECT ?r ?doc ?s ?e WHERE { ?r ncts:evidence ?q . ?q oa:hasSource ?doc ; oa:hasSelector ?p .
                                     ?p a oa:TextPositionSelector ; oa:start ?s ; oa:end ?e }""")}
    assert exported_set == stored and len(stored) >= 300


def test_a_wrong_stored_position_stops_the_export(tmp_path):
    path = tmp_path / "mine.ttl"
    path.write_text("""@prefix ncts: <https://w3id.org/ncts-graph/def#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix src: <https://w3id.org/ncts-graph/source/> .
<http://example.org/m> ncts:evidence [ a ncts:Quote ; oa:hasSource src:ncts-2022-2026 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Deze Tijdelijke wet"@nl ] ,
                   [ a oa:TextPositionSelector ; oa:start 10 ; oa:end 29 ] ] .
""", encoding="utf-8")
    out = run_ncts("export", "--format", "annotations", "-o", tmp_path / "a.jsonld", path)
    assert out.returncode == 2 and "http://example.org/m" in out.stderr and "ncts quotes --anchor" in out.stderr
    assert not (tmp_path / "a.jsonld").exists()


def test_python_api_matches_the_cli(exported):
    import ncts_graph

    assert ncts_graph.web_annotations() == exported


def test_default_file_name_and_missing_sources(tmp_path):
    out = run_ncts("export", "--format", "annotations", cwd=tmp_path)
    assert out.returncode == 0 and (tmp_path / "ncts-annotations.jsonld").is_file(), out.stderr
    missing = run_ncts("export", "--format", "annotations", "-o", tmp_path / "b.jsonld",
                       env={"NCTS_SOURCES": str(tmp_path / "nowhere")})
    assert missing.returncode == 2 and "source texts not found" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and not (tmp_path / "b.jsonld").exists()
