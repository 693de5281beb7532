"""Research-graph slices against the documented formula, computed here from plain rows.

The API sums and ranks the weights in Cypher and sends only the best candidates of each kind.
This test reads the whole neighbourhood as rows (every paper, author slot, topic and
affiliation) and applies docs/api.md ("Research graph") in plain Python: the two must agree
node for node and edge for edge, on real researchers of the sample, at depths 1 and 2.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import httpx
import pytest
from neo4j import Driver

# Everything around the centre, unranked: the own works (the 200 most recent), at depth 2 the
# 8 most recent works of the 25 strongest co-authors, then who signed them, their topics and
# the affiliations of those people.
ROWS = """
MATCH (c:Researcher {id: $id})
WITH c, COLLECT {
  MATCH (c)-[:AUTHORED]->(p:Paper)
  RETURN p ORDER BY p.firstSubmitted DESC, p.arxivId DESC LIMIT 200
} AS own
WITH c, own, CASE WHEN $depth < 2 THEN [] ELSE COLLECT {
  MATCH (c)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(r:Researcher) WHERE r <> c
  WITH r, count(*) AS shared ORDER BY shared DESC, r.id LIMIT 25
  CALL (r) {
    MATCH (r)-[:AUTHORED]->(q:Paper)
    RETURN q ORDER BY q.firstSubmitted DESC, q.arxivId DESC LIMIT 8
  }
  RETURN DISTINCT q
} END AS ring
WITH c, own, own + [q IN ring WHERE NOT q IN own] AS papers
RETURN c.name AS name,
  [p IN papers | {id: p.arxivId, title: p.title, year: p.year, own: p IN own}] AS papers,
  COLLECT { UNWIND papers AS p MATCH (p)<-[:AUTHORED]-(r:Researcher)
            RETURN {paper: p.arxivId, id: r.id, name: r.name} } AS authors,
  COLLECT { UNWIND papers AS p MATCH (p)-[:IN_TOPIC]->(t:Topic)
            RETURN {paper: p.arxivId, code: t.code, name: t.name} } AS topics,
  COLLECT { UNWIND papers AS p MATCH (p)<-[:AUTHORED]-(r:Researcher) WITH DISTINCT r
            MATCH (r)-[a:AFFILIATED_WITH]->(i:Institution)
            RETURN {id: r.id, institution: i.id, name: i.name, works: a.works} } AS affiliations
