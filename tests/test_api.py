"""The researcher page over HTTP, checked against an independent reading of the raw files."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from graphdb.connection import ConnectionInfo
from scholargraph.app import create_app
from scholargraph.settings import Settings
from tests.raw_sample import RawRecord, atom_records, fold, oai_records

pytestmark = pytest.mark.sample

PAGE = """
query Page($id: ID!, $first: Int!, $after: String) {
  researcher(id: $id) {
    id key name nameVariants field
    affiliation { id name rorId }
    worksCount followersCount topicsCount collaboratorsCount closeCollaboratorsCount
    trust { score label verificationLevel claimed signals { name value contribution } }
    topics(first: 50) { topic { code name } worksCount }
    closeCollaborators(first: 100) {
      researcher { id name } sharedWorksCount firstYear lastYear
    }
    works(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { arxivId title year kind venue authors { name } topics { code } } }
    }
    context(depth: 1, limit: 30) {
      truncated nodes { id kind label weight } edges { source target kind }
    }
  }
}
"""


def gql(api_url: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(f"{api_url}/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "Traceback" not in response.text
    return body


def find_researcher(api_url: str, search: str, name: str) -> str:
    body = gql(
        api_url,
        "query($q: String!) { researchers(search: $q, first: 20) { nodes { id name } } }",
        q=search,
    )
    ids = [n["id"] for n in body["data"]["researchers"]["nodes"] if n["name"] == name]
    assert ids, body
    return str(ids[0])


def raw_works(records: dict[str, RawRecord], surname: str, initial: str) -> list[RawRecord]:
    return [
        r
        for r in records.values()
        if any(fold(k) == surname and (fold(f)[:1] == initial if f else True) for k, f in r.authors)
    ]


def check_page(
    api_url: str, researcher_id: str, expected: list[RawRecord], self_key: str
) -> dict[str, Any]:
    page = gql(api_url, PAGE, id=researcher_id, first=100)
    assert "errors" not in page, page["errors"]
    researcher: dict[str, Any] = page["data"]["researcher"]
    works = researcher["works"]
    assert researcher["worksCount"] == works["totalCount"] == len(expected)
    assert {e["node"]["arxivId"] for e in works["edges"]} == {r.arxiv_id for r in expected}
    # Topics: every category of every work, counted once per work.
    topic_counts = Counter(code for r in expected for code in set(r.categories))
    assert {t["topic"]["code"]: t["worksCount"] for t in researcher["topics"]} == topic_counts
    assert researcher["topicsCount"] == len(topic_counts)
    # Co-authors and shared works: raw names folded to (surname, initial) per work.
    shared: Counter[str] = Counter()
    for r in expected:
        others = set()
        for keyname, forenames in r.authors:
            if not any(c.isalpha() for c in keyname):
                continue
            person = _person_key(keyname, forenames)
            if person != self_key:
                others.add(person)
        shared.update(others)
    got = sorted(c["sharedWorksCount"] for c in researcher["closeCollaborators"])
    assert got == sorted(shared.values())
    assert researcher["collaboratorsCount"] == len(shared)
    assert researcher["closeCollaboratorsCount"] == sum(1 for n in shared.values() if n >= 2)
    ranked = [c["sharedWorksCount"] for c in researcher["closeCollaborators"]]
    assert ranked == sorted(ranked, reverse=True)
    # Trust defaults for a researcher known only from arXiv.
    trust = researcher["trust"]
    assert (trust["label"], trust["verificationLevel"], trust["claimed"]) == (
        "UNVERIFIED",
        1,
        False,
    )
    assert trust["score"] == round(sum(s["contribution"] for s in trust["signals"]), 1)
    assert researcher["followersCount"] == 0
    return researcher


def _person_key(keyname: str, forenames: str) -> str:
    if not forenames:  # Atom gives "Forenames Surname" in one string
        parts = keyname.split()
        keyname, forenames = parts[-1], " ".join(parts[:-1])
    return f"{fold(keyname)}|{fold(forenames)[:1]}"


def test_prolific_researcher_page_matches_raw_oai(
    sample_graph: Driver, api_url: str, arxiv_data_dir: Path
) -> None:
    expected = raw_works(oai_records(arxiv_data_dir / "oai_arxiv_recommender"), "marwala", "t")
    assert len(expected) == 38
    researcher_id = find_researcher(api_url, "Marwala", "Tshilidzi Marwala")
    researcher = check_page(api_url, researcher_id, expected, "marwala|t")
    assert set(researcher["nameVariants"]) >= {"T. Marwala", "Tshilidzi Marwala"}


def test_atom_researcher_page_and_ordered_authors(
    sample_graph: Driver, api_url: str, arxiv_data_dir: Path
) -> None:
    atom = atom_records(arxiv_data_dir / "atom_arxiv_py")
    expected = [r for r in atom.values() if any("Del Maestro" in k for k, _ in r.authors)]
    researcher_id = find_researcher(api_url, "Del Maestro", "Adrian Del Maestro")
    researcher = check_page(api_url, researcher_id, expected, "maestro|a")
    by_id = {e["node"]["arxivId"]: e["node"] for e in researcher["works"]["edges"]}
    for record in expected:
        printed = gql(
            api_url,
            "query($a: String!) { paper(arxivId: $a) { authorships { printedName } } }",
            a=record.arxiv_id,
        )["data"]["paper"]["authorships"]
        assert [a["printedName"] for a in printed] == [k for k, _ in record.authors]
        assert by_id[record.arxiv_id]["topics"][0]["code"] == record.categories[0]


def test_namesakes_in_other_fields_stay_apart(sample_graph: Driver, api_url: str) -> None:
    body = gql(
        api_url,
        '{ researchers(search: "Balazs", first: 10) { nodes { name field worksCount } } }',
    )
    people = {
        (n["name"], n["field"]): n["worksCount"] for n in body["data"]["researchers"]["nodes"]
    }
    assert people[("C. Balázs", "hep")] == 2  # 0704.0001 and 0705.0431, TeX-decoded name
    assert people[("L. G. Balazs", "astro")] == 2


def test_works_pages_have_no_gaps_and_no_duplicates(sample_graph: Driver, api_url: str) -> None:
    researcher_id = find_researcher(api_url, "Marwala", "Tshilidzi Marwala")
    query = """
    query($id: ID!, $after: String, $order: WorksOrder!) {
      researcher(id: $id) { works(first: 7, after: $after, orderBy: $order) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { arxivId firstSubmitted } }
      } }
    }
    """
    for order in ("NEWEST", "OLDEST"):
        seen: list[tuple[str, str]] = []
        after = None
        while True:
            works = gql(api_url, query, id=researcher_id, after=after, order=order)["data"][
                "researcher"
            ]["works"]
            seen += [(e["node"]["firstSubmitted"], e["node"]["arxivId"]) for e in works["edges"]]
            if not works["pageInfo"]["hasNextPage"]:
                break
            after = works["pageInfo"]["endCursor"]
        assert len(seen) == len(set(seen)) == works["totalCount"] == 38
        assert seen == sorted(seen, reverse=order == "NEWEST")


def test_paper_search_with_filters(sample_graph: Driver, api_url: str) -> None:
    query = """
    query($after: String) {
      papers(search: "neural network", topic: "cs.LG", yearFrom: 2019, yearTo: 2021,
             first: 10, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { arxivId year topics { code } }
      }
    }
    """
    first = gql(api_url, query)["data"]["papers"]
    assert first["totalCount"] > 10
    second = gql(api_url, query, after=first["pageInfo"]["endCursor"])["data"]["papers"]
    nodes = first["nodes"] + second["nodes"]
    assert len({n["arxivId"] for n in nodes}) == len(nodes) == 20
    for node in nodes:
        assert 2019 <= node["year"] <= 2021
        assert "cs.LG" in [t["code"] for t in node["topics"]]


def test_graph_slice_is_bounded_and_deterministic(sample_graph: Driver, api_url: str) -> None:
    researcher_id = find_researcher(api_url, "Marwala", "Tshilidzi Marwala")
    query = """
    query($id: ID!, $limit: Int!, $depth: Int!) {
      researchGraph(centerId: $id, depth: $depth, limit: $limit) {
        center truncated candidates
        nodes { id kind label weight } edges { source target kind weight }
      }
    }
    """
    for depth in (1, 2):
        one = gql(api_url, query, id=researcher_id, limit=25, depth=depth)["data"]
        two = gql(api_url, query, id=researcher_id, limit=25, depth=depth)["data"]
        assert one == two
        graph = one["researchGraph"]
        assert len(graph["nodes"]) == 25 and graph["truncated"]
        assert graph["nodes"][0]["id"] == graph["center"] == researcher_id
        ids = {n["id"] for n in graph["nodes"]}
        assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
        assert {n["kind"] for n in graph["nodes"]} >= {"PAPER", "RESEARCHER", "TOPIC"}
    only_people = gql(
        api_url,
        "query($id: ID!) { researchGraph(centerId: $id, kinds: [RESEARCHER], limit: 500) "
        "{ truncated nodes { kind } } }",
        id=researcher_id,
    )["data"]["researchGraph"]
    assert {n["kind"] for n in only_people["nodes"]} == {"RESEARCHER"}
    assert only_people["truncated"] is False


def test_node_and_global_ids(sample_graph: Driver, api_url: str) -> None:
    body = gql(
        api_url,
        """{ a: node(id: "Paper:0704.0001") { id ... on Paper { title } }
             b: node(id: "Topic:hep-ph") { ... on Topic { name worksCount } }
             c: paper(arxivId: "0704.0001v2") { primaryTopic { code } } }""",
    )
    assert body["data"]["a"]["id"] == "Paper:0704.0001"
    assert body["data"]["b"]["name"] == "High Energy Physics - Phenomenology"
    assert body["data"]["c"]["primaryTopic"]["code"] == "hep-ph"


def test_slow_queries_hit_the_transaction_timeout(
    sample_graph: Driver, settings: Settings, neo4j_info: ConnectionInfo
) -> None:
    strict = replace(settings, limits=replace(settings.limits, query_timeout_s=0.01))
    words = (
        "quantum chromodynamics superconductivity entanglement gravitational cosmological "
        "renormalization supersymmetric thermodynamics holographic topological"
    )
    query = "query($q: String!) { researchers(search: $q, first: 5) { totalCount } }"
    with TestClient(create_app(strict, neo4j_info)) as client:
        body = client.post("/graphql", json={"query": query, "variables": {"q": words}}).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert "time limit" in error["message"]
