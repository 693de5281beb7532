"""ORCID OAuth over HTTP, against a fake ORCID token endpoint served in the test process: the
whole flow to level 3, bad, expired and another user's states, and ORCID's errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from neo4j import Driver
from starlette.applications import Starlette
from starlette.datastructures import Secret
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from graphdb.connection import ConnectionInfo
from resolvers.auth import Authenticator
from resolvers.orcid import STATE_PURPOSE, nonce_hash
from scholargraph.settings import Settings
from tests.accounts_api import (
    RESULT,
    SECRET,
    Account,
    Api,
    accounts_settings,
    data,
    make_admin,
    served,
    sign_up,
)
from tests.accounts_api import api as api  # re-exported fixture (ORCID OAuth not configured)
from tests.accounts_api import people as people  # re-exported fixture
from tests.servers import serve_app
from tests.test_claims import claim, decide, page

CLIENT_ID, CLIENT_SECRET = "APP-TESTCLIENT0001", "client-secret-for-tests"
ADA_ORCID = "0000-0002-1825-0097"
OTHER_ORCID = "0000-0001-5109-3700"

START = f"""
mutation {{ startOrcidVerification {{
  {RESULT} ... on OrcidAuthorizationPayload {{ authorizeUrl state expiresAt redirectUrl }}
}} }}
"""
COMPLETE = f"""
mutation($code: String!, $state: String!) {{ completeOrcidVerification(code: $code,
  state: $state) {{ {RESULT} ... on ViewerPayload {{ viewer {{ id orcid orcidVerified }} }} }} }}
