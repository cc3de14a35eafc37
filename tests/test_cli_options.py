"""One CLI: the options every verb shares are spelled and behave the same way (--data, --lang
with $NCTS_LANG, --format text, --fail-on), query -o, JSON from reason and quotes, ncts list,
shell completion, tables without language tags or cut IRIs, and what --store keeps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, ROOT
from ncts_graph.cli import main

INVALID = ROOT / "examples" / "measures" / "invalid"
VALID = ROOT / "examples" / "measures" / "valid"


def ncts(*args, env=None, **kwargs):
    """Run ``ncts ARGS`` in this process (stderr apart), as a user's shell would."""
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False, **kwargs)


def _valid() -> Path:
    return sorted(VALID.glob("*.ttl"))[0]


def _invalid() -> Path:
    return sorted(INVALID.glob("*.ttl"))[0]


# --- --data on every verb ------------------------------------------------------------------

#: every verb that reads RDF files besides the bundled graph (queries lists the library, nothing else)
DATA_VERBS = ["info", "build", "check", "validate", "quotes", "reason", "query", "push", "serve", "export", "analyze", "list", "docs"]


def test_every_verb_takes_data_the_same_way():
    have = {name for name, cmd in main.commands.items()
            if any(p.name == "data" and p.multiple and "--data" in p.opts for p in cmd.params)}
    assert have == set(DATA_VERBS)
    for name in DATA_VERBS:
        assert "--data FILE" in ncts(name, "--help").output, name


@pytest.mark.parametrize("args", [["info"], ["build", "-o", "out.ttl"], ["check"], ["validate"], ["quotes"],
                                  ["reason"], ["query", "measures-per-pillar"], ["export", "--format", "dot"],
                                  ["analyze"], ["list", "threats"]])
def test_data_file_is_loaded_by_every_verb(args, tmp_path):
    out = ncts(*args, "--data", tmp_path / "missing.ttl")
    assert out.exit_code == 2 and "missing.ttl: file not found" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_data_and_arguments_mean_the_same(tmp_path):
    by_flag = json.loads(ncts("info", "--format", "json", "--data", _valid()).stdout)
    by_argument = json.loads(ncts("info", "--format", "json", _valid()).stdout)
    bare = json.loads(ncts("info", "--format", "json").stdout)
    assert by_flag == by_argument and by_flag["triples"] > bare["triples"]
    flag = ncts("validate", "--format", "json", "--data", _invalid())
    argument = ncts("validate", "--format", "json", _invalid())
    assert flag.exit_code == argument.exit_code == 1
    assert json.loads(flag.stdout)["results"] == json.loads(argument.stdout)["results"]


# --- one --format and --fail-on vocabulary -------------------------------------------------

def test_text_is_the_human_format_everywhere_and_table_its_alias():
    for name, cmd in main.commands.items():
        fmt = next((p for p in cmd.params if p.name == "fmt"), None)
        if fmt is None or name == "export":  # export's --format is the file format
            continue
        assert fmt.metavar.split("|")[0] == "text", name
        assert "table" not in fmt.metavar.split("|"), name
    text = ncts("query", "measures-per-pillar", "--lang", "en", "--format", "text").stdout
    assert text == ncts("query", "measures-per-pillar", "--lang", "en", "--format", "table").stdout
    assert text == ncts("query", "measures-per-pillar", "--lang", "en").stdout and " rows)" in text
    assert ncts("queries", "--format", "table").stdout == ncts("queries").stdout


def test_fail_on_has_one_vocabulary():
    levels = {}
    for name, cmd in main.commands.items():
        for p in cmd.params:
            if p.name == "fail_on":
                levels[name] = p.metavar
    assert set(levels) == {"check", "validate", "quotes"}
    assert set(levels.values()) == {"violation|warning|info|never"}
    for name in levels:
        out = ncts(name, "--fail-on", "sometimes")
        assert out.exit_code == 2 and out.stderr.strip() == (
            "ncts: error: unknown --fail-on level 'sometimes' (use one of violation, warning, info, never)")


