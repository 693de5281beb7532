"""Settling researcher identities after a load: merges, names and affiliations.

The writer labels every researcher it touches `PendingBlock`, and those whose names or
affiliations changed `PendingIdentity`. For each *contested block* (surname, initial, field:
a block with an initials-only and a full-name researcher, or with an earlier merge) that holds
a pending researcher, this module, in order:

1. undoes earlier merges in the block (an alias's AUTHORED edges go back to it), so that the
   decision below is made afresh from all the evidence now in the graph;
2. decides, for the block's initials-only researcher ("C. Balázs"), the full-name researcher
   it is ("Csaba Balázs"): the only candidate in the block, or the candidate sharing strictly
   more co-authors than any other; never one that signed a paper beside it;
3. merges: its AUTHORED edges move to the target (marked `viaAlias`), a
   `(:ResearcherAlias {id})-[:ALIAS_OF]->(:Researcher)` keeps the old id resolvable; once
   every merge is in, the targets' co-authors join the trust queue (`PendingBlock`);
4. recomputes, for every `PendingIdentity` researcher (and those a merge touched), the name
   variants (from the names printed on its AUTHORED edges), the display name and
   `AFFILIATED_WITH`, deletes researchers left with no relationship at all, and clears the
   labels.

Blocks without both an initials-only researcher and a full-name one (nor an earlier merge)
need no decision: nothing in them can merge. This keeps the step small, above all after an
import, which queues every researcher.
Last, the stored trust score of every researcher the load touched is recomputed
(`graphdb.trust`), so analysts reading `Researcher.trustScore` see what the API shows.

Decisions for all blocks are taken before any merge is applied, so they do not depend on the
order in which blocks are processed; with 1. this makes the outcome a function of the data.
"""

from __future__ import annotations

import json
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import IO, Any, LiteralString, TypeVar

from neo4j import Driver, ManagedTransaction, Session

from graphdb.connection import again_if_commit_lost
from graphdb.shards import drain_in_shards
from graphdb.trust import refresh_trust_of_pending

_Part = TypeVar("_Part")
_Result = TypeVar("_Result")

# One worker's share of the contested blocks (`$shard` of `$shards`, by the length of the key).
CONTESTED_BLOCKS: LiteralString = """
CALL () {
  MATCH (r:PendingBlock) RETURN r
  UNION
  MATCH (r:PendingIdentity) RETURN r
}
WITH DISTINCT r.block AS block WHERE block IS NOT NULL AND size(block) % $shards = $shard
WITH block
WHERE (EXISTS { MATCH (i:Researcher {block: block}) WHERE i.initialsOnly }
       AND EXISTS { MATCH (f:Researcher {block: block})
                    WHERE NOT f.initialsOnly AND NOT f.isCollaboration })
   OR EXISTS { MATCH (:ResearcherAlias {block: block}) }
RETURN block ORDER BY block
"""

# The same blocks from one pass over every researcher, grouped by block: cheaper when most
# researchers are pending (a first load, an import), where the query above looks each
# pending block up in the index (200k papers, 546,667 researchers all pending: 8.0 s against
# 2.8 s on one thread). A researcher's flags count as in the query above: true, not null.
CONTESTED_BLOCKS_BY_SCAN: LiteralString = """
CALL () {
  MATCH (r:Researcher)
  WITH r, r.block AS block WHERE block IS NOT NULL AND size(block) % $shards = $shard
  RETURN block,
         max(CASE WHEN r.initialsOnly = true THEN 1 ELSE 0 END) AS initialsOnly,
         max(CASE WHEN r.initialsOnly = false AND r.isCollaboration = false THEN 1 ELSE 0 END)
           AS fullName,
         max(CASE WHEN r:PendingBlock OR r:PendingIdentity THEN 1 ELSE 0 END) AS pending,
         0 AS merged
  UNION ALL
  MATCH (a:ResearcherAlias)
  WITH a.block AS block WHERE block IS NOT NULL AND size(block) % $shards = $shard
  RETURN block, 0 AS initialsOnly, 0 AS fullName, 0 AS pending, 1 AS merged
}
WITH block, max(initialsOnly) AS initialsOnly, max(fullName) AS fullName,
     max(pending) AS pending, max(merged) AS merged
WHERE pending = 1 AND ((initialsOnly = 1 AND fullName = 1) OR merged = 1)
RETURN block ORDER BY block
"""

