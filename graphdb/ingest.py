"""Batched, idempotent writes of papers with their authors, topics and institutions.

One managed write transaction per batch (retried by the driver on transient errors) writes the
papers, their edges and the loader's checkpoint together: after a crash the checkpoint and the
graph agree, and re-running from the checkpoint ends in the graph an uninterrupted run gives.

A paper whose `contentHash` is unchanged is left alone. A changed paper gets its properties
replaced and its AUTHORED / IN_TOPIC edges rebuilt, so a newer version never leaves stale edges.
`AFFILIATED_WITH` is derived: it is recomputed, for the researchers a batch touched, from the
institution ids on their AUTHORED edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString, NotRequired, TypedDict

from neo4j import Driver, ManagedTransaction


class TopicRow(TypedDict):
    code: str
    name: str
    archive: str
    group: str
    groupName: str
    active: bool


class InstitutionRow(TypedDict):
    id: str
    name: str
    nameKey: str
    rorId: str | None


class AuthorRow(TypedDict):
    id: str
    name: str
    nameKey: str
    field: str
    position: int
    isCollaboration: bool
    institutionIds: list[str]


class PaperRow(TypedDict):
    arxivId: str
    contentHash: str
    freshness: str
    props: dict[str, Any]
    authors: list[AuthorRow]
    topics: list[dict[str, Any]]  # {code, primary}
    institutions: NotRequired[list[InstitutionRow]]


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    created: int
    updated: int
    unchanged: int
    stale: int  # an older version of a record the graph already holds in a newer version


@dataclass(frozen=True, slots=True)
class Checkpoint:
    source: str
    fingerprint: str
    position: int
    done: bool


UPSERT_TOPICS: LiteralString = """
UNWIND $topics AS t
MERGE (topic:Topic {code: t.code})
SET topic.name = t.name, topic.archive = t.archive, topic.group = t.group,
    topic.groupName = t.groupName, topic.active = t.active
"""

UPSERT_INSTITUTIONS: LiteralString = """
UNWIND $institutions AS inst
MERGE (i:Institution {id: inst.id})
ON CREATE SET i.name = inst.name, i.nameKey = inst.nameKey, i.rorId = inst.rorId
"""

# Classify every paper of the batch first, so the counts are exact and unchanged papers cost
# one index lookup.
CLASSIFY_PAPERS: LiteralString = """
UNWIND $papers AS row
OPTIONAL MATCH (p:Paper {arxivId: row.arxivId})
RETURN row.arxivId AS arxivId,
       CASE
         WHEN p IS NULL THEN 'created'
         WHEN p.contentHash = row.contentHash THEN 'unchanged'
         WHEN p.freshness > row.freshness THEN 'stale'
         ELSE 'updated'
       END AS outcome
"""

WRITE_PAPERS: LiteralString = """
UNWIND $papers AS row
MERGE (p:Paper {arxivId: row.arxivId})
SET p = row.props, p.arxivId = row.arxivId, p.contentHash = row.contentHash,
    p.freshness = row.freshness
WITH p, row
CALL (p) {
  MATCH (p)<-[a:AUTHORED]-()
  DELETE a
}
CALL (p) {
  MATCH (p)-[t:IN_TOPIC]->()
  DELETE t
}
CALL (p, row) {
  UNWIND row.topics AS t
  MATCH (topic:Topic {code: t.code})
  CREATE (p)-[:IN_TOPIC {primary: t.primary}]->(topic)
}
CALL (p, row) {
  UNWIND row.authors AS au
  MERGE (r:Researcher {id: au.id})
  ON CREATE SET r.nameKey = au.nameKey, r.field = au.field,
                r.isCollaboration = au.isCollaboration, r.nameVariants = []
  WITH r, au
  SET r.nameVariants = CASE WHEN au.name IN r.nameVariants THEN r.nameVariants
                            ELSE COLLECT { UNWIND r.nameVariants + [au.name] AS v
                                           RETURN v ORDER BY v } END
  SET r.name = head(COLLECT { UNWIND r.nameVariants AS v RETURN v ORDER BY size(v) DESC, v }),
      r.nameVariantsText = reduce(s = '', v IN r.nameVariants | s + ' ' + v)
  CREATE (r)-[:AUTHORED {position: au.position, institutionIds: au.institutionIds}]->(p)
}
"""

REFRESH_AFFILIATIONS: LiteralString = """
UNWIND $researcherIds AS rid
MATCH (r:Researcher {id: rid})
CALL (r) {
  MATCH (r)-[x:AFFILIATED_WITH]->()
  DELETE x
}
CALL (r) {
  MATCH (r)-[a:AUTHORED]->(p:Paper)
  UNWIND a.institutionIds AS iid
  WITH iid, count(*) AS works, min(p.year) AS firstYear, max(p.year) AS lastYear
  MATCH (i:Institution {id: iid})
  CREATE (r)-[:AFFILIATED_WITH {works: works, firstYear: firstYear, lastYear: lastYear}]->(i)
}
"""

SAVE_CHECKPOINT: LiteralString = """
MERGE (c:IngestCheckpoint {source: $source})
SET c.fingerprint = $fingerprint, c.position = $position, c.done = $done,
    c.updatedAt = datetime()
