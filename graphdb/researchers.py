"""Reading researchers: profile with counts and trust signals, works pages, topics, co-authors.

Every function takes a batch of keys and runs one `UNWIND $keys` query, returning results in
key order, so DataLoaders can answer any number of researchers in one round trip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any, LiteralString

from graphdb.connection import GraphReader
from graphdb.mentions import (
    CLAIMANT_MATCH,
    MENTION_FIELDS,
    RESEARCHER_FIELDS,
    Mention,
    Researcher,
    mention_from_list,
    researcher_from_map,
)
from graphdb.papers import (
    AUTHORSHIPS_OF_P,
    PAPER_FIELDS,
    Authorship,
    Paper,
    PaperTopic,
    authorships_from_rows,
    paper_from_map,
)
from graphdb.topics import TOPIC_FIELDS, Topic, topic_from_map

CLOSE_COLLABORATOR_MIN_SHARED = 2


@dataclass(frozen=True, slots=True)
class Affiliation:
    institution_id: str
    name: str
    ror_id: str | None
    works: int
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True, slots=True)
class ResearcherStats:
    works_count: int
    followers_count: int
    topics_count: int
    collaborators_count: int
    close_collaborators_count: int
    first_year: int | None
    last_year: int | None
    affiliations: tuple[Affiliation, ...]  # most recent first: the first is "current"


@dataclass(frozen=True, slots=True)
class WorksPage:
    total: int
    papers: tuple[tuple[str, Paper], ...]  # (sort key, paper), in page order
    has_next: bool
    # Brought along when the request asked for them (`WorksRequest.authors/with_topics`).
    authorships: Mapping[str, tuple[Authorship, ...]] = field(default_factory=dict)
    mentions: Mapping[str, tuple[Mention, ...]] = field(default_factory=dict)
    topics: Mapping[str, tuple[PaperTopic, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TopicShare:
    topic: Topic
    works: int


@dataclass(frozen=True, slots=True)
class Collaborator:
    researcher: Researcher
    shared_works: int
    first_year: int | None
    last_year: int | None


# A merged-away id (an initials-only variant) still resolves, to the researcher it became.
FETCH_RESEARCHERS: LiteralString = (
    """
UNWIND $keys AS key
OPTIONAL MATCH (direct:Researcher {id: key})
OPTIONAL MATCH (:ResearcherAlias {id: key})-[:ALIAS_OF]->(merged:Researcher)
WITH key, coalesce(direct, merged) AS r
"""
    + CLAIMANT_MATCH
    + """
RETURN key, CASE WHEN r IS NULL THEN NULL ELSE {"""
    + RESEARCHER_FIELDS
    + """} END AS researcher
"""
)

# `works`, `firstYear` and `lastYear` of `owner` (null owner: 0 and nulls).
WORKS_SPAN_OF_OWNER: LiteralString = """CALL (owner) {
  WITH owner WHERE owner IS NOT NULL
  MATCH (owner)-[:AUTHORED]->(p:Paper)
  RETURN count(p) AS works, min(p.year) AS firstYear, max(p.year) AS lastYear
}"""


def stats_of_owner(
    collaborators: LiteralString, close: LiteralString, topics: LiteralString
) -> LiteralString:
    """The stats map of `owner` (after WORKS_SPAN_OF_OWNER); the counts are the caller's."""
    return (
        """CASE WHEN owner IS NULL THEN NULL ELSE {
  works: works, firstYear: firstYear, lastYear: lastYear,
  collaborators: """
        + collaborators
        + """, closeCollaborators: """
        + close
        + """,
  followers: COUNT { (owner)<-[:FOLLOWS]-(:User) },
  topics: """
        + topics
        + """,
  affiliations: COLLECT {
    MATCH (owner)-[a:AFFILIATED_WITH]->(i:Institution)
    RETURN {id: i.id, name: i.name, rorId: i.rorId, works: a.works,
            firstYear: a.firstYear, lastYear: a.lastYear} AS inst
    ORDER BY a.lastYear DESC, a.works DESC, i.name
  }
} END"""
    )


FETCH_RESEARCHER_STATS: LiteralString = (
    """
UNWIND $keys AS key
OPTIONAL MATCH (owner:Researcher {id: key})
"""
    + WORKS_SPAN_OF_OWNER
    + """
CALL (owner) {
  WITH owner WHERE owner IS NOT NULL
  MATCH (owner)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(c:Researcher)
  WITH c, count(*) AS shared
  RETURN count(c) AS collaborators,
         count(CASE WHEN shared >= $closeMin THEN 1 END) AS closeCollaborators
}
RETURN key, """
    + stats_of_owner(
        "collaborators",
        "closeCollaborators",
        "COUNT { MATCH (owner)-[:AUTHORED]->(:Paper)-[:IN_TOPIC]->(t:Topic) RETURN DISTINCT t }",
    )
    + """ AS stats
"""
)


