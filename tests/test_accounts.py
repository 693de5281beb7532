"""Accounts over HTTP: sign-up, log-in, tokens (expired, forged, OIDC), follows, the CLI."""

from __future__ import annotations

import base64
import json
import stat
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from neo4j import Driver

from graphdb.connection import ConnectionInfo
from scholargraph.auth import jwt_secret
from scholargraph.settings import Settings
from tests.accounts_api import (
    LOG_IN,
    PASSWORD,
    RESULT,
    SECRET,
    SIGN_UP,
    Api,
    accounts_settings,
    data,
    gql,
    outcome,
    sign_up,
)
from tests.accounts_api import api as api  # re-exported fixture
from tests.accounts_api import people as people  # re-exported fixture
from tests.loading import cli
from tests.servers import serve

VIEWER = "{ viewer { id email name isAdmin } }"
FOLLOW = f"""
mutation($id: ID!) {{ followResearcher(id: $id) {{
  {RESULT} ... on FollowPayload {{ following followersCount researcher {{ followersCount }} }}
}} }}
"""
UNFOLLOW = f"""
mutation($id: ID!) {{ unfollowResearcher(id: $id) {{
  {RESULT} ... on FollowPayload {{ following followersCount }}
}} }}
"""
CLAIM = f"""
mutation($id: ID!) {{ claimResearcher(researcherId: $id, evidence: "It is me") {{
  {RESULT} ... on ClaimPayload {{ claim {{ id status }} }}
}} }}
"""
INVITE = f"""
mutation($id: ID!) {{ inviteToCollaborate(researcherId: $id, message: "Hello") {{
  {RESULT} ... on InvitationPayload {{ invitation {{ id }} }}
}} }}
"""


def test_sign_up_log_in_and_viewer(api: Api, people: dict[str, str], clean_graph: Driver) -> None:
    ada = sign_up(api, "Ada")
    assert data(gql(api, VIEWER, ada.token))["viewer"] == {
        "id": ada.id,
        "email": "ada@example.org",
        "name": "Ada",
        "isAdmin": False,
    }
    assert data(gql(api, VIEWER))["viewer"] is None  # no token: anonymous, not an error

    logged = data(gql(api, LOG_IN, email="ADA@example.org ", password=PASSWORD))["logIn"]
    assert logged["__typename"] == "AuthPayload" and logged["user"]["id"] == ada.id
    assert data(gql(api, VIEWER, logged["token"]))["viewer"]["id"] == ada.id

    # The password is kept as an Argon2id hash, never as given.
    [stored] = clean_graph.execute_query(
        "MATCH (u:User {email: 'ada@example.org'}) RETURN u.passwordHash AS h"
    ).records
    assert stored["h"].startswith("$argon2id$") and PASSWORD not in stored["h"]

    for email, password, expected in (
        ("ada@example.org", "wrong password!", "INVALID_CREDENTIALS"),
        ("nobody@example.org", PASSWORD, "INVALID_CREDENTIALS"),
    ):
        body = gql(api, LOG_IN, email=email, password=password)
        assert outcome(body, "logIn") == ("AuthenticationError", expected)

    for email, password, name, refused in (
        ("ada@example.org", PASSWORD, "Ada Again", ("ConflictError", "EMAIL_TAKEN")),
        ("not-an-email", PASSWORD, "X", ("InvalidInputError", "INVALID_EMAIL")),
        ("x@example.org", "short", "X", ("InvalidInputError", "WEAK_PASSWORD")),
        ("y@example.org", PASSWORD, "   ", ("InvalidInputError", "INVALID_NAME")),
    ):
        body = gql(api, SIGN_UP, email=email, password=password, name=name)
        assert outcome(body, "signUp") == refused
    # Nobody becomes an administrator by signing up.
    assert (
        clean_graph.execute_query("MATCH (u:User) WHERE u.isAdmin RETURN count(u) AS n").records[0][
            "n"
        ]
        == 0
    )


