"""The naive baseline loader, kept only for benchmarks: one transaction per paper, one MERGE
statement per entity and per edge.

It writes the graph `graphdb.ingest` writes (same rows from `RowBuilder`, same ids, labels,
properties and PendingIdentity marks; `graphdb.identities` settles both the same way), but the
way tutorials do it: no batching, no UNWIND, a round trip per statement. That makes the
comparison with the batched writer about the write strategy alone. A re-loaded paper loses its
old AUTHORED / IN_TOPIC edges first and the last copy wins; there are no content hashes,
freshness checks or checkpoints.
"""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction

from graphdb.ingest import PaperRow, TopicRow, display_name

MERGE_PAPER: LiteralString = """
MERGE (p:Paper {arxivId: $arxivId})
SET p = $props, p.arxivId = $arxivId, p.contentHash = $contentHash, p.freshness = $freshness
"""

DROP_PAPER_EDGES: LiteralString = """
MATCH (p:Paper {arxivId: $arxivId})<-[a:AUTHORED]-(r)
SET r:PendingIdentity
DELETE a
"""

DROP_PAPER_TOPICS: LiteralString = """
MATCH (:Paper {arxivId: $arxivId})-[t:IN_TOPIC]->()
DELETE t
"""

MERGE_TOPIC: LiteralString = """
MERGE (t:Topic {code: $code})
SET t.name = $name, t.archive = $archive, t.group = $group, t.groupName = $groupName,
    t.active = $active
"""

MERGE_IN_TOPIC: LiteralString = """
MATCH (p:Paper {arxivId: $arxivId})
MATCH (t:Topic {code: $code})
MERGE (p)-[e:IN_TOPIC]->(t)
SET e.primary = $primary
"""

MERGE_INSTITUTION: LiteralString = """
MERGE (i:Institution {id: $id})
ON CREATE SET i.name = $name, i.nameKey = $nameKey, i.rorId = $rorId
"""

MERGE_RESEARCHER: LiteralString = """
MERGE (r:Researcher {id: $id})
ON CREATE SET r.nameKey = $nameKey, r.field = $field, r.block = $block,
              r.initialsOnly = $initialsOnly, r.initials = $initials,
              r.isCollaboration = $isCollaboration, r.nameVariants = [$name], r.name = $name,
              r.nameVariantsText = ' ' + $name
SET r:PendingIdentity
"""

MERGE_AUTHORED: LiteralString = """
MATCH (r:Researcher {id: $researcherId})
MATCH (p:Paper {arxivId: $arxivId})
MERGE (r)-[a:AUTHORED]->(p)
SET a.position = $position, a.name = $name, a.initials = $initials,
    a.institutionIds = $institutionIds
"""


def write_paper_naively(
    driver: Driver, database: str, row: PaperRow, topics: list[TopicRow]
) -> None:
    """One paper in its own transaction, one statement per node and per relationship."""

    def work(tx: ManagedTransaction) -> None:
        arxiv_id = row["arxivId"]
        tx.run(DROP_PAPER_EDGES, arxivId=arxiv_id).consume()
        tx.run(DROP_PAPER_TOPICS, arxivId=arxiv_id).consume()
        tx.run(
            MERGE_PAPER,
            arxivId=arxiv_id,
            props=row["props"],
            contentHash=row["contentHash"],
            freshness=row["freshness"],
        ).consume()
        for topic in topics:
            tx.run(MERGE_TOPIC, _topic_parameters(topic)).consume()
        for edge in row["topics"]:
            tx.run(
                MERGE_IN_TOPIC, arxivId=arxiv_id, code=edge["code"], primary=edge["primary"]
            ).consume()
        for institution in row.get("institutions", []):
            tx.run(
                MERGE_INSTITUTION,
                id=institution["id"],
                name=institution["name"],
                nameKey=institution["nameKey"],
                rorId=institution["rorId"],
            ).consume()
        for author in row["authors"]:
            tx.run(
                MERGE_RESEARCHER,
                id=author["id"],
                nameKey=author["nameKey"],
                field=author["field"],
                block=f"{author['nameKey']}|{author['field']}",
                initialsOnly=author["initialsOnly"],
                initials=author["initials"],
                isCollaboration=author["isCollaboration"],
                name=display_name([author["name"]]),
            ).consume()
            tx.run(
                MERGE_AUTHORED,
                researcherId=author["id"],
                arxivId=arxiv_id,
                position=author["position"],
                name=author["name"],
                initials=author["initials"],
                institutionIds=author["institutionIds"],
            ).consume()

    with driver.session(database=database) as session:
        session.execute_write(work)


def _topic_parameters(topic: TopicRow) -> dict[str, Any]:
    return dict(topic)
