"""Accounts and follows: `(:User)` and `(:User)-[:FOLLOWS {since}]->(:Researcher)`.

Uniqueness (one account per email, per external OIDC subject) is held by constraints
(migration 3), so two sign-ups racing for one address end with one account, not two.
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
class User:
    id: str
    email: str | None  # None for accounts known only from an external OIDC issuer
    name: str
    is_admin: bool
    created_at: datetime
    orcid: str | None
    orcid_verified: bool


@dataclass(frozen=True, slots=True)
class Followed:
    researcher_id: str
    since: datetime


USER_FIELDS: LiteralString = """
id: u.id, email: u.email, name: u.name, isAdmin: coalesce(u.isAdmin, false),
createdAt: u.createdAt, orcid: u.orcid, orcidVerified: coalesce(u.orcidVerified, false)
"""

CREATE_USER: LiteralString = (
    """
CREATE (u:User {id: $id, email: $email, name: $name, passwordHash: $passwordHash,
                isAdmin: $isAdmin, createdAt: datetime()})
RETURN u {"""
    + USER_FIELDS
    + """} AS user
"""
)

FETCH_USERS: LiteralString = (
    """
UNWIND $ids AS id
OPTIONAL MATCH (u:User {id: id})
RETURN id, CASE WHEN u IS NULL THEN NULL ELSE u {"""
    + USER_FIELDS
    + """} END AS user
"""
)

FETCH_CREDENTIALS: LiteralString = (
    """
MATCH (u:User {email: $email})
RETURN u {"""
    + USER_FIELDS
    + """} AS user, u.passwordHash AS passwordHash
"""
)

# An OIDC subject becomes an account the first time it shows a valid token.
MERGE_EXTERNAL_USER: LiteralString = (
    """
MERGE (u:User {oidcSubject: $subject})
ON CREATE SET u.id = $id, u.name = $name, u.isAdmin = false, u.createdAt = datetime(),
              u.oidcEmail = $email
RETURN u {"""
    + USER_FIELDS
    + """} AS user
"""
)

LIST_USERS: LiteralString = (
    """
MATCH (u:User)
RETURN u {"""
    + USER_FIELDS
    + """} AS user
ORDER BY u.createdAt, u.id
"""
)

SET_ORCID: LiteralString = (
    """
MATCH (u:User {id: $id})
SET u.orcid = $orcid, u.orcidVerified = false, u.orcidVerifiedAt = null, u.verifiedOrcid = null
RETURN u {"""
    + USER_FIELDS
    + """} AS user,
       [(u)-[:SUBMITTED]->(c:Claim) WHERE c.approvedFor IS NOT NULL | c.approvedFor] AS claimed
"""
)

CONFIRM_ORCID: LiteralString = (
    """
MATCH (u:User {id: $id}) WHERE coalesce($orcid, u.orcid) IS NOT NULL
SET u.orcid = coalesce($orcid, u.orcid), u.orcidVerified = true, u.orcidVerifiedAt = datetime(),
    u.orcidVerifiedBy = $by, u.verifiedOrcid = coalesce($orcid, u.orcid)
RETURN u {"""
    + USER_FIELDS
    + """} AS user,
       [(u)-[:SUBMITTED]->(c:Claim) WHERE c.approvedFor IS NOT NULL | c.approvedFor] AS claimed