class AuthorDetail(Enum):
    """What a works page brings along about each paper's authors."""

    NONE = "none"
    MENTIONS = "mentions"  # `Mention`s: names and the node's own fields
    AUTHORSHIPS = "authorships"  # complete `Authorship`s: slots, affiliations, claimants


# Works pages use keyset cursors on "<firstSubmitted>|<arxivId>", so a page boundary never
# moves when papers are added before it: no duplicates, no gaps. When the client asked for the
# papers' authors or topics, the page brings them along (AUTHORSHIPS_OF_P, or author mentions
# when nothing claim-related is asked; topics): the resolver primes the request's loaders (or
# hands the mentions to the papers), and no further wave is needed. A page of 100 works names
# the same few topics and many of the same people again and again, so mentions and topics come
# once per page (`mentions`, `topicMaps`), and each paper lists ids and codes.
# (AUTHORSHIPS_OF_P binds `a`, `r` and `u` itself: the owner is `owner` here.)
AUTHOR_FRAGMENTS: dict[AuthorDetail, LiteralString] = {
    AuthorDetail.NONE: "null",
    AuthorDetail.MENTIONS: """COLLECT {
  MATCH (p)<-[a:AUTHORED]-(r:Researcher) RETURN r ORDER BY a.position
}""",
    AuthorDetail.AUTHORSHIPS: AUTHORSHIPS_OF_P,
}
TOPIC_NODES_OF_P: LiteralString = """COLLECT {
  MATCH (p)-[e:IN_TOPIC]->(t:Topic) RETURN [t, e.primary] AS topic ORDER BY e.primary DESC, t.code
}"""
PAGE_MENTIONS: LiteralString = (
    """COLLECT {
  UNWIND rows AS row UNWIND row.authorships AS r WITH DISTINCT r RETURN """
    + MENTION_FIELDS
    + """
}"""
)
PAGE_TOPICS: LiteralString = (
    """COLLECT {
  UNWIND rows AS row UNWIND row.topics AS pt WITH DISTINCT pt[0] AS t RETURN t {"""
    + TOPIC_FIELDS
    + """}
}"""
)


@cache
def works_query(oldest_first: bool, authors: AuthorDetail, with_topics: bool) -> LiteralString:
    compare: LiteralString = ">" if oldest_first else "<"
    direction: LiteralString = "ASC" if oldest_first else "DESC"
    mentions = authors is AuthorDetail.MENTIONS
    author_ids: LiteralString = "[r IN row.authorships | r.id]" if mentions else "row.authorships"
    return (
        """
UNWIND $keys AS k
OPTIONAL MATCH (owner:Researcher {id: k.id})
// OPTIONAL: a key without works (or without a researcher) keeps its row, and its empty page.
OPTIONAL CALL (owner, k) {
  MATCH (owner)-[:AUTHORED]->(p:Paper)
  WITH p, coalesce(toString(p.firstSubmitted), '') + '|' + p.arxivId AS sortKey
  WHERE k.after IS NULL OR sortKey """
        + compare
        + """ k.after
  RETURN p, sortKey ORDER BY sortKey """
        + direction
        + """ LIMIT $limit
}
WITH k, p, sortKey, """
        + AUTHOR_FRAGMENTS[authors]
        + """ AS authorships, """
        + (TOPIC_NODES_OF_P if with_topics else "null")
        + """ AS topics
WITH k, collect(CASE WHEN p IS NOT NULL THEN
  {sortKey: sortKey, authorships: authorships, topics: topics, paper: p {"""
        + PAPER_FIELDS
        + """}} END) AS rows
RETURN k.id AS id, COUNT { (:Researcher {id: k.id})-[:AUTHORED]->(:Paper) } AS total,
  [row IN rows | {sortKey: row.sortKey, paper: row.paper, authorships: """
        + author_ids
        + """,
    topics: """
        + ("[pt IN row.topics | [pt[0].code, pt[1]]]" if with_topics else "null")
        + """}] AS rows,
  """
        + (PAGE_MENTIONS if mentions else "[]")
        + """ AS mentions,
  """
        + (PAGE_TOPICS if with_topics else "[]")
        + """ AS topicMaps
"""
    )


# Ranked lists carry complete topic and researcher maps: no second lookup, no second wave.
# `shares`: every topic of `owner`'s works with their number, most first (binds `t`).
TOPIC_RANKING_OF_OWNER: LiteralString = (
    """CALL (owner) {
  OPTIONAL MATCH (owner)-[:AUTHORED]->(:Paper)-[:IN_TOPIC]->(t:Topic)
  WITH t, count(*) AS works WHERE t IS NOT NULL
  ORDER BY works DESC, t.code
  RETURN collect({works: works, topic: t {"""
    + TOPIC_FIELDS
    + """}}) AS shares
}"""
)

