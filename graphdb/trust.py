"""The trust score: its formula, its inputs as read from the graph, and its persisted copy.

The formula (`compute_trust`, docs/trust.md) is a pure function of `TrustInputs`. The API
computes it for the profile page; `refresh_trust(...)` computes it from the same inputs and
stores it on the researcher (`trustScore`, `trustUpdatedAt`, `verificationLevel`), so an
analyst reading the graph sees the value the page shows. Every write that changes an input
(claim decisions, ORCID) refreshes it; loads, harvests and imports refresh every researcher
they touched as they settle (`refresh_trust_of_pending`), and `refresh_trust_scores` refreshes
given researchers or everyone.

The account-age signal is measured at `trustUpdatedAt`, the moment of the last refresh, so the
page and the stored value agree between refreshes; a periodic refresh moves it forward.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, LiteralString

from neo4j import Driver

from graphdb.connection import GraphReader, again_if_commit_lost
from graphdb.shards import drain_in_shards
from graphdb.values import to_datetime

LEVEL_POINTS = {1: 0.0, 2: 20.0, 3: 35.0}
CLAIM_POINTS = 10.0
LABELS = {1: "UNVERIFIED", 2: "CLAIMED", 3: "VERIFIED"}


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    value: float
    contribution: float
    explanation: str


@dataclass(frozen=True, slots=True)
class TrustInputs:
    verification_level: int
    claimed: bool
    works: int
    collaborators: int
    first_year: int | None
    last_year: int | None
    account_created: date | None = None  # of the approved claimant, if any
    orcid_verified: bool = False


@dataclass(frozen=True, slots=True)
class Trust:
    score: float
    label: str
    verification_level: int
    claimed: bool
    signals: tuple[Signal, ...]
    computed_at: date


def verification_level(claimed: bool, orcid_verified: bool) -> int:
    """L1 public record only; L2 an approved claim; L3 that claim plus a verified ORCID iD."""
    if not claimed:
        return 1
    return 3 if orcid_verified else 2


def compute_trust(inputs: TrustInputs, today: date | None = None) -> Trust:
    level = inputs.verification_level if inputs.verification_level in LEVEL_POINTS else 1
    today = today or datetime.now(UTC).date()
    span = (
        inputs.last_year - inputs.first_year + 1
        if inputs.first_year is not None and inputs.last_year is not None
        else 0
    )
    account_years = (
        max(0, (today - inputs.account_created).days) / 365.25
        if inputs.claimed and inputs.account_created
        else 0.0
    )
    signals = (
        Signal(
            "verificationLevel",
            float(level),
            LEVEL_POINTS[level],
            "L1 public record only: 0; L2 approved claim: 20; L3 claim + verified ORCID iD: 35",
        ),
        Signal(
            "approvedClaim",
            1.0 if inputs.claimed else 0.0,
            CLAIM_POINTS if inputs.claimed else 0.0,
            "a person answers for the profile (an approved claim): 10",
        ),
        Signal(
            "works",
            float(inputs.works),
            round(min(20.0, 5.0 * math.log2(1 + inputs.works)), 1),
            "5 × log2(1 + works), at most 20",
        ),
        Signal(
            "collaborators",
            float(inputs.collaborators),
            round(min(15.0, 3.0 * math.log2(1 + inputs.collaborators)), 1),
            "3 × log2(1 + distinct co-authors), at most 15",
        ),
        Signal(
            "activeYears",
            float(span),
            float(min(10, span)),
            "years from first to last work, 1 point each, at most 10",
        ),
        Signal(
            "accountAgeYears",
            round(account_years, 2),
            round(min(10.0, 2.0 * account_years), 1),
            "age of the approved claimant's account: 2 points a year, at most 10",
        ),
    )
    score = round(min(100.0, sum(s.contribution for s in signals)), 1)
    return Trust(score, LABELS[level], level, inputs.claimed, signals, today)


# Same counts as the profile's FETCH_RESEARCHER_STATS, and the same claimant as
# FETCH_RESEARCHERS: the stored score is computed from what the page reads.
# The inputs of `r` (bound before this fragment).
TRUST_INPUTS_OF_R: LiteralString = """
CALL (r) {
  OPTIONAL MATCH (r)-[:AUTHORED]->(p:Paper)
  RETURN count(p) AS works, min(p.year) AS firstYear, max(p.year) AS lastYear
}
CALL (r) {
  OPTIONAL MATCH (r)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(c:Researcher)
  RETURN count(DISTINCT c) AS collaborators
}
OPTIONAL MATCH (u:User)-[:SUBMITTED]->(:Claim {approvedFor: r.id})
RETURN r.id AS id, works, firstYear, lastYear, collaborators,
       u IS NOT NULL AS claimed, u.createdAt AS claimantSince,
       coalesce(u.orcidVerified, false) AS orcidVerified
