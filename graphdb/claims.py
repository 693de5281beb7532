"""Claims: `(:User)-[:SUBMITTED]->(:Claim)-[:FOR]->(:Researcher)` (docs/accounts.md).

A claim is PENDING, then APPROVED or REJECTED; an APPROVED (or PENDING) one can be REVOKED.
"At most one approved claimant per researcher" is held by the database, twice over:
- every decision first takes write locks on the claim and the researcher, so decisions on one
  researcher run one after the other and each reads what the previous one committed;
- an APPROVED claim carries `approvedFor: <researcher id>` under a uniqueness constraint, so
  even a writer that skipped the lock could not commit a second approved claim.
Each decision is one statement: its checks and its writes cannot be interleaved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

from neo4j.exceptions import ConstraintError

from graphdb.connection import GraphReader
from graphdb.values import to_datetime


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    status: str  # PENDING, APPROVED, REJECTED, REVOKED
    evidence: str
    researcher_id: str
    claimant_id: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None  # an administrator's user id, or "email:<address>"
    method: str | None  # ADMIN or EMAIL, once approved
    revoked_at: datetime | None
    reason: str | None
    verification_email: str | None
    verified_email: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    """What a decision statement did: `outcome` names the rule that allowed or refused it."""

    outcome: str
    researcher_id: str | None
    previous_status: str | None = None


@dataclass(frozen=True, slots=True)
class VerificationRequest:
    outcome: str  # SENT, NOT_PENDING, NOT_LINKED, TOO_MANY
    researcher_id: str | None
    linked_via: tuple[str, ...]  # "researcher address" or the institutions whose domain matched


CLAIM_FIELDS: LiteralString = """
id: c.id, status: c.status, evidence: c.evidence, researcherId: r.id, claimantId: u.id,
createdAt: c.createdAt, decidedAt: c.decidedAt, decidedBy: c.decidedBy, method: c.method,
revokedAt: c.revokedAt, reason: c.reason, verificationEmail: c.verificationEmail,
verifiedEmail: c.verifiedEmail
"""

CREATE_CLAIM: LiteralString = """
MATCH (u:User {id: $userId}), (r:Researcher {id: $researcherId})
OPTIONAL MATCH (holder:User)-[:SUBMITTED]->(:Claim {approvedFor: r.id})
OPTIONAL MATCH (u)-[:SUBMITTED]->(pending:Claim {status: 'PENDING'})-[:FOR]->(r)
WITH u, r, holder, pending,
     CASE WHEN holder IS NOT NULL THEN 'ALREADY_CLAIMED'
          WHEN pending IS NOT NULL THEN 'ALREADY_PENDING'
          ELSE 'CREATED' END AS outcome
FOREACH (_ IN CASE WHEN outcome = 'CREATED' THEN [1] ELSE [] END |
  CREATE (u)-[:SUBMITTED]->(:Claim {id: $claimId, status: 'PENDING', evidence: $evidence,
                                    createdAt: datetime(), openKey: u.id + '|' + r.id})
         -[:FOR]->(r)
)
RETURN outcome, holder.id AS holderId, pending.id AS pendingId
"""

FETCH_CLAIMS: LiteralString = (
    """
UNWIND $ids AS id
OPTIONAL MATCH (u:User)-[:SUBMITTED]->(c:Claim {id: id})-[:FOR]->(r:Researcher)
RETURN id, CASE WHEN c IS NULL THEN NULL ELSE {"""
    + CLAIM_FIELDS
    + """} END AS claim
