"""The neighbourhood of a researcher, ranked: the raw material of a research-graph slice.

Depth 1 is the researcher's works (most recent first, capped), everyone who signed them, their
topics and the affiliations of those people. Depth 2 adds, for the strongest co-authors, their
own recent works and, with them, the second ring of co-authors.

The weights of docs/api.md ("Research graph") are summed and ranked here, in the database, so
that only the best `places` candidates of each kind cross the wire, with what their edges need
(which slice papers each one touches). A prolific researcher's neighbourhood is ~1,500 author
slots; sending them all to be counted in Python cost more than the query itself. Weights are
ranked as integers (quarters, halves and tenths of the documented weights), so the order is
exact; `resolvers.graphslice` turns them back into the documented weights and fills the slice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString, NamedTuple

from graphdb.connection import GraphReader

MAX_OWN_PAPERS = 200
RING_RESEARCHERS = 25
PAPERS_PER_RING_RESEARCHER = 8


# Named tuples built straight from the list rows of the query (no keys on the wire). `slots`
# are positions in the slice's paper list (the centre's own works first, then the ring's), the
# Bolt lists read as they are.
class PaperCandidate(NamedTuple):
    slot: int
    arxiv_id: str
    title: str
    year: int | None
    own: bool
    ring_authors: int  # first-ring co-authors (the centre's co-authors) who signed it


class ResearcherCandidate(NamedTuple):
    id: str
    name: str
    shared: int  # the centre's slice works they signed
    signed: int  # all slice works they signed
    slots: list[int]
    affiliations: tuple[tuple[str, int], ...]  # (institution id, works)


class TopicCandidate(NamedTuple):
    code: str
    name: str
    own: int  # the centre's slice works filed under it
    others: int
    slots: list[int]


class InstitutionCandidate(NamedTuple):
    id: str
    name: str
    weight: int  # works of slice researchers affiliated with it, the centre's counting double


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    center_id: str
    center_name: str
    # The best `places` of each kind, best first, and how many there were in all.
    papers: tuple[PaperCandidate, ...]
    researchers: tuple[ResearcherCandidate, ...]
    topics: tuple[TopicCandidate, ...]
    institutions: tuple[InstitutionCandidate, ...]
    totals: tuple[int, int, int, int]  # papers, researchers, topics, institutions
    # The slots the centre signed and the centre's affiliations (when it signed a slice work).
    center_slots: tuple[int, ...] = ()
    center_affiliations: tuple[tuple[str, int], ...] = ()


# The ranks (ties: newest, then key) are those of docs/api.md, as integers:
#   paper:       10 * weight = (10 own | 5 other) + min(10, first-ring co-authors on it)
#   researcher:   4 * weight = 4 * shared own works + 1 * other slice works signed
#   topic:        2 * weight = 2 * own works filed + 1 * other slice works filed
#   institution:      weight = sum over affiliated slice researchers of max(1, works), x2 centre
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
WITH k, c, own + [q IN ring WHERE NOT q IN own] AS papers, size(own) AS nOwn
CALL (papers) {
  UNWIND range(0, size(papers) - 1) AS i
  WITH i, papers[i] AS p
  MATCH (p)<-[:AUTHORED]-(r:Researcher)
  WITH r, collect(DISTINCT i) AS slots
  RETURN collect({r: r, slots: slots}) AS signers
}
WITH k, c, papers, nOwn, signers, [x IN signers WHERE x.r = c] AS me,
  [x IN signers WHERE x.r <> c |
    {r: x.r, slots: x.slots, shared: size([i IN x.slots WHERE i < nOwn])}] AS people
CALL (k, people) {
  UNWIND people AS x
  WITH x ORDER BY 3 * x.shared + size(x.slots) DESC, x.r.id
  WITH k, collect(x) AS ranked
  UNWIND ranked[..k.places] AS x
  WITH x, x.r AS r
  RETURN collect([r.id, r.name, x.shared, size(x.slots), x.slots, COLLECT {
    MATCH (r)-[a:AFFILIATED_WITH]->(i:Institution) RETURN [i.id, a.works]
  }]) AS researchers
}
CALL (people, papers, nOwn) {
  CALL (people, papers) {
    UNWIND people AS x
    WITH x WHERE x.shared > 0
    UNWIND x.slots AS i
    RETURN i, 1 AS n
    UNION ALL
    UNWIND range(0, size(papers) - 1) AS i
    RETURN i, 0 AS n
  }
  WITH i, sum(n) AS ringAuthors
  WITH i, papers[i] AS p, ringAuthors, i < nOwn AS isOwn
  ORDER BY CASE WHEN isOwn THEN 10 ELSE 5 END
             + CASE WHEN ringAuthors > 10 THEN 10 ELSE ringAuthors END DESC,
           coalesce(p.year, 0) DESC, p.arxivId
  RETURN collect([i, p.arxivId, p.title, p.year, isOwn, ringAuthors]) AS paperRanks
}
CALL (papers, nOwn) {
  UNWIND range(0, size(papers) - 1) AS i
  WITH i, papers[i] AS p
  MATCH (p)-[:IN_TOPIC]->(t:Topic)
  WITH t, collect(DISTINCT i) AS slots
  WITH t, slots, size([i IN slots WHERE i < nOwn]) AS ownWorks
  ORDER BY 2 * ownWorks + (size(slots) - ownWorks) DESC, t.code
  RETURN collect([t.code,
    CASE WHEN t.name IS NULL OR t.name = '' THEN t.code ELSE t.name END,
    ownWorks, size(slots) - ownWorks, slots]) AS topicRanks
}
CALL (c, signers) {
  UNWIND signers AS x
  WITH x.r AS r
  MATCH (r)-[a:AFFILIATED_WITH]->(i:Institution)
  WITH i, sum(CASE WHEN r = c THEN 2 ELSE 1 END
              * CASE WHEN a.works > 1 THEN a.works ELSE 1 END) AS weight
  ORDER BY weight DESC, i.id
  RETURN collect([i.id, i.name, weight]) AS institutionRanks
}
RETURN k.id AS id, c.name AS name, researchers, paperRanks[..k.places] AS papers,
  topicRanks[..k.places] AS topics, institutionRanks[..k.places] AS institutions,
  [size(papers), size(people), size(topicRanks), size(institutionRanks)] AS totals,
  [x IN me | x.slots][0] AS centerSlots,
  CASE WHEN size(me) = 0 THEN [] ELSE COLLECT {
    MATCH (c)-[a:AFFILIATED_WITH]->(i:Institution) RETURN [i.id, a.works]
  } END AS centerAffiliations
"""


