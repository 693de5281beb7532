"""Batched, idempotent writes of papers with their authors, topics and institutions.

One managed write transaction per batch (retried by the driver on transient errors) writes the
papers and their edges; a harvest's checkpoint commits in the same transaction, while the file
loader moves its checkpoints after the commit (`loaders.inflight`). Either way a checkpoint
never claims an uncommitted record, and re-running from it ends in the graph an uninterrupted
run gives.

Several writers may run batches at once: researchers, institutions and topics are locked in
key order, so two batches of new papers do not deadlock; a batch that updates papers locks
their old authors in paper order, and a deadlock there is retried like any transient error.

A paper whose `contentHash` is unchanged is left alone. A changed paper gets its properties
replaced and its AUTHORED / IN_TOPIC edges rebuilt, so a newer version never leaves stale edges.
Researchers a batch touches are labelled `PendingBlock` (their block's merge decision may
change) and, when their names or affiliations changed, `PendingIdentity`; `graphdb.identities`
settles both once the load's batches are in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString, NotRequired, TypedDict

from neo4j import Driver, ManagedTransaction

from graphdb.connection import Rows, again_if_commit_lost


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
    initialsOnly: bool
    initials: str
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
    """How far a source has been written. For files: the last committed record's location.

    For harvests `cursor` holds the resumptionToken of the next page and `watermark` the latest
    datestamp seen, from which the next incremental harvest starts.
    """

    source: str
    fingerprint: str
    position: int
    done: bool
    cursor: str | None = None
    watermark: str | None = None


UPSERT_TOPICS: LiteralString = """
UNWIND $topics AS t
MERGE (topic:Topic {code: t.code})
SET topic.name = t.name, topic.archive = t.archive, topic.group = t.group,
    topic.groupName = t.groupName, topic.active = t.active
"""

# Spellings that normalise alike share an institution, and so do those that map to one ROR
# organisation: its name is the greatest of the names they carry (code point order, which
# prefers "Université" to "Universite"; ROR's own name when the organisation record is
# loaded, which all of them then carry), with that name's key, so neither depends on load
# order nor on which writer commits first.
UPSERT_INSTITUTIONS: LiteralString = """
UNWIND $institutions AS inst
MERGE (i:Institution {id: inst.id})
ON CREATE SET i.name = inst.name, i.nameKey = inst.nameKey, i.rorId = inst.rorId
WITH i, inst
WHERE inst.name > i.name
SET i.name = inst.name, i.nameKey = inst.nameKey
"""

# One pass over the batch classifies each paper and writes the ones that changed; an unchanged
# paper costs one index lookup. A stale copy (older than what the graph holds) is left alone.
# The outcomes come back as one list of [arxivId, outcome] pairs.
WRITE_PAPERS: LiteralString = """
UNWIND $papers AS row
MERGE (p:Paper {arxivId: row.arxivId})
WITH p, row,
     CASE
       WHEN p.contentHash IS NULL THEN 'created'
       WHEN p.contentHash = row.contentHash THEN 'unchanged'
       WHEN p.freshness > row.freshness THEN 'stale'
       ELSE 'updated'
     END AS outcome
CALL (p, row, outcome) {
  WITH * WHERE outcome IN ['created', 'updated']
  SET p = row.props, p.arxivId = row.arxivId, p.contentHash = row.contentHash,
      p.freshness = row.freshness,
      p.firstSubmitted = date(row.props.firstSubmitted),
      p.lastUpdated = date(row.props.lastUpdated),
      p.versionDates = [m IN row.props.versionDates | datetime({epochMillis: m})]
}
RETURN collect([row.arxivId, outcome]) AS outcomes
"""

DETACH_PAPERS: LiteralString = """
UNWIND $arxivIds AS id
MATCH (p:Paper {arxivId: id})
CALL (p) {
  MATCH (p)<-[a:AUTHORED]-(r)
  SET r:PendingIdentity:PendingBlock
  DELETE a
}
CALL (p) {
  MATCH (p)-[t:IN_TOPIC]->()
  DELETE t
}
"""

# A new researcher gets its names from this batch. Every touched researcher is labelled
# PendingBlock; one whose names or affiliations changed also PendingIdentity. The labels survive
# a crash, and `graphdb.identities` settles them from the AUTHORED edges after the batches, so
# the result depends neither on batch boundaries nor on load order. Each researcher's AUTHORED
# edges of the batch are created here, from the researcher just merged: a separate statement
# looked every researcher up again per edge (10 % slower batches, docs/benchmarks.md).
UPSERT_RESEARCHERS: LiteralString = """
UNWIND $researchers AS row
MERGE (r:Researcher {id: row.id})
ON CREATE SET r.nameKey = row.nameKey, r.field = row.field, r.block = row.block,
              r.initialsOnly = row.initialsOnly, r.initials = row.initials,
              r.isCollaboration = row.isCollaboration,
              r.nameVariants = row.names, r.name = row.name, r.nameVariantsText = row.namesText
