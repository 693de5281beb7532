"""The GraphQL schema: types per domain, composed into one `strawberry.Schema`."""

from __future__ import annotations

import strawberry

from schema.extensions import build_extensions
from schema.query import Query
from scholargraph.settings import Limits


def build_schema(limits: Limits) -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=build_extensions(limits))
