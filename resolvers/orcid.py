"""Verifying ORCID iDs with ORCID's OAuth 2.0 authorization-code flow (docs/accounts.md).

1. `startOrcidVerification` (logged in): the authorize URL at `<base>/oauth/authorize` with
   scope `/authenticate` and a signed, expiring `state` naming the user. The response also
   sets an HttpOnly cookie with a random nonce whose hash the state carries, which binds the
   state to the browser that started the flow.
2. ORCID sends the browser back to the redirect URL with `code` and `state`:
   `GET /auth/orcid/callback` (the state's user must be the bearer of the request or the
   browser holding the nonce cookie), or `completeOrcidVerification(code, state)` from a web
   front end (the state's user must be the viewer). Either way the code is exchanged at
   `<base>/oauth/token`, and the `orcid` of ORCID's answer becomes the user's verified iD.

Binding the state to the user *and* to the browser or bearer stops a stranger from sending
someone an authorize link carrying the stranger's state and so verifying the victim's
ORCID iD on the stranger's account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import httpx

from graphdb.users import User
from resolvers.accounts import (
    after_orcid_change,
    clean_orcid,
    context_viewer,
    require_viewer,
    verify_orcid,
)
from resolvers.auth import (
    Code,
    ForbiddenError,
    InvalidInputError,
    NotAuthenticatedError,
    UnavailableError,
)
from resolvers.context import Context, Info
from scholargraph.settings import AuthSettings

STATE_PURPOSE = "orcid-oauth"
COOKIE = "scholargraph_orcid"
CALLBACK_PATH = "/auth/orcid/callback"
SCOPE = "/authenticate"
TOKEN_TIMEOUT_S = 10.0
MAX_CODE = 200


@dataclass(frozen=True, slots=True)
class OrcidAuthorization:
    authorize_url: str
    state: str
    expires_at: datetime
    redirect_url: str


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def require_configured(auth: AuthSettings) -> tuple[str, str]:
    if not auth.orcid_configured or auth.orcid_client_id is None:
        raise UnavailableError(
            Code.ORCID_OAUTH_NOT_CONFIGURED,
            "ORCID OAuth not configured on this server: it needs SCHOLARGRAPH_ORCID_CLIENT_ID "
            "and SCHOLARGRAPH_ORCID_CLIENT_SECRET (an ORCID API client). Until then an "
            "administrator confirms ORCID iDs with confirmOrcid.",
        )
    return auth.orcid_client_id, str(auth.orcid_client_secret)


def redirect_url(context: Context) -> str:
    configured = context.auth.orcid_redirect_url
    if configured:
        return configured
    assert context.request is not None, "the redirect URL is derived from an HTTP request"
    return str(context.request.base_url).rstrip("/") + CALLBACK_PATH


async def start(info: Info) -> OrcidAuthorization:
    user = await require_viewer(info)
    context = info.context
    client_id, _ = require_configured(context.auth)
    nonce = secrets.token_urlsafe(24)
    issued = context.authenticator.issue_state(
        user.id, STATE_PURPOSE, nonce_hash(nonce), context.auth.orcid_state_ttl_s
    )
    target = redirect_url(context)
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "scope": SCOPE,
            "redirect_uri": target,
            "state": issued.token,
        }
    )
    if context.response is not None and context.request is not None:
        context.response.set_cookie(
            COOKIE,
            nonce,
            max_age=context.auth.orcid_state_ttl_s,
            path=CALLBACK_PATH,
            httponly=True,
            samesite="lax",  # sent on ORCID's top-level redirect back to us
            secure=context.request.url.scheme == "https",
        )
    return OrcidAuthorization(
        authorize_url=f"{context.auth.orcid_base_url}/oauth/authorize?{query}",
        state=issued.token,
        expires_at=issued.expires_at,
        redirect_url=target,
    )


async def complete(info: Info, code: str, state: str) -> User:
    """`completeOrcidVerification`: the viewer finishes their own flow."""
    user = await require_viewer(info)
    return await finish(info.context, code, state, bearer_id=user.id, browser_nonce=None)


async def finish_callback(
    context: Context, code: str | None, state: str | None, browser_nonce: str | None
) -> User:
    """`GET /auth/orcid/callback`: bound by the request's bearer token or the nonce cookie."""
    require_configured(context.auth)
    if not state:
        raise InvalidInputError(
            Code.ORCID_STATE_INVALID, "state: missing from the callback", field="state"
        )
    viewer = await context_viewer(context)
    return await finish(
        context,
        code or "",
        state,
        bearer_id=viewer.id if viewer is not None else None,
        browser_nonce=browser_nonce,
    )


