"""The snapshot comparison names what differs, so a rare mismatch is diagnosable from a log."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from tests.graph_snapshot import assert_same_graph, differences

GRAPH: dict[str, Any] = {
    "counts": {"Paper": 1, "Researcher": 2, "AUTHORED": 2},
    "papers": [{"id": "2101.00001", "props": {"title": "A"}, "authors": [[0, "r-1", []]]}],
    "researchers": [
        {"id": "r-1", "props": {"name": "Ada", "trustScore": 5.0}, "affiliations": []},
        {"id": "r-2", "props": {"name": "Bob"}, "affiliations": []},
    ],
    "others": [{"labels": ["Topic"], "props": {"code": "cs.LG"}}],
}


def test_equal_graphs_have_no_differences() -> None:
    assert differences(GRAPH, copy.deepcopy(GRAPH)) == []
    assert_same_graph(GRAPH, copy.deepcopy(GRAPH))


def test_each_kind_of_difference_is_named() -> None:
    other = copy.deepcopy(GRAPH)
    other["counts"]["Researcher"] = 1
    other["researchers"][0]["props"]["trustScore"] = 6.0
    del other["researchers"][0]["props"]["name"]
    other["researchers"].pop()
    other["papers"][0]["authors"] = [[0, "r-2", []]]
    assert differences(GRAPH, other) == [
        "count of Researcher: 2 != 1",
        "papers 2101.00001.authors: [[0, 'r-1', []]] != [[0, 'r-2', []]]",
        "researchers r-1.name: 'Ada' != '<absent>'",
        "researchers r-1.trustScore: 5.0 != 6.0",
        "researchers r-2: only in the first graph",
    ]
    with pytest.raises(AssertionError, match=re.escape("r-1.trustScore: 5.0 != 6.0")):
        assert_same_graph(GRAPH, other)


def test_a_long_list_is_cut() -> None:
    other = copy.deepcopy(GRAPH)
    other["researchers"] = [{"id": f"r-{n}", "props": {}, "affiliations": []} for n in range(3, 20)]
    found = differences(GRAPH, other, limit=3)
    assert len(found) == 4 and found[-1].startswith("... and ")
