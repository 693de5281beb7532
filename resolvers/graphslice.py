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
    wanted = set(kinds) if kinds else set(NodeKind)
    center = global_id(Kind.RESEARCHER, hood.center_id)
    own = {p.arxiv_id for p in hood.papers if p.own}
    authors_of: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {hood.center_id: hood.center_name}
    for a in hood.authorships:
        authors_of[a.arxiv_id].add(a.researcher_id)
        names.setdefault(a.researcher_id, a.name)
    ring1 = {r for p in own for r in authors_of[p]} - {hood.center_id}

    researcher_weight: dict[str, float] = defaultdict(float)
    for paper, authors in authors_of.items():
        for r in authors - {hood.center_id}:
            researcher_weight[r] += 1.0 if paper in own else 0.25
    paper_weight = {
        p.arxiv_id: (1.0 if p.own else 0.5) + 0.1 * min(10, len(authors_of[p.arxiv_id] & ring1))
        for p in hood.papers
    }
    topic_weight: dict[str, float] = defaultdict(float)
    topic_names: dict[str, str] = {}
    for t in hood.topics:
        topic_weight[t.code] += 1.0 if t.arxiv_id in own else 0.5
        topic_names[t.code] = t.name
    institution_weight: dict[str, float] = defaultdict(float)
    institution_names: dict[str, str] = {}
    for f in hood.affiliations:
        factor = 2.0 if f.researcher_id == hood.center_id else 1.0
        institution_weight[f.institution_id] += factor * max(1, f.works)
        institution_names[f.institution_id] = f.name

    # Per kind: (weight, year, graph key, label). Only the best `places` of a kind can be kept,
    # so only those become nodes (a prolific researcher has ~1,500 co-author candidates).
    rows: dict[NodeKind, list[tuple[float, int | None, str, str]]] = {
        NodeKind.PAPER: [
            (round(paper_weight[p.arxiv_id], 3), p.year, p.arxiv_id, p.title) for p in hood.papers
        ],
        NodeKind.RESEARCHER: [
            (round(w, 3), None, r, names.get(r, r)) for r, w in researcher_weight.items()
        ],
        NodeKind.TOPIC: [(round(w, 3), None, c, topic_names[c]) for c, w in topic_weight.items()],
        NodeKind.INSTITUTION: [
            (round(w, 3), None, i, institution_names[i]) for i, w in institution_weight.items()
        ],
    }
    places = max(0, limit - 1)
    candidates: dict[NodeKind, list[SliceNode]] = {}
    total = 0
    for kind, found in rows.items():
        if kind not in wanted:
            candidates[kind] = []
            continue
        total += len(found)
        # Same order as sorting the nodes by (-weight, -year, global id): one kind shares the
        # id prefix, so the graph key orders like the global id.
        best = heapq.nsmallest(places, found, key=_rank)
        candidates[kind] = [
            SliceNode(global_id(KIND_OF[kind], key), kind, label, weight, year)
            for weight, year, key, label in best
        ]
    chosen = _fill(candidates, places)
    top = max((n.weight for n in chosen), default=1.0)
    nodes = (SliceNode(center, NodeKind.RESEARCHER, hood.center_name, max(top, 1.0)), *chosen)
    kept = {n.id for n in nodes}
    edges = _edges(hood, kept, center, own)
    return Slice(center, nodes, edges, truncated=len(chosen) < total, candidates=total)


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


def _edges(
    hood: Neighbourhood, kept: set[str], center: str, own: set[str]
) -> tuple[SliceEdge, ...]:
    # Membership is tested on the graph keys of the kept nodes: global ids are built only for
    # the edges kept (a prolific researcher's neighbourhood has thousands of author slots).
    keys: dict[str, set[str]] = defaultdict(set)
    for node_id in kept:
        kind, _, key = node_id.partition(":")
        keys[kind].add(key)
    researchers, papers = keys[Kind.RESEARCHER.value], keys[Kind.PAPER.value]
    topics, institutions = keys[Kind.TOPIC.value], keys[Kind.INSTITUTION.value]
    edges: set[SliceEdge] = set()
    for a in hood.authorships:
        if a.researcher_id in researchers and a.arxiv_id in papers:
            edges.add(
                SliceEdge(
                    global_id(Kind.RESEARCHER, a.researcher_id),
                    global_id(Kind.PAPER, a.arxiv_id),
                    EdgeKind.AUTHORED,
                    1.0,
                )
            )
    for t in hood.topics:
        if t.arxiv_id in papers and t.code in topics:
            edges.add(
                SliceEdge(
                    global_id(Kind.PAPER, t.arxiv_id),
                    global_id(Kind.TOPIC, t.code),
                    EdgeKind.IN_TOPIC,
                    1.0,
                )
            )
    for f in hood.affiliations:
        if f.researcher_id in researchers and f.institution_id in institutions:
            edges.add(
                SliceEdge(
                    global_id(Kind.RESEARCHER, f.researcher_id),
                    global_id(Kind.INSTITUTION, f.institution_id),
                    EdgeKind.AFFILIATED_WITH,
                    float(f.works),
                )
            )
    shared: dict[str, int] = defaultdict(int)
    for a in hood.authorships:
        if a.arxiv_id in own and a.researcher_id != hood.center_id:
            shared[a.researcher_id] += 1
    for researcher, count in shared.items():
        if researcher in researchers:
            target = global_id(Kind.RESEARCHER, researcher)
            edges.add(SliceEdge(center, target, EdgeKind.COLLABORATES_WITH, float(count)))
    return tuple(sorted(edges, key=lambda e: (e.kind.value, e.source, e.target)))
