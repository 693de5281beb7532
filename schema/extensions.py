"""Schema extensions: what a request may cost, error masking and the debug cost report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from graphdb.errors import DatabaseUnavailableError, QueryTimeoutError
from resolvers.errors import UserFacingError
from scholargraph.settings import Limits

EXPECTED_ERRORS = (UserFacingError, DatabaseUnavailableError, QueryTimeoutError)


def is_unexpected(error: GraphQLError) -> bool:
    """Mask everything but validation errors and the errors we raise on purpose."""
    original = error.original_error
    if original is None:
        return False  # parse/validation errors: precise and safe
    return not isinstance(original, EXPECTED_ERRORS)


class ErrorCodes(SchemaExtension):
    """Give each expected error a stable `extensions.code` clients can branch on."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            original = error.original_error
            code = None
            if isinstance(original, UserFacingError):
                code = original.code
            elif isinstance(original, DatabaseUnavailableError):
                code = "SERVICE_UNAVAILABLE"
            elif isinstance(original, QueryTimeoutError):
                code = "TIMEOUT"
            if code is not None:
                error.extensions = {**(error.extensions or {}), "code": code}


class Neo4jCost(SchemaExtension):
    """With SCHOLARGRAPH_DEBUG=1: `extensions.neo4j.{roundTrips, dbTimeMs, queries}`.

    `queries` counts round trips per graphdb function, so a client sees which fields cost what.
    """

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        if not getattr(context, "debug", False):
            return {}
        cost = context.reader.cost
        return {
            "neo4j": {
                "roundTrips": cost.round_trips,
                "dbTimeMs": cost.db_time_ms,
                "queries": dict(sorted(cost.by_function.items())),
            }
        }


def build_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    # The limiters' rule classes are made once: ValidationCache keys on the rule classes, and
    # a limiter built per request makes new ones, so every request would be validated again.
    rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]
    # Factories, so that every request gets fresh extension instances.
    return [
        # Parsing and validating a document costs more than a typical page's Python work;
        # explorer UIs send the same few documents over and over.
        lambda: ParserCache(maxsize=512),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=512),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        ErrorCodes,
        lambda: MaskErrors(should_mask_error=is_unexpected, error_message="Internal server error."),
        Neo4jCost,
    ]
