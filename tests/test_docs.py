"""The Cypher in docs/ runs against the loaded sample and returns what it promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from neo4j import Driver

pytestmark = pytest.mark.sample

DOCS = Path(__file__).resolve().parent.parent / "docs"


def cypher_blocks(name: str) -> list[str]:
    return re.findall(r"```cypher\n(.*?)```", (DOCS / name).read_text(), re.S)


BLOCKS = cypher_blocks("graph-model.md")


def test_graph_model_documents_at_least_ten_queries() -> None:
    assert len(BLOCKS) >= 10


@pytest.mark.parametrize("query", BLOCKS, ids=[f"query{i + 1}" for i in range(len(BLOCKS))])
def test_documented_query_runs_and_returns_rows(sample_graph: Driver, query: str) -> None:
    records, _, _ = sample_graph.execute_query(query)
    assert records, f"no rows for:\n{query}"
