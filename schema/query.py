"""The root Query, composed from the domains."""

from __future__ import annotations

import strawberry

from resolvers import papers, researchers
from resolvers.accounts import viewer
from resolvers.claims import claims_for_review
from resolvers.context import Info
from resolvers.graphs import load_slice
from resolvers.graphslice import NodeKind
from resolvers.ids import Kind, parse_global_id, parse_key
from resolvers.pagination import offset_cursor
from resolvers.topics import load_institution, load_topic
from schema.accounts import ClaimConnection, ClaimStatus, Viewer, claim_connection
from schema.graph import GraphSlice
from schema.papers import Paper, PaperConnection, PaperEdge
from schema.relay import Node, PageInfo
from schema.researchers import Researcher, ResearcherConnection, look_ahead
from schema.topics import Institution, Topic


@strawberry.type
class Query:
    @strawberry.field(
        description=(
            "The logged-in user (from 'Authorization: Bearer <token>'); null without a token. "
            "An invalid or expired token is an error, never silently anonymous."
        )
    )
    async def viewer(self, info: Info) -> Viewer | None:
        user = await viewer(info)
        return Viewer.from_row(user) if user else None

    @strawberry.field(description="Administrators: claims to review, newest first.")
    async def claims(
        self,
        info: Info,
        status: ClaimStatus | None = ClaimStatus.PENDING,
        first: int = 20,
        after: str | None = None,
    ) -> ClaimConnection:
        total, offset, rows = await claims_for_review(
            info, status.value if status else None, first, after
        )
        return claim_connection(total, offset, first, rows)

    @strawberry.field(
        description="A researcher by id ('Researcher:r-…' or 'r-…'); null if there is none."
    )
    async def researcher(self, info: Info, id: strawberry.ID) -> Researcher | None:
        key = parse_key(id, Kind.RESEARCHER)
        look_ahead(info, key)
        row = await info.context.loaders.researcher.load(key)
        return Researcher.from_row(row) if row else None

    @strawberry.field(description="Full-text search over researcher names, best match first.")
    async def researchers(
        self, info: Info, search: str, first: int = 20, after: str | None = None
    ) -> ResearcherConnection:
        total, offset, rows = await researchers.search(info, search, first, after)
        return ResearcherConnection.from_page(total, offset, rows, first)

    @strawberry.field(description="A paper by arXiv id (with or without version); null if absent.")
    async def paper(self, info: Info, arxiv_id: str) -> Paper | None:
        row = await papers.load_paper(info, arxiv_id)
        return Paper.from_row(row) if row else None

    @strawberry.field(
        description="Full-text search over titles and abstracts, optionally filtered."
    )
    async def papers(
        self,
        info: Info,
        search: str,
        first: int = 20,
        after: str | None = None,
        topic: str | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
    ) -> PaperConnection:
        total, offset, rows = await papers.search(
            info, search, first, after, topic, year_from, year_to
        )
        edges = [
            PaperEdge(cursor=offset_cursor(offset + i), node=Paper.from_row(row))
            for i, row in enumerate(rows[:first])
        ]
        return PaperConnection(
            total_count=total,
            edges=edges,
            page_info=PageInfo.for_offset(offset, first, total, [e.cursor for e in edges]),
        )

    @strawberry.field(description="An arXiv category by code (e.g. hep-ph, cs.LG).")
    async def topic(self, info: Info, code: str) -> Topic | None:
        row = await load_topic(info, code)
        return Topic.from_row(row) if row else None

    @strawberry.field(description="An institution by id ('Institution:ror:…' or 'ror:…').")
    async def institution(self, info: Info, id: strawberry.ID) -> Institution | None:
        row = await load_institution(info, id)
        return Institution.create(row.id, row.name, row.ror_id) if row else None

    @strawberry.field(description="Any object by its global id.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        kind, key = parse_global_id(id)
        if kind is Kind.RESEARCHER:
            researcher = await researchers.load_researcher(info, key)
            return Researcher.from_row(researcher) if researcher else None
        if kind is Kind.PAPER:
            paper = await papers.load_paper(info, key)
            return Paper.from_row(paper) if paper else None
        if kind is Kind.TOPIC:
            topic = await load_topic(info, key)
            return Topic.from_row(topic) if topic else None
        institution = await load_institution(info, key)
        return (
            Institution.create(institution.id, institution.name, institution.ror_id)
            if institution
            else None
        )

    @strawberry.field(description="The research graph around a researcher.")
    async def research_graph(
        self,
        info: Info,
        center_id: strawberry.ID,
        depth: int = 1,
        limit: int = 100,
        kinds: list[NodeKind] | None = None,
    ) -> GraphSlice | None:
        row = await researchers.load_researcher(info, center_id)
        if row is None:
            return None
        found = await load_slice(info, row.id, depth, limit, kinds)
        return GraphSlice.from_slice(found) if found else None