SET r:PendingBlock
WITH r, row
CALL (r, row) {
  WITH * WHERE row.hasInstitutions OR any(n IN row.names WHERE NOT n IN r.nameVariants)
  SET r:PendingIdentity
}
CALL (r, row) {
  UNWIND row.edges AS e
  MATCH (p:Paper {arxivId: e.arxivId})
  CREATE (r)-[:AUTHORED {position: e.position, name: e.name, initials: e.initials,
                         institutionIds: e.institutionIds}]->(p)
}
"""

CREATE_IN_TOPIC: LiteralString = """
UNWIND $edges AS e
MATCH (p:Paper {arxivId: e.arxivId})
MATCH (t:Topic {code: e.code})
CREATE (p)-[:IN_TOPIC {primary: e.primary}]->(t)
"""

SAVE_CHECKPOINT: LiteralString = """
MERGE (c:IngestCheckpoint {source: $source})
SET c.fingerprint = $fingerprint, c.position = $position, c.done = $done,
    c.cursor = $cursor, c.watermark = $watermark, c.updatedAt = datetime()
"""

FETCH_CHECKPOINT: LiteralString = """
MATCH (c:IngestCheckpoint {source: $source})
RETURN c.fingerprint AS fingerprint, c.position AS position, c.done AS done,
       c.cursor AS cursor, c.watermark AS watermark
