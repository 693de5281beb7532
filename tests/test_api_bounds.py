"""Round trips bounded by nesting, request limits, precise errors, timeouts, schema export."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, LiteralString

import pytest
from neo4j import Driver, Record, RoutingControl
from starlette.testclient import TestClient

from graphdb.connection import ConnectionInfo, GraphReader
from schema import build_schema
from scholargraph.app import create_app
from scholargraph.settings import Settings
from tests.loading import load_files

ROOT = Path(__file__).resolve().parent.parent

PAGE = """
query Page($id: ID!) {
  researcher(id: $id) {
    name affiliation { name } worksCount followersCount topicsCount closeCollaboratorsCount
    trust { score label }
    topics(first: 5) { topic { code name } worksCount }
    closeCollaborators(first: 10) { researcher { name } sharedWorksCount }
    works(first: 100) { totalCount edges { node {
      title year authors { name } topics { code } authorships { printedName institutions { name } }
    } } }
    context(limit: 50) { nodes { id } edges { source } }
  }
}
"""


def kaggle(arxiv_id: str, authors: list[tuple[str, str]], category: str, day: int) -> str:
    return json.dumps(
        {
            "id": arxiv_id,
            "submitter": None,
            "authors": ", ".join(f"{f} {k} (University of {k})" for k, f in authors),
            "title": f"Paper {arxiv_id}",
            "comments": None,
            "journal-ref": None,
            "doi": None,
            "report-no": None,
            "categories": category,
            "license": None,
            "abstract": "About something.",
            "versions": [
                {
                    "version": "v1",
                    "created": f"Mon, {1 + day % 28} Jan {2000 + day % 20} 10:00:00 GMT",
                }
            ],
            "update_date": "2021-01-04",
            "authors_parsed": [[k, f, ""] for k, f in authors],
        }
    )


@pytest.fixture
def prolific_graph(clean_graph: Driver, settings: Settings, tmp_path: Path) -> Driver:
    """Ada Lovelace with 120 works (3 co-authors each, from a pool of 40), Solo with one."""
    lines = [
        kaggle(
            f"2101.{i:05d}",
            [("Lovelace", "Ada"), *((f"Person{(i + j) % 40}", "Pat") for j in range(3))],
            "cs.LG cs.AI" if i % 2 else "cs.AI",
            i,
        )
        for i in range(120)
    ]
    lines.append(kaggle("2102.00001", [("Solo", "Sam"), ("Person1", "Pat")], "cs.AI", 3))
    source = tmp_path / "prolific.jsonl"
    source.write_text("\n".join(lines) + "\n")
    load_files(clean_graph, settings, [source], tmp_path / "q.jsonl")
    return clean_graph


def researcher_id(driver: Driver, name: str) -> str:
    records = driver.execute_query("MATCH (r:Researcher {name: $n}) RETURN r.id AS id", n=name)
    return str(records.records[0]["id"])


def post(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    return body


# PAGE uses 9 loaders over 4 levels. Lists come back complete (an author list carries its
# researchers, a topic list its topics), so each loader fires once for the whole page, whatever
# the number of results; one spare for a batch split across event-loop ticks.
ROUND_TRIP_BOUND = 10


def test_round_trips_depend_on_nesting_not_on_results(
    prolific_graph: Driver, client: TestClient
) -> None:
    ada, sam = (
        researcher_id(prolific_graph, "Ada Lovelace"),
        researcher_id(prolific_graph, "Sam Solo"),
    )
    big = post(client, PAGE, id=ada)
    small = post(client, PAGE, id=sam)
    assert "errors" not in big and "errors" not in small
    assert big["data"]["researcher"]["worksCount"] == 120
    assert len(big["data"]["researcher"]["works"]["edges"]) == 100
    assert small["data"]["researcher"]["worksCount"] == 1
    for body in (big, small):
        cost = body["extensions"]["neo4j"]
        assert cost["roundTrips"] <= ROUND_TRIP_BOUND, cost
        assert max(cost["queries"].values()) <= 2, cost  # per loader: once, a split at most
        assert sum(cost["queries"].values()) == cost["roundTrips"]
    # Ten times the works of the page: the same order of round trips, not ten times more.
    ten = post(client, PAGE.replace("works(first: 100)", "works(first: 10)"), id=ada)
    assert (
        abs(ten["extensions"]["neo4j"]["roundTrips"] - big["extensions"]["neo4j"]["roundTrips"])
        <= 2
    )


def test_works_pages_bring_authors_and_topics_along(
    prolific_graph: Driver, client: TestClient
) -> None:
    """Look-ahead: the works query carries what Paper.authors/topics need, fragments too."""
    ada = researcher_id(prolific_graph, "Ada Lovelace")
    direct = """query($id: ID!) { researcher(id: $id) { works(first: 30) { edges { node {
      arxivId authors { id name } topics { code name } } } } } }"""
    through_fragments = """query($id: ID!) { researcher(id: $id) { works(first: 30) {
      nodes { ...Item } } } }
    fragment Item on Paper { arxivId ... on Paper { authors { id name } } topics { code name } }"""
    one, two = post(client, direct, id=ada), post(client, through_fragments, id=ada)
    for body in (one, two):
        assert "errors" not in body, body
        assert body["extensions"]["neo4j"]["queries"] == {
            "fetch_researchers": 1,
            "fetch_works_pages": 1,
        }
    papers = [edge["node"] for edge in one["data"]["researcher"]["works"]["edges"]]
    assert papers == two["data"]["researcher"]["works"]["nodes"]
    assert len(papers) == 30
    # The same lists as the paper's own fields give, answered by their own loaders.
    for paper in papers[:5]:
        alone = post(
            client,
            "query($a: String!) { paper(arxivId: $a) { arxivId authors { id name } "
            "topics { code name } } }",
            a=paper["arxivId"],
        )
        assert alone["data"]["paper"] == paper
        assert alone["extensions"]["neo4j"]["queries"]["fetch_authorships"] == 1
    assert papers[0]["authors"][0]["name"] == "Ada Lovelace"


COUNTS = """
fragment Counts on Researcher {
  worksCount followersCount collaboratorsCount closeCollaboratorsCount topicsCount
  firstYear lastYear affiliation { name } trust { score }
}"""


def test_a_researchers_fields_load_beside_the_researcher(
    prolific_graph: Driver,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Look-ahead at `Query.researcher`: one wave, each loader once, defaults or not."""
    ada = researcher_id(prolific_graph, "Ada Lovelace")
    started: list[str] = []  # the graphdb functions, as their queries start
    run = GraphReader._run

    async def recording_run(
        self: GraphReader,
        cypher: LiteralString,
        parameters: Mapping[str, Any] | None,
        routing: RoutingControl,
    ) -> list[Record]:
        started.append(sys._getframe(2).f_code.co_name)  # graphdb function -> read -> _run
        return await run(self, cypher, parameters, routing)

    monkeypatch.setattr(GraphReader, "_run", recording_run)
    query = (
        """query($id: ID!, $n: Int!, $order: WorksOrder!) { researcher(id: $id) {
      ...Counts
      topics { worksCount }
      closeCollaborators(first: 3, minSharedWorks: 2) { sharedWorksCount }
      works(first: $n, orderBy: $order) { edges { node { arxivId authors { name } } } }
      context(depth: 2, limit: 30) { nodes { id } }
    } }"""
        + COUNTS
    )
    body = post(client, query, id=ada, n=7, order="OLDEST")
    assert "errors" not in body, body
    # Stats, topic ranking and collaborator ranking all asked for: one query for the three.
    assert body["extensions"]["neo4j"]["queries"] == {
        "fetch_researchers": 1,
        "fetch_profiles": 1,
        "fetch_works_pages": 1,
        "fetch_neighbourhoods": 1,
    }
    assert len(body["data"]["researcher"]["works"]["edges"]) == 7
    # The other five were on their way before the researcher's own lookup: one wave.
    assert set(started[: started.index("fetch_researchers")]) == set(
        body["extensions"]["neo4j"]["queries"]
    ) - {"fetch_researchers"}
    # The same answers as the three loaders give on their own, each with its own query.
    alone = [
        post(client, "query($id: ID!) { researcher(id: $id) { ...Counts } }" + COUNTS, id=ada),
        post(client, "query($id: ID!) { researcher(id: $id) { topics { worksCount } } }", id=ada),
        post(
            client,
            "query($id: ID!) { researcher(id: $id) { closeCollaborators(first: 3, "
            "minSharedWorks: 2) { sharedWorksCount } } }",
            id=ada,
        ),
    ]
    merged = {}
    for part in alone:
        assert len(part["extensions"]["neo4j"]["queries"]) == 2  # the lookup and its own
        merged.update(part["data"]["researcher"])
    assert {k: body["data"]["researcher"][k] for k in merged} == merged
    # Nobody there: null and no error, whatever was looked ahead for.
    missing = post(client, query, id="Researcher:r-0000000000000000", n=7, order="NEWEST")
    assert missing["data"] == {"researcher": None} and "errors" not in missing
    # An argument out of range is still the resolver's precise error, and the loads its
    # failure cancels end quietly.
    wrong = post(client, query, id=ada, n=1000, order="NEWEST")
    assert wrong["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert "InvalidStateError" not in caplog.text and "never retrieved" not in caplog.text


def test_look_ahead_follows_what_graphql_executes(
    prolific_graph: Driver, client: TestClient
) -> None:
    """Merged fields, skipped fields, and a missing researcher beside a real one."""
    ada = researcher_id(prolific_graph, "Ada Lovelace")
    twice = """query($id: ID!) { researcher(id: $id) {
      works(first: 5) { edges { node { authors { name } } } } ...More
      context(limit: 30) @include(if: false) { truncated }
      topics @skip(if: true) { worksCount }
    } }
    fragment More on Researcher { works(first: 5) { edges { node { topics { code } } } } }"""
    body = post(client, twice, id=ada)
    assert "errors" not in body, body
    assert body["extensions"]["neo4j"]["queries"] == {
        "fetch_researchers": 1,
        "fetch_works_pages": 1,
    }
    both = """query($a: ID!, $b: ID!) {
      a: researcher(id: $a) { works { totalCount } }
      b: researcher(id: $b) { works { totalCount } }
    }"""
    body = post(client, both, a="Researcher:r-0000000000000000", b=ada)
    assert "errors" not in body, body
    assert body["data"] == {"a": None, "b": {"works": {"totalCount": 120}}}


def test_without_dataloaders_round_trips_grow_with_results(
    prolific_graph: Driver, settings: Settings, neo4j_info: ConnectionInfo
) -> None:
    unbatched = replace(settings, dataloaders=False)
    with TestClient(create_app(unbatched, neo4j_info)) as client:
        body = post(client, PAGE, id=researcher_id(prolific_graph, "Ada Lovelace"))
    assert body["extensions"]["neo4j"]["roundTrips"] > 200


@pytest.mark.parametrize(
    ("query", "code", "fragment"),
    [
        ('{ researcher(id: "nope") { name } }', "INVALID_ID", "is not a Researcher id"),
        ('{ paper(arxivId: "12345") { title } }', "INVALID_ID", "is not a Paper id"),
        ('{ node(id: "Planet:x") { id } }', "INVALID_ID", "is not a global id"),
        ('{ researchers(search: "a", first: 101) { totalCount } }', "LIMIT_EXCEEDED", "first"),
        ('{ researchers(search: "--") { totalCount } }', "INVALID_ARGUMENT", "at least one word"),
        (
            '{ researchers(search: "Lovelace", after: "bm90LWEtY3Vyc29y") { totalCount } }',
            "INVALID_CURSOR",
            "not a cursor",
        ),
        (
            '{ papers(search: "paper", yearFrom: 2020, yearTo: 2010) { totalCount } }',
            "INVALID_ARGUMENT",
            "yearFrom",
        ),
    ],
)
def test_bad_requests_get_precise_errors(
    prolific_graph: Driver, client: TestClient, query: str, code: str, fragment: str
) -> None:
    body = post(client, query)
    [error] = body["errors"]
    assert error["extensions"]["code"] == code
    assert fragment in error["message"]


def test_graph_arguments_are_bounded(prolific_graph: Driver, client: TestClient) -> None:
    rid = researcher_id(prolific_graph, "Ada Lovelace")
    for args, fragment in (("depth: 3", "depth must be"), ("limit: 100000", "limit must be")):
        body = post(client, f'{{ researchGraph(centerId: "{rid}", {args}) {{ truncated }} }}')
        assert fragment in body["errors"][0]["message"]
        assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


def test_missing_things_are_null(clean_graph: Driver, client: TestClient) -> None:
    body = post(
        client,
        '{ researcher(id: "r-0000000000000000") { name } topic(code: "cs.XX") { name } '
        'institution(id: "ror:000000000") { name } }',
    )
    assert body == {
        "data": {"researcher": None, "topic": None, "institution": None},
        "extensions": body["extensions"],
    }


def test_query_depth_aliases_and_tokens_are_limited(client: TestClient) -> None:
    deep = '{ researcher(id: "r-0000000000000000") { ' + "closeCollaborators { researcher { " * 6
    deep += "name" + " } }" * 6 + " } }"
    body = post(client, deep)
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    aliases = "{ " + " ".join(f'a{i}: paper(arxivId: "0704.0001") {{ title }}' for i in range(40))
    body = post(client, aliases + " }")
    assert "aliases" in body["errors"][0]["message"].lower()
    tokens = "{ " + " ".join(f"a{i}: __typename" for i in range(1500)) + " }"
    body = post(client, tokens)
    assert "token" in body["errors"][0]["message"].lower()


def test_exported_schema_is_current(settings: Settings) -> None:
    exported = (ROOT / "schema.graphql").read_text()
    assert exported == build_schema(settings.limits).as_str() + "\n", (
        "schema.graphql is stale: run `make schema` and commit it"
    )
