"""The driver's retries during a load: counted for the summary, a lost connection said at once.

The Neo4j driver logs each retried transaction as a warning of several lines ("Transaction
failed and will be retried in 1.2s (...)" with the nested cause). Loads run two writers that
deadlock now and then by design (`graphdb.ingest`), and a Neo4j restart mid-load fills the
screen. While a load runs, `counted_retries` takes those warnings instead of Python's default
handler: each is counted by cause for the summary, and a lost connection also gets one line
as it happens, so a user watching a stalled progress bar knows why.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from neo4j.exceptions import IncompleteCommit, Neo4jError, ServiceUnavailable, SessionExpired
from rich.console import Console
from rich.markup import escape

from graphdb.connection import COMMIT_LOST_MESSAGE, first_line

DRIVER_LOGGER = "neo4j"
PROJECT_LOGGER = "graphdb.connection"
# The driver's logs of each socket's failure, at ERROR (neo4j._sync.io._bolt).
CONNECTION_LOGGERS = ("neo4j.io", "neo4j.pool")
RETRY_MESSAGE = "Transaction failed and will be retried"
CONNECTION_LOST = "connection lost"
COMMIT_LOST = "commit answer lost"


class RetryLog(logging.Handler):
    """Counts the driver's retries by cause; says a lost connection, at most every 15 s."""

    QUIET_S = 15.0  # one outage retries several transactions, each with its own backoff

    def __init__(self, console: Console, patience_s: float) -> None:
        super().__init__(logging.WARNING)
        self.console = console
        self.patience_s = patience_s
        self.counts: Counter[str] = Counter()
        self._said_at = -self.QUIET_S

    def emit(self, record: logging.LogRecord) -> None:
        # Raising here would escape from the driver's retry loop: report and go on instead.
        try:
            self._take(record)
        except Exception:
            self.handleError(record)

    def _take(self, record: logging.LogRecord) -> None:
        if record.name.startswith(CONNECTION_LOGGERS):
            return  # a dropped connection, also raised: retried (counted below) or reported
        args = record.args if isinstance(record.args, tuple) else ()
        if str(record.msg).startswith(RETRY_MESSAGE) and len(args) == 2:
            error = args[1]
        elif record.msg == COMMIT_LOST_MESSAGE and len(args) == 1:
            error = args[0]
        else:
            message = record.getMessage().strip().splitlines() or [""]
            self._say(f"[yellow]neo4j:[/yellow] {escape(message[0])}")
            return
        cause = retry_cause(error)
        self.counts[cause] += 1
        if cause not in (CONNECTION_LOST, COMMIT_LOST):
            return  # deadlocks and the like: expected with two writers, counted only
        now = time.monotonic()
        if now - self._said_at < self.QUIET_S:
            return
        self._said_at = now
        reason = first_line(error) if isinstance(error, BaseException) else str(error)
        during = " during a commit" if cause == COMMIT_LOST else ""
        self._say(
            f"[yellow]Neo4j connection lost{during}[/yellow] ({escape(reason)}); retrying "
            f"for up to {self.patience_s:.0f} s"
        )

    def _say(self, text: str) -> None:
        self.console.print(text, highlight=False, soft_wrap=True)

    def summary(self) -> str:
        """Counts by cause, e.g. "12 (deadlock 11, connection lost 1)"; "" if none."""
        total = sum(self.counts.values())
        if not total:
            return ""
        causes = ", ".join(f"{cause} {n:,}" for cause, n in self.counts.most_common())
        return f"{total:,} ({causes})"


def retry_cause(error: object) -> str:
    """A short name for why a transaction was retried."""
    if isinstance(error, IncompleteCommit):
        return COMMIT_LOST
    if isinstance(error, (ServiceUnavailable, SessionExpired)):
        return CONNECTION_LOST
    if isinstance(error, Neo4jError) and error.code:
        if "Deadlock" in error.code:
            return "deadlock"
        return error.code.rsplit(".", 1)[-1]
    return type(error).__name__


@contextmanager
def counted_retries(console: Console, patience_s: float) -> Iterator[RetryLog]:
    """While the block runs, the driver's warnings (and `graphdb.connection`'s own retries of
    idempotent work) go to a `RetryLog` and nowhere else."""
    handler = RetryLog(console, patience_s)
    loggers = [logging.getLogger(name) for name in (DRIVER_LOGGER, PROJECT_LOGGER)]
    propagated = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield handler
    finally:
        for logger, propagate in zip(loggers, propagated, strict=True):
            logger.removeHandler(handler)
            logger.propagate = propagate
