"""GraphQL types for research-graph slices."""

from __future__ import annotations

import strawberry

from resolvers.graphslice import EdgeKind, NodeKind, Slice

GraphNodeKind = strawberry.enum(NodeKind, name="GraphNodeKind")
GraphEdgeKind = strawberry.enum(EdgeKind, name="GraphEdgeKind")


@strawberry.type(description="A node of a graph slice; `id` is a global id usable in Query.node.")
class GraphNode:
    id: strawberry.ID
    kind: NodeKind
    label: str
    weight: float = strawberry.field(description="Relevance to the centre (docs/api.md).")


@strawberry.type(description="A directed edge between two nodes of the slice.")
class GraphEdge:
    source: strawberry.ID
    target: strawberry.ID
    kind: EdgeKind
    weight: float


@strawberry.type(
    description=(
        "The research graph around a researcher: the most relevant papers, people, topics "
        "and institutions, at most `limit` nodes, ranked deterministically."
    )
)
class GraphSlice:
    center: strawberry.ID
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(description="True when candidates were left out.")
    candidates: int = strawberry.field(description="How many nodes the limit chose from.")

    @classmethod
    def from_slice(cls, value: Slice) -> GraphSlice:
        return cls(
            center=strawberry.ID(value.center),
            nodes=[
                GraphNode(id=strawberry.ID(n.id), kind=n.kind, label=n.label, weight=n.weight)
                for n in value.nodes
            ],
            edges=[
                GraphEdge(
                    source=strawberry.ID(e.source),
                    target=strawberry.ID(e.target),
                    kind=e.kind,
                    weight=e.weight,
                )
                for e in value.edges
            ],
            truncated=value.truncated,
            candidates=value.candidates,
        )