FETCH_TOPIC_SHARES: LiteralString = (
    """
UNWIND $keys AS k
OPTIONAL MATCH (owner:Researcher {id: k.id})
"""
    + TOPIC_RANKING_OF_OWNER
    + """
RETURN k.id AS id, shares[..k.first] AS shares
"""
)

# `collaborators`: the first `k.first` co-authors of `owner` sharing at least `k.minShared`
# works, ranked, each with the complete researcher map (only the page's co-authors get their
# claimant looked up); `collaboratorsCount` and `closeCount` (>= $closeMin) over everyone.
COLLABORATOR_RANKING_OF_OWNER: LiteralString = (
    """CALL (owner, k) {
  OPTIONAL MATCH (owner)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(c:Researcher)
  WITH k, c, count(p) AS shared, min(p.year) AS firstYear, max(p.year) AS lastYear
  ORDER BY shared DESC, lastYear DESC
  // One row even without co-authors: collect() skips the null row of the OPTIONAL MATCH.
  WITH k, collect(CASE WHEN c IS NOT NULL THEN
    {c: c, shared: shared, firstYear: firstYear, lastYear: lastYear} END) AS everyone
  WITH k, everyone, [x IN everyone WHERE x.shared >= k.minShared] AS byCount
  // Names break ties only among the rows that can reach the page: the first `first` rows by
  // (shared, lastYear), and the rows after them that tie with the last one. Only their names
  // are read (a prolific researcher has over a thousand co-authors): half the query's time.
  WITH k, everyone, byCount, byCount[k.first - 1] AS last
  WITH k, everyone, byCount[..k.first + size([x IN byCount[k.first..]
    WHERE x.shared = last.shared
      AND (x.lastYear = last.lastYear OR x.lastYear IS NULL AND last.lastYear IS NULL)])]
    AS candidates
  CALL (candidates) {
    UNWIND candidates AS x
    WITH x ORDER BY x.shared DESC, x.lastYear DESC, x.c.name, x.c.id
    RETURN collect(x) AS ranked
  }
  CALL (k, ranked) {
    UNWIND range(0, size(ranked[..k.first]) - 1) AS rank
    WITH rank, ranked[rank] AS row, ranked[rank].c AS r
    """
    + CLAIMANT_MATCH
    + """
    RETURN collect({rank: rank, shared: row.shared, firstYear: row.firstYear,
                    lastYear: row.lastYear, researcher: {"""
    + RESEARCHER_FIELDS
    + """}}) AS collaborators
  }
  RETURN size(everyone) AS collaboratorsCount,
         size([x IN everyone WHERE x.shared >= $closeMin]) AS closeCount, collaborators
}"""
)

FETCH_COLLABORATORS: LiteralString = (
    """
UNWIND $keys AS k
OPTIONAL MATCH (owner:Researcher {id: k.id})
"""
    + COLLABORATOR_RANKING_OF_OWNER
    + """
RETURN k.id AS id, collaborators
"""
)

SEARCH_RESEARCHERS: LiteralString = """
CALL db.index.fulltext.queryNodes('researcher_names', $query) YIELD node, score
WITH node, score ORDER BY score DESC, node.id
WITH collect(node.id) AS ids
RETURN size(ids) AS total, ids[$offset..$offset + $first + 1] AS page
"""


async def fetch_researchers(reader: GraphReader, ids: Sequence[str]) -> list[Researcher | None]:
    records = await reader.read(FETCH_RESEARCHERS, {"keys": list(ids)})
    return [
        researcher_from_map(r["researcher"], r["key"]) if r["researcher"] is not None else None
        for r in records
    ]


async def fetch_researcher_stats(
    reader: GraphReader, ids: Sequence[str]
) -> list[ResearcherStats | None]:
    records = await reader.read(
        FETCH_RESEARCHER_STATS,
        {"keys": list(ids), "closeMin": CLOSE_COLLABORATOR_MIN_SHARED},
    )
    return [stats_from_map(r["stats"]) if r["stats"] is not None else None for r in records]


def stats_from_map(row: dict[str, Any]) -> ResearcherStats:
    return ResearcherStats(
        works_count=row["works"],
        followers_count=row["followers"],
        topics_count=row["topics"],
        collaborators_count=row["collaborators"],
        close_collaborators_count=row["closeCollaborators"],
        first_year=row["firstYear"],
        last_year=row["lastYear"],
        affiliations=tuple(
            Affiliation(
                institution_id=a["id"],
                name=a["name"],
                ror_id=a["rorId"],
                works=a["works"],
                first_year=a["firstYear"],
                last_year=a["lastYear"],
            )
            for a in row["affiliations"]
        ),
    )


