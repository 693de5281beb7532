"""The root Query, composed from the domains."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.papers import load_paper
from schema.papers import Paper


@strawberry.type
class Query:
    @strawberry.field(description="A paper by arXiv id (with or without version); null if absent.")
    async def paper(self, info: Info, arxiv_id: str) -> Paper | None:
        row = await load_paper(info, arxiv_id)
        return Paper.from_row(row) if row else None
