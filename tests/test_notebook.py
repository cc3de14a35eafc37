"""examples/research-tasks.ipynb runs top to bottom in a fresh kernel (nbclient) and its outputs
answer the three research tasks; the committed file carries no outputs."""

from __future__ import annotations

import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "examples" / "research-tasks.ipynb"


@pytest.fixture(scope="module")
def executed():
    import nbclient
    import nbformat

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    out = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            text = "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            assert not [o for o in cell.outputs if o.output_type == "error"], text
            out[cell.metadata["tags"][0]] = text
    return out


def test_measures_by_right_with_basis_and_end_date(executed):
    table = executed["task1"]
    assert "Exit ban" in table and "Temporary Act on Administrative Counterterrorism Measures" in table
    assert "2027-03-01" in table and "stated" in table and "curator" in table
    assert ("Exit ban: Temporary Act on Administrative Counterterrorism Measures (Temporarily in force) ends 2027-03-01"
            in executed["task1-summary"])


def test_own_measure_validates_and_broken_one_does_not(executed):
    assert "gebiedsverbod.ttl conforms: True {'violation': 0" in executed["task2-valid"]
    broken = executed["task2-invalid"]
    assert "no-legal-basis.ttl conforms: False {'violation': 1" in broken
    assert "gebiedsverbod-zonder-grondslag" in broken and "legal basis" in broken


def test_partner_centrality_tells_groups_apart(executed, graph):
    import networkx as nx

    from ncts_graph.views import to_networkx

    table = executed["task3"]
    assert "partner:gemeenten" in table and "group" in table and "organisation" in table
    # the notebook's most central organisation, computed here independently (source-stated involvement)
    partners = to_networkx("partners", lang="en", graph=graph)
    between = nx.betweenness_centrality(partners)
    orgs = [p for p, d in partners.nodes(data=True) if "PartnerGroup" not in d.get("class", "").split("; ")]
    top = max(orgs, key=lambda p: (round(between[p], 3), partners.degree(p)))
    summary = executed["task3-summary"]
    assert f"most central organisation: {partners.nodes[top]['label']}" in summary
    assert "National Coordinator for Security and Counterterrorism (NCTV)" not in table  # curator-supplied only
    counts = dict(line.split() for line in summary.splitlines()[1:3])
    assert int(counts["group"]) > 0 and int(counts["organisation"]) > int(counts["group"])
