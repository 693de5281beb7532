"""Accounts: sign-up, log-in, the viewer, follows and ORCID iDs (docs/accounts.md).

Every action raises a `Refusal` naming the rule that refused it; the schema turns refusals
into the error members of each mutation's result union.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
from collections.abc import Sequence
from enum import Enum
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from graphdb.connection import GraphReader
from graphdb.mentions import Researcher
from graphdb.trust import refresh_trust
from graphdb.users import (
    Followed,
    OrcidTakenError,
    User,
    confirm_orcid,
    create_user,
    fetch_credentials,
    fetch_followed,
    follow,
    merge_external_user,
    set_orcid,
    unfollow,
)
from resolvers.auth import (
    Code,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    IssuedToken,
    NotAuthenticatedError,
    NotFoundError,
    bearer_token,
    hash_password,
    password_matches,
)
from resolvers.context import Context, Info
from resolvers.errors import InvalidIdError
from resolvers.ids import Kind, parse_key
from resolvers.pagination import check_first, parse_offset_cursor
from resolvers.throttling import admit_login, forgive_login

EMAIL = re.compile(
    r"^[^@\s]+@([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)$"
)
ORCID = re.compile(r"^(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$")
MIN_PASSWORD, MAX_PASSWORD = 10, 256
MAX_NAME = 100
K = TypeVar("K")


class AccountKind(Enum):
    USER = ("User", "u")
    CLAIM = ("Claim", "c")
    INVITATION = ("Invitation", "i")

    @property
    def type_name(self) -> str:
        return self.value[0]

    @property
    def prefix(self) -> str:
        return self.value[1]


def new_id(kind: AccountKind) -> str:
    return f"{kind.prefix}-{secrets.token_hex(8)}"


def account_global_id(kind: AccountKind, key: str) -> str:
    return f"{kind.type_name}:{key}"


def parse_account_id(raw: str, kind: AccountKind, argument: str = "id") -> str:
    value = raw.strip()
    if value.startswith(f"{kind.type_name}:"):
        value = value[len(kind.type_name) + 1 :]
    if re.fullmatch(rf"{kind.prefix}-[0-9a-f]{{16}}", value):
        return value
    raise InvalidInputError(
        Code.INVALID_ID,
        f"{argument}: {raw!r} is not a {kind.type_name} id: expected "
        f"'{kind.type_name}:{kind.prefix}-<16 hex digits>'",
        field=argument,
    )


def parse_researcher_id(raw: str, argument: str = "researcherId") -> str:
    try:
        return parse_key(raw, Kind.RESEARCHER)
    except InvalidIdError as error:
        raise InvalidInputError(Code.INVALID_ID, f"{argument}: {error}", field=argument) from error


# ---------------------------------------------------------------- validation


def clean_email(raw: str, argument: str = "email") -> str:
    email = raw.strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise InvalidInputError(
            Code.INVALID_EMAIL,
            f"{argument}: {raw!r} is not an email address (expected name@domain.tld)",
            field=argument,
        )
    return email


def email_domains(email: str) -> list[str]:
    """The address's domain and its parents with at least two labels: a.b.ac.uk → 3 of them."""
    labels = email.rpartition("@")[2].split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def clean_text(raw: str, argument: str, maximum: int, *, required: bool = True) -> str:
    text = raw.strip()
    if required and not text:
        raise InvalidInputError(Code.INVALID_TEXT, f"{argument}: must not be empty", field=argument)
    if len(text) > maximum:
        raise InvalidInputError(
            Code.INVALID_TEXT,
            f"{argument}: at most {maximum} characters (got {len(text)})",
            field=argument,
        )
    return text


