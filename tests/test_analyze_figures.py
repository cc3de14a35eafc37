"""The figures of ``ncts analyze -o DIR`` looked at as data (the SVG): whole labels (wrapped,
never cut), the expiry timeline with every dated or pending legal basis and a line at today,
partner groups told apart from organisations in the tables and the bar chart's legend."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from ncts_graph.analyze import analyze, figures

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def written(graph, tmp_path_factory):
    tables = analyze(graph, lang="en")
    out = tmp_path_factory.mktemp("figures")
    figures(graph, tables, out, lang="en")
    return tables, out


def _text(path) -> str:
    root = ET.parse(path).getroot()
    assert not [e for e in root.iter(f"{SVG}path") if (e.get("id") or "").startswith("DejaVuSans")]  # no glyphs
    return re.sub(r"\s+", " ", " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG}text")))


def test_timeline_has_every_dated_or_pending_basis_and_today(written):
    tables, out = written
    text = _text(out / "legal-bases-expiry.svg")
    expected = [r for r in tables["expiry"]["rows"] if r[0] or r[4] == "Bill"]
    assert len(expected) >= 3 and sum(1 for r in expected if r[4] == "Bill") >= 2
    for r in expected:
        assert r[1] in text, r[1]
    assert "ends 2027-03-01" in text and f"today ({dt.date.today().isoformat()})" in text


def test_bar_labels_are_whole(written):
    tables, out = written
    text = _text(out / "measures-per-legal-basis.svg")
    for r in tables["per_legal_basis"]["rows"][:30]:
        assert r[0] in text, r[0]  # e.g. "Policy framework: National Counterterrorism Strategy 2022-2026"
    assert "Policy framework: National Counterterrorism Strategy 2022-2026" in text


def test_partner_groups_apart(written):
    tables, out = written
    for name in ("centrality", "per_partner"):
        t = tables[name]
        kind = {r[1]: r[t["columns"].index("kind")] for r in t["rows"]}
        assert kind["partner:gemeenten"] == "group" and kind["partner:nationale-politie"] == "organisation"
    assert "partner group" in _text(out / "measures-per-partner.svg")
    assert "Partner group (13)" in _text(out / "partners-network.svg")
