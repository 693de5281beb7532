"""Converting Neo4j temporal values into Python ones at the edge of `graphdb`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def to_date(value: Any) -> date | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    if isinstance(native, datetime):
        return native.date()
    return native if isinstance(native, date) else None


def to_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return native if isinstance(native, datetime) else None


def from_epoch_millis(value: int | None) -> datetime | None:
    """A DateTime read as `x.epochMillis` in Cypher: an int crosses Bolt far cheaper.

    The driver hydrates each temporal value into its own types and then converts time zones;
    on a researcher page with hundreds of authors that cost more than the queries themselves.
    """
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=UTC)
