"""A researcher's profile aggregates in one query: stats, topic ranking, collaborator ranking.

The three are separate loaders (`graphdb.researchers`), each one query, and each walks the
researcher's works again: the stats count the co-authors the collaborator ranking ranks, and
the topics the topic ranking ranks. When a request asks for all three of one researcher (a
profile page does), `Query.researcher`'s look-ahead loads them with this one query instead,
and answers the three loaders from it. The parts are the same fragments as the separate
queries, so the answers are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import LiteralString

from graphdb.connection import GraphReader
from graphdb.researchers import (
    CLOSE_COLLABORATOR_MIN_SHARED,
    COLLABORATOR_RANKING_OF_OWNER,
    TOPIC_RANKING_OF_OWNER,
    WORKS_SPAN_OF_OWNER,
    Collaborator,
    ResearcherStats,
    TopicShare,
    collaborators_from_rows,
    stats_from_map,
    stats_of_owner,
    topic_shares_from_rows,
)


@dataclass(frozen=True, slots=True)
class ProfileRequest:
    researcher_id: str
    topics_first: int
    collaborators_first: int
    min_shared: int


@dataclass(frozen=True, slots=True)
class Profile:
    stats: ResearcherStats | None  # None: no such researcher
    topic_shares: tuple[TopicShare, ...]
    collaborators: tuple[Collaborator, ...]


FETCH_PROFILES: LiteralString = (
    """
UNWIND $keys AS k
OPTIONAL MATCH (owner:Researcher {id: k.id})
"""
    + WORKS_SPAN_OF_OWNER
    + "\n"
    + COLLABORATOR_RANKING_OF_OWNER
    + "\n"
    + TOPIC_RANKING_OF_OWNER
    + """
RETURN k.id AS id, """
    + stats_of_owner("collaboratorsCount", "closeCount", "size(shares)")
    + """ AS stats,
  shares[..k.topicsFirst] AS shares, collaborators
"""
)


async def fetch_profiles(reader: GraphReader, requests: Sequence[ProfileRequest]) -> list[Profile]:
    records = await reader.read(
        FETCH_PROFILES,
        {
            "keys": [
                {
                    "id": r.researcher_id,
                    "topicsFirst": r.topics_first,
                    "first": r.collaborators_first,
                    "minShared": r.min_shared,
                }
                for r in requests
            ],
            "closeMin": CLOSE_COLLABORATOR_MIN_SHARED,
        },
    )
    return [
        Profile(
            stats_from_map(r["stats"]) if r["stats"] is not None else None,
            topic_shares_from_rows(r["shares"]),
            collaborators_from_rows(r["collaborators"]),
        )
        for r in records
    ]
