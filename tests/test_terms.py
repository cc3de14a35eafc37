"""terms.py: which IRIs count as unknown project terms, and the nearest known term."""

from __future__ import annotations

import pytest

from ncts_graph import terms

NCTS = "https://w3id.org/ncts-graph/def#"
BASE = "https://w3id.org/ncts-graph/"


@pytest.fixture(scope="module")
def vocab(graph):
    return terms.vocabulary(graph)


def test_every_project_iri_of_the_bundled_data_is_defined(graph):
    assert terms.unknown_terms(graph, [str(g.identifier) for g in graph.graphs()]) == []


@pytest.mark.parametrize("iri, namespace, suggestion", [
    (NCTS + "curatorLegalbasis", None, NCTS + "curatorLegalBasis"),          # case
    (NCTS + "proportionalityNotes", None, NCTS + "proportionalityNote"),     # a letter too many
    (BASE + "threat/pgeee", None, BASE + "threat/pgee"),
    (BASE + "def/Measure", NCTS, NCTS + "Measure"),                           # '/' for '#'
    ("http://w3id.org/ncts-graph/def#Measure", NCTS, NCTS + "Measure"),       # http for https
    (BASE + "partners/nctv", BASE + "partner/", BASE + "partner/nctv"),       # plural namespace
    (BASE + "legal/no-such-law-at-all-xyz", None, None),                      # unknown, nothing near
])
def test_unknown_and_near_miss_terms_get_the_nearest_known_one(vocab, iri, namespace, suggestion):
    assert vocab.check(iri) == (True, namespace, suggestion)


@pytest.mark.parametrize("iri", [
    NCTS + "Measure", BASE + "threat/pgee",                                   # defined
    "https://example.org/my-research/x", "http://www.w3.org/ns/dcat#Dataset", "https://schema.org/Person",
    "http://www.w3.org/ns/org#Organization",                                  # other vocabularies
    BASE + ".well-known/genid/abc", BASE + "graph/data/partners", BASE + "shapes#run",
    BASE + "def", BASE + "def/1.0.0",                                         # no terms: graphs, skolem IRIs, ontology IRIs
])
def test_other_iris_are_left_alone(vocab, iri):
    assert vocab.check(iri) == (False, None, None)


def test_messages_in_both_languages_use_the_users_prefixes():
    u = terms.Unknown(BASE + "threats/x", None, None, BASE + "threat/", BASE + "threat/y")
    m = u.messages({"my": BASE + "threats/"})
    assert m["en"] == f"my:x: namespace <{BASE}threats/> differs from threat: <{BASE}threat/>; did you mean threat:y?"
    assert m["nl"].startswith("my:x: namespace") and m["nl"].endswith("bedoel je threat:y?")
