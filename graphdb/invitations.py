"""Collaboration invitations and the "open to collaborate" switch (docs/accounts.md).

`(:User)-[:SENT]->(:Invitation {id, message, status, createdAt, respondedAt})-[:TO]->
(:Researcher)`, and `(:Invitation)-[:ADDRESSED_TO]->(:User)`: the researcher's approved
claimant when it was sent, the only one who may answer it.

The rate limit counts the sender's invitations of the last hour in the graph, so it holds
across any number of API processes; the sender's node is write-locked first, so two
invitations sent at once are counted one after the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

from graphdb.connection import GraphReader
from graphdb.values import to_datetime


@dataclass(frozen=True, slots=True)
class Invitation:
    id: str
    message: str
    status: str  # PENDING, ACCEPTED, DECLINED, CANCELLED
    researcher_id: str
    sender_id: str
    addressee_id: str
    created_at: datetime
    responded_at: datetime | None


@dataclass(frozen=True, slots=True)
class SendOutcome:
    outcome: str  # SENT, NOT_FOUND, CLAIM_REQUIRED, SELF, NOT_OPEN, RATE_LIMITED
    sent_last_hour: int
    retry_after_s: int


INVITATION_FIELDS: LiteralString = """
id: i.id, message: i.message, status: i.status, researcherId: r.id, senderId: s.id,
addresseeId: a.id, createdAt: i.createdAt, respondedAt: i.respondedAt
"""

SET_OPEN_TO_COLLABORATE: LiteralString = """
MATCH (r:Researcher {id: $researcherId})
SET r._lock = true
REMOVE r._lock
WITH r
OPTIONAL MATCH (holder:User)-[:SUBMITTED]->(:Claim {approvedFor: r.id})
WITH r, CASE WHEN holder IS NULL THEN 'CLAIM_REQUIRED'
             WHEN holder.id <> $userId THEN 'NOT_CLAIMANT'
             ELSE 'SET' END AS outcome
FOREACH (_ IN CASE WHEN outcome = 'SET' THEN [1] ELSE [] END |
  SET r.openToCollaborate = $open
)
RETURN outcome
"""

SEND_INVITATION: LiteralString = """
MATCH (s:User {id: $senderId})
SET s._lock = true
REMOVE s._lock
WITH s
MATCH (r:Researcher {id: $researcherId})
OPTIONAL MATCH (holder:User)-[:SUBMITTED]->(:Claim {approvedFor: r.id})
WITH s, r, holder,
     [(s)-[:SENT]->(recent:Invitation)
        WHERE recent.createdAt > datetime() - duration({seconds: $windowS}) | recent.createdAt]
       AS recent
WITH s, r, holder, size(recent) AS sent,
     CASE WHEN size(recent) = 0 THEN 0
          ELSE duration.inSeconds(datetime(), reduce(m = recent[0], t IN recent |
                 CASE WHEN t < m THEN t ELSE m END) + duration({seconds: $windowS})).seconds
     END AS retryAfter
WITH s, r, holder, sent, retryAfter,
  CASE
    WHEN holder IS NULL THEN 'CLAIM_REQUIRED'
    WHEN holder = s THEN 'SELF'
    WHEN NOT coalesce(r.openToCollaborate, false) THEN 'NOT_OPEN'
    WHEN sent >= $limit THEN 'RATE_LIMITED'
    ELSE 'SENT'
  END AS outcome
FOREACH (_ IN CASE WHEN outcome = 'SENT' THEN [1] ELSE [] END |
  CREATE (s)-[:SENT]->(i:Invitation {id: $invitationId, message: $message, status: 'PENDING',
                                     createdAt: datetime()})-[:TO]->(r),
         (i)-[:ADDRESSED_TO]->(holder)
)
RETURN outcome, sent, retryAfter
"""

FETCH_INVITATIONS: LiteralString = (
    """
UNWIND $ids AS id
OPTIONAL MATCH (s:User)-[:SENT]->(i:Invitation {id: id})-[:TO]->(r:Researcher),
               (i)-[:ADDRESSED_TO]->(a:User)
RETURN id, CASE WHEN i IS NULL THEN NULL ELSE {"""
    + INVITATION_FIELDS
    + """} END AS invitation
