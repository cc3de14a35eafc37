"""Every bundled file parses; bad input gives one clear error naming the file (and line)."""

from __future__ import annotations

import pytest

from conftest import BAD_RDF_IDS, BAD_RDF_INPUTS
from ncts_graph.errors import NctsError
from ncts_graph.load import bundled_files, load


def test_every_bundled_file_parses_into_its_own_named_graph(graph):
    names = {str(g.identifier) for g in graph.graphs() if len(g)}
    files = bundled_files()
    assert len(files) >= 8
    for path in files:
        if path.name.startswith("_"):
            continue  # data/_prefixes.ttl only declares prefixes
        assert any(n.endswith(path.with_suffix("").name) for n in names), f"{path} contributed no triples"


def test_graph_is_substantial(graph):
    assert len(graph) > 5000


@pytest.mark.parametrize("content, expected", BAD_RDF_INPUTS, ids=BAD_RDF_IDS)
def test_bad_input_is_one_line_error_with_file_and_line(tmp_path, content, expected):
    bad = tmp_path / "mine.ttl"
    bad.write_bytes(content)
    with pytest.raises(NctsError) as err:
        load([bad], bundled=False)
    message = str(err.value)
    assert str(bad) in message and expected in message
    assert "\n" not in message


def test_missing_file_and_unknown_extension(tmp_path):
    with pytest.raises(NctsError, match="file not found"):
        load([tmp_path / "nope.ttl"], bundled=False)
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    with pytest.raises(NctsError, match="unknown RDF file extension"):
        load([odd], bundled=False)
