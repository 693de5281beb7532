"""A canonical picture of the whole graph, for "same graph" assertions."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from neo4j import Driver

PAPERS = """
MATCH (p:Paper)
RETURN p.arxivId AS id, properties(p) AS props,
       COLLECT { MATCH (p)<-[a:AUTHORED]-(r) RETURN [a.position, r.id, a.institutionIds]
                 ORDER BY a.position } AS authors,
       COLLECT { MATCH (p)-[t:IN_TOPIC]->(x) RETURN [x.code, t.primary] ORDER BY x.code } AS topics
ORDER BY id
"""
RESEARCHERS = """
MATCH (r:Researcher)
RETURN r.id AS id, properties(r) AS props,
       COLLECT { MATCH (r)-[f:AFFILIATED_WITH]->(i)
                 RETURN [i.id, f.works, f.firstYear, f.lastYear] ORDER BY i.id } AS affiliations
ORDER BY id
"""
OTHERS = """
MATCH (n) WHERE n:Topic OR n:Institution
RETURN labels(n) AS labels, properties(n) AS props ORDER BY labels[0], coalesce(n.code, n.id)
"""
COUNTS = """
CALL () { MATCH (n) WHERE NOT n:SchemaMigration AND NOT n:IngestCheckpoint
          RETURN labels(n)[0] AS kind, count(*) AS n
          UNION ALL
          MATCH ()-[r]->() RETURN type(r) AS kind, count(*) AS n }
RETURN kind, sum(n) AS n ORDER BY kind
"""


def counts(driver: Driver) -> dict[str, int]:
    records, _, _ = driver.execute_query(COUNTS)
    return {r["kind"]: r["n"] for r in records}


def snapshot(driver: Driver) -> dict[str, Any]:
    out: dict[str, Any] = {"counts": counts(driver)}
    for name, query in (("papers", PAPERS), ("researchers", RESEARCHERS), ("others", OTHERS)):
        records, _, _ = driver.execute_query(query)
        out[name] = [_plain(r.data()) for r in records]
    return out


def digest(driver: Driver) -> str:
    return hashlib.sha256(json.dumps(snapshot(driver), sort_keys=True).encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        # Times of computation, not data: they differ between two runs over the same input.
        return {k: _plain(v) for k, v in value.items() if k not in {"updatedAt", "trustUpdatedAt"}}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