def test_fail_on_never_reports_without_failing():
    defect = FIXTURES.parent / "hygiene" / "measure-legal-basis.ttl"
    assert ncts("check", defect).exit_code == 1
    assert ncts("check", defect, "--fail-on", "error").exit_code == 1  # the old word still works
    out = ncts("check", defect, "--fail-on", "never")
    assert out.exit_code == 0 and "measure-legal-basis" in out.stdout
    assert ncts("validate", _invalid()).exit_code == 1
    out = ncts("validate", _invalid(), "--fail-on", "never")
    assert out.exit_code == 0 and "violation" in out.stdout
    out = ncts("quotes", FIXTURES / "altered-quote.ttl", "--fail-on", "never")
    assert out.exit_code == 0 and "not found verbatim" in out.stdout


# --- query -o ------------------------------------------------------------------------------

def test_query_output_written_atomically(tmp_path):
    target = tmp_path / "rows.csv"
    out = ncts("query", "measures-per-pillar", "--lang", "en", "--format", "csv", "-o", target)
    assert out.exit_code == 0 and out.stdout == ""
    assert target.read_text().splitlines()[0].startswith("pillar") or "," in target.read_text().splitlines()[0]
    assert "Disrupting threats" in target.read_text()
    target.write_text("previous")
    bad = ncts("query", "measures-per-threat", "-p", "threat=threat:no-such-threat", "-o", target)
    assert bad.exit_code == 2 and target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]  # no temporary file left


# --- JSON from reason and quotes -----------------------------------------------------------

def test_reason_json():
    out = ncts("reason", "--format", "json", "--data", FIXTURES / "inconsistent-legal-basis.ttl")
    data = json.loads(out.stdout)
    assert out.exit_code == 1 and data["consistent"] is False and "inconsistent" in data["message"]
    assert set(data) == {"consistent", "message", "unsatisfiable_classes"}


def test_quotes_json():
    bundled = json.loads(ncts("quotes", "--format", "json").stdout)
    assert bundled["ok"] is True and bundled["checked"]["bundled graph"] > 100 and bundled["problems"] == []
    out = ncts("quotes", "--format", "json", FIXTURES / "altered-quote.ttl")
    data = json.loads(out.stdout)
    assert out.exit_code == 1 and data["ok"] is False
    assert data["problems"] and {"resource", "document", "quote", "reason"} <= set(data["problems"][0])
    assert data["problems"][0]["reason"] == "not found verbatim in source"


# --- NCTS_LANG -----------------------------------------------------------------------------

def test_ncts_lang_is_the_default_language():
    assert "Prosecute" in ncts("list", "pillars", env={"NCTS_LANG": "en"}).stdout
    assert "Vervolgen" in ncts("list", "pillars", env={"NCTS_LANG": "nl"}).stdout
    assert "Vervolgen" in ncts("list", "pillars", "--lang", "nl", env={"NCTS_LANG": "en"}).stdout  # the flag wins
    assert "Vervolgen" in ncts("list", "pillars", env={"NCTS_LANG": ""}).stdout


@pytest.mark.parametrize("verb", ["info", "validate", "queries", "query", "export", "analyze", "list"])
def test_bad_ncts_lang_is_one_line(verb):
    lang_verbs = {n for n, c in main.commands.items() if any(p.name == "lang" for p in c.params)}
    assert verb in lang_verbs and lang_verbs == {"info", "validate", "queries", "query", "export", "analyze", "list"}
    out = ncts(verb, "--help")  # help still works
    assert out.exit_code == 0
    required = {"export": ["--format", "dot"], "list": ["threats"]}.get(verb, [])
    out = ncts(verb, *required, env={"NCTS_LANG": "fr"})
    assert out.exit_code == 2
    assert out.stderr.strip() == "ncts: error: NCTS_LANG: unknown language 'fr' (use one of nl, en)"