"""

# The order of a row of inputs after its researcher id, in `INPUT_ROWS_OF_R`.
INPUT_COLUMNS: tuple[LiteralString, ...] = (
    "works",
    "firstYear",
    "lastYear",
    "collaborators",
    "claimed",
    "claimantSince",
    "orcidVerified",
)

# The same inputs for many researchers as one list of rows in one record: thousands of small
# records cost the driver more Python time than the scores themselves (0.33 s per 20,000).
INPUT_ROWS_OF_R: LiteralString = (
    "CALL (r) {\n"
    + TRUST_INPUTS_OF_R
    + "}\nRETURN collect([id, "
    + ", ".join(INPUT_COLUMNS)
    + "]) AS rows\n"
)

FETCH_TRUST_INPUT_ROWS: LiteralString = (
    """
UNWIND $ids AS rid
MATCH (r:Researcher {id: rid})
"""
    + INPUT_ROWS_OF_R
)

# Scores come grouped: unclaimed researchers share few distinct scores, so the ids are most of
# what is sent.
STORE_TRUST: LiteralString = """
UNWIND $groups AS g
UNWIND g.ids AS id
MATCH (r:Researcher {id: id})
SET r.trustScore = g.score, r.trustUpdatedAt = $at, r.verificationLevel = g.level
"""

RESEARCHER_ID_PAGE: LiteralString = """
MATCH (r:Researcher) WHERE r.id > $after
RETURN r.id AS id ORDER BY id LIMIT $limit
"""


def trust_inputs(row: dict[str, Any] | Any) -> TrustInputs:
    since = to_datetime(row["claimantSince"])
    claimed = bool(row["claimed"])
    orcid = bool(row["orcidVerified"])
    return TrustInputs(
        verification_level=verification_level(claimed, orcid),
        claimed=claimed,
        works=int(row["works"]),
        collaborators=int(row["collaborators"]),
        first_year=row["firstYear"],
        last_year=row["lastYear"],
        account_created=since.astimezone(UTC).date() if since else None,
        orcid_verified=orcid,
    )


def _groups(rows: Iterable[Sequence[Any]], at: datetime) -> list[dict[str, Any]]:
    """The scores to store: one entry per distinct (score, level), with the researchers' ids.

    A row is a researcher id followed by its inputs in `INPUT_COLUMNS` order. Unclaimed
    researchers share few distinct inputs (works, co-authors, years): each is computed once,
    which cut this to about a third (40,000 rows: 0.36 -> 0.12 s), and the settling step scores
    every researcher a load touched.
    """
    today = at.date()
    computed: dict[tuple[Any, ...], tuple[float, int]] = {}
    groups: dict[tuple[float, int], list[str]] = {}
    for researcher_id, *inputs in rows:
        key = tuple(inputs)
        result = computed.get(key)
        if result is None:
            named = dict(zip(INPUT_COLUMNS, inputs, strict=True))
            trust = compute_trust(trust_inputs(named), today)
            result = computed[key] = (trust.score, trust.verification_level)
        groups.setdefault(result, []).append(researcher_id)
    return [{"score": score, "level": level, "ids": ids} for (score, level), ids in groups.items()]


async def refresh_trust(reader: GraphReader, researcher_ids: Sequence[str]) -> None:
    """Recompute and store the trust of these researchers (after an input changed)."""
    if not researcher_ids:
        return
    at = datetime.now(UTC)
    records = await reader.read(FETCH_TRUST_INPUT_ROWS, {"ids": list(researcher_ids)})
    await reader.write(STORE_TRUST, {"groups": _groups(records[0]["rows"], at), "at": at})


def refresh_trust_scores(
    driver: Driver,
    database: str,
    researcher_ids: Sequence[str] | None = None,
    *,
    batch_size: int = 1000,
) -> int:
    """The same, in batches: these researchers, or all of them (None), e.g. periodically.

    Returns how many researchers were refreshed. Batches keep each transaction small.
    """
    at = datetime.now(UTC)
    refreshed = 0

    def refresh(ids: list[str]) -> None:
        nonlocal refreshed
        refreshed += _refresh_chunk(driver, database, ids, at, STORE_TRUST)

    if researcher_ids is not None:
        ids = list(researcher_ids)
        for start in range(0, len(ids), batch_size):
            refresh(ids[start : start + batch_size])
        return refreshed
    after = ""
    while True:
        records, _, _ = driver.execute_query(
            RESEARCHER_ID_PAGE, after=after, limit=batch_size, database_=database
        )
        page = [r["id"] for r in records]
        if not page:
            return refreshed
        refresh(page)
        after = page[-1]


# The settle step's queue: researchers a load touched carry `PendingBlock` (graphdb.ingest);
# each chunk's scores are stored and its labels removed in one transaction, so the work is
# resumable after a crash and memory stays bounded whatever the size of the load.
PENDING_TRUST_INPUTS: LiteralString = (
    """
