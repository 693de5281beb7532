"""Shared by the account tests: the real app over HTTP with its own secret and outbox, a small
graph of researchers, and helpers to sign users up and call the API as them."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from graphdb.connection import ConnectionInfo, GraphReader, open_async_driver
from resolvers.accounts import create_account
from scholargraph.settings import Settings
from tests.loading import load_files
from tests.servers import serve

SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-ABCDEFGH"
INVITES_PER_HOUR = 3
MAX_MESSAGE = 200
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Api:
    url: str
    settings: Settings
    neo4j: ConnectionInfo

    @property
    def outbox(self) -> Path:
        return self.settings.auth.outbox_dir


def accounts_settings(settings: Settings, outbox: Path) -> Settings:
    auth = replace(
        settings.auth,
        jwt_secret=type(settings.auth.jwt_secret)(SECRET),
        invite_rate_per_hour=INVITES_PER_HOUR,
        max_message_chars=MAX_MESSAGE,
        outbox_dir=outbox,
    )
    return replace(settings, auth=auth)


@contextlib.contextmanager
def served(configured: Settings, neo4j_info: ConnectionInfo) -> Iterator[Api]:
    """The real app under uvicorn with these settings, for as long as the block runs."""
    for url in serve(configured, neo4j_info):
        yield Api(url, configured, neo4j_info)


@pytest.fixture(scope="module")
def api(
    settings: Settings,
    neo4j_info: ConnectionInfo,
    driver: Driver,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:
    """The real app under uvicorn, with a known secret, a small rate limit and its own outbox."""
    with served(accounts_settings(settings, tmp_path_factory.mktemp("outbox")), neo4j_info) as api:
        yield api


def kaggle(arxiv_id: str, authors: list[tuple[str, str, str]], year: int) -> str:
    return json.dumps(
        {
            "id": arxiv_id,
            "submitter": None,
            "authors": ", ".join(f"{f} {k} ({inst})" for k, f, inst in authors),
            "title": f"Paper {arxiv_id}",
            "comments": None,
            "journal-ref": None,
            "doi": None,
            "report-no": None,
            "categories": "cs.AI",
            "license": None,
            "abstract": "About something.",
            "versions": [{"version": "v1", "created": f"Mon, 4 Jan {year} 10:00:00 GMT"}],
            "update_date": "2021-01-04",
            "authors_parsed": [[k, f, ""] for k, f, _ in authors],
        }
    )


@pytest.fixture
def people(clean_graph: Driver, settings: Settings, tmp_path: Path) -> dict[str, str]:
    """Ada Lovelace (University of Oxbridge, 6 works), Grace Hopper and Alan Turing."""
    lines = [
        kaggle(
            f"2101.{i:05d}",
            [
                ("Lovelace", "Ada", "University of Oxbridge"),
                ("Hopper", "Grace", "Harvard Computation Lab"),
                *([("Turing", "Alan", "Bletchley Park")] if i % 2 else []),
            ],
            2015 + i,
        )
        for i in range(6)
    ]
    source = tmp_path / "people.jsonl"
    source.write_text("\n".join(lines) + "\n")
    load_files(clean_graph, settings, [source], tmp_path / "q.jsonl")
    records = clean_graph.execute_query("MATCH (r:Researcher) RETURN r.name AS name, r.id AS id")
    return {r["name"].split()[0].lower(): f"Researcher:{r['id']}" for r in records.records}


def gql(api: Api, query: str, bearer: str | None = None, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    response = httpx.post(
        f"{api.url}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    return body


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


SIGN_UP = """
mutation($email: String!, $password: String!, $name: String!) {
  signUp(email: $email, password: $password, name: $name) {
    __typename
    ... on AuthPayload { token expiresAt user { id email name isAdmin } }
    ... on UserError { code message }
  }
}
"""

LOG_IN = """
mutation($email: String!, $password: String!) {
  logIn(email: $email, password: $password) {
    __typename
    ... on AuthPayload { token user { id email isAdmin } }
    ... on UserError { code message }
  }
}
"""


@dataclass(frozen=True)
class Account:
    id: str  # "User:u-…"
    email: str
    token: str


def sign_up(api: Api, name: str) -> Account:
    email = f"{name.lower()}@example.org"
    result = data(gql(api, SIGN_UP, email=email, password=PASSWORD, name=name))["signUp"]
    assert result["__typename"] == "AuthPayload", result
    return Account(result["user"]["id"], email, result["token"])


def make_admin(api: Api, name: str = "Root") -> Account:
    """What `scholargraph users create --admin` does (tested through the CLI elsewhere)."""
    email = f"{name.lower()}@admin.example.org"

    async def create() -> None:
        driver = open_async_driver(api.neo4j)
        try:
            reader = GraphReader(driver=driver, database=api.neo4j.database)
            await create_account(reader, email, PASSWORD, name, is_admin=True)
        finally:
            await driver.close()

    asyncio.run(create())
    result = data(gql(api, LOG_IN, email=email, password=PASSWORD))["logIn"]
    assert result["user"]["isAdmin"] is True
    return Account(result["user"]["id"], email, result["token"])


def outbox_mails(api: Api) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(api.outbox.glob("*.json"))]


RESULT = "__typename ... on UserError { code message }"


def outcome(body: dict[str, Any], field: str) -> tuple[str, str | None]:
    """(__typename, code) of a mutation's result."""
    result = data(body)[field]
    return result["__typename"], result.get("code")
