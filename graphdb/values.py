"""Converting Neo4j temporal values into Python ones at the edge of `graphdb`."""

from __future__ import annotations

from datetime import date, datetime
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
