"""Log-in throttling: `(:LoginThrottle {key, attempts, updatedAt})`, one per email or client IP.

`key` is a SHA-256 of `email:<address>` or `ip:<address>` (computed by the caller), so the
graph keeps no list of the addresses people typed. `attempts` holds the times of the recent
failed log-ins. Being in the graph, the count holds across any number of API processes.

An attempt is counted *before* the password is checked and forgiven when it was right: each
statement locks the throttles it reads, so concurrent guesses are counted one after the other
and cannot slip past the limit while their passwords are being hashed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import LiteralString

from graphdb.connection import GraphReader


@dataclass(frozen=True, slots=True)
class ThrottleLimit:
    key: str
    limit: int  # failures allowed per window


@dataclass(frozen=True, slots=True)
class Blocked:
    key: str
    limit: int
    retry_after_s: int


@dataclass(frozen=True, slots=True)
class Attempt:
    """Either admitted (counted at `at`, to forgive if the password is right) or blocked."""

    at: int | None  # the server's epoch milliseconds
    blocked: tuple[Blocked, ...]


# Locks in key order (no deadlock between two requests sharing two keys), then counts the
# failures still inside the window; the attempt is recorded only when no key is at its limit.
# Times are the server's epoch milliseconds, so they round-trip exactly to FORGIVE_ATTEMPT.
ATTEMPT_LOGIN: LiteralString = """
UNWIND $keys AS k
WITH k ORDER BY k.key
MERGE (t:LoginThrottle {key: k.key})
SET t._lock = true
REMOVE t._lock
WITH t, k, timestamp() AS now
WITH t, k, now, [a IN coalesce(t.attempts, []) WHERE a > now - $windowS * 1000] AS recent
WITH collect({t: t, key: k.key, limit: k.limit, recent: recent}) AS rows, now
WITH rows, now, [r IN rows WHERE size(r.recent) >= r.limit] AS blocked
UNWIND rows AS row
WITH row.t AS t, row, now, blocked
SET t.attempts = CASE WHEN size(blocked) = 0 THEN row.recent + [now] ELSE row.recent END,
    t.updatedAt = datetime({epochMillis: now})
WITH DISTINCT now, blocked
RETURN CASE WHEN size(blocked) = 0 THEN now END AS at,
       [b IN blocked | {
         key: b.key, limit: b.limit,
         retryAfter: (reduce(m = b.recent[0], a IN b.recent | CASE WHEN a < m THEN a ELSE m END)
                      + $windowS * 1000 - now + 999) / 1000
       }] AS blocked
"""

# The password was right: the attempt was not a failure. `clear` keys forget every failure
# (the account's own counter starts again after a successful log-in).
FORGIVE_ATTEMPT: LiteralString = """
UNWIND $keys AS key
MATCH (t:LoginThrottle {key: key})
SET t.attempts = CASE WHEN key IN $clear THEN []
                      ELSE [a IN coalesce(t.attempts, []) WHERE a <> $at] END
"""

# Throttles with no attempt left in the window carry no information: delete a few per call.
PRUNE_THROTTLES: LiteralString = """
MATCH (t:LoginThrottle)
WHERE t.updatedAt < datetime() - duration({seconds: $windowS})
WITH t LIMIT $batch
DELETE t
RETURN count(*) AS deleted
"""


async def attempt_login(
    reader: GraphReader, limits: Sequence[ThrottleLimit], window_s: int
) -> Attempt:
    if not limits:
        return Attempt(at=None, blocked=())
    records = await reader.write(
        ATTEMPT_LOGIN,
        {"keys": [{"key": x.key, "limit": x.limit} for x in limits], "windowS": window_s},
    )
    record = records[0]
    blocked = tuple(
        Blocked(b["key"], int(b["limit"]), max(1, int(b["retryAfter"]))) for b in record["blocked"]
    )
    at = record["at"]
    return Attempt(at=int(at) if at is not None else None, blocked=blocked)


async def forgive_attempt(
    reader: GraphReader, keys: Sequence[str], at: int, clear: Sequence[str]
) -> None:
    await reader.write(FORGIVE_ATTEMPT, {"keys": list(keys), "at": at, "clear": list(clear)})


async def prune_throttles(reader: GraphReader, window_s: int, batch: int = 100) -> int:
    records = await reader.write(PRUNE_THROTTLES, {"windowS": window_s, "batch": batch})
    return int(records[0]["deleted"]) if records else 0
