"""Resolver for research-graph slices."""

from __future__ import annotations

from collections.abc import Sequence

from resolvers.context import Info
from resolvers.errors import LimitExceededError
from resolvers.graphslice import NodeKind, Slice, build_slice


def neighbourhood_key(
    info: Info, researcher_id: str, depth: int, limit: int
) -> tuple[str, int, int]:
    limits = info.context.limits
    if not 1 <= depth <= limits.graph_depth:
        raise LimitExceededError(f"depth must be between 1 and {limits.graph_depth} (got {depth})")
    if not 1 <= limit <= limits.graph_limit:
        raise LimitExceededError(f"limit must be between 1 and {limits.graph_limit} (got {limit})")
    # The database ranks: it sends the best `limit - 1` candidates of each kind.
    return (researcher_id, depth, limit - 1)


async def load_slice(
    info: Info, researcher_id: str, depth: int, limit: int, kinds: Sequence[NodeKind] | None
) -> Slice | None:
    key = neighbourhood_key(info, researcher_id, depth, limit)
    hood = await info.context.loaders.neighbourhood.load(key)
    return None if hood is None else build_slice(hood, limit, kinds)