@dataclass(frozen=True, slots=True)
class WorksRequest:
    researcher_id: str
    first: int
    after: str | None
    oldest_first: bool
    authors: AuthorDetail = AuthorDetail.NONE
    with_topics: bool = False


async def fetch_works_pages(
    reader: GraphReader, requests: Sequence[WorksRequest]
) -> list[WorksPage]:
    # LIMIT takes no per-row value, so requests are grouped by order, page size and what they
    # bring along: one query per group, and a profile page usually asks for one of each.
    pages: dict[WorksRequest, WorksPage] = {}
    groups = dict.fromkeys(map(_group, requests))  # in the order first asked: deterministic
    for group_key in groups:
        oldest_first, first, authors, with_topics = group_key
        group = [r for r in requests if _group(r) == group_key]
        keys = [{"id": r.researcher_id, "after": r.after} for r in group]
        query = works_query(oldest_first, authors, with_topics)
        records = await reader.read(query, {"keys": keys, "limit": first + 1})
        for request, record in zip(group, records, strict=True):
            rows = sorted(record["rows"], key=_sort_key, reverse=not oldest_first)
            kept = rows[: request.first]
            # One value per person and per topic on the page, shared by all their papers.
            people = {m[0]: mention_from_list(m) for m in record["mentions"]}
            topics = {m["code"]: topic_from_map(m) for m in record["topicMaps"]}
            filed = {
                (code, primary): PaperTopic(topics[code], bool(primary))
                for row in kept
                for code, primary in row["topics"] or ()
            }
            pages[request] = WorksPage(
                total=record["total"],
                papers=tuple((row["sortKey"], paper_from_map(row["paper"])) for row in kept),
                has_next=len(rows) > request.first,
                authorships={
                    row["paper"]["arxivId"]: authorships_from_rows(row["authorships"])
                    for row in kept
                    if authors is AuthorDetail.AUTHORSHIPS
                },
                mentions={
                    row["paper"]["arxivId"]: tuple(people[i] for i in row["authorships"])
                    for row in kept
                    if authors is AuthorDetail.MENTIONS
                },
                topics={
                    row["paper"]["arxivId"]: tuple(filed[c, p] for c, p in row["topics"])
                    for row in kept
                    if row["topics"] is not None
                },
            )
    empty = WorksPage(0, (), False)
    return [pages.get(r, empty) for r in requests]


def _group(request: WorksRequest) -> tuple[bool, int, AuthorDetail, bool]:
    return (request.oldest_first, request.first, request.authors, request.with_topics)


def _sort_key(row: dict[str, Any]) -> str:
    return str(row["sortKey"])


async def fetch_topic_shares(
    reader: GraphReader, keys: Sequence[tuple[str, int]]
) -> list[tuple[TopicShare, ...]]:
    records = await reader.read(
        FETCH_TOPIC_SHARES, {"keys": [{"id": rid, "first": first} for rid, first in keys]}
    )
    return [topic_shares_from_rows(r["shares"]) for r in records]


def topic_shares_from_rows(rows: Sequence[dict[str, Any]]) -> tuple[TopicShare, ...]:
    """What TOPIC_RANKING_OF_OWNER returns, as `TopicShare` values."""
    return tuple(TopicShare(topic_from_map(s["topic"]), s["works"]) for s in rows)


async def fetch_collaborators(
    reader: GraphReader, keys: Sequence[tuple[str, int, int]]
) -> list[tuple[Collaborator, ...]]:
    records = await reader.read(
        FETCH_COLLABORATORS,
        {
            "keys": [{"id": rid, "first": first, "minShared": m} for rid, first, m in keys],
            "closeMin": CLOSE_COLLABORATOR_MIN_SHARED,
        },
    )
    return [collaborators_from_rows(r["collaborators"]) for r in records]


def collaborators_from_rows(rows: Sequence[dict[str, Any]]) -> tuple[Collaborator, ...]:
    """What COLLABORATOR_RANKING_OF_OWNER returns, as `Collaborator` values in rank order."""
    return tuple(
        Collaborator(
            researcher_from_map(c["researcher"]), c["shared"], c["firstYear"], c["lastYear"]
        )
        for c in sorted(rows, key=_by_rank)
    )


def _by_rank(row: dict[str, Any]) -> int:
    return int(row["rank"])


async def search_researchers(
    reader: GraphReader, query: str, offset: int, first: int
) -> tuple[int, list[str]]:
    records = await reader.read(
        SEARCH_RESEARCHERS, {"query": query, "offset": offset, "first": first}
    )
    record = records[0]
    return int(record["total"]), list(record["page"])