"""
VIEWER = "{ viewer { id orcid orcidVerified } }"


@dataclass
class FakeOrcid:
    """ORCID's token endpoint: the code says what to answer. Keeps every request's form."""

    requests: list[dict[str, str]] = field(default_factory=list)

    async def token(self, request: Request) -> Response:
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        form = {k: v[-1] for k, v in parse_qs((await request.body()).decode()).items()}
        self.requests.append(form)
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") != "authorization_code" or not form.get("redirect_uri"):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = form.get("code", "")
        if code.startswith("good-"):
            return JSONResponse(
                {
                    "access_token": "f5af9f51-07e6-4332-8f1a-c0c11c1e3728",
                    "token_type": "bearer",
                    "refresh_token": "f725f747-3a65-49f6-a231-3e8944ce464d",
                    "expires_in": 631138518,
                    "scope": "/authenticate",
                    "name": "Ada Lovelace",
                    "orcid": code.removeprefix("good-"),
                }
            )
        if code == "no-orcid":
            return JSONResponse({"access_token": "x", "token_type": "bearer"})
        if code == "server-error":
            return PlainTextResponse("upstream exploded", status_code=500)
        return JSONResponse(
            {"error": "invalid_grant", "error_description": f"Invalid authorization code: {code}"},
            status_code=400,
        )


@pytest.fixture(scope="module")
def fake_orcid() -> Iterator[tuple[FakeOrcid, str]]:
    fake = FakeOrcid()
    app = Starlette(routes=[Route("/oauth/token", fake.token, methods=["POST"])])
    for url in serve_app(app):
        yield fake, url


def orcid_settings(settings: Settings, outbox: Any, base_url: str) -> Settings:
    configured = accounts_settings(settings, outbox)
    auth = replace(
        configured.auth,
        orcid_client_id=CLIENT_ID,
        orcid_client_secret=Secret(CLIENT_SECRET),
        orcid_base_url=base_url,
        orcid_state_ttl_s=300,
    )
    return replace(configured, auth=auth)


@pytest.fixture(scope="module")
def orcid_api(
    settings: Settings,
    neo4j_info: ConnectionInfo,
    driver: Driver,
    fake_orcid: tuple[FakeOrcid, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:
    configured = orcid_settings(settings, tmp_path_factory.mktemp("outbox"), fake_orcid[1])
    with served(configured, neo4j_info) as api:
        yield api


class Browser:
    """One user's browser: its own cookie jar, and the user's bearer token for GraphQL."""

    def __init__(self, api: Api, account: Account) -> None:
        self.api = api
        self.account = account
        self.http = httpx.Client(base_url=api.url, timeout=30)

    def gql(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.account.token}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def start(self) -> dict[str, Any]:
        result: dict[str, Any] = data(self.gql(START))["startOrcidVerification"]
        assert result["__typename"] == "OrcidAuthorizationPayload", result
        return result

    def callback(self, bearer: bool = False, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.account.token}"} if bearer else {}
        return self.http.get("/auth/orcid/callback", params=params, headers=headers)


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    assert "Traceback" not in response.text
    return response.status_code, body["error"]["code"], body["error"]["message"]


def test_not_configured_is_a_precise_error(api: Api, clean_graph: Driver) -> None:
    browser = Browser(api, sign_up(api, "Ada"))
    started = data(browser.gql(START))["startOrcidVerification"]
    assert (started["__typename"], started["code"]) == (
        "UnavailableError",
        "ORCID_OAUTH_NOT_CONFIGURED",
    )
    assert "ORCID OAuth not configured" in started["message"]
    assert "confirmOrcid" in started["message"]
    status, code, _ = error_of(browser.callback(code="good-x", state="whatever"))
    assert (status, code) == (503, "ORCID_OAUTH_NOT_CONFIGURED")
    completed = data(browser.gql(COMPLETE, code="c", state="s"))["completeOrcidVerification"]
    assert completed["code"] == "ORCID_OAUTH_NOT_CONFIGURED"


def test_the_whole_flow_reaches_level_three(
    orcid_api: Api, fake_orcid: tuple[FakeOrcid, str], people: dict[str, str]
) -> None:
    fake, base = fake_orcid
    api = orcid_api
    ada = Browser(api, sign_up(api, "AdaUser"))
    admin = make_admin(api)
    claim_id = claim(api, ada.account, people["ada"])["claim"]["id"]
    assert decide(api, admin, "approveClaim", claim_id)["claim"]["status"] == "APPROVED"
    assert page(api, people["ada"])["verificationLevel"] == 2

    started = ada.start()
    url = urlsplit(started["authorizeUrl"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{base}/oauth/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "scope": "/authenticate",
        "redirect_uri": f"{api.url}/auth/orcid/callback",
        "state": started["state"],
    }
    assert started["redirectUrl"] == query["redirect_uri"]
    assert ada.http.cookies.get("scholargraph_orcid")  # the browser binding

    # ORCID sends the browser back with a code; the iD ORCID authenticated is the one kept.
    before = len(fake.requests)
    done = ada.callback(code=f"good-{ADA_ORCID}", state=started["state"])
    assert done.status_code == 200, done.text
    assert done.json() == {"userId": ada.account.id, "orcid": ADA_ORCID, "orcidVerified": True}
    [form] = fake.requests[before:]
    assert form == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "authorization_code",
        "code": f"good-{ADA_ORCID}",
        "redirect_uri": f"{api.url}/auth/orcid/callback",
    }
    assert data(ada.gql(VIEWER))["viewer"] == {
        "id": ada.account.id,
        "orcid": ADA_ORCID,
        "orcidVerified": True,
    }
    verified = page(api, people["ada"])
    assert (verified["verificationLevel"], verified["trust"]["label"]) == (3, "VERIFIED")


def test_front_end_completion_and_another_users_state(
    orcid_api: Api, people: dict[str, str]
) -> None:
    api = orcid_api
    ada, mallory = Browser(api, sign_up(api, "Ada2")), Browser(api, sign_up(api, "Mallory"))
    ada_state = ada.start()["state"]

    # Mallory cannot finish Ada's flow: not with her bearer token, not via GraphQL, and not
    # from a browser that did not start it (no nonce cookie, no token).
    status, code, _ = error_of(mallory.callback(bearer=True, code="good-x", state=ada_state))
    assert (status, code) == (403, "ORCID_STATE_WRONG_USER")
    refused = data(mallory.gql(COMPLETE, code=f"good-{OTHER_ORCID}", state=ada_state))
    assert refused["completeOrcidVerification"]["__typename"] == "ForbiddenError"
    assert refused["completeOrcidVerification"]["code"] == "ORCID_STATE_WRONG_USER"
    status, code, message = error_of(mallory.callback(code="good-x", state=ada_state))
    assert (status, code) == (403, "ORCID_STATE_WRONG_USER")
    assert "not started in this browser" in message
    # A stranger's state does not verify the victim's iD on the stranger's account either:
    # Ada following Mallory's link comes back with Mallory's state but Ada's cookie.
    mallory_state = mallory.start()["state"]
    status, code, _ = error_of(ada.callback(code=f"good-{ADA_ORCID}", state=mallory_state))
    assert (status, code) == (403, "ORCID_STATE_WRONG_USER")
    assert data(mallory.gql(VIEWER))["viewer"]["orcidVerified"] is False

    # The front end's way: the viewer completes their own flow.
    done = data(ada.gql(COMPLETE, code=f"good-{OTHER_ORCID}", state=ada_state))
    assert done["completeOrcidVerification"]["viewer"] == {
        "id": ada.account.id,
        "orcid": OTHER_ORCID,
        "orcidVerified": True,
    }
    # Or the callback with the user's own bearer token instead of the cookie.
    fresh = Browser(api, ada.account)
    state = fresh.start()["state"]
    fresh.http.cookies.clear()
    assert fresh.callback(bearer=True, code=f"good-{ADA_ORCID}", state=state).status_code == 200


def test_bad_and_expired_states(orcid_api: Api, people: dict[str, str]) -> None:
    api = orcid_api
    ada = Browser(api, sign_up(api, "Ada3"))
    state = ada.start()["state"]
    tampered = state[:-4] + ("AAAA" if not state.endswith("AAAA") else "BBBB")
    for bad in ("not-a-state", tampered, ada.account.token, ""):
        status, code, _ = error_of(ada.callback(code="good-x", state=bad))
        assert (status, code) == (400, "ORCID_STATE_INVALID"), bad

    # A state signed by this server but issued longer ago than its lifetime.
    authenticator = Authenticator(SECRET, ttl_s=3600, issuer=api.settings.auth.jwt_issuer)
    nonce = "browser-nonce"
    old = authenticator.issue_state(
        ada.account.id.removeprefix("User:"),
        STATE_PURPOSE,
        nonce_hash(nonce),
        ttl_s=300,
        now=datetime.now(UTC) - timedelta(seconds=301),
    )
    ada.http.cookies.set("scholargraph_orcid", nonce, path="/auth/orcid/callback")
    status, code, message = error_of(ada.callback(code="good-x", state=old.token))
    assert (status, code) == (400, "ORCID_STATE_EXPIRED")
    assert "start it again" in message
    # The same state within its lifetime is accepted (so the refusal was the expiry).
    fresh = authenticator.issue_state(
        ada.account.id.removeprefix("User:"), STATE_PURPOSE, nonce_hash(nonce), ttl_s=300
    )
    assert ada.callback(code=f"good-{ADA_ORCID}", state=fresh.token).status_code == 200

    expired = data(ada.gql(COMPLETE, code="good-x", state=old.token))["completeOrcidVerification"]
    assert (expired["__typename"], expired["code"]) == ("InvalidInputError", "ORCID_STATE_EXPIRED")


def test_token_endpoint_errors(
    orcid_api: Api,
    settings: Settings,
    neo4j_info: ConnectionInfo,
    people: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    api = orcid_api
    ada = Browser(api, sign_up(api, "Ada4"))
    for code, says in (
        ("expired-code", "HTTP 400: Invalid authorization code: expired-code"),
        ("server-error", "HTTP 500"),
        ("no-orcid", "without an ORCID iD"),
        ("good-1234", "not an ORCID iD"),
    ):
        state = ada.start()["state"]
        status, error, message = error_of(ada.callback(code=code, state=state))
        assert (status, error) == (502, "ORCID_EXCHANGE_FAILED"), message
        assert says in message, message
        assert CLIENT_SECRET not in message
    denied = ada.callback(
        state=ada.start()["state"], error="access_denied", error_description="User denied access"
    )
    assert error_of(denied)[:2] == (400, "ORCID_DENIED")
    missing = ada.callback(state=ada.start()["state"])
    assert error_of(missing)[:2] == (400, "ORCID_EXCHANGE_FAILED")
    assert data(ada.gql(VIEWER))["viewer"]["orcidVerified"] is False

    # ORCID unreachable, and a client secret ORCID does not accept.
    with socket_closed_port() as dead:
        unreachable = orcid_settings(
            settings, tmp_path_factory.mktemp("outbox"), f"http://127.0.0.1:{dead}"
        )
        with served(unreachable, neo4j_info) as down:
            user = Browser(down, sign_up(down, "Ada5"))
            status, error, message = error_of(
                user.callback(code="good-x", state=user.start()["state"])
            )
            assert (status, error) == (502, "ORCID_EXCHANGE_FAILED")
            assert "could not reach" in message
    wrong_secret = orcid_settings(
        settings, tmp_path_factory.mktemp("outbox"), api.settings.auth.orcid_base_url
    )
    wrong_secret = replace(
        wrong_secret, auth=replace(wrong_secret.auth, orcid_client_secret=Secret("nope"))
    )
    with served(wrong_secret, neo4j_info) as misconfigured:
        user = Browser(misconfigured, sign_up(misconfigured, "Ada6"))
        status, error, message = error_of(
            user.callback(code=f"good-{ADA_ORCID}", state=user.start()["state"])
        )
        assert (status, error) == (502, "ORCID_EXCHANGE_FAILED")
        assert "HTTP 401: invalid_client" in message


@contextlib.contextmanager
def socket_closed_port() -> Iterator[int]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    yield port
