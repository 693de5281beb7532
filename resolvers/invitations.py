"""Collaboration invitations and the "open to collaborate" switch (docs/accounts.md)."""

from __future__ import annotations

from graphdb.invitations import (
    Invitation,
    answer_invitation,
    fetch_invitation_page,
    send_invitation,
    set_open_to_collaborate,
)
from graphdb.mentions import Researcher
from graphdb.users import User
from resolvers.accounts import (
    AccountKind,
    clean_text,
    forget,
    forget_researcher,
    new_id,
    parse_account_id,
    require_viewer,
    researcher_or_refuse,
)
from resolvers.auth import (
    Code,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
)
from resolvers.context import Info
from resolvers.pagination import check_first, parse_offset_cursor

RATE_WINDOW_S = 3600


async def set_open(info: Info, raw_researcher_id: str, open_: bool) -> Researcher:
    user = await require_viewer(info)
    researcher = await researcher_or_refuse(info, raw_researcher_id, "researcherId")
    outcome = await set_open_to_collaborate(info.context.reader, user.id, researcher.id, open_)
    if outcome == "CLAIM_REQUIRED":
        raise ConflictError(
            Code.CLAIM_REQUIRED,
            f"researcherId: {researcher.id} has no approved claimant; only the approved "
            "claimant may open a profile to collaboration (claimResearcher first).",
            field="researcherId",
        )
    if outcome == "NOT_CLAIMANT":
        raise ForbiddenError(
            Code.NOT_CLAIMANT,
            f"researcherId: only the approved claimant of {researcher.id} may change this.",
            field="researcherId",
        )
    if outcome == "NOT_FOUND":
        raise NotFoundError(Code.NOT_FOUND, "researcherId: no such researcher")
    forget_researcher(info, researcher.id)
    found = await info.context.loaders.researcher.load(researcher.id)
    assert found is not None
    return found


async def invite(info: Info, raw_researcher_id: str, message: str) -> Invitation:
    user = await require_viewer(info)
    auth = info.context.auth
    text = clean_text(message, "message", auth.max_message_chars)
    researcher = await researcher_or_refuse(info, raw_researcher_id, "researcherId")
    invitation_id = new_id(AccountKind.INVITATION)
    sent = await send_invitation(
        info.context.reader,
        invitation_id,
        user.id,
        researcher.id,
        text,
        auth.invite_rate_per_hour,
        RATE_WINDOW_S,
    )
    if sent.outcome == "CLAIM_REQUIRED":
        raise ConflictError(
            Code.CLAIM_REQUIRED,
            f"researcherId: {researcher.name} ({researcher.id}) has not claimed their profile, "
            "so nobody can receive an invitation for it; a claim is required first.",
            field="researcherId",
        )
    if sent.outcome == "SELF":
        raise ConflictError(
            Code.CANNOT_INVITE_SELF,
            "researcherId: you are this researcher's claimant; you cannot invite yourself.",
            field="researcherId",
        )
    if sent.outcome == "NOT_OPEN":
        raise ConflictError(
            Code.NOT_OPEN_TO_COLLABORATE,
            f"researcherId: {researcher.name} ({researcher.id}) is not open to collaborate.",
            field="researcherId",
        )
    if sent.outcome == "RATE_LIMITED":
        raise RateLimitedError(
            Code.RATE_LIMITED,
            f"You sent {sent.sent_last_hour} invitations in the last hour, the most allowed "
            f"({auth.invite_rate_per_hour}); try again in {sent.retry_after_s} s.",
            retry_after_s=sent.retry_after_s,
            limit=auth.invite_rate_per_hour,
        )
    if sent.outcome == "NOT_FOUND":
        raise NotFoundError(Code.NOT_FOUND, "researcherId: no such researcher")
    found = await info.context.loaders.invitation.load(invitation_id)
    assert found is not None
    return found


async def answer(info: Info, raw_id: str, *, accept: bool) -> Invitation:
    user = await require_viewer(info)
    invitation_id = parse_account_id(raw_id, AccountKind.INVITATION)
    outcome, status = await answer_invitation(
        info.context.reader, user.id, invitation_id, "ACCEPTED" if accept else "DECLINED"
    )
    if outcome == "NOT_FOUND":
        raise NotFoundError(Code.NOT_FOUND, f"id: no invitation {raw_id!r}", field="id")
    if outcome == "NOT_ADDRESSEE":
        raise ForbiddenError(
            Code.NOT_ADDRESSEE,
            "id: only the researcher's claimant it was addressed to may answer this invitation.",
            field="id",
        )
    if outcome == "NOT_PENDING":
        raise ConflictError(
            Code.INVITATION_NOT_PENDING,
            f"id: the invitation is already {status}; it can be answered once.",
            field="id",
        )
    forget(info.context.loaders.invitation, invitation_id)
    found = await info.context.loaders.invitation.load(invitation_id)
    assert found is not None
    return found


async def invitation_page(
    info: Info, user: User, *, sent: bool, status: str | None, first: int, after: str | None
) -> tuple[int, int, list[Invitation]]:
    check_first(first, info.context.limits.max_first)
    offset = parse_offset_cursor(after)
    total, ids = await fetch_invitation_page(
        info.context.reader, user.id, sent=sent, status=status, offset=offset, first=first
    )
    found = await info.context.loaders.invitation.load_many(ids)
    return total, offset, [i for i in found if i is not None]