def forged_tokens(user_id: str, other_id: str) -> dict[str, str]:
    now = datetime.now(UTC)
    claims = {"sub": user_id, "iss": "scholargraph", "iat": now, "exp": now + timedelta(hours=1)}
    good = jwt.encode(claims, SECRET, algorithm="HS256")
    header, payload, signature = good.split(".")
    tampered_payload = (
        base64.urlsafe_b64encode(
            json.dumps(
                {**jwt.decode(good, options={"verify_signature": False}), "sub": other_id}
            ).encode()
        )
        .rstrip(b"=")
        .decode()
    )
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    return {
        "expired": jwt.encode(
            {**claims, "iat": now - timedelta(hours=2), "exp": now - timedelta(hours=1)},
            SECRET,
            algorithm="HS256",
        ),
        "wrong secret": jwt.encode(claims, "another-secret-of-sufficient-length!!", "HS256"),
        "alg none": f"{none_header}.{payload}.",
        "tampered payload": f"{header}.{tampered_payload}.{signature}",
        "other issuer": jwt.encode({**claims, "iss": "evil"}, SECRET, algorithm="HS256"),
        "HS512": jwt.encode(claims, SECRET, algorithm="HS512"),
        "no expiry": jwt.encode(
            {k: v for k, v in claims.items() if k != "exp"}, SECRET, algorithm="HS256"
        ),
        "garbage": "not-a-token",
        "deleted user": jwt.encode({**claims, "sub": "u-0000000000000000"}, SECRET, "HS256"),
    }


EXPECTED_CODES = {
    "expired": "TOKEN_EXPIRED",
    "deleted user": "UNKNOWN_USER",
}


