"""Cursors and page sizes for Relay connections."""

from __future__ import annotations

import base64
import binascii

from resolvers.errors import InvalidCursorError, LimitExceededError


def check_first(first: int, maximum: int, argument: str = "first") -> int:
    if not 1 <= first <= maximum:
        raise LimitExceededError(f"{argument} must be between 1 and {maximum} (got {first})")
    return first


def keyset_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(f"k:{sort_key}".encode()).decode()


def offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _decode(cursor: str, kind: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(f"{kind}:"):
        raise InvalidCursorError(
            f"after: {cursor!r} is not a cursor of this connection; pass an endCursor or "
            "edge cursor from a previous page"
        )
    return text[2:]


def parse_keyset_cursor(cursor: str | None) -> str | None:
    return None if cursor is None else _decode(cursor, "k")


def parse_offset_cursor(cursor: str | None) -> int:
    """The offset of the first item after `cursor` (0 without one)."""
    if cursor is None:
        return 0
    value = _decode(cursor, "o")
    if not value.isdigit():
        raise InvalidCursorError(f"after: {cursor!r} is not a cursor of this connection")
    return int(value) + 1
