"""Reading institutions and the researchers affiliated with them; linking them to ROR."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import Driver

from graphdb.connection import GraphReader, again_if_commit_lost


@dataclass(frozen=True, slots=True)
class Institution:
    id: str
    name: str
    ror_id: str | None
    researchers_count: int
    researcher_ids: tuple[str, ...]  # the most active first, at most `first`


FETCH_INSTITUTIONS: LiteralString = """
UNWIND $keys AS k
OPTIONAL MATCH (i:Institution {id: k.id})
CALL (i) {
  OPTIONAL MATCH (i)<-[a:AFFILIATED_WITH]-(r:Researcher)
  WITH a, r WHERE r IS NOT NULL
  ORDER BY a.works DESC, a.lastYear DESC, r.id
  RETURN collect(r.id) AS ranked
}
RETURN k.id AS id, CASE WHEN i IS NULL THEN NULL ELSE {
  id: i.id, name: i.name, rorId: i.rorId, researchers: size(ranked), top: ranked[..k.first]
} END AS institution
"""


async def fetch_institutions(
    reader: GraphReader, keys: Sequence[tuple[str, int]]
) -> list[Institution | None]:
    records = await reader.read(
        FETCH_INSTITUTIONS, {"keys": [{"id": i, "first": first} for i, first in keys]}
    )
    result: list[Institution | None] = []
    for record in records:
        row = record["institution"]
        result.append(
            None
            if row is None
            else Institution(
                id=row["id"],
                name=row["name"],
                ror_id=row["rorId"],
                researchers_count=row["researchers"],
                researcher_ids=tuple(row["top"]),
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class RorLink:
    ror_id: str
    institution_id: str
    domains_added: int
    domains_removed: int  # added by an earlier ROR load, gone from this one


# An institution is the organisation's when it already carries its ROR id (linked at
# ingestion), or when it has none and its name key is one of the organisation's names. ROR's
# mail domains are added to the ones an administrator set, never replacing them; `rorDomains`
# remembers which ones ROR added, so a domain a later ROR release drops is removed again.
LINK_ROR_ORGANISATIONS: LiteralString = """
UNWIND $organisations AS org
CALL (org) {
  MATCH (i:Institution {rorId: org.rorId})
  RETURN i
  UNION
  UNWIND org.keys AS key
  MATCH (i:Institution {nameKey: key})
  WHERE i.rorId IS NULL
  RETURN i
}
WITH org, i, coalesce(i.domains, []) AS before, coalesce(i.rorDomains, []) AS owned
WITH org, i, before, owned, [d IN before WHERE NOT d IN owned OR d IN org.domains] AS kept
WITH org, i, before, owned, kept, [d IN org.domains WHERE NOT d IN kept] AS added
SET i.rorId = org.rorId,
    i.rorName = org.name,
    i.acronyms = org.acronyms,
    i.domains = kept + added,
    i.rorDomains = [d IN owned WHERE d IN org.domains] + added
RETURN org.rorId AS rorId, i.id AS institutionId, size(added) AS added,
       size(before) - size(kept) AS removed
"""


def link_ror_organisations(
    driver: Driver, database: str, organisations: list[dict[str, Any]]
) -> list[RorLink]:
    """`organisations`: {rorId, name, keys, acronyms, domains}; one write transaction.

    Run again if its commit's answer is lost with the connection: linking is idempotent (the
    links are the same; only the counts of domains added and removed then read 0).
    """
    records, _, _ = again_if_commit_lost(
        lambda: driver.execute_query(
            LINK_ROR_ORGANISATIONS, organisations=organisations, database_=database
        )
    )
    return [
        RorLink(r["rorId"], r["institutionId"], int(r["added"]), int(r["removed"])) for r in records
    ]
