"""Drivers and the per-request reader that counts what a request costs in Neo4j."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase, Query, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graphdb.errors import DatabaseUnavailableError, QueryTimeoutError

_T = TypeVar("_T")

log = logging.getLogger(__name__)
COMMIT_LOST_MESSAGE = "Commit answer lost with the connection; running the work again (%s)"
# Worded like the driver's own retry warning, so `scholargraph.retries` counts both alike.
RUN_AGAIN_MESSAGE = "Transaction failed and will be retried in %.1fs (%s)"


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    uri: str
    user: str
    password: str
    database: str = "neo4j"


def open_async_driver(info: ConnectionInfo) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        info.uri,
        auth=(info.user, info.password),
        max_connection_pool_size=64,
        connection_acquisition_timeout=10.0,
        connection_timeout=3.0,
        # Fail fast when Neo4j is down: an API request should say "unavailable" in seconds,
        # not retry for the driver's default 30 s.
        max_transaction_retry_time=3.0,
        notifications_min_severity="OFF",
    )


def open_driver(info: ConnectionInfo, *, retry_s: float = 30.0) -> Driver:
    """A synchronous driver for commands and loaders, checked to reach Neo4j at once.

    `retry_s` bounds how long managed transactions are retried on transient errors and lost
    connections: loaders pass a long one so that a Neo4j restart mid-load is waited out. A
    server that is not there at the start is not waited for: a command says so in seconds
    (DatabaseUnavailableError, with the address and the reason) instead of retrying for
    minutes and ending in a driver traceback.
    """
    try:
        driver = GraphDatabase.driver(
            info.uri,
            auth=(info.user, info.password),
            connection_timeout=5.0,
            max_transaction_retry_time=retry_s,
            notifications_min_severity="OFF",
        )
    except (ValueError, ConfigurationError) as error:
        raise DatabaseUnavailableError(
            f"{info.uri!r} is not a usable Neo4j URI: {error}"
        ) from error
    try:
        driver.verify_connectivity()
    except AuthError as error:
        driver.close()
        raise DatabaseUnavailableError(
            f"{info.uri} refused user {info.user!r}: check NEO4J_USER and NEO4J_PASSWORD"
        ) from error
    except (DriverError, Neo4jError) as error:
        driver.close()
        raise DatabaseUnavailableError(first_line(error)) from error
    return driver


def again_if_commit_lost(work: Callable[[], _T], *, attempts: int = 5) -> _T:
    """Idempotent work, run again when the connection died while a commit was in flight.

    The driver retries lost connections and transient errors itself, but not `IncompleteCommit`
    (a restart between COMMIT and its answer): whether that transaction committed is unknown,
    and work that is not idempotent must not run twice. The steps of a load are idempotent (a
    batch that did commit comes back unchanged; a merge, refresh or trust chunk that did commit
    finds nothing left to do or writes the same values), so they are simply run again; the
    driver's own retries on that new attempt wait out the restart.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except IncompleteCommit as error:
            if attempt == attempts:
                raise
            log.warning(COMMIT_LOST_MESSAGE, error)  # counted by `scholargraph.retries`
    raise AssertionError("unreachable")


def again_while_unavailable(work: Callable[[], _T], *, patience_s: float) -> _T:
    """Idempotent auto-commit work, run again while Neo4j is unreachable or restarting.

    The driver retries managed transactions, but never an auto-commit one (`session.run`),
    which `CALL { ... } IN TRANSACTIONS` needs. Work that only touches what is still left to
    do is simply run again, with the driver's backoff, for up to `patience_s` seconds.
    """
    deadline: float | None = None  # counted from the first failure, as the driver does
    delay = 1.0
    while True:
        try:
            return work()
        except (ServiceUnavailable, SessionExpired, TransientError) as error:
            deadline = deadline or time.monotonic() + patience_s
            if time.monotonic() + delay > deadline:
                raise
            log.warning(RUN_AGAIN_MESSAGE, delay, error)  # counted by `scholargraph.retries`
            time.sleep(delay)
            delay = min(2 * delay, 8.0)