async def finish(
    context: Context,
    code: str,
    state: str,
    *,
    bearer_id: str | None,
    browser_nonce: str | None,
) -> User:
    client_id, client_secret = require_configured(context.auth)
    signed = context.authenticator.verify_state(state.strip(), STATE_PURPOSE)
    from_browser = browser_nonce is not None and hmac.compare_digest(
        nonce_hash(browser_nonce), signed.nonce_hash
    )
    if bearer_id is not None and bearer_id != signed.user_id:
        raise ForbiddenError(
            Code.ORCID_STATE_WRONG_USER,
            "state: this sign-in with ORCID was started by another user; start your own.",
            field="state",
        )
    if bearer_id is None and not from_browser:
        raise ForbiddenError(
            Code.ORCID_STATE_WRONG_USER,
            "state: this sign-in with ORCID was not started in this browser; start it again "
            "here, or finish it with completeOrcidVerification while logged in.",
            field="state",
        )
    code = code.strip()
    if not code or len(code) > MAX_CODE:
        raise InvalidInputError(
            Code.ORCID_EXCHANGE_FAILED,
            "code: missing or malformed authorization code",
            field="code",
        )
    target = redirect_url(context)
    orcid = await exchange_code(context.auth, client_id, client_secret, code, target)
    changed = await verify_orcid(context, signed.user_id, "orcid-oauth", orcid=orcid)
    if changed is None:
        raise NotAuthenticatedError(
            Code.UNKNOWN_USER, "state: the account that started this sign-in no longer exists."
        )
    updated, claimed = changed
    await after_orcid_change(context, updated, claimed)
    return updated


async def exchange_code(
    auth: AuthSettings, client_id: str, client_secret: str, code: str, redirect_uri: str
) -> str:
    """The ORCID iD that ORCID authenticated, from its token endpoint's answer."""
    url = f"{auth.orcid_base_url}/oauth/token"
    form = {
        "client_id": client_id,
        "client_secret": client_secret,
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
    }
    try:
        async with httpx.AsyncClient(timeout=TOKEN_TIMEOUT_S) as client:
            response = await client.post(url, data=form, headers={"Accept": "application/json"})
    except httpx.HTTPError as error:
        raise _exchange_failed(f"could not reach {url} ({type(error).__name__})") from error
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200:
        detail = ""
        if isinstance(body, dict):
            detail = str(body.get("error_description") or body.get("error") or "")
        raise _exchange_failed(
            f"{url} answered HTTP {response.status_code}" + (f": {detail[:200]}" if detail else "")
        )
    raw = body.get("orcid") if isinstance(body, dict) else None
    if not isinstance(raw, str):
        raise _exchange_failed(f"{url} answered without an ORCID iD")
    try:
        return clean_orcid(raw)
    except InvalidInputError as error:
        raise _exchange_failed(f"{url} answered with {raw[:40]!r}, not an ORCID iD") from error


def _exchange_failed(why: str) -> UnavailableError:
    return UnavailableError(
        Code.ORCID_EXCHANGE_FAILED,
        f"code: ORCID did not confirm the sign-in: {why}. Start the sign-in with ORCID again.",
        field="code",
    )
