"""Reading topics (arXiv categories) and the papers filed under them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from graphdb.connection import GraphReader


@dataclass(frozen=True, slots=True)
class Topic:
    code: str
    name: str
    archive: str | None
    group: str | None
    group_name: str | None
    active: bool
    works_count: int


# A map projection over `t`, shared by every query that returns topics, so lists of topics
# (a paper's, a researcher's ranking) arrive complete and need no second lookup.
TOPIC_FIELDS: LiteralString = """
  .code, .name, .archive, .group, .groupName, .active,
  works: COUNT { (t)<-[:IN_TOPIC]-() }
"""

FETCH_TOPICS: LiteralString = (
    """
UNWIND $keys AS key
OPTIONAL MATCH (t:Topic {code: key})
RETURN key, CASE WHEN t IS NULL THEN NULL ELSE t {"""
    + TOPIC_FIELDS
    + """} END AS topic
"""
)

# Counting primary papers reads every IN_TOPIC edge of the topic (the total above is the node's
# stored degree): a separate query, run only when a client asks for the number.
FETCH_PRIMARY_COUNTS: LiteralString = """
UNWIND $keys AS key
OPTIONAL MATCH (t:Topic {code: key})
RETURN key, COUNT { (t)<-[:IN_TOPIC {primary: true}]-() } AS primaryWorks
"""


async def fetch_topics(reader: GraphReader, codes: Sequence[str]) -> list[Topic | None]:
    records = await reader.read(FETCH_TOPICS, {"keys": list(codes)})
    return [None if r["topic"] is None else topic_from_map(r["topic"]) for r in records]


def topic_from_map(row: dict[str, Any]) -> Topic:
    return Topic(
        code=row["code"],
        name=row["name"] or row["code"],
        archive=row["archive"],
        group=row["group"],
        group_name=row["groupName"],
        active=bool(row["active"]) if row["active"] is not None else True,
        works_count=row["works"],
    )


async def fetch_primary_counts(reader: GraphReader, codes: Sequence[str]) -> list[int]:
    records = await reader.read(FETCH_PRIMARY_COUNTS, {"keys": list(codes)})
    return [int(r["primaryWorks"]) for r in records]
