"""Reading papers: one `UNWIND $keys` query per batch, results in key order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from graphdb.connection import GraphReader
from graphdb.mentions import (
    CLAIMANT_MATCH,
    RESEARCHER_FIELDS,
    Researcher,
    researcher_from_map,
)
from graphdb.topics import TOPIC_FIELDS, Topic, topic_from_map
from graphdb.values import to_date


@dataclass(frozen=True, slots=True)
class Paper:
    arxiv_id: str
    title: str
    abstract: str
    year: int | None
    first_submitted: date | None
    last_updated: date | None
    versions: tuple[str, ...]
    dois: tuple[str, ...]
    journal_ref: str | None
    comments: str | None
    report_no: str | None
    license: str | None
    primary_topic: str | None


PAPER_FIELDS: LiteralString = """
  arxivId: p.arxivId, title: p.title, abstract: p.abstract, year: p.year,
  firstSubmitted: p.firstSubmitted, lastUpdated: p.lastUpdated, versions: p.versions,
  dois: p.dois, journalRef: p.journalRef, comments: p.comments,
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


@dataclass(frozen=True, slots=True)
class Authorship:
    position: int
    researcher: Researcher
    printed_name: str
    institution_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PaperTopic:
    topic: Topic
    primary: bool


# The author slots of `p`, in order. Each slot carries the whole researcher mention, so an
# author list costs no second lookup (and no second DataLoader wave). It binds `a`, `r` and
# `u` itself: an enclosing query must not have them in scope (they would constrain the match).
AUTHORSHIPS_OF_P: LiteralString = (
    """COLLECT {
  MATCH (p)<-[a:AUTHORED]-(r:Researcher)
  """
    + CLAIMANT_MATCH
    + """
  RETURN {position: a.position, printedName: coalesce(a.name, r.name),
          institutionIds: coalesce(a.institutionIds, []), researcher: {"""
    + RESEARCHER_FIELDS
    + """}} AS authorship
  ORDER BY a.position
}"""
)

# The topics of `p`, the primary one first, each with the topic's fields (binds `e` and `t`).
TOPICS_OF_P: LiteralString = (
    """COLLECT {
  MATCH (p)-[e:IN_TOPIC]->(t:Topic)
  RETURN {primary: e.primary, topic: t {"""
    + TOPIC_FIELDS
    + """}} AS topic ORDER BY e.primary DESC, t.code
}"""
)

FETCH_AUTHORSHIPS: LiteralString = (
    """
UNWIND $keys AS key
OPTIONAL MATCH (p:Paper {arxivId: key})
RETURN key, """
    + AUTHORSHIPS_OF_P
    + """ AS authorships
"""
)

FETCH_PAPER_TOPICS: LiteralString = (
    """
UNWIND $keys AS key
OPTIONAL MATCH (p:Paper {arxivId: key})
RETURN key, """
    + TOPICS_OF_P
    + """ AS topics
"""
)

# Full-text search with optional filters; the score orders, the arXiv id breaks ties, so the
# order (and offset cursors) are stable while the graph does not change.
SEARCH_PAPERS: LiteralString = """
CALL db.index.fulltext.queryNodes('paper_text', $query) YIELD node AS p, score
WHERE ($yearFrom IS NULL OR p.year >= $yearFrom) AND ($yearTo IS NULL OR p.year <= $yearTo)
  AND ($topic IS NULL OR EXISTS { (p)-[:IN_TOPIC]->(:Topic {code: $topic}) })
WITH p, score ORDER BY score DESC, p.arxivId
WITH collect(p.arxivId) AS ids
RETURN size(ids) AS total, ids[$offset..$offset + $first + 1] AS page
"""


async def fetch_authorships(
    reader: GraphReader, arxiv_ids: Sequence[str]
) -> list[tuple[Authorship, ...]]:
    records = await reader.read(FETCH_AUTHORSHIPS, {"keys": list(arxiv_ids)})
    return [authorships_from_rows(r["authorships"]) for r in records]


async def fetch_paper_topics(
    reader: GraphReader, arxiv_ids: Sequence[str]
) -> list[tuple[PaperTopic, ...]]:
    records = await reader.read(FETCH_PAPER_TOPICS, {"keys": list(arxiv_ids)})
    return [paper_topics_from_rows(r["topics"]) for r in records]


def authorships_from_rows(rows: Sequence[dict[str, Any]]) -> tuple[Authorship, ...]:
    """What AUTHORSHIPS_OF_P returns, as `Authorship` values."""
    return tuple(
        Authorship(
            a["position"],
            researcher_from_map(a["researcher"]),
            a["printedName"],
            tuple(a["institutionIds"]),
        )
        for a in rows
    )


def paper_topics_from_rows(rows: Sequence[dict[str, Any]]) -> tuple[PaperTopic, ...]:
    """What TOPICS_OF_P returns, as `PaperTopic` values."""
    return tuple(PaperTopic(topic_from_map(t["topic"]), bool(t["primary"])) for t in rows)


@dataclass(frozen=True, slots=True)
class PaperSearch:
    query: str
    topic: str | None
    year_from: int | None
    year_to: int | None


async def search_papers(
    reader: GraphReader, search: PaperSearch, offset: int, first: int
) -> tuple[int, list[str]]:
    records = await reader.read(
        SEARCH_PAPERS,
        {
            "query": search.query,
            "topic": search.topic,
            "yearFrom": search.year_from,
            "yearTo": search.year_to,
            "offset": offset,
            "first": first,
        },
    )
    return int(records[0]["total"]), list(records[0]["page"])