class Rows(list[_T]):
    """A query parameter's list of rows, whose repr is only its length.

    The driver formats every RUN message's parameters for its debug log before the logger
    checks its level (neo4j 6.4, `Bolt5x5.run`): for a batch of 1,000 papers with their
    abstracts that repr was ~7 % of the loader's Python time (py-spy, 50k load). Both of the
    driver's packers send a list subclass as a list.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def first_line(error: BaseException) -> str:
    """An exception's message without the driver's nested detail (for one-line reports).

    A failed connection says why at its root ("Connection refused", "timed out"), not in the
    driver's own first line ("Couldn't connect to host:port (resolved to ...):").
    """
    text = (str(error).strip() or type(error).__name__).splitlines()[0]
    root: BaseException | None = error
    while root is not None:
        if isinstance(root, OSError) and (root.strerror or isinstance(root, TimeoutError)):
            where = re.sub(r" \(resolved to .*\)", "", text).rstrip(":")
            return f"{where}: {root.strerror or 'timed out'}"
        root = root.__cause__
    return text


@dataclass(slots=True)
class QueryCost:
    round_trips: int = 0
    db_time_ms: int = 0
    wall_time_ms: float = 0.0
    by_function: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class GraphReader:
    """Runs read queries for one request, within its timeout, and counts what they cost.

    Created per request (like the DataLoaders that use it); never shared between requests.
    """

    driver: AsyncDriver
    database: str
    timeout_s: float | None = None
    cost: QueryCost = field(default_factory=QueryCost)

    async def read(
        self, cypher: LiteralString, parameters: Mapping[str, Any] | None = None
    ) -> list[neo4j.Record]:
        # The calling graphdb function names the query in the debug cost report.
        self.cost.by_function[sys._getframe(1).f_code.co_name] += 1
        return await self._run(cypher, parameters, RoutingControl.READ)

    async def write(
        self, cypher: LiteralString, parameters: Mapping[str, Any] | None = None
    ) -> list[neo4j.Record]:
        self.cost.by_function[sys._getframe(1).f_code.co_name] += 1
        return await self._run(cypher, parameters, RoutingControl.WRITE)

    async def _run(
        self,
        cypher: LiteralString,
        parameters: Mapping[str, Any] | None,
        routing: RoutingControl,
    ) -> list[neo4j.Record]:
        started = time.perf_counter()
        try:
            result = await self.driver.execute_query(
                Query(cypher, timeout=self.timeout_s),
                parameters_=dict(parameters or {}),
                routing_=routing,
                database_=self.database,
            )
        except (ServiceUnavailable, SessionExpired) as error:
            raise DatabaseUnavailableError(str(error)) from error
        except (ClientError, TransientError) as error:
            if _is_timeout(error):
                raise QueryTimeoutError(self.timeout_s) from error
            raise
        except DriverError as error:
            raise DatabaseUnavailableError(str(error)) from error
        except OSError as error:
            raise DatabaseUnavailableError(str(error)) from error
        self.cost.round_trips += 1
        summary = result.summary
        self.cost.db_time_ms += (summary.result_available_after or 0) + (
            summary.result_consumed_after or 0
        )
        self.cost.wall_time_ms += (time.perf_counter() - started) * 1000
        return result.records


def _is_timeout(error: neo4j.exceptions.Neo4jError) -> bool:
    code = error.code or ""
    return "TransactionTimedOut" in code or "Terminated" in code


async def ping(driver: AsyncDriver, database: str, timeout_s: float = 3.0) -> bool:
    try:
        await asyncio.wait_for(
            driver.execute_query("RETURN 1", database_=database, routing_=RoutingControl.READ),
            timeout_s,
        )
    except (TimeoutError, DriverError, OSError, neo4j.exceptions.Neo4jError):
        return False
    return True
