"""GraphQL types for researchers: the profile page in one object."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from enum import Enum
from functools import cache
from typing import Any

import strawberry
from strawberry.types.base import get_object_definition
from strawberry.types.nodes import SelectedField
from strawberry.utils.await_maybe import await_maybe
from strawberry.utils.str_converters import to_camel_case

from graphdb.mentions import Mention
from graphdb.mentions import Researcher as ResearcherRow
from graphdb.profiles import ProfileRequest
from graphdb.researchers import CLOSE_COLLABORATOR_MIN_SHARED
from resolvers.accounts import is_following
from resolvers.context import Info
from resolvers.errors import UserFacingError
from resolvers.graphs import load_slice, neighbourhood_key
from resolvers.graphslice import NodeKind
from resolvers.ids import Kind, global_id
from resolvers.loaders import MaybeAwaitable, answer_from, load_now, then
from resolvers.pagination import keyset_cursor, offset_cursor
from resolvers.researchers import (
    collaborators_key,
    load_collaborators,
    load_stats,
    load_topic_shares,
    load_trust,
    load_works,
    topic_shares_key,
    works_request,
)
from resolvers.selection import subfields
from schema.graph import GraphSlice
from schema.papers import Paper, PaperConnection, PaperEdge
from schema.relay import Node, PageInfo
from schema.topics import Institution, InstitutionAffiliation, Topic, TopicWorks
from schema.trust import TrustSnapshot


@strawberry.enum(description="Order of a researcher's works.")
class WorksOrder(Enum):
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"


@strawberry.type(
    description="A co-author, with the works shared with the researcher and their years."
)
class Collaboration:
    researcher: Researcher
    shared_works_count: int
    first_year: int | None
    last_year: int | None


@strawberry.type(
    description=(
        "A person (or a collaboration such as 'The BaBar Collaboration') who signed arXiv "
        "papers. Identity follows docs/identity.md: name variants of one person are merged, "
        "namesakes in unrelated fields are kept apart."
    )
)
class Researcher(Node):
    key: str = strawberry.field(description="The key in the graph (Researcher.id in Cypher).")
    name: str = strawberry.field(description="The most complete spelling seen.")
    name_variants: list[str] = strawberry.field(description="Every spelling seen on papers.")
    field: str | None = strawberry.field(
        description="The research field that scopes the identity (hep, astro, info, math, ...)."
    )
    is_collaboration: bool
    # None when built from an author-list `Mention`: the claim fields below then load the
    # complete row (batched), so a mention answers every field, only cheaper when it can.
    row: strawberry.Private[ResearcherRow | None]

    def complete_row(self, info: Info) -> MaybeAwaitable[ResearcherRow]:
        if self.row is not None:
            return self.row
        return then(load_now(info.context.loaders.researcher, self.key), self._found_or_gone)

    def _found_or_gone(self, row: ResearcherRow | None) -> ResearcherRow:
        # Gone between two queries of this request: shown as the unclaimed record it was.
        return row or ResearcherRow(
            id=self.key,
            requested_id=self.key,
            name=self.name,
            name_variants=tuple(self.name_variants),
            field=self.field,
            is_collaboration=self.is_collaboration,
            open_to_collaborate=False,
            claimed=False,
            verification_level=1,
        )

    @strawberry.field(
        description=(
            "'Open to collaborate', set by the researcher's approved claimant "
            "(setOpenToCollaborate); always false for unclaimed profiles."
        ),
        graphql_type=bool,
    )
    def open_to_collaborate(self, info: Info) -> MaybeAwaitable[bool]:
        return then(self.complete_row(info), lambda row: row.open_to_collaborate)

    @strawberry.field(
        description="The current institution (latest affiliation on papers); null: not imported."
    )
    async def affiliation(self, info: Info) -> Institution | None:
        stats = await load_stats(info, self.key)
        return (
            InstitutionAffiliation.from_row(stats.affiliations[0]).institution
            if stats.affiliations
            else None
        )

    @strawberry.field(description="Every affiliation on the researcher's papers, latest first.")
    async def institutions(self, info: Info) -> list[InstitutionAffiliation]:
        stats = await load_stats(info, self.key)
        return [InstitutionAffiliation.from_row(a) for a in stats.affiliations]

    @strawberry.field(description="Works (papers) signed.")
    async def works_count(self, info: Info) -> int:
        return (await load_stats(info, self.key)).works_count

    @strawberry.field(description="Users following this researcher.")
    async def followers_count(self, info: Info) -> int:
        return (await load_stats(info, self.key)).followers_count

    @strawberry.field(
        description="Whether the logged-in user follows this researcher (false without a token)."
    )
    async def viewer_is_following(self, info: Info) -> bool:
        return await is_following(info, self.key)

    @strawberry.field(
        description="Whether an approved claim exists: the researcher has a claimant.",
        graphql_type=bool,
    )
    def claimed(self, info: Info) -> MaybeAwaitable[bool]:
        return then(self.complete_row(info), lambda row: row.claimed)

    @strawberry.field(
        description="1: public record only; 2: approved claim; 3: + verified ORCID.",
        graphql_type=int,
    )
    def verification_level(self, info: Info) -> MaybeAwaitable[int]:
        return then(self.complete_row(info), lambda row: row.verification_level)

    @strawberry.field(description="Distinct arXiv categories over all works.")
    async def topics_count(self, info: Info) -> int:
        return (await load_stats(info, self.key)).topics_count

    @strawberry.field(description="Distinct co-authors.")
    async def collaborators_count(self, info: Info) -> int:
        return (await load_stats(info, self.key)).collaborators_count

    @strawberry.field(
        description=(
            f"Co-authors sharing at least {CLOSE_COLLABORATOR_MIN_SHARED} works with the "
            "researcher."
        )
    )
    async def close_collaborators_count(self, info: Info) -> int:
        return (await load_stats(info, self.key)).close_collaborators_count

    @strawberry.field(description="Year of the first work.")
    async def first_year(self, info: Info) -> int | None:
        return (await load_stats(info, self.key)).first_year

    @strawberry.field(description="Year of the latest work.")
    async def last_year(self, info: Info) -> int | None:
        return (await load_stats(info, self.key)).last_year

    @strawberry.field(description="Works, newest first by default; keyset cursors.")
    async def works(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        order_by: WorksOrder = WorksOrder.NEWEST,
    ) -> PaperConnection:
        page = await load_works(info, self.key, first, after, order_by is WorksOrder.OLDEST)
        edges = [
            PaperEdge(
                cursor=keyset_cursor(key),
                node=Paper.from_row(paper, page.mentions.get(paper.arxiv_id)),
            )
            for key, paper in page.papers
        ]
        return PaperConnection(
            total_count=page.total,
            edges=edges,
            page_info=PageInfo.of(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
        )

    @strawberry.field(description="Topics ranked by the number of works in each, then code.")
    async def topics(self, info: Info, first: int = 10) -> list[TopicWorks]:
        return [
            TopicWorks(topic=Topic.from_row(share.topic), works_count=share.works)
            for share in await load_topic_shares(info, self.key, first)
        ]

    @strawberry.field(
        description=(
            "Co-authors ranked by shared works, then by the most recent shared year, then name. "
            "minSharedWorks filters; the default lists every co-author."
        )
    )
    async def close_collaborators(
        self, info: Info, first: int = 10, min_shared_works: int = 1
    ) -> list[Collaboration]:
        return [
            Collaboration(
                researcher=Researcher.from_row(c.researcher),
                shared_works_count=c.shared_works,
                first_year=c.first_year,
                last_year=c.last_year,
            )
            for c in await load_collaborators(info, self.key, first, min_shared_works)
        ]

    @strawberry.field(description="The trust snapshot shown on the profile.")
    async def trust(self, info: Info) -> TrustSnapshot:
        row = await await_maybe(self.complete_row(info))
        return TrustSnapshot.from_trust(await load_trust(info, row))

    @strawberry.field(description="The research graph around this researcher.")
    async def context(
        self,
        info: Info,
        depth: int = 1,
        limit: int = 100,
        kinds: list[NodeKind] | None = None,
    ) -> GraphSlice | None:
        found = await load_slice(info, self.key, depth, limit, kinds)
        return GraphSlice.from_slice(found) if found else None

    @classmethod
    def from_row(cls, row: ResearcherRow) -> Researcher:
        return cls.from_mention(row, row)

    @classmethod
    def from_mention(
        cls, mention: Mention | ResearcherRow, row: ResearcherRow | None = None
    ) -> Researcher:
        """From a complete row, or (without `row`) from an author-list mention."""
        return cls(
            id=strawberry.ID(global_id(Kind.RESEARCHER, mention.id)),
            key=mention.id,
            name=mention.name,
            name_variants=list(mention.name_variants),
            field=mention.field,
            is_collaboration=mention.is_collaboration,
            row=row,
        )


@strawberry.type
class ResearcherEdge:
    cursor: str
    node: Researcher


@strawberry.type(description="A page of researchers.")
class ResearcherConnection:
    total_count: int
    edges: list[ResearcherEdge]
    page_info: PageInfo

    @strawberry.field(description="The researchers of this page (the nodes of `edges`).")
    def nodes(self) -> list[Researcher]:
        return [edge.node for edge in self.edges]

    @classmethod
    def from_page(
        cls, total: int, offset: int, rows: list[ResearcherRow], first: int
    ) -> ResearcherConnection:
        edges = [
            ResearcherEdge(cursor=offset_cursor(offset + i), node=Researcher.from_row(row))
            for i, row in enumerate(rows[:first])
        ]
        return cls(
            total_count=total,
            edges=edges,
            page_info=PageInfo.for_offset(offset, first, total, [e.cursor for e in edges]),
        )


# `Researcher` fields answered from the stats row (`load_stats`).
STATS_FIELDS = frozenset(
    {
        "affiliation",
        "institutions",
        "worksCount",
        "followersCount",
        "topicsCount",
        "collaboratorsCount",
        "closeCollaboratorsCount",
        "firstYear",
        "lastYear",
        "trust",
    }
)


def look_ahead(info: Info, key: str) -> None:
    """Start, beside a researcher's own lookup, the loads its selected fields will make.

    Used by `Query.researcher`: the stats, works page, rankings and graph slice join the
    lookup's DataLoader wave instead of waiting for it, so a profile page costs one wave, not
    two. Each key is built by the function the field's resolver uses, with the field's own
    defaults, so the resolver finds its load in the request's cache. An argument the key
    cannot be built from (out of range, a bad cursor) is left for the resolver to report.
    When the stats and one topic and one collaborator ranking are all asked for, the three
    come from one query (`graphdb.profiles`) that answers the three loaders.
    """
    loaders = info.context.loaders
    if not loaders.caching:  # the N+1 baseline has no cache to find the loads in
        return
    started: list[Awaitable[Any]] = []
    stats = False
    shares: list[tuple[str, int]] = []
    ranked: list[tuple[str, int, int]] = []
    # One entry per response key: a field selected twice (directly and in a fragment) is one
    # field to GraphQL, its selections merged, and the resolver builds its key from them all.
    merged: dict[str, list[SelectedField]] = {}
    for selected in subfields(info.selected_fields):
        merged.setdefault(selected.alias or selected.name, []).append(selected)
    for same in merged.values():
        field = same[0]
        # Variables arrive coerced; literals as written ("10", "OLDEST"): read like GraphQL.
        args = {**_defaults().get(field.name, {}), **field.arguments}
        try:
            if field.name in STATS_FIELDS:
                stats = True
            elif field.name == "works":
                oldest = WorksOrder(getattr(args["orderBy"], "value", args["orderBy"]))
                request = works_request(
                    info,
                    same,
                    key,
                    int(args["first"]),
                    args["after"],
                    oldest is WorksOrder.OLDEST,
                )
                started.append(loaders.works.load(request))
            elif field.name == "topics":
                shares.append(topic_shares_key(info, key, int(args["first"])))
            elif field.name == "closeCollaborators":
                first, least = int(args["first"]), int(args["minSharedWorks"])
                ranked.append(collaborators_key(info, key, first, least))
            elif field.name == "context":
                hood = neighbourhood_key(info, key, int(args["depth"]), int(args["limit"]))
                started.append(loaders.neighbourhood.load(hood))
        except (UserFacingError, TypeError, ValueError):
            continue
    if stats and len(set(shares)) == 1 and len(set(ranked)) == 1:
        (_, topics_first), (_, first, least) = shares[0], ranked[0]
        profile = loaders.profile.load(ProfileRequest(key, topics_first, first, least))
        started.append(answer_from(loaders.stats, key, profile, lambda p: p.stats))
        started.append(
            answer_from(loaders.topic_shares, shares[0], profile, lambda p: p.topic_shares)
        )
        started.append(
            answer_from(loaders.collaborators, ranked[0], profile, lambda p: p.collaborators)
        )
    else:
        if stats:
            started.append(loaders.stats.load(key))
        started.extend(loaders.topic_shares.load(k) for k in shares)
        started.extend(loaders.collaborators.load(k) for k in ranked)
    for load in started:
        asyncio.ensure_future(load).add_done_callback(_observe)


@cache
def _defaults() -> dict[str, dict[str, Any]]:
    """GraphQL field name -> argument name -> default, read from the `Researcher` type."""
    return {
        field.graphql_name or to_camel_case(field.python_name): {
            argument.graphql_name or to_camel_case(argument.python_name): argument.default
            for argument in field.arguments
        }
        for field in get_object_definition(Researcher, strict=True).fields
    }


def _observe(future: asyncio.Future[Any]) -> None:
    # A load nobody awaits (the researcher was missing) must not log "exception never
    # retrieved": its resolver, had it run, would have reported the error.
    if not future.cancelled():
        future.exception()
