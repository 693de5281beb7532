"""The GraphQL schema: types per domain, composed into one `strawberry.Schema`."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from schema.extensions import build_extensions, is_unexpected
from schema.mutation import Mutation
from schema.query import Query
from scholargraph.settings import Limits


class Schema(strawberry.Schema):
    """Logs only unexpected errors: a bad id or an exceeded limit is the client's, not ours."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [e for e in errors if is_unexpected(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(limits: Limits) -> strawberry.Schema:
    from schema.papers import Paper
    from schema.researchers import Researcher
    from schema.topics import Institution, Topic

    return Schema(
        query=Query,
        mutation=Mutation,
        types=[Researcher, Paper, Topic, Institution],
        extensions=build_extensions(limits),
    )