"""

FETCH_CHECKPOINT: LiteralString = """
MATCH (c:IngestCheckpoint {source: $source})
RETURN c.fingerprint AS fingerprint, c.position AS position, c.done AS done
"""

DELETE_CHECKPOINTS: LiteralString = "MATCH (c:IngestCheckpoint) DELETE c"


def upsert_topics(driver: Driver, database: str, topics: list[TopicRow]) -> None:
    driver.execute_query(UPSERT_TOPICS, topics=topics, database_=database)


def write_batch(
    driver: Driver,
    database: str,
    papers: list[PaperRow],
    checkpoint: Checkpoint | None = None,
) -> BatchOutcome:
    """Write one batch and its checkpoint in one transaction; return what it did."""

    def work(tx: ManagedTransaction) -> BatchOutcome:
        # Within a batch the last occurrence of an id wins, as it would across batches.
        latest: dict[str, PaperRow] = {}
        for row in papers:
            latest[row["arxivId"]] = row
        rows = list(latest.values())
        outcomes = {
            record["arxivId"]: record["outcome"] for record in tx.run(CLASSIFY_PAPERS, papers=rows)
        }
        changed = [r for r in rows if outcomes[r["arxivId"]] in ("created", "updated")]
        if changed:
            institutions = {
                inst["id"]: inst for row in changed for inst in row.get("institutions", [])
            }
            if institutions:
                tx.run(UPSERT_INSTITUTIONS, institutions=list(institutions.values())).consume()
            tx.run(WRITE_PAPERS, papers=changed).consume()
            researcher_ids = sorted(
                {a["id"] for row in changed for a in row["authors"] if a["institutionIds"]}
            )
            if researcher_ids:
                tx.run(REFRESH_AFFILIATIONS, researcherIds=researcher_ids).consume()
        if checkpoint is not None:
            tx.run(
                SAVE_CHECKPOINT,
                source=checkpoint.source,
                fingerprint=checkpoint.fingerprint,
                position=checkpoint.position,
                done=checkpoint.done,
            ).consume()
        counted = list(outcomes.values())
        duplicates = len(papers) - len(rows)
        return BatchOutcome(
            created=counted.count("created"),
            updated=counted.count("updated"),
            unchanged=counted.count("unchanged") + duplicates,
            stale=counted.count("stale"),
        )

    with driver.session(database=database) as session:
        return session.execute_write(work)


def save_checkpoint(driver: Driver, database: str, checkpoint: Checkpoint) -> None:
    driver.execute_query(
        SAVE_CHECKPOINT,
        source=checkpoint.source,
        fingerprint=checkpoint.fingerprint,
        position=checkpoint.position,
        done=checkpoint.done,
        database_=database,
    )


def fetch_checkpoint(driver: Driver, database: str, source: str) -> Checkpoint | None:
    records, _, _ = driver.execute_query(FETCH_CHECKPOINT, source=source, database_=database)
    if not records:
        return None
    record = records[0]
    return Checkpoint(source, record["fingerprint"], record["position"], bool(record["done"]))


def delete_checkpoints(driver: Driver, database: str) -> None:
    driver.execute_query(DELETE_CHECKPOINTS, database_=database)