"""

SHARE = (("Paper", 4), ("Researcher", 4), ("Topic", 1), ("Institution", 1))
KIND = {
    "Paper": "PAPER",
    "Researcher": "RESEARCHER",
    "Topic": "TOPIC",
    "Institution": "INSTITUTION",
}


def expected_slice(driver: Driver, center: str, depth: int, limit: int) -> dict[str, Any]:
    [row] = driver.execute_query(ROWS, id=center, depth=depth).records
    own = {p["id"] for p in row["papers"] if p["own"]}
    signers: dict[str, set[str]] = defaultdict(set)
    names = {center: row["name"]}
    for a in row["authors"]:
        signers[a["paper"]].add(a["id"])
        names.setdefault(a["id"], a["name"])
    ring = {r for p in own for r in signers[p]} - {center}
    people: dict[str, float] = defaultdict(float)
    for paper, who in signers.items():
        for r in who - {center}:
            people[r] += 1.0 if paper in own else 0.25
    # "Per slice paper": a paper counts once for a topic, and for a shared work.
    topics: dict[str, float] = defaultdict(float)
    topic_names = {}
    for paper, code, name in {(t["paper"], t["code"], t["name"]) for t in row["topics"]}:
        topics[code] += 1.0 if paper in own else 0.5
        topic_names[code] = name or code
    institutions: dict[str, float] = defaultdict(float)
    institution_names = {}
    for f in row["affiliations"]:
        institutions[f["institution"]] += (2 if f["id"] == center else 1) * max(1, f["works"])
        institution_names[f["institution"]] = f["name"]
    # (weight, year, key, label) per kind, best first: weight, then newest, then key.
    ranked = {
        "Paper": [
            (
                round((1.0 if p["own"] else 0.5) + 0.1 * min(10, len(signers[p["id"]] & ring)), 3),
                p["year"] or 0,
                p["id"],
                p["title"],
            )
            for p in row["papers"]
        ],
        "Researcher": [(round(w, 3), 0, r, names[r]) for r, w in people.items()],
        "Topic": [(round(w, 3), 0, c, topic_names[c]) for c, w in topics.items()],
        "Institution": [(round(w, 3), 0, i, institution_names[i]) for i, w in institutions.items()],
    }
    for rows in ranked.values():
        rows.sort(key=lambda r: (-r[0], -r[1], r[2]))
    chosen: list[tuple[str, tuple[float, int, str, str]]] = []
    taken = dict.fromkeys(ranked, 0)
    while len(chosen) < limit - 1 and any(taken[k] < len(ranked[k]) for k in ranked):
        for kind, share in SHARE:
            for _ in range(share):
                if len(chosen) < limit - 1 and taken[kind] < len(ranked[kind]):
                    chosen.append((kind, ranked[kind][taken[kind]]))
                    taken[kind] += 1
    top = max((c[1][0] for c in chosen), default=1.0)
    nodes = [(f"Researcher:{center}", "RESEARCHER", row["name"], max(top, 1.0))]
    nodes += [(f"{kind}:{key}", KIND[kind], label, w) for kind, (w, _, key, label) in chosen]
    kept = {n[0] for n in nodes}
    edges = set()
    for a in row["authors"]:
        edge = (f"Researcher:{a['id']}", f"Paper:{a['paper']}", "AUTHORED", 1.0)
        if edge[0] in kept and edge[1] in kept:
            edges.add(edge)
    for t in row["topics"]:
        edge = (f"Paper:{t['paper']}", f"Topic:{t['code']}", "IN_TOPIC", 1.0)
        if edge[0] in kept and edge[1] in kept:
            edges.add(edge)
    for f in row["affiliations"]:
        edge = (
            f"Researcher:{f['id']}",
            f"Institution:{f['institution']}",
            "AFFILIATED_WITH",
            float(f["works"]),
        )
        if edge[0] in kept and edge[1] in kept:
            edges.add(edge)
    shared: dict[str, int] = defaultdict(int)
    for paper, person in {(a["paper"], a["id"]) for a in row["authors"]}:
        if paper in own and person != center:
            shared[person] += 1
    for r, n in shared.items():
        if f"Researcher:{r}" in kept:
            edges.add((f"Researcher:{center}", f"Researcher:{r}", "COLLABORATES_WITH", float(n)))
    return {
        "nodes": nodes,
        "edges": sorted(edges, key=lambda e: (e[2], e[0], e[1])),
        "candidates": sum(len(rows) for rows in ranked.values()),
        "truncated": len(chosen) < sum(len(rows) for rows in ranked.values()),
    }


def centres(driver: Driver) -> list[str]:
    """The most prolific researchers of the sample and a spread of others, deterministically."""
    records = driver.execute_query(
        """
        MATCH (r:Researcher) WITH r, COUNT { (r)-[:AUTHORED]->() } AS works
        RETURN r.id AS id, works ORDER BY works DESC, r.id
        """
    ).records
    ids = [r["id"] for r in records]
    return ids[:6] + ids[6 :: max(1, len(ids) // 14)][:14]


GRAPH = """
query($id: ID!, $depth: Int!, $limit: Int!) {
  researchGraph(centerId: $id, depth: $depth, limit: $limit) {
    truncated candidates
    nodes { id kind label weight }
    edges { source target kind weight }
  }
}
"""


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("limit", [2, 25, 100, 500])
def test_slices_follow_the_documented_weights(
    sample_graph: Driver, api_url: str, depth: int, limit: int
) -> None:
    for center in centres(sample_graph):
        response = httpx.post(
            f"{api_url}/graphql",
            json={
                "query": GRAPH,
                "variables": {"id": f"Researcher:{center}", "depth": depth, "limit": limit},
            },
        )
        got = response.json()["data"]["researchGraph"]
        want = expected_slice(sample_graph, center, depth, limit)
        assert [tuple(n.values()) for n in got["nodes"]] == want["nodes"], center
        assert [tuple(e.values()) for e in got["edges"]] == want["edges"], center
        assert (got["candidates"], got["truncated"]) == (want["candidates"], want["truncated"])
