"""Ranking a researcher's neighbourhood into a bounded, deterministic graph slice.

Weights (docs/api.md, "Research graph"):
- a co-author: works shared with the centre, plus 0.25 for each second-ring work they sign;
- a paper: 1 if the centre signed it (0.5 otherwise), plus 0.1 per first-ring co-author on
  it (at most 10);
- a topic: 1 per slice paper of the centre filed under it, 0.5 per other slice paper;
- an institution: works of slice researchers affiliated with it, the centre's counting double.

The slice keeps the centre, then fills `limit` places kind by kind in turn (papers 4, people 4,
topics 1, institutions 1 of every 10 places; unused places go to the others), each kind in
order of weight, then newest, then id. Edges are those between kept nodes.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from graphdb.graphslice import Neighbourhood
from resolvers.ids import Kind, global_id


class NodeKind(Enum):
    RESEARCHER = "RESEARCHER"
    PAPER = "PAPER"
    TOPIC = "TOPIC"
    INSTITUTION = "INSTITUTION"


class EdgeKind(Enum):
    AUTHORED = "AUTHORED"
    IN_TOPIC = "IN_TOPIC"
    AFFILIATED_WITH = "AFFILIATED_WITH"
    COLLABORATES_WITH = "COLLABORATES_WITH"


@dataclass(frozen=True, slots=True)
class SliceNode:
    id: str
    kind: NodeKind
    label: str
    weight: float
    year: int | None = None


@dataclass(frozen=True, slots=True)
class SliceEdge:
    source: str
    target: str
    kind: EdgeKind
    weight: float


@dataclass(frozen=True, slots=True)
class Slice:
    center: str
    nodes: tuple[SliceNode, ...]
    edges: tuple[SliceEdge, ...]
    truncated: bool
    candidates: int


QUOTA = (
    (NodeKind.PAPER, 4),
    (NodeKind.RESEARCHER, 4),
    (NodeKind.TOPIC, 1),
    (NodeKind.INSTITUTION, 1),
)


def build_slice(hood: Neighbourhood, limit: int, kinds: Iterable[NodeKind] | None = None) -> Slice:
    """The slice of `limit` nodes; `hood` must hold the best `limit - 1` candidates per kind."""
    wanted = set(kinds) if kinds else set(NodeKind)
    center = global_id(Kind.RESEARCHER, hood.center_id)
    # Per kind: (weight, year, graph key, label), the weights of the module docstring.
    rows: dict[NodeKind, list[tuple[float, int | None, str, str]]] = {
        NodeKind.PAPER: [
            (
                round((1.0 if p.own else 0.5) + 0.1 * min(10, p.ring_authors), 3),
                p.year,
                p.arxiv_id,
                p.title,
            )
            for p in hood.papers
        ],
        NodeKind.RESEARCHER: [
            (round(r.shared + 0.25 * (r.signed - r.shared), 3), None, r.id, r.name)
            for r in hood.researchers
        ],
        NodeKind.TOPIC: [
            (round(t.own + 0.5 * t.others, 3), None, t.code, t.name) for t in hood.topics
        ],
        NodeKind.INSTITUTION: [
            (round(float(i.weight), 3), None, i.id, i.name) for i in hood.institutions
        ],
    }
    places = max(0, limit - 1)
    candidates: dict[NodeKind, list[SliceNode]] = {}
    total = 0
    for kind, count in zip(rows, hood.totals, strict=True):
        if kind not in wanted:
            candidates[kind] = []
            continue
        total += count
        # Same order as sorting the nodes by (-weight, -year, global id): one kind shares the
        # id prefix, so the graph key orders like the global id.
        best = heapq.nsmallest(places, rows[kind], key=_rank)
        candidates[kind] = [
            SliceNode(global_id(KIND_OF[kind], key), kind, label, weight, year)
            for weight, year, key, label in best
        ]
    chosen = _fill(candidates, places)
    top = max((n.weight for n in chosen), default=1.0)
    nodes = (SliceNode(center, NodeKind.RESEARCHER, hood.center_name, max(top, 1.0)), *chosen)
    return Slice(
        center, nodes, _edges(hood, nodes, center), truncated=len(chosen) < total, candidates=total
    )


KIND_OF = {
    NodeKind.PAPER: Kind.PAPER,
    NodeKind.RESEARCHER: Kind.RESEARCHER,
    NodeKind.TOPIC: Kind.TOPIC,
    NodeKind.INSTITUTION: Kind.INSTITUTION,
}


def _rank(row: tuple[float, int | None, str, str]) -> tuple[float, int, str]:
    return (-row[0], -(row[1] or 0), row[2])


def _fill(candidates: dict[NodeKind, list[SliceNode]], places: int) -> list[SliceNode]:
    cursors = {kind: 0 for kind in candidates}
    chosen: list[SliceNode] = []
    while len(chosen) < places:
        progressed = False
        for kind, share in QUOTA:
            for _ in range(share):
                if len(chosen) >= places or cursors[kind] >= len(candidates[kind]):
                    break
                chosen.append(candidates[kind][cursors[kind]])
                cursors[kind] += 1
                progressed = True
        if not progressed:
            break
    return chosen


def _edges(hood: Neighbourhood, nodes: tuple[SliceNode, ...], center: str) -> tuple[SliceEdge, ...]:
    kept: dict[str, set[str]] = defaultdict(set)
    for node in nodes:
        kind, _, key = node.id.partition(":")
        kept[kind].add(key)
    researchers, topics = kept[Kind.RESEARCHER.value], kept[Kind.TOPIC.value]
    institutions = kept[Kind.INSTITUTION.value]
    papers = {
        p.slot: global_id(Kind.PAPER, p.arxiv_id)
        for p in hood.papers
        if p.arxiv_id in kept[Kind.PAPER.value]
    }
    edges: set[SliceEdge] = set()

    def signed(
        researcher: str, slots: Iterable[int], affiliations: Iterable[tuple[str, int]]
    ) -> None:
        for slot in slots:
            if slot in papers:
                edges.add(SliceEdge(researcher, papers[slot], EdgeKind.AUTHORED, 1.0))
        for institution, works in affiliations:
            if institution in institutions:
                target = global_id(Kind.INSTITUTION, institution)
                edges.add(SliceEdge(researcher, target, EdgeKind.AFFILIATED_WITH, float(works)))

    signed(center, hood.center_slots, hood.center_affiliations)
    for r in hood.researchers:
        if r.id in researchers:
            person = global_id(Kind.RESEARCHER, r.id)
            signed(person, r.slots, r.affiliations)
            if r.shared:
                edges.add(SliceEdge(center, person, EdgeKind.COLLABORATES_WITH, float(r.shared)))
    for t in hood.topics:
        if t.code in topics:
            topic = global_id(Kind.TOPIC, t.code)
            for slot in t.slots:
                if slot in papers:
                    edges.add(SliceEdge(papers[slot], topic, EdgeKind.IN_TOPIC, 1.0))
    return tuple(sorted(edges, key=lambda e: (e.kind.value, e.source, e.target)))