"""
)

FETCH_USER_CLAIM_IDS: LiteralString = """
MATCH (:User {id: $userId})-[:SUBMITTED]->(c:Claim)
RETURN c.id AS id ORDER BY c.createdAt DESC, c.id LIMIT $limit
"""

FETCH_CLAIM_PAGE: LiteralString = """
MATCH (c:Claim) WHERE $status IS NULL OR c.status = $status
WITH c ORDER BY c.createdAt DESC, c.id
WITH collect(c.id) AS ids
RETURN size(ids) AS total, ids[$offset..$offset + $first + 1] AS page
"""

# The write locks come first (SET then REMOVE a dummy property: the lock stays until commit),
# so a second decision waits here and then reads the first one's result.
APPROVE_CLAIM: LiteralString = """
MATCH (claimant:User)-[:SUBMITTED]->(c:Claim {id: $claimId})-[:FOR]->(r:Researcher)
SET c._lock = true, r._lock = true
REMOVE c._lock, r._lock
WITH claimant, c, r
OPTIONAL MATCH (other:Claim {approvedFor: r.id})
WITH claimant, c, r, other,
  CASE
    WHEN c.status <> 'PENDING' THEN 'NOT_PENDING'
    WHEN $tokenHash IS NOT NULL AND coalesce(c.verificationTokenHash, '') <> $tokenHash
      THEN 'BAD_TOKEN'
    WHEN $tokenHash IS NOT NULL AND c.verificationExpiresAt < datetime() THEN 'TOKEN_EXPIRED'
    WHEN other IS NOT NULL AND other <> c THEN 'ALREADY_CLAIMED'
    ELSE 'APPROVED'
  END AS outcome
FOREACH (_ IN CASE WHEN outcome = 'APPROVED' THEN [1] ELSE [] END |
  SET c.status = 'APPROVED', c.approvedFor = r.id, c.openKey = null,
      c.decidedAt = datetime(), c.decidedBy = $decidedBy, c.method = $method,
      c.verifiedEmail = CASE WHEN $tokenHash IS NULL THEN null ELSE c.verificationEmail END,
      c.verificationTokenHash = null
)
WITH c, r, outcome
CALL (c, r, outcome) {
  MATCH (r)<-[:FOR]-(p:Claim {status: 'PENDING'})
  WHERE outcome = 'APPROVED' AND p <> c
  SET p.status = 'REJECTED', p.openKey = null, p.verificationTokenHash = null,
      p.decidedAt = datetime(), p.decidedBy = $decidedBy,
      p.reason = 'another claim on this researcher was approved'
  RETURN count(p) AS superseded
}
RETURN outcome, r.id AS researcherId
"""

REJECT_CLAIM: LiteralString = """
MATCH (c:Claim {id: $claimId})-[:FOR]->(r:Researcher)
SET c._lock = true
REMOVE c._lock
WITH c, r, c.status AS before,
     CASE WHEN c.status = 'PENDING' THEN 'REJECTED' ELSE 'NOT_PENDING' END AS outcome
FOREACH (_ IN CASE WHEN outcome = 'REJECTED' THEN [1] ELSE [] END |
  SET c.status = 'REJECTED', c.openKey = null, c.verificationTokenHash = null,
      c.decidedAt = datetime(), c.decidedBy = $decidedBy, c.reason = $reason
)
RETURN outcome, r.id AS researcherId, before
"""

# Revoking an approved claim also closes what hung on it: the researcher is no longer open to
# collaborate, and invitations still waiting for that claimant are cancelled.
REVOKE_CLAIM: LiteralString = """
MATCH (claimant:User)-[:SUBMITTED]->(c:Claim {id: $claimId})-[:FOR]->(r:Researcher)
SET c._lock = true, r._lock = true
REMOVE c._lock, r._lock
WITH claimant, c, r, c.status AS before
WITH claimant, c, r, before,
     CASE WHEN before IN ['PENDING', 'APPROVED'] THEN 'REVOKED' ELSE 'NOT_REVOCABLE' END
       AS outcome
