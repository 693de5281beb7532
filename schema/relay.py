"""Relay plumbing: the Node interface and page info."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with a global id ('Type:key'), for Query.node.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global id: '<Type>:<key>', where key is the entity's key in the graph."
    )


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None