# From the count store: no scan.
PENDING_SHARE: LiteralString = """
CALL () { MATCH (r:PendingBlock) RETURN count(r) AS queued }
CALL () { MATCH (r:PendingIdentity) RETURN count(r) AS renamed }
CALL () { MATCH (r:Researcher) RETURN count(r) AS researchers }
RETURN queued + renamed AS pending, researchers
"""

PENDING_IDS: LiteralString = """
MATCH (r:PendingIdentity)
WITH r LIMIT $limit
RETURN collect(r.id) AS ids
"""

# One worker's share of that queue, by the last digit of the id (`graphdb.shards`).
PENDING_IDS_OF_SHARD: LiteralString = """
MATCH (r:PendingIdentity) WHERE right(r.id, 1) IN $digits
WITH r LIMIT $limit
RETURN collect(r.id) AS ids
"""

UNMERGE_BLOCKS: LiteralString = """
UNWIND $blocks AS b
MATCH (a:ResearcherAlias {block: b})-[:ALIAS_OF]->(f:Researcher)
MERGE (i:Researcher {id: a.id})
ON CREATE SET i.name = a.name, i.nameKey = a.nameKey, i.field = a.field, i.block = a.block,
              i.initialsOnly = true, i.initials = a.initials, i.isCollaboration = false,
              i.nameVariants = a.nameVariants, i.nameVariantsText = a.nameVariantsText
SET i:PendingIdentity, f:PendingIdentity
WITH a, f, i
CALL (a, f, i) {
  MATCH (f)-[e:AUTHORED {viaAlias: a.id}]->(p:Paper)
  CREATE (i)-[:AUTHORED {position: e.position, name: e.name, initials: e.initials,
                         institutionIds: e.institutionIds}]->(p)
  DELETE e
}
CALL (i, f) {
  UNWIND [i, f] AS x
  MATCH (x)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(c:Researcher)
  WITH DISTINCT c WHERE NOT c:PendingBlock
  SET c:PendingBlock
}
DETACH DELETE a
"""

# Per block, the full-name researchers and the initials each was printed with are read once,
# and each initials-only researcher's co-authors once: an initials-only researcher is then
# matched against that list, not by walking the graph again for every pair. Co-authors are
# counted only where there is a choice to make (two candidates or more). On the 200k
# synthetic set (58,466 contested blocks) this took 8.2-8.7 s against 11.3-11.4 s for one
# walk per pair, with the same 47,336 decisions (docs/benchmarks.md).
DECIDE_MERGES: LiteralString = """
UNWIND $blocks AS b
CALL (b) {
  MATCH (f:Researcher {block: b, initialsOnly: false})
  WHERE f.isCollaboration = false
  RETURN collect({f: f, initials: COLLECT { MATCH (f)-[a:AUTHORED]->()
                                             RETURN DISTINCT a.initials }}) AS fulls
}
WITH b, fulls WHERE size(fulls) > 0
MATCH (i:Researcher {block: b, initialsOnly: true})
WHERE EXISTS { (i)-[:AUTHORED]->() }
WITH i, fulls,
     COLLECT { MATCH (i)-[:AUTHORED]->()<-[:AUTHORED]-(c) WHERE c <> i
               RETURN DISTINCT c.id } AS coauthors
WITH i, coauthors,
     [x IN fulls WHERE NOT x.f.id IN coauthors
                   AND any(k IN x.initials
                           WHERE k STARTS WITH i.initials OR i.initials STARTS WITH k)
      | x.f] AS candidates
WHERE size(candidates) > 0
CALL (i, candidates, coauthors) {
  WITH * WHERE size(candidates) = 1
  RETURN candidates[0].id AS target
  UNION
  WITH * WHERE size(candidates) > 1
  UNWIND candidates AS f
  WITH f, size([x IN COLLECT { MATCH (f)-[:AUTHORED]->()<-[:AUTHORED]-(c) WHERE c <> f
                               RETURN DISTINCT c.id } WHERE x IN coauthors]) AS shared
  ORDER BY shared DESC, f.id
  WITH collect({id: f.id, shared: shared}) AS ranked
  RETURN CASE WHEN ranked[0].shared > ranked[1].shared THEN ranked[0].id END AS target
}
WITH i, target WHERE target IS NOT NULL
RETURN collect([i.id, target]) AS merges
"""

