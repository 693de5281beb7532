"""GraphQL types for papers."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from graphdb.papers import Paper as PaperRow


@strawberry.enum(description="What kind of work this is. arXiv records are preprints.")
class WorkKind(Enum):
    PREPRINT = "PREPRINT"


@strawberry.type(description="A paper, keyed by its arXiv id (without version).")
class Paper:
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

    @classmethod
    def from_row(cls, row: PaperRow) -> Paper:
        return cls(
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
        )
