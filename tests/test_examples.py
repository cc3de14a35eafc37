"""The copyable examples run and say what the README promises."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_cite_a_fact_prints_measures_quotes_and_documents():
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "cite_a_fact.py")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Exit ban (Tijdelijke wet bestuurlijke maatregelen terrorismebestrijding)" in text
    assert "uitreis-, gebieds- of contactverbod of een meldplicht" in text
    assert "[004_a171b61eab7447e2.txt]" in text


def test_python_api_names_stay_functions_after_use(graph):
    """Submodules share names with the API functions (load, info, build, validate, query):
    importing them must not replace the functions on the package."""
    import inspect

    import ncts_graph

    g = ncts_graph.load()
    first = ncts_graph.info(g)
    second = ncts_graph.info(g)
    assert first == second and first["classes"]["ncts:Measure"] == 90
    ncts_graph.validate(graph=graph)
    ncts_graph.query("ASK { ?s ?p ?o }")
    for name in ("load", "info", "build", "validate", "query", "select", "check", "to_networkx"):
        assert inspect.isfunction(getattr(ncts_graph, name)), name


def test_readme_says_what_check_returns(graph):
    """The README's `# [] when clean` line is true of the bundled graph, which is clean but has warnings."""
    import ncts_graph

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "# [] when clean" in line)
    expression = line.split("#")[0].strip().replace("(g)", "(graph)")
    assert eval(expression, {"ncts_graph": ncts_graph, "graph": graph}) == []  # noqa: S307 (our own README)
    assert {f.severity for f in ncts_graph.check(graph)} <= {"warning"}
