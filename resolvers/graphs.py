"""Resolver for research-graph slices."""

from __future__ import annotations

from collections.abc import Sequence

from resolvers.context import Info
from resolvers.errors import LimitExceededError
from resolvers.graphslice import NodeKind, Slice, build_slice


async def load_slice(
    info: Info, researcher_id: str, depth: int, limit: int, kinds: Sequence[NodeKind] | None
) -> Slice | None:
    limits = info.context.limits
    if not 1 <= depth <= limits.graph_depth:
        raise LimitExceededError(f"depth must be between 1 and {limits.graph_depth} (got {depth})")
    if not 1 <= limit <= limits.graph_limit:
        raise LimitExceededError(f"limit must be between 1 and {limits.graph_limit} (got {limit})")
    hood = await info.context.loaders.neighbourhood.load((researcher_id, depth))
    return None if hood is None else build_slice(hood, limit, kinds)