"""
)

FOLLOW: LiteralString = """
MATCH (u:User {id: $userId}), (r:Researcher {id: $researcherId})
MERGE (u)-[f:FOLLOWS]->(r)
ON CREATE SET f.since = datetime()
RETURN COUNT { (r)<-[:FOLLOWS]-(:User) } AS followers
"""

UNFOLLOW: LiteralString = """
MATCH (r:Researcher {id: $researcherId})
OPTIONAL MATCH (:User {id: $userId})-[f:FOLLOWS]->(r)
DELETE f
RETURN COUNT { (r)<-[:FOLLOWS]-(:User) } AS followers
"""

FETCH_FOLLOWING: LiteralString = """
UNWIND $keys AS k
RETURN EXISTS { (:User {id: k.user})-[:FOLLOWS]->(:Researcher {id: k.researcher}) } AS following
"""

FETCH_FOLLOWED: LiteralString = """
MATCH (:User {id: $userId})-[f:FOLLOWS]->(r:Researcher)
WITH f, r ORDER BY f.since DESC, r.id
WITH collect({id: r.id, since: f.since}) AS rows
RETURN size(rows) AS total, rows[$offset..$offset + $first + 1] AS page
"""


def _user(row: dict[str, Any]) -> User:
    created = to_datetime(row["createdAt"])
    assert created is not None, "every User has createdAt"
    return User(
        id=row["id"],
        email=row["email"],
        name=row["name"] or "",
        is_admin=bool(row["isAdmin"]),
        created_at=created,
        orcid=row["orcid"],
        orcid_verified=bool(row["orcidVerified"]),
    )


async def create_user(
    reader: GraphReader, user_id: str, email: str, name: str, password_hash: str, is_admin: bool
) -> User | None:
    """The new account, or None when the email already has one."""
    try:
        records = await reader.write(
            CREATE_USER,
            {
                "id": user_id,
                "email": email,
                "name": name,
                "passwordHash": password_hash,
                "isAdmin": is_admin,
            },
        )
    except ConstraintError:
        return None
    return _user(records[0]["user"])


async def fetch_users(reader: GraphReader, ids: Sequence[str]) -> list[User | None]:
    records = await reader.read(FETCH_USERS, {"ids": list(ids)})
    return [_user(r["user"]) if r["user"] is not None else None for r in records]


async def fetch_credentials(reader: GraphReader, email: str) -> tuple[User, str] | None:
    records = await reader.read(FETCH_CREDENTIALS, {"email": email})
    if not records or records[0]["passwordHash"] is None:
        return None
    return _user(records[0]["user"]), str(records[0]["passwordHash"])


async def merge_external_user(
    reader: GraphReader, subject: str, user_id: str, name: str, email: str | None
) -> User:
    params = {"subject": subject, "id": user_id, "name": name, "email": email}
    try:
        records = await reader.write(MERGE_EXTERNAL_USER, params)
    except ConstraintError:
        # Two first requests of one subject raced; the other one created the account.
        records = await reader.write(MERGE_EXTERNAL_USER, params)
    return _user(records[0]["user"])


async def list_users(reader: GraphReader) -> list[User]:
    return [_user(r["user"]) for r in await reader.read(LIST_USERS)]


async def set_orcid(
    reader: GraphReader, user_id: str, orcid: str
) -> tuple[User, tuple[str, ...]] | None:
    """The user (ORCID now unverified) and the researchers they hold approved claims on."""
    records = await reader.write(SET_ORCID, {"id": user_id, "orcid": orcid})
    if not records:
        return None
    return _user(records[0]["user"]), tuple(records[0]["claimed"])


class OrcidTakenError(Exception):
    """Another account already holds this ORCID iD verified: one account per verified iD."""

    def __init__(self, orcid: str | None) -> None:
        super().__init__(orcid)
        self.orcid = orcid


async def confirm_orcid(
    reader: GraphReader, user_id: str, confirmed_by: str, orcid: str | None = None
) -> tuple[User, tuple[str, ...]] | None:
    """Mark the user's ORCID iD verified: `orcid` when given (the iD ORCID authenticated,
    which replaces the one the user typed), else the one they gave with setOrcid.

    None when there is no such user, or no `orcid` and they gave no ORCID iD. Raises
    `OrcidTakenError` when another account has verified the same iD.
    """
    try:
        records = await reader.write(
            CONFIRM_ORCID, {"id": user_id, "by": confirmed_by, "orcid": orcid}
        )
    except ConstraintError as error:  # user_verified_orcid (migration 5)
        raise OrcidTakenError(orcid) from error
    if not records:
        return None
    return _user(records[0]["user"]), tuple(records[0]["claimed"])


async def follow(reader: GraphReader, user_id: str, researcher_id: str) -> int | None:
    """Followers after the follow (idempotent); None when the researcher or user is absent."""
    records = await reader.write(FOLLOW, {"userId": user_id, "researcherId": researcher_id})
    return int(records[0]["followers"]) if records else None


async def unfollow(reader: GraphReader, user_id: str, researcher_id: str) -> int | None:
    records = await reader.write(UNFOLLOW, {"userId": user_id, "researcherId": researcher_id})
    return int(records[0]["followers"]) if records else None


async def fetch_following(reader: GraphReader, keys: Sequence[tuple[str, str]]) -> list[bool]:
    """Whether each (user id, researcher id) follows; in key order."""
    records = await reader.read(
        FETCH_FOLLOWING, {"keys": [{"user": u, "researcher": r} for u, r in keys]}
    )
    return [bool(r["following"]) for r in records]


async def fetch_followed(
    reader: GraphReader, user_id: str, offset: int, first: int
) -> tuple[int, list[Followed]]:
    """(total, the page plus one more to tell hasNextPage), most recent follow first."""
    records = await reader.read(
        FETCH_FOLLOWED, {"userId": user_id, "offset": offset, "first": first}
    )
    record = records[0]
    page = []
    for row in record["page"]:
        since = to_datetime(row["since"])
        assert since is not None
        page.append(Followed(row["id"], since))
    return int(record["total"]), page
