"""Errors resolvers raise on purpose; their messages are shown to clients as they are."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message is safe and useful to show to API clients."""

    code = "BAD_REQUEST"


class InvalidIdError(UserFacingError):
    code = "INVALID_ID"


class InvalidCursorError(UserFacingError):
    code = "INVALID_CURSOR"


class LimitExceededError(UserFacingError):
    code = "LIMIT_EXCEEDED"


class InvalidArgumentError(UserFacingError):
    code = "INVALID_ARGUMENT"