# --- ncts list -----------------------------------------------------------------------------

KINDS = ["goals", "laws", "measures", "partners", "pillars", "rights", "threats", "types"]


def test_list_kinds_are_the_queries_in_queries_list():
    from ncts_graph.listing import kinds

    assert kinds() == KINDS == sorted(p.stem for p in (ROOT / "queries" / "list").glob("*.rq"))


@pytest.mark.parametrize("kind", KINDS)
def test_list_every_kind_in_both_languages(kind):
    en = json.loads(ncts("list", kind, "--lang", "en", "--format", "json").stdout)
    nl = json.loads(ncts("list", kind, "--lang", "nl", "--format", "json").stdout)
    assert len(en) == len(nl) >= 3 and [r["id"] for r in en] == [r["id"] for r in nl]
    assert all(r["label"] and ":" in r["id"] and r["iri"].startswith("https://") for r in en)
    assert [r["label"] for r in en] != [r["label"] for r in nl]
    tsv = ncts("list", kind, "--lang", "en", "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "id\tlabel" and tsv[1:] == [f"{r['id']}\t{' '.join(r['label'].split())}" for r in en]
    text = ncts("list", kind, "--lang", "en").stdout
    assert all(r["id"] in text for r in en) and "…" not in text


def test_list_ids_are_what_query_parameters_take():
    rights = json.loads(ncts("list", "rights", "--format", "json").stdout)
    assert "right:privacy" in [r["id"] for r in rights]
    out = ncts("query", "measures-restricting-right", "-p", "right=right:privacy", "--format", "json")
    assert out.exit_code == 0 and json.loads(out.stdout)["results"]["bindings"]
    out = ncts("list", "villains")
    assert out.exit_code == 2 and "unknown list 'villains'" in out.stderr


def test_list_includes_data_files(tmp_path):
    mine = tmp_path / "mine.ttl"
    mine.write_text("@prefix ncts: <https://w3id.org/ncts-graph/def#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    "<https://w3id.org/ncts-graph/threat/my-threat> a ncts:Threat ; rdfs:label \"My threat\"@en .\n")
    out = ncts("list", "threats", "--lang", "en", "--data", mine)
    assert "threat:my-threat" in out.stdout and "My threat" in out.stdout
    assert "threat:my-threat" not in ncts("list", "threats").stdout


# --- shell completion ----------------------------------------------------------------------

def complete(line: str) -> list[str]:
    """What bash completion offers after ``line`` (click's bash_complete protocol: type,value lines)."""
    words = line.split(" ")
    out = CliRunner().invoke(main, [], prog_name="ncts", env={
        "_NCTS_COMPLETE": "bash_complete", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)})
    return [row.split(",", 1)[1] for row in out.output.splitlines() if "," in row]


def test_completion_of_query_names():
    from ncts_graph.library import library

    offered = complete("ncts query measures-per")
    expected = sorted(q.name for q in library() if q.name.startswith("measures-per"))
    assert len(expected) >= 5 and sorted(offered) == expected


def test_completion_of_views_kinds_tables_and_ids():
    assert sorted(complete("ncts export --view p")) == ["partners"]
    assert "threats" in complete("ncts list t") and "types" in complete("ncts list t")
    assert complete("ncts analyze --table per") == ["per_partner", "per_legal_basis"]
    assert complete("ncts query measures-per-threat -p th") == ["threat="]
    ids = complete("ncts query measures-per-threat -p threat=threat:j")
    assert ids == ["threat=threat:jihadisme"]
    assert "right=right:privacy" in complete("ncts query measures-restricting-right -p right=")
    assert complete("ncts query measures-restricting-right -p provenance=") == []  # a free string
    assert complete("ncts query no-such-query -p x=") == []  # never a traceback in the shell
    assert complete("ncts validate --fail-on w") == ["warning"]
    assert complete("ncts info --lang e") == ["en"]


def test_completion_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "_NCTS_COMPLETE=bash_source ncts" in readme and "_NCTS_COMPLETE=zsh_source ncts" in readme


# --- tables and md -------------------------------------------------------------------------

def test_tables_and_md_carry_no_language_tags():
    for fmt in ("text", "md"):
        out = ncts("query", "measures-per-threat", "-p", "threat=threat:pgee", "--lang", "en", "--format", fmt).stdout
        assert "@en" not in out and "@nl" not in out and "Potentially violent" in out, fmt


def test_tables_never_cut_an_iri():
    long_iri = "https://example.org/a/very/long/path/that/no/prefix/covers/" + "x" * 80
    text = "word " * 40
    query = f'SELECT ?iri ?text WHERE {{ VALUES (?iri ?text) {{ (<{long_iri}> "{text}") }} }}'
    for fmt in ("text", "md"):
        out = ncts("query", "-e", query, "--format", fmt).stdout
        assert long_iri in out, fmt
    out = ncts("query", "-e", query).stdout
    assert "word word …" in out  # prose is shortened at a word, an identifier never


# --- --store and --data --------------------------------------------------------------------

def test_store_says_what_data_it_keeps(tmp_path):
    store = tmp_path / "store"
    mine = tmp_path / "mine.ttl"
    mine.write_text("@prefix ncts: <https://w3id.org/ncts-graph/def#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    "<https://w3id.org/ncts-graph/threat/my-threat> a ncts:Threat ; rdfs:label \"Mine\"@en .\n")
    ask = "ASK { <https://w3id.org/ncts-graph/threat/my-threat> a ?c }"
    first = ncts("query", "--store", store, "--data", mine, "-e", ask)
    assert first.stdout.strip() == "true"
    assert f"holds {mine.resolve()} (added now); it stays for later runs" in first.stderr
    later = ncts("query", "--store", store, "-e", ask)
    assert later.stdout.strip() == "true"  # still there, and said so
    assert f"holds {mine.resolve()} (added by an earlier --data)" in later.stderr
    plain = ncts("query", "--store", tmp_path / "other", "-e", ask)
    assert plain.stdout.strip() == "false" and plain.stderr == ""


# --- legend names in the chosen language ---------------------------------------------------

@pytest.mark.parametrize("view, lang, names", [
    ("measures", "nl", ["Maatregel (", "Groep partners (", "Wettelijke grondslag ("]),
    ("measures", "en", ["Measure (", "Partner group (", "Legal basis ("]),
])
def test_figure_legend_in_the_figure_language(graph, view, lang, names):
    from ncts_graph.export.figure import draw
    from ncts_graph.views import to_networkx

    fig, _texts = draw(to_networkx(view, lang=lang, graph=graph))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    for name in names:
        assert any(entry.startswith(name) for entry in legend), (name, legend)
    if lang == "nl":
        assert not any(entry.startswith(("Measure (", "Partner group (", "LegalBasis (")) for entry in legend), legend


def test_info_and_queries_never_cut_an_identifier():
    narrow = ncts("info", "--lang", "en", env={"COLUMNS": "60"}).stdout
    assert "ncts:Measure" in narrow and "…" not in narrow  # a long one wraps instead
    listed = ncts("queries", "--lang", "en").stdout
    assert "goal:iri=goal:veilige-re-integratie-na-detentie" in listed and "…" not in listed


def test_html_legend_in_the_page_language(graph):
    from ncts_graph.export.html import page_data
    from ncts_graph.views import ViewData

    names = {t["type"]: t["name"] for t in page_data(ViewData(graph, "measures", "nl"))["types"]}
    assert names["Measure"] == "Maatregel" and names["Partner"] == "Partner"
    assert "(t.name || t.type)" in (ROOT / "ncts_graph" / "html" / "app.js").read_text(encoding="utf-8")
