"""`--inference`: reasonable (the fast OWL 2 RL reasoner) must give exactly owlrl's results.

owlrl is the reasoner pyshacl uses and ncts used before; its closure differs from
reasonable's (docs/validating.md), so these tests compare what matters, the validation
result sets, on the bundled graph and on every example measure.
"""

from __future__ import annotations

import json
import sys

import pytest
from rdflib import BNode

from ncts_graph import inference
from ncts_graph.validate import validate

from conftest import ROOT, run_ncts

EXAMPLES = sorted((ROOT / "examples" / "measures").glob("*/*.ttl"))
VALID = ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl"
UNTYPED = ROOT / "examples" / "measures" / "invalid" / "not-typed-as-measure.ttl"
AS_OF = "2027-03-01"
REASONER_FOR = inference.reasoner_for


def keys(report) -> list[str]:
    """The results, blank nodes (which differ between two loads) replaced by their owner."""
    def key(r):
        d = r.as_dict()
        return json.dumps([d["owner"] if isinstance(r.focus, BNode) else d["focus"],
                           "_" if isinstance(r.value, BNode) else d["value"],
                           "_" if isinstance(r.path, BNode) else d["path"],
                           "_" if isinstance(r.source_shape, BNode) and not r.shape_name else d["shape"],
                           d["severity"], d["messages"], d["component"], d["file"], d["line"]],
                          ensure_ascii=False, default=str, sort_keys=True)
    return sorted(map(key, report.results))


def with_reasoner(monkeypatch, reasoner: str, **options):
    monkeypatch.setattr(inference, "REASONER", reasoner)
    used = []
    monkeypatch.setattr(inference, "reasoner_for", lambda *a: used.append(REASONER_FOR(*a)) or used[-1])
    report = validate(inference="owlrl", as_of=AS_OF, **options)
    assert used == [reasoner]  # the reasoner asked for is the one that ran
    return keys(report)


@pytest.mark.parametrize("files", [None, EXAMPLES], ids=["bundled-graph", "all-examples"])
def test_reasonable_gives_owlrls_results(monkeypatch, files):
    fast = with_reasoner(monkeypatch, "reasonable", files=files)
    assert fast == with_reasoner(monkeypatch, "owlrl", files=files)
    assert len(fast) > (100 if files else 200)  # results to compare, of every severity there is
    assert {json.loads(k)[4] for k in fast} == {"violation", "warning", "info"} if files else {"warning", "info"}


def test_big_inputs_kept_in_oxigraph_give_the_same_results(tmp_path):
    """Big inputs are loaded into Oxigraph, and the closure goes there: same results as the
    rdflib route, and the loaded dataset is left as it was."""
    from ncts_graph.bigload import load_oxigraph
    from ncts_graph.load import load

    untyped = tmp_path / "untyped.ttl"  # Oxigraph's parser refuses the example's "ex:x ;"
    untyped.write_text(UNTYPED.read_text(encoding="utf-8").replace("ex:gebiedsverbod-zonder-type ;",
                                                                   "ex:gebiedsverbod-zonder-type"), encoding="utf-8")
    in_oxigraph = load_oxigraph([untyped])
    before = len(in_oxigraph)
    got = validate(graph=in_oxigraph, inference="owlrl", as_of=AS_OF)
    assert len(in_oxigraph) == before
    assert keys(got) == keys(validate(graph=load([untyped]), inference="owlrl", as_of=AS_OF))
    mine = [r for r in got.results if str(r.focus) == "https://example.org/my-research/gebiedsverbod-zonder-type"]
    # typed a measure by inference: the measure shape's warnings, no violation (without: one)
    assert mine and {r.severity for r in mine} == {"warning"}


def test_owlrl_runs_where_reasonable_is_not_shown_to_agree(monkeypatch):
    assert inference.reasoner_for("owlrl") == "reasonable"
    assert inference.reasoner_for("rdfs") == "owlrl"  # reasonable has no RDFS mode
    assert inference.reasoner_for("owlrl", bundled_shapes_only=False) == "owlrl"  # a user's shapes
    monkeypatch.setitem(sys.modules, "reasonable", None)  # not installed: owlrl, as before
    assert inference.reasoner_for("owlrl") == "owlrl"


def test_user_shapes_run_on_owlrl(monkeypatch, tmp_path):
    """A closed shape sees owlrl's reflexive owl:sameAs: the result is owlrl's, as before."""
    shapes = tmp_path / "closed.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ncts: <https://w3id.org/ncts-graph/def#> .
<https://example.org/shapes#Closed> a sh:NodeShape ; sh:targetClass ncts:Measure ; sh:closed true ;
  sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) .""")
    report = validate([VALID], shapes=[shapes], bundled_shapes=False, inference="owlrl", as_of=AS_OF)
    paths = {str(r.path) for r in report.results}
    assert "http://www.w3.org/2002/07/owl#sameAs" in paths


@pytest.mark.parametrize("inference_", ["rdfs", "owlrl"])
def test_cli_inference(inference_):
    assert run_ncts("validate", UNTYPED).returncode == 1
    out = run_ncts("validate", "--inference", inference_, UNTYPED)  # rdfs:domain types it a measure
    assert out.returncode == 0, out.stdout + out.stderr


def test_cli_bad_inference_is_one_line_exit_2():
    out = run_ncts("validate", "--inference", "owl-full", VALID)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and "owl-full" in out.stderr
    assert "Traceback" not in out.stderr
