"""Resolvers for papers."""

from __future__ import annotations

from graphdb.papers import Paper
from resolvers.context import Info
from resolvers.ids import parse_arxiv_id


async def load_paper(info: Info, arxiv_id: str) -> Paper | None:
    return await info.context.loaders.paper.load(parse_arxiv_id(arxiv_id))
