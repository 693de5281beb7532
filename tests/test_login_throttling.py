"""Failed log-in throttling over HTTP: per address, per client IP, across two API processes,
under concurrent guesses, and the window letting people back in."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from neo4j import Driver

from graphdb.connection import ConnectionInfo, GraphReader, open_async_driver
from graphdb.throttles import prune_throttles
from scholargraph.settings import Settings
from tests.accounts_api import LOG_IN, PASSWORD, Api, accounts_settings, data, gql, sign_up
from tests.servers import serve

PER_EMAIL, PER_IP, WINDOW_S = 3, 7, 60


@contextlib.contextmanager
def served(configured: Settings, neo4j_info: ConnectionInfo) -> Iterator[Api]:
    for url in serve(configured, neo4j_info):
        yield Api(url, configured, neo4j_info)


@pytest.fixture(scope="module")
def throttled(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    configured = accounts_settings(settings, tmp_path_factory.mktemp("outbox"))
    auth = replace(
        configured.auth,
        login_failures_per_email=PER_EMAIL,
        login_failures_per_ip=PER_IP,
        login_window_s=WINDOW_S,
    )
    return replace(configured, auth=auth)


@pytest.fixture(scope="module")
def api(throttled: Settings, neo4j_info: ConnectionInfo, driver: Driver) -> Iterator[Api]:
    with served(throttled, neo4j_info) as api:
        yield api


def log_in(api: Api, email: str, password: str) -> dict[str, Any]:
    query = LOG_IN.replace(
        "... on UserError { code message }",
        "... on UserError { code message } ... on RateLimitError { retryAfterSeconds limit }",
    )
    result: dict[str, Any] = data(gql(api, query, email=email, password=password))["logIn"]
    return result


def kinds(results: list[dict[str, Any]]) -> list[str]:
    return [r.get("code") or r["__typename"] for r in results]


def test_failures_per_address_then_the_window_lets_them_back(api: Api, clean_graph: Driver) -> None:
    ada, bob = sign_up(api, "Ada"), sign_up(api, "Bob")
    wrong = [log_in(api, ada.email, "not the password") for _ in range(PER_EMAIL)]
    assert kinds(wrong) == ["INVALID_CREDENTIALS"] * PER_EMAIL
    # At the limit even the right password is refused, with how long to wait.
    blocked = log_in(api, ada.email, PASSWORD)
    assert (blocked["__typename"], blocked["code"]) == ("RateLimitError", "TOO_MANY_LOGIN_FAILURES")
    assert blocked["limit"] == PER_EMAIL
    assert 0 < blocked["retryAfterSeconds"] <= WINDOW_S
    assert "this email address" in blocked["message"]
    assert f"{blocked['retryAfterSeconds']} seconds" in blocked["message"]
    assert " ada" not in blocked["message"].lower()  # case of the email: same counter
    assert log_in(api, ada.email.upper(), PASSWORD)["code"] == "TOO_MANY_LOGIN_FAILURES"
    # Another address is not affected.
    assert log_in(api, bob.email, PASSWORD)["__typename"] == "AuthPayload"

    # The graph keeps hashes, not the addresses typed.
    keys = [
        r["key"]
        for r in clean_graph.execute_query("MATCH (t:LoginThrottle) RETURN t.key AS key").records
    ]
    assert keys and not any("@" in k or "127.0.0.1" in k for k in keys)

    # Once the failures leave the window, the right password works again ...
    clean_graph.execute_query(
        "MATCH (t:LoginThrottle) SET t.attempts = [a IN t.attempts | a - $shift]",
        shift=(WINDOW_S + 1) * 1000,
    )
    assert log_in(api, ada.email, PASSWORD)["__typename"] == "AuthPayload"
    # ... and a successful log-in starts the address's count afresh.
    log_in(api, ada.email, "wrong again")
    log_in(api, ada.email, "wrong again")
    assert log_in(api, ada.email, PASSWORD)["__typename"] == "AuthPayload"
    assert (
        kinds([log_in(api, ada.email, "nope") for _ in range(PER_EMAIL)])
        == ["INVALID_CREDENTIALS"] * PER_EMAIL
    )
    assert log_in(api, ada.email, "nope")["code"] == "TOO_MANY_LOGIN_FAILURES"


def test_failures_per_client_across_two_api_processes(
    api: Api, throttled: Settings, neo4j_info: ConnectionInfo, clean_graph: Driver
) -> None:
    carol = sign_up(api, "Carol")
    with served(throttled, neo4j_info) as other:
        # Failures for many addresses from one client, alternating between two processes.
        servers = [api, other]
        results = [
            log_in(servers[i % 2], f"guess{i}@example.org", "password123") for i in range(PER_IP)
        ]
        assert kinds(results) == ["INVALID_CREDENTIALS"] * PER_IP
        for server in servers:  # both processes see the one count
            blocked = log_in(server, carol.email, PASSWORD)
            assert blocked["code"] == "TOO_MANY_LOGIN_FAILURES", blocked
            assert blocked["limit"] == PER_IP
            assert "your network address" in blocked["message"]


def test_successful_log_ins_do_not_count(api: Api, clean_graph: Driver) -> None:
    dave = sign_up(api, "Dave")
    results = [log_in(api, dave.email, PASSWORD) for _ in range(PER_IP + 2)]
    assert kinds(results) == ["AuthPayload"] * (PER_IP + 2)


def test_concurrent_guesses_cannot_pass_the_limit(api: Api, clean_graph: Driver) -> None:
    eve = sign_up(api, "Eve")
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda i: log_in(api, eve.email, f"guess-{i}"), range(10)))
    assert sorted(kinds(results)) == sorted(
        ["INVALID_CREDENTIALS"] * PER_EMAIL + ["TOO_MANY_LOGIN_FAILURES"] * (10 - PER_EMAIL)
    )


def test_expired_throttles_are_pruned(api: Api, clean_graph: Driver) -> None:
    log_in(api, "frank@example.org", "whatever-wrong")
    clean_graph.execute_query(
        "MATCH (t:LoginThrottle) SET t.updatedAt = datetime() - duration({seconds: $s})",
        s=WINDOW_S + 5,
    )

    async def prune() -> int:
        driver = open_async_driver(api.neo4j)
        try:
            reader = GraphReader(driver=driver, database=api.neo4j.database)
            return await prune_throttles(reader, WINDOW_S)
        finally:
            await driver.close()

    assert asyncio.run(prune()) == 2  # the address's and the client's
    assert (
        clean_graph.execute_query("MATCH (t:LoginThrottle) RETURN count(t) AS n").records[0]["n"]
        == 0
    )
