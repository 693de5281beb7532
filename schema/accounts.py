"""GraphQL types for accounts, follows, claims and invitations, and the errors of actions.

Mutations answer with a union of their payload and the error types below (docs/accounts.md):
each error type implements `UserError` with a precise `code` and message. Queries raise the
same refusals as GraphQL errors with `extensions.code`.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from graphdb.claims import Claim as ClaimRow
from graphdb.invitations import Invitation as InvitationRow
from graphdb.users import User as UserRow
from resolvers.accounts import AccountKind, account_global_id, followed_page
from resolvers.auth import Code
from resolvers.claims import viewer_claims
from resolvers.context import Info
from resolvers.invitations import invitation_page
from resolvers.pagination import offset_cursor
from schema.relay import PageInfo
from schema.researchers import Researcher

# Registers the resolvers' enum of refusal codes as the GraphQL enum ErrorCode.
strawberry.enum(Code, name="ErrorCode", description="Which rule refused an action.")


@strawberry.interface(description="An expected refusal: `code` says which rule refused.")
class UserError:
    code: Code
    message: str


@strawberry.type(description="No token, an invalid or expired token, or wrong credentials.")
class AuthenticationError(UserError):
    pass


@strawberry.type(description="Authenticated, but this user may not do this.")
class ForbiddenError(UserError):
    field: str | None


@strawberry.type(description="The id names nothing.")
class NotFoundError(UserError):
    field: str | None


@strawberry.type(description="An argument is malformed or out of bounds; `field` names it.")
class InvalidInputError(UserError):
    field: str | None


@strawberry.type(description="The action conflicts with the current state (already claimed, ...).")
class ConflictError(UserError):
    field: str | None


@strawberry.type(description="Too many actions in a time window; retry after the given delay.")
class RateLimitError(UserError):
    retry_after_seconds: int | None
    limit: int | None


@strawberry.type(
    description=(
        "A service the action needs (mail delivery, ORCID) is not configured or failed; "
        "the message says which and what to do."
    )
)
class UnavailableError(UserError):
    field: str | None


@strawberry.enum(description="PENDING until decided; APPROVED or REJECTED; REVOKED later.")
class ClaimStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    REVOKED = "REVOKED"


@strawberry.enum(description="PENDING until the claimant answers; CANCELLED if the claim ends.")
class InvitationStatus(Enum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"


@strawberry.type(description="A user as others see them: an id and a name, nothing private.")
class User:
    id: strawberry.ID
    name: str

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(id=strawberry.ID(account_global_id(AccountKind.USER, row.id)), name=row.name)


async def _user(info: Info, user_id: str) -> User:
    row = await info.context.loaders.user.load(user_id)
    if row is None:
        return User(id=strawberry.ID(account_global_id(AccountKind.USER, user_id)), name="")
    return User.from_row(row)


async def _researcher(info: Info, researcher_id: str) -> Researcher:
    row = await info.context.loaders.researcher.load(researcher_id)
    assert row is not None, f"researcher {researcher_id} vanished"
    return Researcher.from_row(row)


@strawberry.type(
    description=(
        "A claim that a user is a researcher. Seen only by its claimant and administrators."
    )
)
class Claim:
    id: strawberry.ID
    status: ClaimStatus
    evidence: str
    created_at: datetime
    decided_at: datetime | None = strawberry.field(description="When approved or rejected.")
    method: str | None = strawberry.field(
        description="How it was approved: EMAIL (a mailed token) or ADMIN."
    )
    revoked_at: datetime | None
    reason: str | None = strawberry.field(description="Why it was rejected or revoked.")
    verification_email: str | None = strawberry.field(
        description="Where the last verification mail went."
    )
    row: strawberry.Private[ClaimRow]

    @strawberry.field(description="The researcher claimed.")
    async def researcher(self, info: Info) -> Researcher:
        return await _researcher(info, self.row.researcher_id)

    @strawberry.field(description="Who claims to be the researcher.")
    async def claimant(self, info: Info) -> User:
        return await _user(info, self.row.claimant_id)

    @classmethod
    def from_row(cls, row: ClaimRow) -> Claim:
        return cls(
            id=strawberry.ID(account_global_id(AccountKind.CLAIM, row.id)),
            status=ClaimStatus(row.status),
            evidence=row.evidence,
            created_at=row.created_at,
            decided_at=row.decided_at,
            method=row.method,
            revoked_at=row.revoked_at,
            reason=row.reason,
            verification_email=row.verification_email,
            row=row,
        )


@strawberry.type(description="A page of claims.")
class ClaimConnection:
    total_count: int
    nodes: list[Claim]
    page_info: PageInfo


@strawberry.type(description="An invitation to collaborate, sent to a researcher's claimant.")
class Invitation:
    id: strawberry.ID
    message: str
    status: InvitationStatus
    created_at: datetime
    responded_at: datetime | None
    row: strawberry.Private[InvitationRow]

    @strawberry.field(description="The researcher invited.")
    async def researcher(self, info: Info) -> Researcher:
        return await _researcher(info, self.row.researcher_id)

    @strawberry.field(description="Who sent it.")
    async def sender(self, info: Info) -> User:
        return await _user(info, self.row.sender_id)

    @classmethod
    def from_row(cls, row: InvitationRow) -> Invitation:
        return cls(
            id=strawberry.ID(account_global_id(AccountKind.INVITATION, row.id)),
            message=row.message,
            status=InvitationStatus(row.status),
            created_at=row.created_at,
            responded_at=row.responded_at,
            row=row,
        )


@strawberry.type(description="A page of invitations, newest first.")
class InvitationConnection:
    total_count: int
    edges: list[InvitationEdge]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[Invitation]:
        return [edge.node for edge in self.edges]


@strawberry.type
class InvitationEdge:
    cursor: str
    node: Invitation


@strawberry.type
class FollowEdge:
    cursor: str
    followed_at: datetime
    node: Researcher


@strawberry.type(description="Researchers the viewer follows, most recently followed first.")
class FollowConnection:
    total_count: int
    edges: list[FollowEdge]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[Researcher]:
        return [edge.node for edge in self.edges]


def _page_info(offset: int, first: int, total: int, cursors: list[str]) -> PageInfo:
    return PageInfo.for_offset(offset, first, total, cursors)


@strawberry.type(description="The logged-in user: their account, follows, claims, invitations.")
class Viewer:
    id: strawberry.ID
    email: str | None = strawberry.field(description="Null for accounts of an OIDC issuer.")
    name: str
    is_admin: bool
    created_at: datetime
    orcid: str | None
    orcid_verified: bool
    row: strawberry.Private[UserRow]

    @strawberry.field(description="Researchers followed, most recent first.")
    async def following(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> FollowConnection:
        total, offset, rows = await followed_page(info, self.row.id, first, after)
        edges = [
            FollowEdge(
                cursor=offset_cursor(offset + i),
                followed_at=followed.since,
                node=Researcher.from_row(researcher),
            )
            for i, (followed, researcher) in enumerate(rows[:first])
        ]
        cursors = [e.cursor for e in edges]
        return FollowConnection(
            total_count=total, edges=edges, page_info=_page_info(offset, first, total, cursors)
        )

    @strawberry.field(description="The viewer's claims, newest first (at most 100).")
    async def claims(self, info: Info) -> list[Claim]:
        return [Claim.from_row(c) for c in await viewer_claims(info, self.row)]

    @strawberry.field(description="Invitations addressed to the viewer as a claimant.")
    async def invitations(
        self,
        info: Info,
        status: InvitationStatus | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> InvitationConnection:
        return await _invitations(info, self.row, False, status, first, after)

    @strawberry.field(description="Invitations the viewer sent.")
    async def sent_invitations(
        self,
        info: Info,
        status: InvitationStatus | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> InvitationConnection:
        return await _invitations(info, self.row, True, status, first, after)

    @classmethod
    def from_row(cls, row: UserRow) -> Viewer:
        return cls(
            id=strawberry.ID(account_global_id(AccountKind.USER, row.id)),
            email=row.email,
            name=row.name,
            is_admin=row.is_admin,
            created_at=row.created_at,
            orcid=row.orcid,
            orcid_verified=row.orcid_verified,
            row=row,
        )


async def _invitations(
    info: Info,
    user: UserRow,
    sent: bool,
    status: InvitationStatus | None,
    first: int,
    after: str | None,
) -> InvitationConnection:
    total, offset, rows = await invitation_page(
        info,
        user,
        sent=sent,
        status=status.value if status else None,
        first=first,
        after=after,
    )
    edges = [
        InvitationEdge(cursor=offset_cursor(offset + i), node=Invitation.from_row(row))
        for i, row in enumerate(rows[:first])
    ]
    cursors = [e.cursor for e in edges]
    return InvitationConnection(
        total_count=total, edges=edges, page_info=_page_info(offset, first, total, cursors)
    )


def claim_connection(total: int, offset: int, first: int, rows: list[ClaimRow]) -> ClaimConnection:
    cursors = [offset_cursor(offset + i) for i in range(len(rows[:first]))]
    return ClaimConnection(
        total_count=total,
        nodes=[Claim.from_row(r) for r in rows[:first]],
        page_info=_page_info(offset, first, total, cursors),
    )
