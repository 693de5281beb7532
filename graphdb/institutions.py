"""Reading institutions and the researchers affiliated with them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import LiteralString

from graphdb.connection import GraphReader


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
