"""Definitions say only what the sources say; anything else is marked as the curator's
("Naar het oordeel van de curator" / "In the curator's judgement", docs/curation.md).

A mechanical proxy for an unsourced claim: a long word of a partner's definition, outside its
curator-marked part, that occurs in none of the five source documents. It catches invented
detail (a parent organisation, a scope, an expansion of an acronym), not a paraphrase."""

from __future__ import annotations

import re

from ncts_graph.sparql import select

MARK = {"nl": "Naar het oordeel van de curator", "en": "In the curator's judgement"}
PARTNER_DEFINITIONS = """SELECT ?x ?nl ?en WHERE {
  ?x a ?c . ?c rdfs:subClassOf* ncts:Partner .
  ?x skos:definition ?nl , ?en . FILTER(LANG(?nl) = "nl" && LANG(?en) = "en") }"""


def corpus(sources_dir) -> str:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(sources_dir.glob("0*.txt"))).lower()
    return re.sub(r"\s+", " ", re.sub(r"-\s*\n\s*", "", text))


def unsourced_words(definition: str, text: str) -> list[str]:
    """Words of 8+ letters before the curator mark whose first six letters occur in no source."""
    sourced = definition.split(MARK["nl"])[0]
    return [w for w in re.findall(r"[a-zà-ÿ]{8,}", sourced.lower()) if w[:6] not in text]


def test_partner_definitions_claim_nothing_the_sources_do_not_say(graph, sources_dir):
    text = corpus(sources_dir)
    found = {str(r["x"]): unsourced_words(str(r["nl"]), text) for r in select(graph, PARTNER_DEFINITIONS)}
    assert len(found) >= 50
    bad = {x: words for x, words in found.items() if words}
    assert not bad, f"unmarked claims no source makes (mark them '{MARK['nl']} ...'): {bad}"


def test_the_curator_mark_is_in_both_languages(graph):
    rows = select(graph, """SELECT ?x ?nl ?en WHERE { ?x skos:definition ?nl , ?en .
                              FILTER(LANG(?nl) = "nl" && LANG(?en) = "en") }""")
    assert rows
    odd = [str(r["x"]) for r in rows if (MARK["nl"] in str(r["nl"])) != (MARK["en"] in str(r["en"]))]
    assert not odd, f"curator mark in one language only: {odd}"


def test_the_proxy_catches_an_invented_detail(sources_dir):
    text = corpus(sources_dir)
    assert unsourced_words("Professionals in de lokale praktijk (onderwijs, jeugdwerk, zorg).", text) == ["jeugdwerk"]
    assert unsourced_words("Lokale professionals. Naar het oordeel van de curator: jeugdwerk.", text) == []


# The strategy's new accents, as words a definition or label uses for them.
ACCENTS = {"eenlingen": "eenling", "online": "online", "re-integratie": "re-integratie"}


def test_an_emphasis_names_only_accents_its_measures_carry(graph):
    """An emphasis whose definition names an accent (lone actors, online, reintegration) has at
    least one measure with that emphasis about it; else the definition says more than the data."""
    rows = select(graph, """SELECT ?e ?def (GROUP_CONCAT(LCASE(STR(?text)); separator=" | ") AS ?measures) WHERE {
        ?e a ncts:Emphasis ; skos:definition ?def . FILTER(LANG(?def) = "nl")
        OPTIONAL { ?m ncts:emphasis ?e ; rdfs:label|skos:definition ?text . FILTER(LANG(?text) = "nl") }
      } GROUP BY ?e ?def""")
    assert len(rows) >= 2
    for r in rows:
        named = str(r["def"]).split(MARK["nl"])[0].lower()
        for accent, stem in ACCENTS.items():
            if accent in named:
                assert stem in str(r["measures"] or ""), f"{r['e']} names {accent!r} but no measure with it does"


# One Dutch term, one English translation: a term of the sources is rendered the same way everywhere.
GLOSSARY = {"gecontroleerde re-integratie": "controlled reintegration", "begeleide re-integratie": "supervised reintegration",
            "staatsorgaan": "state body"}


def test_a_dutch_term_has_one_english_translation(graph):
    rows = select(graph, """SELECT ?x ?p ?nl ?en WHERE { ?x ?p ?nl , ?en .
        FILTER(isLiteral(?nl) && LANG(?nl) = "nl" && LANG(?en) = "en") }""")
    assert rows
    odd = sorted({(str(r["x"]), term) for r in rows for term, english in GLOSSARY.items()
                  if term in str(r["nl"]).lower() and english not in str(r["en"]).lower()})
    assert not odd, f"translated otherwise than the glossary: {odd[:10]}"