# A researcher users act on (followed, claimed, ...) is never merged away.
APPLY_MERGES: LiteralString = """
UNWIND $merges AS m
MATCH (i:Researcher {id: m.aliasId})
MATCH (f:Researcher {id: m.targetId})
WHERE NOT EXISTS { (i)-[x]-() WHERE NOT type(x) IN ['AUTHORED', 'AFFILIATED_WITH'] }
MERGE (a:ResearcherAlias {id: i.id})
SET a.block = i.block, a.name = i.name, a.nameKey = i.nameKey, a.field = i.field,
    a.initials = i.initials, a.nameVariants = i.nameVariants,
    a.nameVariantsText = i.nameVariantsText
MERGE (a)-[:ALIAS_OF]->(f)
SET f:PendingIdentity
WITH i, f
CALL (i, f) {
  MATCH (i)-[e:AUTHORED]->(p:Paper)
  CREATE (f)-[:AUTHORED {position: e.position, name: e.name, initials: e.initials,
                         institutionIds: e.institutionIds, viaAlias: i.id}]->(p)
}
DETACH DELETE i
RETURN count(*) AS merged
"""

# After every merge is applied (no researcher is deleted while this walks), the co-authors of
# the targets join the trust queue: their co-authors changed. Only targets that took a merge in
# this run, those with an alias (every earlier merge of a contested block was undone first),
# not those whose merge was skipped (the alias is followed or claimed).
REQUEUE_COAUTHORS: LiteralString = """
UNWIND $targetIds AS id
MATCH (f:Researcher {id: id})
WHERE EXISTS { (:ResearcherAlias)-[:ALIAS_OF]->(f) }
CALL (f) {
  MATCH (f)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(c:Researcher)
  WITH DISTINCT c WHERE NOT c:PendingBlock
  SET c:PendingBlock
}
"""

REFRESH_RESEARCHERS: LiteralString = """
UNWIND $ids AS id
MATCH (r:Researcher {id: id})
CALL (r) {
  MATCH (r)-[x:AFFILIATED_WITH]->()
  DELETE x
}
CALL (r) {
  MATCH (r)-[a:AUTHORED]->(p:Paper)
  UNWIND a.institutionIds AS iid
  WITH iid, count(DISTINCT p) AS works, min(p.year) AS firstYear, max(p.year) AS lastYear
  MATCH (i:Institution {id: iid})
  CREATE (r)-[:AFFILIATED_WITH {works: works, firstYear: firstYear, lastYear: lastYear}]->(i)
}
WITH r, COLLECT { MATCH (r)-[a:AUTHORED]->() RETURN DISTINCT a.name AS n ORDER BY n } AS names
CALL (r, names) {
  WITH * WHERE size(names) > 0
  SET r.nameVariants = names,
      r.name = head(COLLECT { UNWIND names AS v
                              RETURN v ORDER BY v =~ $strayPattern, size(v) DESC,
                                                size([c IN split(v, '') WHERE c > '~']) DESC,
                                                v }),
      r.nameVariantsText = reduce(s = '', v IN names | s + ' ' + v)
  WITH r
  SET r.initials = head(COLLECT { MATCH (r)-[a:AUTHORED]->() WHERE a.name = r.name
                                  RETURN a.initials ORDER BY a.initials })
}
SET r:PendingBlock
REMOVE r:PendingIdentity
WITH r WHERE NOT EXISTS { (r)--() }
DELETE r
"""


