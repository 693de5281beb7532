"""The trust formula (a pure function) and its stored copy, read the same by page and graph."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import LiteralString

from neo4j import Driver

from graphdb.trust import TrustInputs, compute_trust, refresh_trust_of_pending, refresh_trust_scores
from tests.accounts_api import Api, data, gql, make_admin, sign_up
from tests.accounts_api import api as api  # re-exported fixture
from tests.accounts_api import people as people  # re-exported fixture


def test_formula_lists_every_signal_and_sums_them() -> None:
    unclaimed = compute_trust(TrustInputs(1, False, 0, 0, None, None), date(2025, 1, 1))
    assert unclaimed.score == 0.0 and unclaimed.label == "UNVERIFIED"
    assert [s.name for s in unclaimed.signals] == [
        "verificationLevel",
        "approvedClaim",
        "works",
        "collaborators",
        "activeYears",
        "accountAgeYears",
    ]
    full = compute_trust(
        TrustInputs(3, True, 1000, 1000, 1990, 2024, date(2015, 1, 1), True), date(2025, 1, 1)
    )
    assert full.score == 100.0 and full.label == "VERIFIED"
    assert {s.name: s.contribution for s in full.signals} == {
        "verificationLevel": 35.0,
        "approvedClaim": 10.0,
        "works": 20.0,
        "collaborators": 15.0,
        "activeYears": 10.0,
        "accountAgeYears": 10.0,
    }
    claimed = compute_trust(
        TrustInputs(2, True, 3, 1, 2020, 2021, date(2024, 1, 1)), date(2025, 1, 1)
    )
    contributions = {s.name: s.contribution for s in claimed.signals}
    assert contributions["works"] == 10.0  # 5 × log2(4)
    assert contributions["collaborators"] == 3.0  # 3 × log2(2)
    assert contributions["activeYears"] == 2.0
    assert contributions["accountAgeYears"] == 2.0  # one year, 2 points a year
    assert claimed.score == round(sum(contributions.values()), 1) == 47.0
    # Account age counts only for a claimed profile.
    assert (
        compute_trust(TrustInputs(1, False, 3, 1, 2020, 2021, date(2000, 1, 1)), date(2025, 1, 1))
        .signals[-1]
        .contribution
        == 0.0
    )


DOCS = Path(__file__).resolve().parent.parent / "docs" / "trust.md"


def documented_cypher() -> LiteralString:
    text = DOCS.read_text().split("## Cypher", 1)[1]
    # Our own docs, not user input: the block is as trusted as a literal in this file.
    block: LiteralString = text.split("```cypher", 1)[1].split("```", 1)[0]
    return block


PAGE = "query($id: ID!) { researcher(id: $id) { key trust { score verificationLevel } } }"


def test_stored_scores_equal_the_page(
    api: Api, people: dict[str, str], clean_graph: Driver
) -> None:
    # After a load, the hook refreshes everything: then page and graph agree for everyone.
    assert refresh_trust_scores(clean_graph, "neo4j") == len(people)
    user, admin = sign_up(api, "Grace"), make_admin(api)
    claim = """mutation($id: ID!) { claimResearcher(researcherId: $id, evidence: "me") {
      ... on ClaimPayload { claim { id } } } }"""
    claim_id = data(gql(api, claim, user.token, id=people["grace"]))["claimResearcher"]["claim"]
    data(
        gql(
            api,
            "mutation($id: ID!) { approveClaim(id: $id) { __typename } }",
            admin.token,
            id=claim_id["id"],
        )
    )
    for researcher in people.values():
        shown = data(gql(api, PAGE, None, id=researcher))["researcher"]
        [stored] = clean_graph.execute_query(
            "MATCH (r:Researcher {id: $id}) RETURN r.trustScore AS score, "
            "r.verificationLevel AS level",
            id=shown["key"],
        ).records
        assert (stored["score"], stored["level"]) == (
            shown["trust"]["score"],
            shown["trust"]["verificationLevel"],
        )
    # An older claimant account: after a refresh (the load hook), page and graph still agree.
    clean_graph.execute_query(
        "MATCH (u:User {id: $id}) SET u.createdAt = datetime() - duration('P1000D')",
        id=user.id.removeprefix("User:"),
    )
    grace_key = people["grace"].split(":")[1]
    assert refresh_trust_scores(clean_graph, "neo4j", [grace_key]) == 1
    signals = """query($id: ID!) { researcher(id: $id) { trust { score
      signals { name value contribution } } } }"""
    trust = data(gql(api, signals, None, id=people["grace"]))["researcher"]["trust"]
    age = next(s for s in trust["signals"] if s["name"] == "accountAgeYears")
    assert age["value"] == round(1000 / 365.25, 2) and age["contribution"] == 5.5
    # The documented Cypher formula gives the same score, for analysts without the code.
    recomputed = {
        r["id"]: (r["score"], r["stored"], r["level"])
        for r in clean_graph.execute_query(documented_cypher()).records
    }
    assert len(recomputed) == len(people)
    for researcher in people.values():
        shown = data(gql(api, PAGE, None, id=researcher))["researcher"]
        score, stored, level = recomputed[shown["key"]]
        assert score == stored == shown["trust"]["score"]
        assert level == shown["trust"]["verificationLevel"]
    assert refresh_trust_scores(clean_graph, "neo4j", [people["alan"].split(":")[1]]) == 1


def test_every_queued_researcher_is_scored_whatever_its_id(clean_graph: Driver) -> None:
    # The workers share the queue by the last hex digit of the id; any other id is scored too.
    ids = [f"r-{n:016x}" for n in range(40)] + ["r-imported-Z", "legacy"]
    clean_graph.execute_query(
        """
        UNWIND $ids AS id
        CREATE (r:Researcher:PendingBlock {id: id, name: id})
        WITH r, id
        CREATE (r)-[:AUTHORED {position: 0}]->(:Paper {arxivId: 'p-' + id, year: 2020})
        """,
        ids=ids,
    )
    assert refresh_trust_of_pending(clean_graph, "neo4j", batch_size=7, workers=3) == len(ids)
    records, _, _ = clean_graph.execute_query(
        "MATCH (r:Researcher) RETURN r.id AS id, r.trustScore AS score, r:PendingBlock AS queued"
    )
    assert sorted(r["id"] for r in records) == sorted(ids)
    expected = compute_trust(
        TrustInputs(
            verification_level=1, claimed=False, works=1, collaborators=0,
            first_year=2020, last_year=2020,
        )
    ).score  # fmt: skip
    assert all(r["score"] == expected and not r["queued"] for r in records)