async def fetch_neighbourhoods(
    reader: GraphReader, keys: Sequence[tuple[str, int, int]]
) -> list[Neighbourhood | None]:
    """Neighbourhoods for (researcher id, depth, places) keys: the best `places` per kind."""
    records = await reader.read(
        FETCH_NEIGHBOURHOODS,
        {
            "keys": [
                {"id": center, "depth": depth, "places": places} for center, depth, places in keys
            ],
            "maxOwn": MAX_OWN_PAPERS,
            "ring": RING_RESEARCHERS,
            "perRing": PAPERS_PER_RING_RESEARCHER,
        },
    )
    return [
        None
        if record["name"] is None
        else neighbourhood_from_lists(
            record["id"],
            record["name"],
            record["papers"],
            record["researchers"],
            record["topics"],
            record["institutions"],
            record["totals"],
            record["centerSlots"],
            record["centerAffiliations"],
        )
        for record in records
    ]


def neighbourhood_from_lists(
    center_id: str,
    center_name: str,
    papers: list[list[Any]],
    researchers: list[list[Any]],
    topics: list[list[Any]],
    institutions: list[list[Any]],
    totals: list[int],
    center_slots: list[int] | None,
    center_affiliations: list[list[Any]],
) -> Neighbourhood:
    """A `Neighbourhood` from the list rows FETCH_NEIGHBOURHOODS returns (the bench's too)."""
    return Neighbourhood(
        center_id=center_id,
        center_name=center_name,
        papers=tuple(map(PaperCandidate._make, papers)),
        researchers=tuple(map(_researcher, researchers)),
        topics=tuple(map(TopicCandidate._make, topics)),
        institutions=tuple(map(InstitutionCandidate._make, institutions)),
        totals=(totals[0], totals[1], totals[2], totals[3]),
        center_slots=tuple(center_slots or ()),
        center_affiliations=_pairs(center_affiliations),
    )


def _researcher(row: list[Any]) -> ResearcherCandidate:
    key, name, shared, signed, slots, affiliations = row
    return ResearcherCandidate(key, name, shared, signed, slots, _pairs(affiliations))


def _pairs(rows: list[list[Any]]) -> tuple[tuple[str, int], ...]:
    return tuple((institution, works) for institution, works in rows)