MATCH (r:PendingBlock) WHERE r.id IS NOT NULL
WITH r LIMIT $limit
"""
    + INPUT_ROWS_OF_R
)

# One worker's share of the queue: researcher ids end in a hex digit ("r-" + blake2b hex).
PENDING_TRUST_INPUTS_OF_SHARD: LiteralString = (
    """
MATCH (r:PendingBlock) WHERE r.id IS NOT NULL AND right(r.id, 1) IN $digits
WITH r LIMIT $limit
"""
    + INPUT_ROWS_OF_R
)

STORE_TRUST_OF_PENDING: LiteralString = STORE_TRUST + "REMOVE r:PendingBlock\n"


def refresh_trust_of_pending(
    driver: Driver, database: str, *, batch_size: int = 2000, workers: int = 2
) -> int:
    """Refresh every `PendingBlock` researcher's stored trust, clearing the label as it goes.

    Two round trips a chunk: the next pending researchers with their inputs, then their scores
    stored and their labels removed in one transaction. `workers` threads share the queue by
    the last digit of the id, so they store disjoint researchers and never wait on each other;
    the second core computes trust inputs too (60,000 researchers: 4.2-4.7 s -> 3.7 s).
    """
    at = datetime.now(UTC)

    def drain(query: LiteralString, **parameters: Any) -> int:
        refreshed = 0
        while rows := _input_rows(driver, database, query, limit=batch_size, **parameters):
            refreshed += _store(driver, database, rows, at, STORE_TRUST_OF_PENDING)
        return refreshed

    return drain_in_shards(
        lambda digits: drain(PENDING_TRUST_INPUTS_OF_SHARD, digits=digits),
        lambda: drain(PENDING_TRUST_INPUTS),
        workers,
    )


def _refresh_chunk(
    driver: Driver, database: str, ids: list[str], at: datetime, store: LiteralString
) -> int:
    """Compute these researchers' trust and store it with `store`; how many were stored."""
    rows = _input_rows(driver, database, FETCH_TRUST_INPUT_ROWS, ids=ids)
    return _store(driver, database, rows, at, store)


def _input_rows(
    driver: Driver, database: str, query: LiteralString, **parameters: Any
) -> list[list[Any]]:
    records, _, _ = again_if_commit_lost(
        lambda: driver.execute_query(query, parameters, database_=database)
    )
    return list(records[0]["rows"]) if records else []


def _store(
    driver: Driver, database: str, rows: list[list[Any]], at: datetime, store: LiteralString
) -> int:
    if rows:
        groups = _groups(rows, at)
        again_if_commit_lost(
            lambda: driver.execute_query(store, groups=groups, at=at, database_=database)
        )
    return len(rows)