def test_no_expired_or_forged_token_can_act(
    api: Api, people: dict[str, str], clean_graph: Driver
) -> None:
    victim = sign_up(api, "Victim")
    attacker = sign_up(api, "Attacker")
    researcher = people["ada"]
    cases: dict[str, str | None] = {
        "no token": None,
        **forged_tokens(victim.id.removeprefix("User:"), attacker.id.removeprefix("User:")),
    }
    for name, token in cases.items():
        expected = (
            "AUTHENTICATION_REQUIRED"
            if token is None
            else EXPECTED_CODES.get(name, "INVALID_TOKEN")
        )
        for mutation, field in ((FOLLOW, "followResearcher"), (CLAIM, "claimResearcher")):
            body = gql(api, mutation, token, id=researcher)
            assert outcome(body, field) == ("AuthenticationError", expected), (name, body)
        body = gql(api, INVITE, token, id=researcher)
        assert outcome(body, "inviteToCollaborate") == ("AuthenticationError", expected), name
        if token is not None:  # a bad token on a query is an error, never silently anonymous
            [error] = gql(api, VIEWER, token)["errors"]
            assert error["extensions"]["code"] == expected, (name, error)
    # A header that is not a bearer token is refused as such.
    response = gql_with_header(api, VIEWER, f"Basic {victim.token}")
    assert response["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"
    assert "Bearer" in response["errors"][0]["message"]
    # Nothing was written by any of them.
    counts = clean_graph.execute_query(
        "RETURN COUNT { ()-[:FOLLOWS]->() } AS follows, COUNT { (:Claim) } AS claims, "
        "COUNT { (:Invitation) } AS invitations"
    ).records[0]
    assert dict(counts) == {"follows": 0, "claims": 0, "invitations": 0}


def gql_with_header(api: Api, query: str, authorization: str) -> dict[str, Any]:
    import httpx

    response = httpx.post(
        f"{api.url}/graphql", json={"query": query}, headers={"Authorization": authorization}
    )
    body: dict[str, Any] = response.json()
    return body


def test_follow_and_unfollow_are_idempotent(api: Api, people: dict[str, str]) -> None:
    ada, grace = sign_up(api, "Ada"), sign_up(api, "Grace")
    target = people["alan"]
    for _ in range(2):
        result = data(gql(api, FOLLOW, ada.token, id=target))["followResearcher"]
        assert result["__typename"] == "FollowPayload"
        assert (result["following"], result["followersCount"]) == (True, 1)
        assert result["researcher"]["followersCount"] == 1
    result = data(gql(api, FOLLOW, grace.token, id=target))["followResearcher"]
    assert result["followersCount"] == 2
    data(gql(api, FOLLOW, ada.token, id=people["grace"]))

    page = """
    query($id: ID!) { researcher(id: $id) { followersCount viewerIsFollowing } }
    """
    assert data(gql(api, page, ada.token, id=target))["researcher"] == {
        "followersCount": 2,
        "viewerIsFollowing": True,
    }
    assert data(gql(api, page, None, id=target))["researcher"]["viewerIsFollowing"] is False

    following = """
    query($first: Int!, $after: String) { viewer { following(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { followedAt node { id name } }
    } } }
    """
    first = data(gql(api, following, ada.token, first=1))["viewer"]["following"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"] is True
    assert first["edges"][0]["node"]["id"] == people["grace"]  # most recent first
    second = data(gql(api, following, ada.token, first=1, after=first["pageInfo"]["endCursor"]))[
        "viewer"
    ]["following"]
    assert [e["node"]["id"] for e in second["edges"]] == [target]
    assert second["pageInfo"]["hasNextPage"] is False

    for expected in (1, 1):
        result = data(gql(api, UNFOLLOW, ada.token, id=target))["unfollowResearcher"]
        assert (result["following"], result["followersCount"]) == (False, expected)
    assert data(gql(api, page, ada.token, id=target))["researcher"] == {
        "followersCount": 1,
        "viewerIsFollowing": False,
    }

    body = gql(api, FOLLOW, ada.token, id="Researcher:r-0000000000000000")
    assert outcome(body, "followResearcher") == ("NotFoundError", "NOT_FOUND")
    body = gql(api, FOLLOW, ada.token, id="Paper:2101.00001")
    assert outcome(body, "followResearcher") == ("InvalidInputError", "INVALID_ID")


def test_users_create_admin_from_the_cli(
    api: Api, cli_env: dict[str, str], clean_graph: Driver
) -> None:
    args = ["users", "create", "--admin", "--email", "Root@Example.org", "--name", "Root"]
    done = cli([*args, "--password", PASSWORD], cli_env)
    assert done.returncode == 0, done.stderr
    assert "administrator root@example.org" in done.stderr
    again = cli([*args, "--password", PASSWORD], cli_env)
    assert again.returncode == 1 and "already has an account" in again.stderr
    weak = cli(
        ["users", "create", "--email", "x@example.org", "--name", "X", "--password", "x"], cli_env
    )
    assert weak.returncode == 1 and "password" in weak.stderr

    logged = data(gql(api, LOG_IN, email="root@example.org", password=PASSWORD))["logIn"]
    assert logged["user"]["isAdmin"] is True
    listed = cli(["users", "list"], cli_env)
    assert listed.returncode == 0 and "root@example.org\tRoot\tadmin" in listed.stdout


def test_jwt_secret_is_generated_once_and_private(settings: Settings, tmp_path: Path) -> None:
    local = replace(
        settings,
        home=tmp_path,
        auth=replace(settings.auth, jwt_secret=type(settings.auth.jwt_secret)("")),
    )
    first = jwt_secret(local)
    assert len(first) >= 32
    path = tmp_path / "jwt-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert jwt_secret(local) == first  # a restart (or a second process) reads the same one
    assert [p.name for p in tmp_path.iterdir()] == ["jwt-secret"]
    configured = replace(
        local, auth=replace(local.auth, jwt_secret=type(local.auth.jwt_secret)(SECRET))
    )
    assert jwt_secret(configured) == SECRET


class Jwks:
    """A stand-in OIDC issuer: serves a JWKS over HTTP and signs tokens with its RSA key."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        self.body = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig"}]}).encode()
        self.issuer = "https://issuer.example.org/"

    def token(self, **overrides: Any) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": "external-42",
            "iss": self.issuer,
            "aud": "scholargraph-api",
            "iat": now,
            "exp": now + timedelta(minutes=5),
            "name": "Katherine Johnson",
            "email": "kj@example.org",
            "email_verified": True,
            **overrides,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})

    def public_pem(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@pytest.fixture
def oidc_api(
    settings: Settings, neo4j_info: ConnectionInfo, driver: Driver, tmp_path: Path
) -> Iterator[tuple[Api, Jwks]]:
    issuer = Jwks()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(issuer.body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = accounts_settings(settings, tmp_path / "outbox")
    configured = replace(
        base,
        auth=replace(
            base.auth,
            oidc_jwks_url=f"http://127.0.0.1:{server.server_address[1]}/jwks.json",
            oidc_issuer=issuer.issuer,
            oidc_audience="scholargraph-api",
        ),
    )
    try:
        for url in serve(configured, neo4j_info):
            yield Api(url, configured, neo4j_info), issuer
    finally:
        server.shutdown()


def test_oidc_tokens_through_the_configured_jwks(
    oidc_api: tuple[Api, Jwks], people: dict[str, str], clean_graph: Driver
) -> None:
    api, issuer = oidc_api
    token = issuer.token()
    viewer = data(gql(api, VIEWER, token))["viewer"]
    assert viewer["name"] == "Katherine Johnson" and viewer["isAdmin"] is False
    assert viewer["email"] is None  # an external account has no password login
    # The same subject is the same account; it can act like any other.
    assert data(gql(api, VIEWER, issuer.token()))["viewer"]["id"] == viewer["id"]
    assert outcome(gql(api, FOLLOW, token, id=people["ada"]), "followResearcher")[0] == (
        "FollowPayload"
    )
    [stored] = clean_graph.execute_query(
        "MATCH (u:User {oidcSubject: $s}) RETURN u.id AS id",
        s="https://issuer.example.org/#external-42",
    ).records
    assert viewer["id"] == f"User:{stored['id']}"

    forged = {
        "wrong audience": issuer.token(aud="another-api"),
        "expired": issuer.token(
            iat=datetime.now(UTC) - timedelta(hours=2), exp=datetime.now(UTC) - timedelta(hours=1)
        ),
        # The issuer's public key used as an HMAC secret: the algorithm confusion attack.
        "HS256 with the public key": _hs256_with_key(issuer),
        "unknown key": jwt.encode(
            {
                "sub": "x",
                "iss": issuer.issuer,
                "aud": "scholargraph-api",
                "iat": datetime.now(UTC),
                "exp": datetime.now(UTC) + timedelta(minutes=5),
            },
            rsa.generate_private_key(public_exponent=65537, key_size=2048),
            algorithm="RS256",
            headers={"kid": "k2"},
        ),
    }
    for name, bad in forged.items():
        [error] = gql(api, VIEWER, bad)["errors"]
        expected = "TOKEN_EXPIRED" if name == "expired" else "INVALID_TOKEN"
        assert error["extensions"]["code"] == expected, (name, error)
    # Our own tokens still work beside the OIDC ones.
    ours = sign_up(api, "Local")
    assert data(gql(api, VIEWER, ours.token))["viewer"]["id"] == ours.id


def _hs256_with_key(issuer: Jwks) -> str:
    """A token signed with HMAC-SHA256 keyed by the issuer's public key (built by hand, since
    PyJWT itself refuses to use a PEM key as an HMAC secret)."""
    import hashlib
    import hmac

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    now = int(datetime.now(UTC).timestamp())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    payload = b64(
        json.dumps(
            {
                "sub": "x",
                "iss": issuer.issuer,
                "aud": "scholargraph-api",
                "iat": now,
                "exp": now + 300,
            }
        ).encode()
    )
    signature = hmac.new(issuer.public_pem(), f"{header}.{payload}".encode(), hashlib.sha256)
    return f"{header}.{payload}.{b64(signature.digest())}"
