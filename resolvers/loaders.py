"""The DataLoaders of one request: each batch function is one `UNWIND $keys` query."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from graphdb.connection import GraphReader
from graphdb.papers import Paper, fetch_papers_by_arxiv_ids


@dataclass(frozen=True, slots=True)
class Loaders:
    paper: DataLoader[str, Paper | None]


def create_loaders(reader: GraphReader) -> Loaders:
    async def load_papers(keys: list[str]) -> list[Paper | None]:
        return await fetch_papers_by_arxiv_ids(reader, keys)

    return Loaders(paper=DataLoader(load_fn=load_papers))