# The display name is the most complete clean spelling: a name with anything but letters,
# spaces, dots, apostrophes and hyphens ("Marwala**") comes last (false sorts before true);
# then the longest; then the one with more non-ASCII letters ("Balázs" over "Balazs").
STRAY_SYMBOLS = r".*[^\p{L}\p{M} .'\-].*"


@dataclass(frozen=True, slots=True)
class ResolutionReport:
    blocks: int
    merged: int
    refreshed: int
    trust_refreshed: int = 0


def resolve_pending_identities(
    driver: Driver, database: str, chunk: int = 2000, workers: int = 2
) -> ResolutionReport:
    """Settle every pending researcher; safe to run again after a crash (it is idempotent).

    The scan for contested blocks, the read-only decisions, applying merges and the name
    refreshes (disjoint researchers, which delete only researchers left with no relationship)
    run on `workers` threads, each in its own transactions: Neo4j runs a transaction on one
    core. Under read-committed isolation a chunk that walks a co-author another chunk has just
    merged away (and deleted) fails with EntityNotFound, which the driver does not retry, so
    no step walks co-authors while merges are deleting researchers: a merge reads only its
    alias, its target and the alias's papers and institutions, the targets' co-authors are
    queued after every merge is in, and undoing merges (which walks co-authors) stays on one
    thread. Two merge chunks that lock the same nodes (a paper, an institution, a target) in
    opposite orders deadlock; Neo4j detects it and the driver retries the chunk, as for any
    transient error.

    Each step is idempotent, so a transaction whose commit was lost with the connection (a
    restart at that moment) is simply run again (`again_if_commit_lost`).
    """
    # The contested blocks and the merge decisions are spooled to temporary files, read back a
    # chunk at a time: Python's memory does not grow with the size of the load.
    with (
        driver.session(database=database) as session,
        _spooled_in_shards(
            driver, database, _contested_blocks_query(driver, database), workers
        ) as spools,
    ):
        block_count = 0
        for part in _chunks_of_all(spools, chunk):
            _again(session.execute_write, _run, UNMERGE_BLOCKS, {"blocks": part})
            block_count += len(part)
        with tempfile.TemporaryFile("w+", encoding="utf-8") as merges:
            for decided in _in_parallel(
                driver, database, _chunks_of_all(spools, chunk), _decide, workers
            ):
                for alias_id, target_id in decided:
                    merges.write(json.dumps({"aliasId": alias_id, "targetId": target_id}))
                    merges.write("\n")
            merged = sum(_in_parallel(driver, database, _chunks_of(merges, chunk), _merge, workers))
            for _ in _in_parallel(driver, database, _chunks_of(merges, chunk), _requeue, workers):
                pass

    # Each chunk leaves PendingIdentity in the transaction that refreshes it (and joins the
    # trust queue, PendingBlock): the labels are the work queue, so memory stays bounded and a
    # crash leaves exactly the unfinished part. Workers take disjoint shards of the queue.
    def refresh(query: LiteralString, **parameters: Any) -> int:
        refreshed = 0
        with driver.session(database=database) as session:
            while part := _again(
                session.execute_read, _column, query, {"limit": chunk, **parameters}
            ):
                _again(
                    session.execute_write,
                    _run,
                    REFRESH_RESEARCHERS,
                    {"ids": part, "strayPattern": STRAY_SYMBOLS},
                )
                refreshed += len(part)
        return refreshed

    refreshed = drain_in_shards(
        lambda digits: refresh(PENDING_IDS_OF_SHARD, digits=digits),
        lambda: refresh(PENDING_IDS),
        workers,
    )
    # Works and co-authors changed for everyone queued: their stored trust scores (what
    # analysts read in Cypher) are recomputed, and the last labels go with them.
    trust_refreshed = refresh_trust_of_pending(driver, database, workers=workers)
    return ResolutionReport(
        blocks=block_count, merged=merged, refreshed=refreshed, trust_refreshed=trust_refreshed
    )


def _contested_blocks_query(driver: Driver, database: str) -> LiteralString:
    """The cheaper way to find the contested blocks: by scan when at least a third of the
    researchers are pending (~5 us a researcher against ~15 us a pending block)."""
    records, _, _ = again_if_commit_lost(
        lambda: driver.execute_query(PENDING_SHARE, database_=database)
    )
    pending, researchers = records[0]["pending"], records[0]["researchers"]
    return CONTESTED_BLOCKS_BY_SCAN if 3 * pending >= researchers else CONTESTED_BLOCKS