"""

DELETE_CHECKPOINTS: LiteralString = "MATCH (c:IngestCheckpoint) DELETE c"


def upsert_topics(driver: Driver, database: str, topics: list[TopicRow]) -> None:
    again_if_commit_lost(
        lambda: driver.execute_query(UPSERT_TOPICS, topics=topics, database_=database)
    )


def write_batch(
    driver: Driver,
    database: str,
    papers: list[PaperRow],
    checkpoint: Checkpoint | None = None,
    topics: list[TopicRow] | None = None,
) -> BatchOutcome:
    """Write one batch (and the topics and checkpoint given) in one transaction."""

    def work(tx: ManagedTransaction) -> BatchOutcome:
        if topics:
            tx.run(UPSERT_TOPICS, topics=topics).consume()
        # Within a batch the last occurrence of an id wins, as it would across batches.
        latest: dict[str, PaperRow] = {}
        for row in papers:
            latest[row["arxivId"]] = row
        rows = list(latest.values())
        # One record holding every outcome: a record per paper costs the driver more.
        result = tx.run(WRITE_PAPERS, papers=Rows(_paper_parameters(r) for r in rows)).single()
        outcomes: dict[str, str] = dict(result["outcomes"]) if result else {}
        changed = [r for r in rows if outcomes[r["arxivId"]] in ("created", "updated")]
        if changed:
            institutions: dict[str, InstitutionRow] = {}
            for row in changed:
                for inst in row.get("institutions", []):
                    known = institutions.get(inst["id"])
                    if known is None or inst["name"] > known["name"]:
                        institutions[inst["id"]] = inst
            if institutions:
                # Sorted, like researchers, so that concurrent writers lock in the same order.
                ordered = [institutions[key] for key in sorted(institutions)]
                tx.run(UPSERT_INSTITUTIONS, institutions=Rows(ordered)).consume()
            _write_edges(tx, changed, outcomes)
        if checkpoint is not None:
            tx.run(SAVE_CHECKPOINT, _checkpoint_parameters(checkpoint)).consume()
        counted = list(outcomes.values())
        duplicates = len(papers) - len(rows)
        return BatchOutcome(
            created=counted.count("created"),
            updated=counted.count("updated"),
            unchanged=counted.count("unchanged") + duplicates,
            stale=counted.count("stale"),
        )

    def attempt() -> BatchOutcome:
        with driver.session(database=database) as session:
            return session.execute_write(work)

    # A batch whose commit was lost with the connection is written again: if it did commit,
    # its papers come back unchanged (counted so) and nothing is written twice.
    return again_if_commit_lost(attempt)


def _paper_parameters(row: PaperRow) -> dict[str, Any]:
    return {
        "arxivId": row["arxivId"],
        "props": wire_props(row["props"]),
        "contentHash": row["contentHash"],
        "freshness": row["freshness"],
    }


def wire_props(props: dict[str, Any]) -> dict[str, Any]:
    """Dates as ISO strings and instants as epoch milliseconds; WRITE_PAPERS makes them temporal.

    The driver packs each Python date or datetime through per-value hooks, which cost ~25 times
    more than the rest of a paper's parameters together (0.09 ms a paper, measured).
    """
    wire = dict(props)
    for key in ("firstSubmitted", "lastUpdated"):
        value = wire.get(key)
        if isinstance(value, date):
            wire[key] = value.isoformat()
    instants = wire.get("versionDates")
    if instants is not None:
        wire["versionDates"] = [round(d.timestamp() * 1000) for d in instants]
    return wire


def _write_edges(tx: ManagedTransaction, changed: list[PaperRow], outcomes: dict[str, str]) -> None:
    updated = [r["arxivId"] for r in changed if outcomes[r["arxivId"]] == "updated"]
    if updated:
        tx.run(DETACH_PAPERS, arxivIds=updated).consume()
    researchers: dict[str, dict[str, Any]] = {}
    for row in changed:
        for author in row["authors"]:
            entry = researchers.get(author["id"])
            if entry is None:
                entry = researchers[author["id"]] = {
                    "id": author["id"],
                    "nameKey": author["nameKey"],
                    "field": author["field"],
                    "block": f"{author['nameKey']}|{author['field']}",
                    "initialsOnly": author["initialsOnly"],
                    "isCollaboration": author["isCollaboration"],
                    "initialsOf": {},
                    "hasInstitutions": False,
                    "edges": [],
                }
            add_spelling(entry["initialsOf"], author["name"], author["initials"])
            if author["institutionIds"]:
                entry["hasInstitutions"] = True
            entry["edges"].append(
                {
                    "arxivId": row["arxivId"],
                    "position": author["position"],
                    "name": author["name"],
                    "initials": author["initials"],
                    "institutionIds": author["institutionIds"],
                }
            )
    for entry in researchers.values():
        spellings = entry.pop("initialsOf")
        names = sorted(spellings)
        entry["names"] = names
        entry["name"] = display_name(names)
        entry["initials"] = spellings[entry["name"]]
        entry["namesText"] = "".join(" " + n for n in names)
    # Sorted, so that concurrent loaders lock researchers in the same order.
    tx.run(UPSERT_RESEARCHERS, researchers=Rows(sorted(researchers.values(), key=_by_id))).consume()
    # By topic: a few topics take most papers, and writers lock them in the same order.
    topics = sorted(
        (
            {"arxivId": row["arxivId"], "code": t["code"], "primary": t["primary"]}
            for row in changed
            for t in row["topics"]
        ),
        key=_by_code,
    )
    tx.run(CREATE_IN_TOPIC, edges=Rows(topics)).consume()


def add_spelling(initials_of: dict[str, str], name: str, initials: str) -> None:
    """Note a spelling of a researcher with its initials (the least, if it comes with several).

    A full name's spellings differ in initials ("Paul Harvey", "Paul M. Harvey"): the stored
    `initials` are those of the display name's spelling, so they depend on no batch or load
    order (`graphdb.identities` settles them by the same rule).
    """
    known = initials_of.get(name)
    if known is None or initials < known:
        initials_of[name] = initials


def display_name(variants: list[str]) -> str:
    """The most complete clean spelling: no stray symbols ("Marwala**"), longest, then A-Z.

    Only for a researcher's first appearance; `graphdb.identities` settles the final name by
    the same rule in Cypher (DISPLAY_NAME_ORDER there).
    """
    return min(
        variants,
        key=lambda v: (_has_stray_symbols(v), -len(v), -sum(c > "~" for c in v), v),
    )


def _has_stray_symbols(name: str) -> bool:
    return any(not (c.isalpha() or c in " .'-") for c in name)


def _by_code(edge: dict[str, Any]) -> str:
    return str(edge["code"])


def _by_id(entry: dict[str, Any]) -> str:
    return str(entry["id"])


def _checkpoint_parameters(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "source": checkpoint.source,
        "fingerprint": checkpoint.fingerprint,
        "position": checkpoint.position,
        "done": checkpoint.done,
        "cursor": checkpoint.cursor,
        "watermark": checkpoint.watermark,
    }


def save_checkpoint(driver: Driver, database: str, checkpoint: Checkpoint) -> None:
    parameters = _checkpoint_parameters(checkpoint)
    again_if_commit_lost(
        lambda: driver.execute_query(SAVE_CHECKPOINT, parameters, database_=database)
    )


def fetch_checkpoint(driver: Driver, database: str, source: str) -> Checkpoint | None:
    records, _, _ = again_if_commit_lost(
        lambda: driver.execute_query(FETCH_CHECKPOINT, source=source, database_=database)
    )
    if not records:
        return None
    record = records[0]
    return Checkpoint(
        source,
        record["fingerprint"],
        record["position"],
        bool(record["done"]),
        record["cursor"],
        record["watermark"],
    )


def delete_checkpoints(driver: Driver, database: str) -> None:
    driver.execute_query(DELETE_CHECKPOINTS, database_=database)