FOREACH (_ IN CASE WHEN outcome = 'REVOKED' THEN [1] ELSE [] END |
  SET c.status = 'REVOKED', c.approvedFor = null, c.openKey = null,
      c.verificationTokenHash = null, c.revokedAt = datetime(), c.revokedBy = $decidedBy,
      c.reason = $reason
)
FOREACH (_ IN CASE WHEN outcome = 'REVOKED' AND before = 'APPROVED' THEN [1] ELSE [] END |
  SET r.openToCollaborate = false
)
WITH claimant, c, r, before, outcome
CALL (claimant, r, before, outcome) {
  MATCH (claimant)<-[:ADDRESSED_TO]-(i:Invitation {status: 'PENDING'})-[:TO]->(r)
  WHERE outcome = 'REVOKED' AND before = 'APPROVED'
  SET i.status = 'CANCELLED', i.respondedAt = datetime()
  RETURN count(i) AS cancelled
}
RETURN outcome, r.id AS researcherId, before
"""

# An address is linked to a researcher when it is one of the researcher's own addresses, or
# its domain (or a parent domain) is a mail domain of an institution the researcher is
# affiliated with.
REQUEST_VERIFICATION: LiteralString = """
MATCH (:User)-[:SUBMITTED]->(c:Claim {id: $claimId})-[:FOR]->(r:Researcher)
SET c._lock = true
REMOVE c._lock
WITH c, r,
     $email IN [e IN coalesce(r.emails, []) | toLower(e)] AS direct,
     [(r)-[:AFFILIATED_WITH]->(i:Institution)
        WHERE any(d IN coalesce(i.domains, []) WHERE toLower(d) IN $domains) | i.name] AS via
WITH c, r, direct, via,
  CASE
    WHEN c.status <> 'PENDING' THEN 'NOT_PENDING'
    WHEN NOT direct AND size(via) = 0 THEN 'NOT_LINKED'
    WHEN coalesce(c.verificationMails, 0) >= $maxMails THEN 'TOO_MANY'
    ELSE 'SENT'
  END AS outcome
