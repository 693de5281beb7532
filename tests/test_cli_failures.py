"""Commands facing a missing or failing Neo4j: one clear line, at once, never a traceback."""

from __future__ import annotations

import io
import logging
import socket
import time
from collections.abc import Callable
from pathlib import Path

from neo4j.exceptions import IncompleteCommit, Neo4jError, ServiceUnavailable
from rich.console import Console

from graphdb.connection import ConnectionInfo, again_if_commit_lost
from scholargraph.retries import counted_retries
from tests.loading import cli

KAGGLE_LINE = (
    '{"id": "0704.0001", "title": "A title", "authors": "C. Bal\\\\\'azs and E. L. Berger",'
    ' "categories": "hep-ph", "abstract": "An abstract.",'
    ' "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]}\n'
)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_load_with_no_server_fails_at_once_in_one_line(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    # A load waits out a restart mid-load (minutes of retries), but a server that is not there
    # at the start is reported at once: before, this took 4.5 minutes and ended in 112 lines.
    papers = tmp_path / "papers.jsonl"
    papers.write_text(KAGGLE_LINE)
    env = {**cli_env, "NEO4J_URI": f"bolt://127.0.0.1:{closed_port()}"}
    started = time.monotonic()
    result = cli(["load", "arxiv", str(papers), "--quarantine", str(tmp_path / "q.jsonl")], env)
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("error: Neo4j is unavailable: Couldn't connect to 127.0.0.1:")
    assert line.endswith("Connection refused")


def test_a_wrong_password_is_named(neo4j_info: ConnectionInfo, cli_env: dict[str, str]) -> None:
    result = cli(["migrate"], {**cli_env, "NEO4J_PASSWORD": neo4j_info.password + "-wrong"})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"error: Neo4j is unavailable: {neo4j_info.uri} refused user "
        f"'{neo4j_info.user}': check NEO4J_USER and NEO4J_PASSWORD"
    ]


def test_driver_retries_are_counted_and_a_lost_connection_is_said_once() -> None:
    # The driver's own warnings, as it logs them (neo4j._sync.work.session), and ours.
    driver_log = logging.getLogger("neo4j.session")
    lost = ServiceUnavailable("Couldn't connect to 127.0.0.1:7687 (resolved to ...):\nmore")
    lost.__cause__ = ConnectionRefusedError(111, "Connection refused")
    deadlock = Neo4jError._hydrate_neo4j(
        code="Neo.TransientError.Transaction.DeadlockDetected", message="cycle of locks"
    )
    out = io.StringIO()
    with counted_retries(Console(file=out, width=200), patience_s=180) as retries:
        for error in (deadlock, lost, deadlock, lost):  # one outage: said once
            driver_log.warning("Transaction failed and will be retried in %ss (%s)", 1.6, error)
        again_if_commit_lost(_fails_once_with(IncompleteCommit("lost [/b] [x IN list]")))
        # Rich markup in a message is printed as it is, not interpreted (nor raised).
        driver_log.warning("Unexpected [/bold] from %s", "[x IN [1]]")
    assert out.getvalue().splitlines() == [
        "Neo4j connection lost (Couldn't connect to 127.0.0.1:7687: Connection refused); "
        "retrying for up to 180 s",
        "neo4j: Unexpected [/bold] from [x IN [1]]",
    ]
    assert retries.summary() == "5 (deadlock 2, connection lost 2, commit answer lost 1)"
    # Afterwards the driver's logging is as it was.
    assert not any(type(h).__name__ == "RetryLog" for h in logging.getLogger("neo4j").handlers)
    assert logging.getLogger("neo4j").propagate


def _fails_once_with(error: Exception) -> Callable[[], str]:
    failures = [error]

    def work() -> str:
        if failures:
            raise failures.pop()
        return "done"

    return work