def _decide(session: Session, blocks: list[str]) -> list[Any]:
    return _again(session.execute_read, _column, DECIDE_MERGES, {"blocks": blocks})


def _merge(session: Session, merges: list[dict[str, str]]) -> int:
    return _again(session.execute_write, _count, APPLY_MERGES, {"merges": merges})


def _requeue(session: Session, merges: list[dict[str, str]]) -> None:
    targets = sorted({m["targetId"] for m in merges})
    _again(session.execute_write, _run, REQUEUE_COAUTHORS, {"targetIds": targets})


def _in_parallel(
    driver: Driver,
    database: str,
    parts: Iterable[_Part],
    step: Callable[[Session, _Part], _Result],
    workers: int,
) -> Iterator[_Result]:
    """`step` of each part, in the parts' order, `workers` at a time, each in its own session.

    At most `workers` parts are taken from `parts` ahead of the one being handed back, so a
    spool is read no faster than it is worked through.
    """

    def run(part: _Part) -> _Result:
        with driver.session(database=database) as session:
            return step(session, part)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        running: deque[Future[_Result]] = deque()
        for part in parts:
            running.append(pool.submit(run, part))
            if len(running) >= workers:
                yield running.popleft().result()
        while running:
            yield running.popleft().result()


def _again(
    execute: Callable[..., Any],
    work: Callable[..., _Result],
    query: LiteralString,
    parameters: dict[str, object],
) -> _Result:
    """`execute(work, query, parameters)` (a session's execute_read or execute_write), run
    again if its commit was lost with the connection: every step here is idempotent."""
    result: _Result = again_if_commit_lost(lambda: execute(work, query, parameters))
    return result


def _run(tx: ManagedTransaction, query: LiteralString, parameters: dict[str, object], /) -> None:
    tx.run(query, parameters).consume()


def _column(
    tx: ManagedTransaction, query: LiteralString, parameters: dict[str, object], /
) -> list[Any]:
    """The list a query returns collected in its one record (a record per row costs more)."""
    record = tx.run(query, parameters).single()
    return list(record[0]) if record else []


def _count(tx: ManagedTransaction, query: LiteralString, parameters: dict[str, object], /) -> int:
    record = tx.run(query, parameters).single()
    return int(record["merged"]) if record else 0


@contextmanager
def _spooled_in_shards(
    driver: Driver, database: str, query: LiteralString, shards: int
) -> Iterator[Sequence[IO[str]]]:
    """A query's single column, streamed from the server into temporary files (JSON lines),
    one per shard (`$shard` of `$shards`), filled at once on `shards` threads.

    Each is read in a managed transaction of its own, so a Neo4j restart while it streams is
    retried like every other step (that spool starts again from empty).
    """
    with ExitStack() as stack:
        spools: list[IO[str]] = [
            stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
            for _ in range(shards)
        ]

        def fill(session: Session, shard: int) -> None:
            def work(tx: ManagedTransaction) -> None:
                spool = spools[shard]
                spool.seek(0)
                spool.truncate()
                for record in tx.run(query, shards=shards, shard=shard):
                    spool.write(json.dumps(record[0]))
                    spool.write("\n")

            again_if_commit_lost(lambda: session.execute_read(work))

        for _ in _in_parallel(driver, database, range(shards), fill, shards):
            pass
        yield spools


def _chunks_of_all(spools: Iterable[IO[str]], size: int) -> Iterator[list[Any]]:
    """The values of every spool, one after the other, `size` at a time (a spool's last
    chunk may be shorter)."""
    for spool in spools:
        yield from _chunks_of(spool, size)


def _chunks_of(spool: IO[str], size: int) -> Iterator[list[Any]]:
    """The spool's values from the start, `size` at a time."""
    spool.seek(0)
    part: list[Any] = []
    for line in spool:
        part.append(json.loads(line))
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part
