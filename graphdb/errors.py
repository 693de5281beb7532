"""Exceptions that leave `graphdb`: driver exceptions are translated into these."""

from __future__ import annotations


class GraphDatabaseError(RuntimeError):
    """Base class of every error `graphdb` raises on purpose."""


class DatabaseUnavailableError(GraphDatabaseError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("Neo4j is unavailable")
        self.detail = detail


class QueryTimeoutError(GraphDatabaseError):
    def __init__(self, timeout_s: float | None) -> None:
        limit = f" after {timeout_s:g}s" if timeout_s else ""
        super().__init__(f"The query was stopped{limit}: it exceeded the request time limit")
        self.timeout_s = timeout_s


class MigrationError(GraphDatabaseError):
    """A recorded migration no longer matches the code (its checksum changed)."""
