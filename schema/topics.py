"""GraphQL types for topics (arXiv categories) and institutions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graphdb.researchers import Affiliation
from graphdb.topics import Topic as TopicRow
from resolvers.context import Info
from resolvers.ids import Kind, global_id
from resolvers.topics import load_institution
from schema.relay import Node

if TYPE_CHECKING:
    from schema.researchers import Researcher


@strawberry.type(description="An arXiv category, e.g. hep-ph or cs.LG.")
class Topic(Node):
    code: str
    name: str
    archive: str | None
    group: str | None = strawberry.field(description="physics, math, cs, q-bio, q-fin, ...")
    group_name: str | None
    active: bool = strawberry.field(description="False for legacy codes such as cmp-lg.")
    works_count: int = strawberry.field(description="Papers filed under it, cross-lists too.")

    @strawberry.field(description="Papers with it as their primary category.")
    async def primary_works_count(self, info: Info) -> int:
        return await info.context.loaders.topic_primary_counts.load(self.code)

    @classmethod
    def from_row(cls, row: TopicRow) -> Topic:
        return cls(
            id=strawberry.ID(global_id(Kind.TOPIC, row.code)),
            code=row.code,
            name=row.name,
            archive=row.archive,
            group=row.group,
            group_name=row.group_name,
            active=row.active,
            works_count=row.works_count,
        )


@strawberry.type(description="An institution researchers are affiliated with.")
class Institution(Node):
    key: str = strawberry.field(description="The key in the graph: 'ror:<id>' or 'inst:<hash>'.")
    name: str
    ror_id: str | None = strawberry.field(description="The ROR id, when the name was matched.")

    @strawberry.field(description="Researchers with works under this affiliation.")
    async def researchers_count(self, info: Info) -> int:
        found = await load_institution(info, self.key, 1)
        return found.researchers_count if found else 0

    @strawberry.field(description="The most active affiliated researchers first.")
    async def researchers(
        self, info: Info, first: int = 10
    ) -> list[Annotated[Researcher, strawberry.lazy("schema.researchers")]]:
        from schema.researchers import Researcher

        found = await load_institution(info, self.key, first)
        if found is None:
            return []
        rows = await info.context.loaders.researcher.load_many(list(found.researcher_ids))
        return [Researcher.from_row(r) for r in rows if r is not None]

    @classmethod
    def create(cls, key: str, name: str, ror_id: str | None) -> Institution:
        return cls(
            id=strawberry.ID(global_id(Kind.INSTITUTION, key)), key=key, name=name, ror_id=ror_id
        )


@strawberry.type(description="A researcher's affiliation, derived from their papers.")
class InstitutionAffiliation:
    institution: Institution
    works_count: int = strawberry.field(description="Works signed with this affiliation.")
    first_year: int | None
    last_year: int | None

    @classmethod
    def from_row(cls, row: Affiliation) -> InstitutionAffiliation:
        return cls(
            institution=Institution.create(row.institution_id, row.name, row.ror_id),
            works_count=row.works,
            first_year=row.first_year,
            last_year=row.last_year,
        )


@strawberry.type(description="A topic of a researcher and how many of their works it has.")
class TopicWorks:
    topic: Topic
    works_count: int
