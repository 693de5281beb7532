"""Claims on researcher profiles: submit, prove by email, decide (docs/accounts.md).

Who may do what: any logged-in user may claim; only the claimant may ask for and use a
verification mail; only an administrator may approve or reject; the claimant (giving it up)
or an administrator may revoke. Every decision re-reads the claim inside its own statement,
so the checks here are for precise messages; the graph holds the rules under concurrency.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from graphdb.claims import (
    Claim,
    Decision,
    approve_claim,
    create_claim,
    fetch_claim_page,
    fetch_user_claim_ids,
    reject_claim,
    release_verification,
    request_verification,
    revoke_claim,
    set_institution_domains,
    set_researcher_emails,
)
from graphdb.trust import refresh_trust
from graphdb.users import User
from resolvers.accounts import (
    AccountKind,
    clean_email,
    clean_text,
    email_domains,
    forget,
    forget_researcher,
    new_id,
    parse_account_id,
    require_admin,
    require_viewer,
    researcher_or_refuse,
)
from resolvers.auth import (
    Code,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
)
from resolvers.context import Info, Mail, MailDeliveryError
from resolvers.errors import InvalidIdError
from resolvers.ids import Kind, parse_key
from resolvers.pagination import check_first, parse_offset_cursor

MAX_EVIDENCE = 2000
MAX_REASON = 500
MAX_VERIFICATION_MAILS = 5
MAX_LINKS = 20
USER_CLAIMS_SHOWN = 100
DOMAIN = re.compile(
    r"^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)


def token_hash(token: str) -> str:
    # Only the hash is stored: the graph never holds a usable verification token.
    return hashlib.sha256(token.encode()).hexdigest()


async def claim_or_refuse(info: Info, raw_id: str, argument: str = "id") -> Claim:
    claim_id = parse_account_id(raw_id, AccountKind.CLAIM, argument)
    forget(info.context.loaders.claim, claim_id)
    claim = await info.context.loaders.claim.load(claim_id)
    if claim is None:
        raise NotFoundError(Code.NOT_FOUND, f"{argument}: no claim {raw_id!r}", field=argument)
    return claim


async def _reloaded(info: Info, claim_id: str, researcher_id: str | None) -> Claim:
    forget(info.context.loaders.claim, claim_id)
    if researcher_id:
        forget_researcher(info, researcher_id)
    claim = await info.context.loaders.claim.load(claim_id)
    assert claim is not None
    return claim


async def submit_claim(info: Info, raw_researcher_id: str, evidence: str) -> Claim:
    user = await require_viewer(info)
    text = clean_text(evidence, "evidence", MAX_EVIDENCE)
    researcher = await researcher_or_refuse(info, raw_researcher_id, "researcherId")
    claim_id = new_id(AccountKind.CLAIM)
    outcome, about = await create_claim(info.context.reader, claim_id, user.id, researcher.id, text)
    if outcome == "ALREADY_CLAIMED":
        whose = "you already hold it" if about == user.id else "another user holds it"
        raise ConflictError(
            Code.ALREADY_CLAIMED,
            f"researcherId: {researcher.name} ({researcher.id}) already has an approved claim "
            f"({whose}); a researcher has at most one approved claimant.",
            field="researcherId",
        )
    if outcome == "ALREADY_PENDING":
        raise ConflictError(
            Code.CLAIM_PENDING,
            f"researcherId: you already have a pending claim on {researcher.id}"
            + (f" (Claim:{about})" if about else "")
            + "; verify it by email or wait for an administrator.",
            field="researcherId",
        )
    if outcome == "NOT_FOUND":
        raise NotFoundError(
            Code.NOT_FOUND, "researcherId: no such researcher", field="researcherId"
        )
    return await _reloaded(info, claim_id, None)


async def send_verification(info: Info, raw_claim_id: str, email: str) -> tuple[Claim, str]:
    """Mails a one-time token to `email` if it is linked to the claimed researcher."""
    user = await require_viewer(info)
    claim = await claim_or_refuse(info, raw_claim_id, "claimId")
    if claim.claimant_id != user.id:
        raise ForbiddenError(
            Code.NOT_CLAIMANT, "claimId: only the user who submitted the claim may verify it."
        )
    address = clean_email(email)
    token = secrets.token_urlsafe(24)
    auth = info.context.auth
    result = await request_verification(
        info.context.reader,
        claim.id,
        address,
        email_domains(address),
        token_hash(token),
        auth.claim_token_ttl_s,
        MAX_VERIFICATION_MAILS,
    )
    if result.outcome == "NOT_PENDING":
        raise ConflictError(
            Code.CLAIM_NOT_PENDING, f"claimId: the claim is {claim.status}, not PENDING."
        )
    if result.outcome == "NOT_LINKED":
        raise ForbiddenError(
            Code.EMAIL_NOT_LINKED,
            f"email: {address} is not linked to researcher {claim.researcher_id}: it is neither "
            "one of the researcher's addresses nor at a mail domain of an institution the "
            "researcher is affiliated with. Ask an administrator to review the claim instead.",
            field="email",
        )
    if result.outcome == "TOO_MANY":
        raise RateLimitedError(
            Code.TOO_MANY_VERIFICATION_MAILS,
            f"claimId: {MAX_VERIFICATION_MAILS} verification mails were already sent for this "
            "claim; ask an administrator to review it.",
            limit=MAX_VERIFICATION_MAILS,
        )
    if result.outcome == "NOT_FOUND":
        raise NotFoundError(Code.NOT_FOUND, "claimId: no such claim", field="claimId")
    hours = auth.claim_token_ttl_s // 3600
    try:
        await info.context.mailer.send(
            Mail(
                to=address,
                subject="Confirm your ScholarGraph claim",
                body=(
                    f"Hello,\n\n{user.name} asked to claim the researcher profile "
                    f"{claim.researcher_id} on ScholarGraph and named this address as proof.\n\n"
                    f"Your verification code: {token}\n\n"
                    "Logged in as that user, run:\n"
                    f'  mutation {{ verifyClaimEmail(claimId: "Claim:{claim.id}", '
                    f'token: "{token}") {{ __typename }} }}\n\n'
                    f"The code expires in {hours} hours. If you did not ask for this, ignore it.\n"
                ),
                kind="claim-verification",
                data={"claimId": f"Claim:{claim.id}", "token": token, "email": address},
            )
        )
    except MailDeliveryError as error:
        await release_verification(info.context.reader, claim.id, token_hash(token))
        raise UnavailableError(
            Code.MAIL_NOT_SENT,
            f"email: the verification mail to {address} could not be sent: {error}. The "
            "claim stays PENDING; try again later or ask an administrator to review it.",
            field="email",
        ) from error
    return await _reloaded(info, claim.id, None), ", ".join(result.linked_via)


async def verify_email(info: Info, raw_claim_id: str, token: str) -> Claim:
    user = await require_viewer(info)
    claim = await claim_or_refuse(info, raw_claim_id, "claimId")
    if claim.claimant_id != user.id:
        raise ForbiddenError(
            Code.NOT_CLAIMANT, "claimId: only the user who submitted the claim may verify it."
        )
    if claim.verification_email is None:
        raise ConflictError(
            Code.INVALID_VERIFICATION_TOKEN,
            "claimId: no verification mail was sent for this claim; call "
            "requestClaimVerification first.",
        )
    decision = await approve_claim(
        info.context.reader,
        claim.id,
        f"email:{claim.verification_email}",
        "EMAIL",
        token_hash(token.strip()),
    )
    return await _after_decision(info, claim, decision)


async def approve(info: Info, raw_claim_id: str) -> Claim:
    admin = await require_admin(info)
    claim = await claim_or_refuse(info, raw_claim_id)
    decision = await approve_claim(info.context.reader, claim.id, admin.id, "ADMIN")
    return await _after_decision(info, claim, decision)


async def reject(info: Info, raw_claim_id: str, reason: str | None) -> Claim:
    admin = await require_admin(info)
    claim = await claim_or_refuse(info, raw_claim_id)
    why = clean_text(reason, "reason", MAX_REASON, required=False) if reason else None
    decision = await reject_claim(info.context.reader, claim.id, admin.id, why)
    return await _after_decision(info, claim, decision)


async def revoke(info: Info, raw_claim_id: str, reason: str | None) -> Claim:
    user = await require_viewer(info)
    claim = await claim_or_refuse(info, raw_claim_id)
    if not user.is_admin and claim.claimant_id != user.id:
        raise ForbiddenError(
            Code.NOT_CLAIMANT,
            "id: only the claimant (giving the claim up) or an administrator may revoke it.",
        )
    why = clean_text(reason, "reason", MAX_REASON, required=False) if reason else None
    decision = await revoke_claim(info.context.reader, claim.id, user.id, why)
    return await _after_decision(info, claim, decision)


async def _after_decision(info: Info, claim: Claim, decision: Decision) -> Claim:
    outcome = decision.outcome
    if outcome in ("APPROVED", "REJECTED", "REVOKED"):
        if outcome != "REJECTED" or decision.previous_status == "APPROVED":
            await refresh_trust(info.context.reader, [claim.researcher_id])
        return await _reloaded(info, claim.id, claim.researcher_id)
    current = (await _reloaded(info, claim.id, None)).status
    refusals = {
        "NOT_PENDING": (Code.CLAIM_NOT_PENDING, f"the claim is {current}, not PENDING"),
        "NOT_REVOCABLE": (
            Code.CLAIM_NOT_REVOCABLE,
            f"the claim is {current}: only PENDING or APPROVED claims can be revoked",
        ),
        "ALREADY_CLAIMED": (
            Code.ALREADY_CLAIMED,
            f"researcher {claim.researcher_id} already has an approved claimant; at most one "
            "claim per researcher is approved",
        ),
        "BAD_TOKEN": (
            Code.INVALID_VERIFICATION_TOKEN,
            "the token is not the one last mailed for this claim",
        ),
        "TOKEN_EXPIRED": (
            Code.VERIFICATION_TOKEN_EXPIRED,
            "the mailed token has expired; ask for a new one with requestClaimVerification",
        ),
    }
    if outcome == "NOT_FOUND":
        raise NotFoundError(Code.NOT_FOUND, f"no claim Claim:{claim.id}")
    code, message = refusals[outcome]
    if code in (Code.INVALID_VERIFICATION_TOKEN, Code.VERIFICATION_TOKEN_EXPIRED):
        raise InvalidInputError(code, f"token: {message}.", field="token")
    raise ConflictError(code, f"Claim:{claim.id}: {message}.")


async def viewer_claims(info: Info, user: User) -> list[Claim]:
    ids = await fetch_user_claim_ids(info.context.reader, user.id, USER_CLAIMS_SHOWN)
    found = await info.context.loaders.claim.load_many(ids)
    return [c for c in found if c is not None]


async def claims_for_review(
    info: Info, status: str | None, first: int, after: str | None
) -> tuple[int, int, list[Claim]]:
    await require_admin(info)
    check_first(first, info.context.limits.max_first)
    offset = parse_offset_cursor(after)
    total, ids = await fetch_claim_page(info.context.reader, status, offset, first)
    found = await info.context.loaders.claim.load_many(ids)
    return total, offset, [c for c in found if c is not None]


async def link_researcher_emails(info: Info, raw_researcher_id: str, emails: list[str]) -> str:
    await require_admin(info)
    researcher = await researcher_or_refuse(info, raw_researcher_id, "researcherId")
    if len(emails) > MAX_LINKS:
        raise InvalidInputError(Code.INVALID_TEXT, f"emails: at most {MAX_LINKS}", field="emails")
    cleaned = sorted({clean_email(e, "emails") for e in emails})
    await set_researcher_emails(info.context.reader, researcher.id, cleaned)
    return researcher.id


async def link_institution_domains(
    info: Info, raw_institution_id: str, domains: list[str]
) -> list[str]:
    await require_admin(info)
    try:
        key = parse_key(raw_institution_id, Kind.INSTITUTION)
    except InvalidIdError as error:
        raise InvalidInputError(
            Code.INVALID_ID, f"institutionId: {error}", field="institutionId"
        ) from error
    if len(domains) > MAX_LINKS:
        raise InvalidInputError(
            Code.INVALID_DOMAIN, f"domains: at most {MAX_LINKS}", field="domains"
        )
    cleaned = sorted({d.strip().lower().lstrip("@") for d in domains})
    for domain in cleaned:
        if not DOMAIN.match(domain):
            raise InvalidInputError(
                Code.INVALID_DOMAIN,
                f"domains: {domain!r} is not a mail domain such as 'physics.ox.ac.uk'",
                field="domains",
            )
    if not await set_institution_domains(info.context.reader, key, cleaned):
        raise NotFoundError(
            Code.NOT_FOUND,
            f"institutionId: no institution {raw_institution_id!r}",
            field="institutionId",
        )
    return cleaned
