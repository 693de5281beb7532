"""The root Mutation: every action answers `<Payload> | <error types>` (docs/accounts.md).

Resolvers raise `Refusal`s; `_attempt` is the one place that turns them into error members of
the result union. A refusal whose type a union does not list stays a GraphQL error (with
`extensions.code`), so nothing is ever swallowed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry

from resolvers import accounts, claims, invitations, orcid
from resolvers.auth import Refusal
from resolvers.context import Info
from schema.accounts import (
    AuthenticationError,
    Claim,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    Invitation,
    NotFoundError,
    RateLimitError,
    UnavailableError,
    Viewer,
)
from schema.researchers import Researcher

T = TypeVar("T")
P = TypeVar("P")


@strawberry.type(description="A bearer token for `Authorization: Bearer <token>`, and its user.")
class AuthPayload:
    token: str
    expires_at: datetime
    user: Viewer


@strawberry.type
class FollowPayload:
    researcher: Researcher
    following: bool = strawberry.field(description="Whether the viewer follows it now.")
    followers_count: int


@strawberry.type
class ClaimPayload:
    claim: Claim


@strawberry.type
class ClaimVerificationPayload:
    claim: Claim
    sent_to: str = strawberry.field(description="Where the verification code was mailed.")
    linked_via: str = strawberry.field(
        description="Why that address counts: the researcher's address or an institution."
    )


@strawberry.type
class ViewerPayload:
    viewer: Viewer


@strawberry.type
class OrcidConfirmationPayload:
    user_id: strawberry.ID
    orcid: str | None
    orcid_verified: bool


@strawberry.type(description="Where to send the user to sign in at ORCID (docs/accounts.md).")
class OrcidAuthorizationPayload:
    authorize_url: str = strawberry.field(
        description="Open this in the user's browser: ORCID's sign-in for this server."
    )
    state: str = strawberry.field(
        description="Signed and bound to the viewer; ORCID hands it back to the redirect URL."
    )
    expires_at: datetime = strawberry.field(description="The sign-in must finish before this.")
    redirect_url: str = strawberry.field(description="Where ORCID sends the browser back.")


@strawberry.type
class ResearcherPayload:
    researcher: Researcher


@strawberry.type
class InstitutionDomainsPayload:
    institution_id: strawberry.ID
    domains: list[str]


@strawberry.type
class InvitationPayload:
    invitation: Invitation


AuthResult = Annotated[
    AuthPayload | AuthenticationError | InvalidInputError | ConflictError | RateLimitError,
    strawberry.union("AuthResult"),
]
FollowResult = Annotated[
    FollowPayload | AuthenticationError | InvalidInputError | NotFoundError,
    strawberry.union("FollowResult"),
]
ClaimResult = Annotated[
    ClaimPayload
    | AuthenticationError
    | ForbiddenError
    | InvalidInputError
    | NotFoundError
    | ConflictError,
    strawberry.union("ClaimResult"),
]
ClaimVerificationResult = Annotated[
    ClaimVerificationPayload
    | AuthenticationError
    | ForbiddenError
    | InvalidInputError
    | NotFoundError
    | ConflictError
    | RateLimitError
    | UnavailableError,
    strawberry.union("ClaimVerificationResult"),
]
ViewerResult = Annotated[
    ViewerPayload | AuthenticationError | InvalidInputError, strawberry.union("ViewerResult")
]
OrcidConfirmationResult = Annotated[
    OrcidConfirmationPayload
    | AuthenticationError
    | ForbiddenError
    | InvalidInputError
    | NotFoundError
    | ConflictError,
    strawberry.union("OrcidConfirmationResult"),
]
OrcidAuthorizationResult = Annotated[
    OrcidAuthorizationPayload | AuthenticationError | UnavailableError,
    strawberry.union("OrcidAuthorizationResult"),
]
OrcidVerificationResult = Annotated[
    ViewerPayload | AuthenticationError | ForbiddenError | InvalidInputError | UnavailableError,
    strawberry.union("OrcidVerificationResult"),
]
ResearcherResult = Annotated[
    ResearcherPayload
    | AuthenticationError
    | ForbiddenError
    | InvalidInputError
    | NotFoundError
    | ConflictError,
    strawberry.union("ResearcherResult"),
]
InstitutionDomainsResult = Annotated[
    InstitutionDomainsPayload
    | AuthenticationError
    | ForbiddenError
    | InvalidInputError
    | NotFoundError,
    strawberry.union("InstitutionDomainsResult"),
]
InvitationResult = Annotated[
    InvitationPayload
    | AuthenticationError
    | ForbiddenError
    | InvalidInputError
    | NotFoundError
    | ConflictError
    | RateLimitError,
    strawberry.union("InvitationResult"),
]


def _error(refusal: Refusal) -> Any:
    code = refusal.refusal_code
    match refusal.category:
        case "AUTHENTICATION":
            return AuthenticationError(code=code, message=refusal.message)
        case "FORBIDDEN":
            return ForbiddenError(code=code, message=refusal.message, field=refusal.field)
        case "NOT_FOUND":
            return NotFoundError(code=code, message=refusal.message, field=refusal.field)
        case "INVALID_INPUT":
            return InvalidInputError(code=code, message=refusal.message, field=refusal.field)
        case "UNAVAILABLE":
            return UnavailableError(code=code, message=refusal.message, field=refusal.field)
        case "RATE_LIMITED":
            return RateLimitError(
                code=code,
                message=refusal.message,
                retry_after_seconds=refusal.retry_after_s,
                limit=refusal.limit,
            )
        case _:
            return ConflictError(code=code, message=refusal.message, field=refusal.field)


async def _attempt(
    allowed: tuple[type, ...], action: Awaitable[T], payload: Callable[[T], P]
) -> P | Any:  # Any: one of `allowed`, which each mutation's union lists
    try:
        result = await action
    except Refusal as refusal:
        error = _error(refusal)
        if not isinstance(error, allowed):
            raise
        return error
    return payload(result)


AUTH = (AuthenticationError, InvalidInputError, ConflictError)
FOLLOW = (AuthenticationError, InvalidInputError, NotFoundError)
CLAIM = (AuthenticationError, ForbiddenError, InvalidInputError, NotFoundError, ConflictError)
EVERY = (*CLAIM, RateLimitError)


def _auth_payload(result: tuple[Any, Any]) -> AuthPayload:
    issued, user = result
    return AuthPayload(token=issued.token, expires_at=issued.expires_at, user=Viewer.from_row(user))


def _follow_payload(following: bool) -> Callable[[tuple[Any, int]], FollowPayload]:
    def build(result: tuple[Any, int]) -> FollowPayload:
        researcher, followers = result
        return FollowPayload(
            researcher=Researcher.from_row(researcher),
            following=following,
            followers_count=followers,
        )

    return build


def _claim_payload(claim: Any) -> ClaimPayload:
    return ClaimPayload(claim=Claim.from_row(claim))


def _invitation_payload(invitation: Any) -> InvitationPayload:
    return InvitationPayload(invitation=Invitation.from_row(invitation))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an account (never an administrator) and log in.")
    async def sign_up(self, info: Info, email: str, password: str, name: str) -> AuthResult:
        return await _attempt(AUTH, accounts.sign_up(info, email, password, name), _auth_payload)

    @strawberry.mutation(
        description=(
            "Exchange email and password for a bearer token. Repeated failures for one "
            "address or from one client are refused for a while (RateLimitError)."
        )
    )
    async def log_in(self, info: Info, email: str, password: str) -> AuthResult:
        return await _attempt(
            (*AUTH, RateLimitError), accounts.log_in(info, email, password), _auth_payload
        )

    @strawberry.mutation(description="Follow a researcher; following twice changes nothing.")
    async def follow_researcher(self, info: Info, id: strawberry.ID) -> FollowResult:
        return await _attempt(
            FOLLOW, accounts.set_following(info, id, following=True), _follow_payload(True)
        )

    @strawberry.mutation(description="Stop following; unfollowing twice changes nothing.")
    async def unfollow_researcher(self, info: Info, id: strawberry.ID) -> FollowResult:
        return await _attempt(
            FOLLOW, accounts.set_following(info, id, following=False), _follow_payload(False)
        )

    @strawberry.mutation(description="Claim to be a researcher: a PENDING claim.")
    async def claim_researcher(
        self, info: Info, researcher_id: strawberry.ID, evidence: str
    ) -> ClaimResult:
        return await _attempt(
            CLAIM, claims.submit_claim(info, researcher_id, evidence), _claim_payload
        )

    @strawberry.mutation(
        description=(
            "Mail a one-time code to an address linked to the claimed researcher (its own "
            "address, or at a mail domain of one of its institutions). Claimant only."
        )
    )
    async def request_claim_verification(
        self, info: Info, claim_id: strawberry.ID, email: str
    ) -> ClaimVerificationResult:
        def payload(result: tuple[Any, str]) -> ClaimVerificationPayload:
            claim, via = result
            return ClaimVerificationPayload(
                claim=Claim.from_row(claim), sent_to=claim.verification_email or "", linked_via=via
            )

        return await _attempt(
            (*EVERY, UnavailableError), claims.send_verification(info, claim_id, email), payload
        )

    @strawberry.mutation(description="Approve your own claim with the mailed code.")
    async def verify_claim_email(
        self, info: Info, claim_id: strawberry.ID, token: str
    ) -> ClaimResult:
        return await _attempt(CLAIM, claims.verify_email(info, claim_id, token), _claim_payload)

    @strawberry.mutation(description="Administrators: approve a PENDING claim.")
    async def approve_claim(self, info: Info, id: strawberry.ID) -> ClaimResult:
        return await _attempt(CLAIM, claims.approve(info, id), _claim_payload)

    @strawberry.mutation(description="Administrators: reject a PENDING claim.")
    async def reject_claim(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> ClaimResult:
        return await _attempt(CLAIM, claims.reject(info, id, reason), _claim_payload)

    @strawberry.mutation(
        description="Revoke a PENDING or APPROVED claim: its claimant, or an administrator."
    )
    async def revoke_claim(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> ClaimResult:
        return await _attempt(CLAIM, claims.revoke(info, id, reason), _claim_payload)

    @strawberry.mutation(description="Give your ORCID iD; it counts (level 3) once verified.")
    async def set_orcid(self, info: Info, orcid: str) -> ViewerResult:
        return await _attempt(
            (AuthenticationError, InvalidInputError),
            accounts.give_orcid(info, orcid),
            lambda user: ViewerPayload(viewer=Viewer.from_row(user)),
        )

    @strawberry.mutation(
        description=(
            "Administrators: confirm a user's ORCID iD (the development stand-in for ORCID "
            "OAuth, see docs/accounts.md)."
        )
    )
    async def confirm_orcid(self, info: Info, user_id: strawberry.ID) -> OrcidConfirmationResult:
        return await _attempt(
            CLAIM,
            accounts.confirm_user_orcid(info, user_id),
            lambda user: OrcidConfirmationPayload(
                user_id=strawberry.ID(f"User:{user.id}"),
                orcid=user.orcid,
                orcid_verified=user.orcid_verified,
            ),
        )

    @strawberry.mutation(
        description=(
            "Start verifying your ORCID iD with ORCID OAuth: open `authorizeUrl`; ORCID "
            "returns to the redirect URL with a code (docs/accounts.md)."
        )
    )
    async def start_orcid_verification(self, info: Info) -> OrcidAuthorizationResult:
        return await _attempt(
            (AuthenticationError, UnavailableError),
            orcid.start(info),
            lambda a: OrcidAuthorizationPayload(
                authorize_url=a.authorize_url,
                state=a.state,
                expires_at=a.expires_at,
                redirect_url=a.redirect_url,
            ),
        )

    @strawberry.mutation(
        description=(
            "Finish your ORCID sign-in with the `code` and `state` ORCID returned: the iD "
            "ORCID authenticated becomes your verified ORCID iD (level 3 for your claims)."
        )
    )
    async def complete_orcid_verification(
        self, info: Info, code: str, state: str
    ) -> OrcidVerificationResult:
        return await _attempt(
            (AuthenticationError, ForbiddenError, InvalidInputError, UnavailableError),
            orcid.complete(info, code, state),
            lambda user: ViewerPayload(viewer=Viewer.from_row(user)),
        )

    @strawberry.mutation(
        description="The approved claimant shows (or hides) 'Open to collaborate'."
    )
    async def set_open_to_collaborate(
        self, info: Info, researcher_id: strawberry.ID, open: bool
    ) -> ResearcherResult:
        return await _attempt(
            CLAIM,
            invitations.set_open(info, researcher_id, open),
            lambda row: ResearcherPayload(researcher=Researcher.from_row(row)),
        )

    @strawberry.mutation(
        description="Invite a claimed researcher who is open to collaborate; rate-limited."
    )
    async def invite_to_collaborate(
        self, info: Info, researcher_id: strawberry.ID, message: str
    ) -> InvitationResult:
        return await _attempt(
            EVERY, invitations.invite(info, researcher_id, message), _invitation_payload
        )

    @strawberry.mutation(description="The addressed claimant accepts an invitation.")
    async def accept_invitation(self, info: Info, id: strawberry.ID) -> InvitationResult:
        return await _attempt(EVERY, invitations.answer(info, id, accept=True), _invitation_payload)

    @strawberry.mutation(description="The addressed claimant declines an invitation.")
    async def decline_invitation(self, info: Info, id: strawberry.ID) -> InvitationResult:
        return await _attempt(
            EVERY, invitations.answer(info, id, accept=False), _invitation_payload
        )

    @strawberry.mutation(
        description="Administrators: the researcher's own addresses (for claim verification)."
    )
    async def set_researcher_emails(
        self, info: Info, researcher_id: strawberry.ID, emails: list[str]
    ) -> ResearcherResult:
        async def run() -> Any:
            key = await claims.link_researcher_emails(info, researcher_id, emails)
            row = await info.context.loaders.researcher.load(key)
            return row

        return await _attempt(
            CLAIM, run(), lambda row: ResearcherPayload(researcher=Researcher.from_row(row))
        )

    @strawberry.mutation(
        description="Administrators: an institution's mail domains (for claim verification)."
    )
    async def set_institution_domains(
        self, info: Info, institution_id: strawberry.ID, domains: list[str]
    ) -> InstitutionDomainsResult:
        return await _attempt(
            (AuthenticationError, ForbiddenError, InvalidInputError, NotFoundError),
            claims.link_institution_domains(info, institution_id, domains),
            lambda cleaned: InstitutionDomainsPayload(
                institution_id=institution_id, domains=cleaned
            ),
        )
