"""GraphQL types for papers."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from graphdb.mentions import Mention
from graphdb.papers import Paper as PaperRow
from resolvers.context import Info
from resolvers.ids import Kind, global_id
from resolvers.loaders import MaybeAwaitable, then
from resolvers.papers import load_authorships, load_paper_topics
from schema.relay import Node, PageInfo
from schema.topics import Institution, Topic

if TYPE_CHECKING:
    from schema.researchers import Researcher

LazyResearcher = Annotated["Researcher", strawberry.lazy("schema.researchers")]


@strawberry.enum(description="What kind of work this is. arXiv records are preprints.")
class WorkKind(Enum):
    PREPRINT = "PREPRINT"


@strawberry.type(description="One author slot of a paper, in the order printed.")
class Authorship:
    position: int = strawberry.field(description="1 for the first author.")
    printed_name: str = strawberry.field(description="The name as printed on this paper.")
    researcher: LazyResearcher
    institution_keys: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="Affiliations given on this paper.")
    async def institutions(self, info: Info) -> list[Institution]:
        found = await info.context.loaders.institution.load_many(
            [(key, 1) for key in self.institution_keys]
        )
        return [Institution.create(i.id, i.name, i.ror_id) for i in found if i is not None]


@strawberry.type(description="A paper, keyed by its arXiv id (without version).")
class Paper(Node):
    arxiv_id: str = strawberry.field(description="The arXiv id without version: 2104.12255.")
    title: str = strawberry.field(description="As submitted: LaTeX kept, whitespace collapsed.")
    abstract: str = strawberry.field(description="LaTeX kept, whitespace collapsed.")
    kind: WorkKind = strawberry.field(description="Always PREPRINT for arXiv records.")
    venue: str = strawberry.field(description="The journal reference, or 'arXiv' if none.")
    year: int | None = strawberry.field(description="Year of the first submitted version.")
    first_submitted: date | None = strawberry.field(description="Date of version 1.")
    last_updated: date | None = strawberry.field(description="Last update at the source.")
    versions: list[str] = strawberry.field(description="Version labels in order: v1, v2, ...")
    doi: str | None = strawberry.field(description="The first DOI, if the record has one.")
    dois: list[str] = strawberry.field(description="Every DOI of the record.")
    journal_ref: str | None = strawberry.field(description="The journal reference, verbatim.")
    comments: str | None = strawberry.field(description="The submitter's comments.")
    primary_topic_code: strawberry.Private[str | None]
    # The authors as a works page brought them (`AuthorDetail.MENTIONS`), if it did.
    author_mentions: strawberry.Private[tuple[Mention, ...] | None] = None

    # Sync resolvers returning a value or an awaitable: the works look-ahead has usually
    # primed these, and a plain value is much cheaper for graphql-core (resolvers/loaders.py).
    @strawberry.field(
        description="The authors, in the order printed on the paper.",
        graphql_type=list[LazyResearcher],
    )
    def authors(self, info: Info) -> MaybeAwaitable[list[Researcher]]:
        from schema.researchers import Researcher

        if self.author_mentions is not None:
            return [Researcher.from_mention(m) for m in self.author_mentions]
        return then(
            load_authorships(info, self.arxiv_id),
            lambda rows: [Researcher.from_row(a.researcher) for a in rows],
        )

    @strawberry.field(
        description="Author slots with printed names and affiliations, in order.",
        graphql_type=list[Authorship],
    )
    def authorships(self, info: Info) -> MaybeAwaitable[list[Authorship]]:
        from schema.researchers import Researcher

        return then(
            load_authorships(info, self.arxiv_id),
            lambda rows: [
                Authorship(
                    position=a.position,
                    printed_name=a.printed_name,
                    researcher=Researcher.from_row(a.researcher),
                    institution_keys=a.institution_ids,
                )
                for a in rows
            ],
        )

    @strawberry.field(
        description="arXiv categories, the primary one first.", graphql_type=list[Topic]
    )
    def topics(self, info: Info) -> MaybeAwaitable[list[Topic]]:
        return then(
            load_paper_topics(info, self.arxiv_id),
            lambda rows: [Topic.from_row(t.topic) for t in rows],
        )

    @strawberry.field(description="The primary arXiv category.")
    async def primary_topic(self, info: Info) -> Topic | None:
        if self.primary_topic_code is None:
            return None
        row = await info.context.loaders.topic.load(self.primary_topic_code)
        return Topic.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: PaperRow, author_mentions: tuple[Mention, ...] | None = None) -> Paper:
        return cls(
            id=strawberry.ID(global_id(Kind.PAPER, row.arxiv_id)),
            arxiv_id=row.arxiv_id,
            title=row.title,
            abstract=row.abstract,
            kind=WorkKind.PREPRINT,
            venue=row.journal_ref or "arXiv",
            year=row.year,
            first_submitted=row.first_submitted,
            last_updated=row.last_updated,
            versions=list(row.versions),
            doi=row.dois[0] if row.dois else None,
            dois=list(row.dois),
            journal_ref=row.journal_ref,
            comments=row.comments,
            primary_topic_code=row.primary_topic,
            author_mentions=author_mentions,
        )


@strawberry.type
class PaperEdge:
    cursor: str
    node: Paper


@strawberry.type(description="A page of papers.")
class PaperConnection:
    total_count: int
    edges: list[PaperEdge]
    page_info: PageInfo

    @strawberry.field(description="The papers of this page (the nodes of `edges`).")
    def nodes(self) -> list[Paper]:
        return [edge.node for edge in self.edges]
