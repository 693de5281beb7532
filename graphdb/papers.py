"""Reading papers: one `UNWIND $keys` query per batch, results in key order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, LiteralString

from graphdb.connection import GraphReader
from graphdb.values import to_date, to_datetime


@dataclass(frozen=True, slots=True)
class Paper:
    arxiv_id: str
    title: str
    abstract: str
    year: int | None
    first_submitted: date | None
    last_updated: date | None
    versions: tuple[str, ...]
    version_dates: tuple[datetime, ...]
    dois: tuple[str, ...]
    journal_ref: str | None
    comments: str | None
    report_no: str | None
    license: str | None
    primary_topic: str | None


PAPER_FIELDS: LiteralString = """
  arxivId: p.arxivId, title: p.title, abstract: p.abstract, year: p.year,
  firstSubmitted: p.firstSubmitted, lastUpdated: p.lastUpdated, versions: p.versions,
  versionDates: p.versionDates, dois: p.dois, journalRef: p.journalRef, comments: p.comments,
  reportNo: p.reportNo, license: p.license, primaryTopic: p.primaryTopic
"""

FETCH_PAPERS_BY_ARXIV_IDS: LiteralString = (
    """
UNWIND $keys AS key
OPTIONAL MATCH (p:Paper {arxivId: key})
RETURN key, CASE WHEN p IS NULL THEN NULL ELSE p {"""
    + PAPER_FIELDS
    + """} END AS paper
"""
)


def paper_from_map(row: dict[str, Any]) -> Paper:
    return Paper(
        arxiv_id=row["arxivId"],
        title=row.get("title") or "",
        abstract=row.get("abstract") or "",
        year=row.get("year"),
        first_submitted=to_date(row.get("firstSubmitted")),
        last_updated=to_date(row.get("lastUpdated")),
        versions=tuple(row.get("versions") or ()),
        version_dates=tuple(
            d for d in (to_datetime(v) for v in row.get("versionDates") or ()) if d is not None
        ),
        dois=tuple(row.get("dois") or ()),
        journal_ref=row.get("journalRef"),
        comments=row.get("comments"),
        report_no=row.get("reportNo"),
        license=row.get("license"),
        primary_topic=row.get("primaryTopic"),
    )


async def fetch_papers_by_arxiv_ids(
    reader: GraphReader, arxiv_ids: Sequence[str]
) -> list[Paper | None]:
    records = await reader.read(FETCH_PAPERS_BY_ARXIV_IDS, {"keys": list(arxiv_ids)})
    return [paper_from_map(r["paper"]) if r["paper"] is not None else None for r in records]
