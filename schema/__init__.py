"""The GraphQL schema: types per domain, composed into one `strawberry.Schema`."""

from __future__ import annotations

import strawberry

from schema.extensions import build_extensions
from schema.query import Query
from scholargraph.settings import Limits


def build_schema(limits: Limits) -> strawberry.Schema:
    from schema.papers import Paper
    from schema.researchers import Researcher
    from schema.topics import Institution, Topic

    return strawberry.Schema(
        query=Query,
        types=[Researcher, Paper, Topic, Institution],
        extensions=build_extensions(limits),
    )
