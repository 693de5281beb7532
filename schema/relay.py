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

    @classmethod
    def of(cls, cursors: list[str], *, has_next: bool, has_previous: bool) -> PageInfo:
        """Page info for edges with these cursors, in order."""
        return cls(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )

    @classmethod
    def for_offset(cls, offset: int, first: int, total: int, cursors: list[str]) -> PageInfo:
        """Page info for an offset-paged list (search results, follows)."""
        return cls.of(cursors, has_next=offset + first < total, has_previous=offset > 0)