"""
)

FETCH_RECEIVED_PAGE: LiteralString = """
MATCH (:User {id: $userId})<-[:ADDRESSED_TO]-(i:Invitation)
WHERE $status IS NULL OR i.status = $status
WITH i ORDER BY i.createdAt DESC, i.id
WITH collect(i.id) AS ids
RETURN size(ids) AS total, ids[$offset..$offset + $first + 1] AS page
"""

FETCH_SENT_PAGE: LiteralString = """
MATCH (:User {id: $userId})-[:SENT]->(i:Invitation)
WHERE $status IS NULL OR i.status = $status
WITH i ORDER BY i.createdAt DESC, i.id
WITH collect(i.id) AS ids
RETURN size(ids) AS total, ids[$offset..$offset + $first + 1] AS page
"""

ANSWER_INVITATION: LiteralString = """
MATCH (i:Invitation {id: $invitationId})-[:ADDRESSED_TO]->(a:User)
SET i._lock = true
REMOVE i._lock
WITH i, a,
  CASE WHEN a.id <> $userId THEN 'NOT_ADDRESSEE'
       WHEN i.status <> 'PENDING' THEN 'NOT_PENDING'
       ELSE 'ANSWERED' END AS outcome
FOREACH (_ IN CASE WHEN outcome = 'ANSWERED' THEN [1] ELSE [] END |
  SET i.status = $status, i.respondedAt = datetime()
)
RETURN outcome, i.status AS status
"""


def _invitation(row: dict[str, Any]) -> Invitation:
    created = to_datetime(row["createdAt"])
    assert created is not None
    return Invitation(
        id=row["id"],
        message=row["message"],
        status=row["status"],
        researcher_id=row["researcherId"],
        sender_id=row["senderId"],
        addressee_id=row["addresseeId"],
        created_at=created,
        responded_at=to_datetime(row["respondedAt"]),
    )


async def set_open_to_collaborate(
    reader: GraphReader, user_id: str, researcher_id: str, open_: bool
) -> str:
    """SET, or the refusal: NOT_FOUND, CLAIM_REQUIRED, NOT_CLAIMANT."""
    records = await reader.write(
        SET_OPEN_TO_COLLABORATE,
        {"userId": user_id, "researcherId": researcher_id, "open": open_},
    )
    return str(records[0]["outcome"]) if records else "NOT_FOUND"


async def send_invitation(
    reader: GraphReader,
    invitation_id: str,
    sender_id: str,
    researcher_id: str,
    message: str,
    limit: int,
    window_s: int = 3600,
) -> SendOutcome:
    records = await reader.write(
        SEND_INVITATION,
        {
            "invitationId": invitation_id,
            "senderId": sender_id,
            "researcherId": researcher_id,
            "message": message,
            "limit": limit,
            "windowS": window_s,
        },
    )
    if not records:
        return SendOutcome("NOT_FOUND", 0, 0)
    r = records[0]
    return SendOutcome(r["outcome"], int(r["sent"]), max(1, int(r["retryAfter"])))


async def fetch_invitations(reader: GraphReader, ids: Sequence[str]) -> list[Invitation | None]:
    records = await reader.read(FETCH_INVITATIONS, {"ids": list(ids)})
    return [_invitation(r["invitation"]) if r["invitation"] is not None else None for r in records]


async def fetch_invitation_page(
    reader: GraphReader,
    user_id: str,
    *,
    sent: bool,
    status: str | None,
    offset: int,
    first: int,
) -> tuple[int, list[str]]:
    """Invitations received (or sent) by the user, newest first: (total, page + one)."""
    records = await reader.read(
        FETCH_SENT_PAGE if sent else FETCH_RECEIVED_PAGE,
        {"userId": user_id, "status": status, "offset": offset, "first": first},
    )
    return int(records[0]["total"]), list(records[0]["page"])


async def answer_invitation(
    reader: GraphReader, user_id: str, invitation_id: str, status: str
) -> tuple[str, str | None]:
    """(outcome, the status now): ANSWERED, NOT_FOUND, NOT_ADDRESSEE, NOT_PENDING."""
    records = await reader.write(
        ANSWER_INVITATION, {"userId": user_id, "invitationId": invitation_id, "status": status}
    )
    if not records:
        return "NOT_FOUND", None
    return str(records[0]["outcome"]), records[0]["status"]