FOREACH (_ IN CASE WHEN outcome = 'SENT' THEN [1] ELSE [] END |
  SET c.verificationEmail = $email, c.verificationTokenHash = $tokenHash,
      c.verificationExpiresAt = datetime() + duration({seconds: $ttl}),
      c.verificationMails = coalesce(c.verificationMails, 0) + 1
)
RETURN outcome, r.id AS researcherId, direct, via
"""

# A mail that could not be handed to the mail server is not counted, and its code (never
# delivered) is dropped; unless another request has replaced it meanwhile.
RELEASE_VERIFICATION: LiteralString = """
MATCH (c:Claim {id: $claimId})
WHERE c.verificationTokenHash = $tokenHash
SET c.verificationMails = c.verificationMails - 1
REMOVE c.verificationTokenHash, c.verificationExpiresAt
RETURN c.id AS id
"""

SET_RESEARCHER_EMAILS: LiteralString = """
MATCH (r:Researcher {id: $researcherId})
SET r.emails = $emails
RETURN r.id AS id
"""

# The administrator's list is authoritative: none of it counts as ROR's any more, so a later
# ROR load never removes what an administrator listed (graphdb.institutions).
SET_INSTITUTION_DOMAINS: LiteralString = """
MATCH (i:Institution {id: $institutionId})
SET i.domains = $domains, i.rorDomains = []
RETURN i.id AS id
"""


def _claim(row: dict[str, Any]) -> Claim:
    created = to_datetime(row["createdAt"])
    assert created is not None
    return Claim(
        id=row["id"],
        status=row["status"],
        evidence=row["evidence"] or "",
        researcher_id=row["researcherId"],
        claimant_id=row["claimantId"],
        created_at=created,
        decided_at=to_datetime(row["decidedAt"]),
        decided_by=row["decidedBy"],
        method=row["method"],
        revoked_at=to_datetime(row["revokedAt"]),
        reason=row["reason"],
        verification_email=row["verificationEmail"],
        verified_email=row["verifiedEmail"],
    )


async def create_claim(
    reader: GraphReader, claim_id: str, user_id: str, researcher_id: str, evidence: str
) -> tuple[str, str | None]:
    """(outcome, the claim id it is about): CREATED (the new one), ALREADY_PENDING (the
    user's pending one), ALREADY_CLAIMED (None, or the id of the holder if it is `user_id`),
    NOT_FOUND."""
    params = {
        "claimId": claim_id,
        "userId": user_id,
        "researcherId": researcher_id,
        "evidence": evidence,
    }
    try:
        records = await reader.write(CREATE_CLAIM, params)
    except ConstraintError:
        # The same user's second claim raced the first past the check: `openKey` refused it.
        return "ALREADY_PENDING", None
    if not records:
        return "NOT_FOUND", None
    record = records[0]
    outcome = str(record["outcome"])
    if outcome == "CREATED":
        return outcome, claim_id
    if outcome == "ALREADY_PENDING":
        return outcome, record["pendingId"]
    return outcome, record["holderId"]


async def fetch_claims(reader: GraphReader, ids: Sequence[str]) -> list[Claim | None]:
    records = await reader.read(FETCH_CLAIMS, {"ids": list(ids)})
    return [_claim(r["claim"]) if r["claim"] is not None else None for r in records]


async def fetch_user_claim_ids(reader: GraphReader, user_id: str, limit: int) -> list[str]:
    records = await reader.read(FETCH_USER_CLAIM_IDS, {"userId": user_id, "limit": limit})
    return [r["id"] for r in records]


async def fetch_claim_page(
    reader: GraphReader, status: str | None, offset: int, first: int
) -> tuple[int, list[str]]:
    records = await reader.read(
        FETCH_CLAIM_PAGE, {"status": status, "offset": offset, "first": first}
    )
    return int(records[0]["total"]), list(records[0]["page"])


async def approve_claim(
    reader: GraphReader,
    claim_id: str,
    decided_by: str,
    method: str,
    token_hash: str | None = None,
) -> Decision:
    """APPROVED, or the refusal: NOT_FOUND, NOT_PENDING, BAD_TOKEN, TOKEN_EXPIRED,
    ALREADY_CLAIMED. With `token_hash`, the claim's mailed token must match."""
    params = {
        "claimId": claim_id,
        "decidedBy": decided_by,
        "method": method,
        "tokenHash": token_hash,
    }
    try:
        records = await reader.write(APPROVE_CLAIM, params)
    except ConstraintError:
        return Decision("ALREADY_CLAIMED", None)
    if not records:
        return Decision("NOT_FOUND", None)
    return Decision(records[0]["outcome"], records[0]["researcherId"])


async def reject_claim(
    reader: GraphReader, claim_id: str, decided_by: str, reason: str | None
) -> Decision:
    records = await reader.write(
        REJECT_CLAIM, {"claimId": claim_id, "decidedBy": decided_by, "reason": reason}
    )
    if not records:
        return Decision("NOT_FOUND", None)
    r = records[0]
    return Decision(r["outcome"], r["researcherId"], r["before"])


async def revoke_claim(
    reader: GraphReader, claim_id: str, decided_by: str, reason: str | None
) -> Decision:
    records = await reader.write(
        REVOKE_CLAIM, {"claimId": claim_id, "decidedBy": decided_by, "reason": reason}
    )
    if not records:
        return Decision("NOT_FOUND", None)
    r = records[0]
    return Decision(r["outcome"], r["researcherId"], r["before"])


async def request_verification(
    reader: GraphReader,
    claim_id: str,
    email: str,
    domains: Sequence[str],
    token_hash: str,
    ttl_s: int,
    max_mails: int,
) -> VerificationRequest:
    """Records the (hashed) token when `email` is linked to the claimed researcher."""
    records = await reader.write(
        REQUEST_VERIFICATION,
        {
            "claimId": claim_id,
            "email": email,
            "domains": list(domains),
            "tokenHash": token_hash,
            "ttl": ttl_s,
            "maxMails": max_mails,
        },
    )
    if not records:
        return VerificationRequest("NOT_FOUND", None, ())
    r = records[0]
    via = ("researcher address",) if r["direct"] else ()
    return VerificationRequest(r["outcome"], r["researcherId"], via + tuple(r["via"]))


async def release_verification(reader: GraphReader, claim_id: str, token_hash: str) -> None:
    """Undo `request_verification` for a mail that was never sent."""
    await reader.write(RELEASE_VERIFICATION, {"claimId": claim_id, "tokenHash": token_hash})


async def set_researcher_emails(
    reader: GraphReader, researcher_id: str, emails: Sequence[str]
) -> bool:
    records = await reader.write(
        SET_RESEARCHER_EMAILS, {"researcherId": researcher_id, "emails": list(emails)}
    )
    return bool(records)


async def set_institution_domains(
    reader: GraphReader, institution_id: str, domains: Sequence[str]
) -> bool:
    records = await reader.write(
        SET_INSTITUTION_DOMAINS, {"institutionId": institution_id, "domains": list(domains)}
    )
    return bool(records)
