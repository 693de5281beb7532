"""The first slice end to end: GraphQL `paper` from Neo4j, and /healthz."""

from __future__ import annotations

from neo4j import Driver
from starlette.testclient import TestClient

from graphdb.connection import ConnectionInfo
from graphdb.ingest import PaperRow, upsert_topics, write_batch
from scholargraph.app import create_app
from scholargraph.settings import Settings

PAPER_QUERY = """
query ($id: String!) {
  paper(arxivId: $id) { arxivId title year kind venue versions doi firstSubmitted }
}
"""


def a_paper(arxiv_id: str = "0704.0001") -> PaperRow:
    return PaperRow(
        arxivId=arxiv_id,
        contentHash="h1",
        freshness="2008-11-26",
        props={
            "title": "Calculation of prompt diphoton production cross sections",
            "abstract": "A fully differential calculation.",
            "year": 2007,
            "versions": ["v1", "v2"],
            "dois": ["10.1103/PhysRevD.76.013009"],
            "journalRef": "Phys.Rev.D76:013009,2007",
            "primaryTopic": "hep-ph",
        },
        authors=[],
        topics=[{"code": "hep-ph", "primary": True}],
    )


def test_paper_answered_from_neo4j(client: TestClient, clean_graph: Driver) -> None:
    upsert_topics(
        clean_graph,
        "neo4j",
        [
            {
                "code": "hep-ph",
                "name": "High Energy Physics - Phenomenology",
                "archive": "hep-ph",
                "group": "physics",
                "groupName": "Physics",
                "active": True,
            }
        ],
    )
    write_batch(clean_graph, "neo4j", [a_paper()])
    response = client.post(
        "/graphql", json={"query": PAPER_QUERY, "variables": {"id": "0704.0001v2"}}
    )
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["paper"] == {
        "arxivId": "0704.0001",
        "title": "Calculation of prompt diphoton production cross sections",
        "year": 2007,
        "kind": "PREPRINT",
        "venue": "Phys.Rev.D76:013009,2007",
        "versions": ["v1", "v2"],
        "doi": "10.1103/PhysRevD.76.013009",
        "firstSubmitted": None,
    }
    assert body["extensions"]["neo4j"]["roundTrips"] == 1


def test_missing_paper_is_null(client: TestClient, clean_graph: Driver) -> None:
    body = client.post(
        "/graphql", json={"query": PAPER_QUERY, "variables": {"id": "9999.99999"}}
    ).json()
    assert body["data"] == {"paper": None}


def test_malformed_id_is_a_precise_error(client: TestClient) -> None:
    body = client.post("/graphql", json={"query": PAPER_QUERY, "variables": {"id": "nope"}}).json()
    assert body["data"] == {"paper": None}
    [error] = body["errors"]
    assert "is not a Paper id" in error["message"]
    assert error["extensions"]["code"] == "INVALID_ID"


def test_healthz_reports_reachable(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "neo4j": True}


def test_healthz_and_graphql_when_neo4j_is_down(settings: Settings) -> None:
    # Nothing listens on port 1: the API still starts and says precisely what is wrong.
    down = ConnectionInfo("bolt://127.0.0.1:1", "neo4j", "x")
    with TestClient(create_app(settings, down)) as client:
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json() == {"status": "unavailable", "neo4j": False}
        body = client.post(
            "/graphql", json={"query": PAPER_QUERY, "variables": {"id": "0704.0001"}}
        ).json()
        [error] = body["errors"]
        assert error["message"] == "Neo4j is unavailable"
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert "Traceback" not in str(body)