def clean_orcid(raw: str) -> str:
    value = raw.strip().upper()
    for prefix in ("HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/", "ORCID.ORG/"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    match = ORCID.match(value)
    if not match or orcid_check_digit("".join(match.groups())[:15]) != value[-1]:
        raise InvalidInputError(
            Code.INVALID_ORCID,
            f"orcid: {raw!r} is not an ORCID iD (16 digits as 0000-0002-1825-0097, the last "
            "a ISO 7064 11-2 check digit)",
            field="orcid",
        )
    return value


def orcid_check_digit(base_digits: str) -> str:
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


# ---------------------------------------------------------------- the viewer


async def viewer(info: Info) -> User | None:
    """The authenticated user, or None without a token. A bad token is refused, not ignored."""
    return await context_viewer(info.context)


async def context_viewer(context: Context) -> User | None:
    """`viewer` for code outside GraphQL (the ORCID callback route) that holds a Context."""
    if context.viewer_task is None:
        context.viewer_task = asyncio.ensure_future(_resolve_viewer(context))
    return await context.viewer_task


async def require_viewer(info: Info) -> User:
    user = await viewer(info)
    if user is None:
        raise NotAuthenticatedError(
            Code.AUTHENTICATION_REQUIRED,
            "Log in first: send 'Authorization: Bearer <token>' (a token from logIn or signUp).",
        )
    return user


async def require_admin(info: Info) -> User:
    user = await require_viewer(info)
    if not user.is_admin:
        raise ForbiddenError(Code.ADMIN_REQUIRED, "Only an administrator may do this.")
    return user


async def _resolve_viewer(context: Context) -> User | None:
    token = bearer_token(context.authorization)
    if token is None:
        return None
    identity = await context.authenticator.verify(token)
    if identity.external:
        return await merge_external_user(
            context.reader,
            identity.subject,
            new_id(AccountKind.USER),
            identity.name or identity.email or "OIDC user",
            identity.email,
        )
    user = await context.loaders.user.load(identity.subject)
    if user is None:
        raise NotAuthenticatedError(
            Code.UNKNOWN_USER, "The bearer token is for an account that no longer exists."
        )
    return user


# ---------------------------------------------------------------- sign-up and log-in


async def sign_up(info: Info, email: str, password: str, name: str) -> tuple[IssuedToken, User]:
    user = await create_account(info.context.reader, email, password, name, is_admin=False)
    return info.context.authenticator.issue(user.id), user


async def create_account(
    reader: GraphReader, email: str, password: str, name: str, *, is_admin: bool
) -> User:
    """Validate and create an account. Administrators come only from the command line."""
    address = clean_email(email)
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInputError(
            Code.WEAK_PASSWORD,
            f"password: between {MIN_PASSWORD} and {MAX_PASSWORD} characters (got {len(password)})",
            field="password",
        )
    display = _clean_name(name)
    password_hash = await hash_password(password)
    user = await create_user(
        reader, new_id(AccountKind.USER), address, display, password_hash, is_admin
    )
    if user is None:
        raise ConflictError(
            Code.EMAIL_TAKEN, f"email: {address} already has an account; log in instead."
        )
    return user


def _clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInputError(
            Code.INVALID_NAME, f"name: between 1 and {MAX_NAME} characters", field="name"
        )
    return name


async def log_in(info: Info, email: str, password: str) -> tuple[IssuedToken, User]:
    address = email.strip().lower()
    ticket = await admit_login(info.context, address)  # refused when failures piled up
    found = await fetch_credentials(info.context.reader, address)
    # The hash is checked even for an unknown email, so timing does not tell which was wrong.
    too_long = len(password) > MAX_PASSWORD  # no account has one: checked, then refused
    ok = await password_matches(found[1] if found else None, password[:MAX_PASSWORD])
    if found is None or not ok or too_long:
        raise NotAuthenticatedError(
            Code.INVALID_CREDENTIALS, "The email or the password is not right."
        )
    await forgive_login(info.context, ticket)
    return info.context.authenticator.issue(found[0].id), found[0]


# ---------------------------------------------------------------- follows


async def researcher_or_refuse(info: Info, raw_id: str, argument: str = "id") -> Researcher:
    key = parse_researcher_id(raw_id, argument)
    found = await info.context.loaders.researcher.load(key)
    if found is None:
        raise NotFoundError(Code.NOT_FOUND, f"{argument}: no researcher {raw_id!r}", field=argument)
    return found


async def set_following(info: Info, raw_id: str, *, following: bool) -> tuple[Researcher, int]:
    user = await require_viewer(info)
    researcher = await researcher_or_refuse(info, raw_id)
    change = follow if following else unfollow
    followers = await change(info.context.reader, user.id, researcher.id)
    if followers is None:
        raise NotFoundError(Code.NOT_FOUND, f"id: no researcher {raw_id!r}", field="id")
    forget_researcher(info, researcher.id)
    info.context.loaders.following.prime((user.id, researcher.id), following)
    return researcher, followers


def forget(loader: DataLoader[K, Any], key: K) -> None:
    """Drop a cached value after a write, so later fields of this request read it again."""
    with contextlib.suppress(KeyError):  # never loaded in this request
        loader.clear(key)


def forget_researcher(info: Info, researcher_id: str) -> None:
    forget(info.context.loaders.researcher, researcher_id)
    forget(info.context.loaders.stats, researcher_id)


async def is_following(info: Info, researcher_id: str) -> bool:
    user = await viewer(info)
    if user is None:
        return False
    return await info.context.loaders.following.load((user.id, researcher_id))


async def followed_page(
    info: Info, user_id: str, first: int, after: str | None
) -> tuple[int, int, list[tuple[Followed, Researcher]]]:
    check_first(first, info.context.limits.max_first)
    offset = parse_offset_cursor(after)
    total, page = await fetch_followed(info.context.reader, user_id, offset, first)
    rows = await info.context.loaders.researcher.load_many([f.researcher_id for f in page])
    return total, offset, [(f, r) for f, r in zip(page, rows, strict=True) if r is not None]


# ---------------------------------------------------------------- ORCID


async def give_orcid(info: Info, raw: str) -> User:
    user = await require_viewer(info)
    orcid = clean_orcid(raw)
    changed = await set_orcid(info.context.reader, user.id, orcid)
    if changed is None:
        raise NotAuthenticatedError(Code.UNKNOWN_USER, "Your account no longer exists.")
    updated, claimed = changed
    await after_orcid_change(info.context, updated, claimed)
    return updated


async def verify_orcid(
    context: Context, user_id: str, verified_by: str, orcid: str | None = None
) -> tuple[User, tuple[str, ...]] | None:
    """`confirm_orcid`, refusing an iD another account holds verified (one account per iD)."""
    try:
        return await confirm_orcid(context.reader, user_id, verified_by, orcid=orcid)
    except OrcidTakenError as error:
        holder = None if error.orcid else await context.loaders.user.load(user_id)
        shown = error.orcid or (holder.orcid if holder else None) or "this ORCID iD"
        raise ConflictError(
            Code.ORCID_TAKEN,
            f"orcid: {shown} is already verified for another account; one account per ORCID iD.",
            field="orcid",
        ) from error


async def confirm_user_orcid(info: Info, raw_user_id: str) -> User:
    """An administrator's confirmation: the development and test stand-in for ORCID OAuth."""
    admin = await require_admin(info)
    user_id = parse_account_id(raw_user_id, AccountKind.USER, "userId")
    changed = await verify_orcid(info.context, user_id, admin.id)
    if changed is None:
        target = await info.context.loaders.user.load(user_id)
        if target is None:
            raise NotFoundError(Code.NOT_FOUND, f"userId: no user {raw_user_id!r}", field="userId")
        raise ConflictError(
            Code.ORCID_MISSING, "userId: that user has not given an ORCID iD (setOrcid) yet."
        )
    updated, claimed = changed
    await after_orcid_change(info.context, updated, claimed)
    return updated


async def after_orcid_change(context: Context, user: User, claimed: Sequence[str]) -> None:
    """The researchers the user holds move between L2 and L3: recompute their trust."""
    forget(context.loaders.user, user.id)
    context.loaders.user.prime(user.id, user)
    await refresh_trust(context.reader, claimed)
    for researcher_id in claimed:
        forget(context.loaders.researcher, researcher_id)
        forget(context.loaders.stats, researcher_id)
