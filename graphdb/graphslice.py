"""The neighbourhood of a researcher: the raw material of a research-graph slice.

Depth 1 is the researcher's works (most recent first, capped), everyone who signed them, their
topics and the affiliations of those people. Depth 2 adds, for the strongest co-authors, their
own recent works and, with them, the second ring of co-authors. Ranking and truncation to the
requested size happen in `resolvers.graphslice`, deterministically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import LiteralString, NamedTuple

from graphdb.connection import GraphReader

MAX_OWN_PAPERS = 200
RING_RESEARCHERS = 25
PAPERS_PER_RING_RESEARCHER = 8


# Named tuples, built straight from the list rows of the query: a prolific researcher's
# neighbourhood is ~1,500 rows, and maps (keys on the wire) plus frozen dataclasses (a
# `object.__setattr__` per field) made building it a tenth of a page's CPU.
class SlicePaper(NamedTuple):
    arxiv_id: str
    title: str
    year: int | None
    own: bool


class SliceAuthorship(NamedTuple):
    arxiv_id: str
    researcher_id: str
    name: str


class SliceTopic(NamedTuple):
    arxiv_id: str
    code: str
    name: str


class SliceAffiliation(NamedTuple):
    researcher_id: str
    institution_id: str
    name: str
    works: int


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    center_id: str
    center_name: str
    papers: tuple[SlicePaper, ...]
    authorships: tuple[SliceAuthorship, ...]
    topics: tuple[SliceTopic, ...]
    affiliations: tuple[SliceAffiliation, ...]


FETCH_NEIGHBOURHOODS: LiteralString = """
UNWIND $keys AS k
OPTIONAL MATCH (c:Researcher {id: k.id})
WITH k, c, COLLECT {
  MATCH (c)-[:AUTHORED]->(p:Paper)
  RETURN p ORDER BY p.firstSubmitted DESC, p.arxivId DESC LIMIT $maxOwn
} AS own
WITH k, c, own, CASE WHEN k.depth < 2 OR c IS NULL THEN [] ELSE COLLECT {
  MATCH (c)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(r:Researcher)
  WHERE r <> c
  WITH r, count(*) AS shared ORDER BY shared DESC, r.id LIMIT $ring
  CALL (r) {
    MATCH (r)-[:AUTHORED]->(q:Paper)
    RETURN q ORDER BY q.firstSubmitted DESC, q.arxivId DESC LIMIT $perRing
  }
  RETURN DISTINCT q
} END AS ring
WITH k, c, own, [q IN ring WHERE NOT q IN own] AS others
WITH k, c, own, own + others AS papers
RETURN k.id AS id, c.name AS name,
  [p IN papers | [p.arxivId, p.title, p.year, p IN own]] AS papers,
  COLLECT {
    UNWIND papers AS p
    MATCH (p)<-[:AUTHORED]-(r:Researcher)
    RETURN [p.arxivId, r.id, r.name] AS a
  } AS authorships,
  COLLECT {
    UNWIND papers AS p
    MATCH (p)-[:IN_TOPIC]->(t:Topic)
    RETURN [p.arxivId, t.code,
            CASE WHEN t.name IS NULL OR t.name = '' THEN t.code ELSE t.name END] AS t
  } AS topics,
  COLLECT {
    UNWIND papers AS p
    MATCH (p)<-[:AUTHORED]-(r:Researcher)
    WITH DISTINCT r
    MATCH (r)-[a:AFFILIATED_WITH]->(i:Institution)
    RETURN [r.id, i.id, i.name, a.works] AS f
  } AS affiliations
"""


async def fetch_neighbourhoods(
    reader: GraphReader, keys: Sequence[tuple[str, int]]
) -> list[Neighbourhood | None]:
    records = await reader.read(
        FETCH_NEIGHBOURHOODS,
        {
            "keys": [{"id": center, "depth": depth} for center, depth in keys],
            "maxOwn": MAX_OWN_PAPERS,
            "ring": RING_RESEARCHERS,
            "perRing": PAPERS_PER_RING_RESEARCHER,
        },
    )
    result: list[Neighbourhood | None] = []
    for record in records:
        if record["name"] is None:
            result.append(None)
            continue
        result.append(
            Neighbourhood(
                center_id=record["id"],
                center_name=record["name"],
                papers=tuple(map(SlicePaper._make, record["papers"])),
                authorships=tuple(map(SliceAuthorship._make, record["authorships"])),
                topics=tuple(map(SliceTopic._make, record["topics"])),
                affiliations=tuple(map(SliceAffiliation._make, record["affiliations"])),
            )
        )
    return result
