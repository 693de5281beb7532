"""Claims over HTTP: two users and an administrator, email proof through the outbox, levels,
trust as the page and the graph see it, and concurrent claims ending with one approval."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any, cast

import pytest
from neo4j import Driver
from neo4j.exceptions import ConstraintError
from strawberry.utils.await_maybe import await_maybe

from graphdb.connection import ConnectionInfo, GraphReader, open_async_driver
from graphdb.mentions import Mention
from resolvers.context import Info
from resolvers.loaders import create_loaders
from schema.researchers import Researcher
from tests.accounts_api import (
    RESULT,
    Account,
    Api,
    data,
    gql,
    make_admin,
    outbox_mails,
    outcome,
    sign_up,
)
from tests.accounts_api import api as api  # re-exported fixture
from tests.accounts_api import people as people  # re-exported fixture

CLAIM = f"""
mutation($id: ID!, $evidence: String!) {{
  claimResearcher(researcherId: $id, evidence: $evidence) {{
    {RESULT} ... on ClaimPayload {{ claim {{ id status evidence researcher {{ id }}
                                            claimant {{ id name }} }} }}
  }}
}}
"""
DECIDE = """
mutation($id: ID!) {{ {action}(id: $id) {{
  __typename ... on UserError {{ code message }}
  ... on ClaimPayload {{ claim {{ id status method reason decidedAt revokedAt }} }}
}} }}
"""
REQUEST = f"""
mutation($id: ID!, $email: String!) {{ requestClaimVerification(claimId: $id, email: $email) {{
  {RESULT} ... on ClaimVerificationPayload {{ sentTo linkedVia claim {{ status }} }}
}} }}
"""
VERIFY = f"""
mutation($id: ID!, $token: String!) {{ verifyClaimEmail(claimId: $id, token: $token) {{
  {RESULT} ... on ClaimPayload {{ claim {{ id status method }} }}
}} }}
"""
PAGE = """
query($id: ID!) { researcher(id: $id) {
  key claimed verificationLevel openToCollaborate
  trust { score label verificationLevel claimed signals { name value contribution } }
} }
"""
SET_ORCID = f"""
mutation($orcid: String!) {{ setOrcid(orcid: $orcid) {{
  {RESULT} ... on ViewerPayload {{ viewer {{ orcid orcidVerified }} }}
}} }}
"""
CONFIRM_ORCID = f"""
mutation($id: ID!) {{ confirmOrcid(userId: $id) {{
  {RESULT} ... on OrcidConfirmationPayload {{ orcid orcidVerified }}
}} }}
"""


def claim(api: Api, who: Account, researcher: str, evidence: str = "It is me") -> dict[str, Any]:
    result: dict[str, Any] = data(gql(api, CLAIM, who.token, id=researcher, evidence=evidence))[
        "claimResearcher"
    ]
    return result


def decide(api: Api, who: Account, action: str, claim_id: str) -> dict[str, Any]:
    result: dict[str, Any] = data(gql(api, DECIDE.format(action=action), who.token, id=claim_id))[
        action
    ]
    return result


def page(api: Api, researcher: str, token: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = data(gql(api, PAGE, token, id=researcher))["researcher"]
    return result


def stored_trust(driver: Driver, key: str) -> dict[str, Any]:
    [record] = driver.execute_query(
        "MATCH (r:Researcher {id: $id}) RETURN r.trustScore AS score, "
        "r.verificationLevel AS level, r.trustUpdatedAt IS NOT NULL AS stamped",
        id=key,
    ).records
    return dict(record)


def approved_claims(driver: Driver, researcher: str) -> list[str]:
    records = driver.execute_query(
        "MATCH (u:User)-[:SUBMITTED]->(:Claim {status: 'APPROVED'})-[:FOR]->(r:Researcher) "
        "WHERE r.id = $id RETURN u.id AS user",
        id=researcher.removeprefix("Researcher:"),
    ).records
    return [r["user"] for r in records]


def test_two_users_and_an_administrator(
    api: Api, people: dict[str, str], clean_graph: Driver
) -> None:
    ada_user, other = sign_up(api, "AdaUser"), sign_up(api, "Other")
    admin = make_admin(api)
    ada = people["ada"]
    before = page(api, ada)
    assert (before["claimed"], before["verificationLevel"], before["trust"]["label"]) == (
        False,
        1,
        "UNVERIFIED",
    )

    mine = claim(api, ada_user, ada)
    assert mine["__typename"] == "ClaimPayload"
    assert mine["claim"]["status"] == "PENDING"
    assert mine["claim"]["claimant"]["id"] == ada_user.id
    assert mine["claim"]["researcher"]["id"] == ada
    assert (claim(api, ada_user, ada)["code"]) == "CLAIM_PENDING"  # one pending claim each
    theirs = claim(api, other, ada)
    assert theirs["claim"]["status"] == "PENDING"
    assert page(api, ada)["claimed"] is False  # a pending claim changes nothing yet

    # Nobody but an administrator decides; nobody acts on another's claim.
    for action in ("approveClaim", "rejectClaim"):
        refused = decide(api, ada_user, action, mine["claim"]["id"])
        assert (refused["__typename"], refused["code"]) == ("ForbiddenError", "ADMIN_REQUIRED")
    refused = decide(api, other, "revokeClaim", mine["claim"]["id"])
    assert (refused["__typename"], refused["code"]) == ("ForbiddenError", "NOT_CLAIMANT")
    admin_queue = """{ claims(status: PENDING) { totalCount nodes { id evidence } } }"""
    assert data(gql(api, admin_queue, admin.token))["claims"]["totalCount"] == 2
    [error] = gql(api, admin_queue, ada_user.token)["errors"]
    assert error["extensions"]["code"] == "ADMIN_REQUIRED"

    approved = decide(api, admin, "approveClaim", mine["claim"]["id"])
    assert approved["claim"]["status"] == "APPROVED"
    assert approved["claim"]["method"] == "ADMIN"
    # The other pending claim on the same researcher is closed with the reason.
    viewer_claims = "{ viewer { claims { id status reason } } }"
    [closed] = data(gql(api, viewer_claims, other.token))["viewer"]["claims"]
    assert closed["status"] == "REJECTED" and "another claim" in closed["reason"]
    assert approved_claims(clean_graph, ada) == [ada_user.id.removeprefix("User:")]

    after = page(api, ada)
    assert (after["claimed"], after["verificationLevel"], after["trust"]["label"]) == (
        True,
        2,
        "CLAIMED",
    )
    assert after["trust"]["score"] > before["trust"]["score"]
    stored = stored_trust(clean_graph, after["key"])
    assert stored == {"score": after["trust"]["score"], "level": 2, "stamped": True}

    # Claimed: nobody else may claim it, and the holder is told it is theirs.
    again = claim(api, other, ada)
    assert (again["__typename"], again["code"]) == ("ConflictError", "ALREADY_CLAIMED")
    assert "another user" in again["message"]
    assert "you already hold it" in claim(api, ada_user, ada)["message"]
    assert decide(api, admin, "approveClaim", closed["id"])["code"] == "CLAIM_NOT_PENDING"

    # Level 3: a verified ORCID iD. Given by the claimant, confirmed by an administrator.
    bad = data(gql(api, SET_ORCID, ada_user.token, orcid="0000-0002-1825-0098"))["setOrcid"]
    assert (bad["__typename"], bad["code"]) == ("InvalidInputError", "INVALID_ORCID")
    body = gql(api, CONFIRM_ORCID, admin.token, id=ada_user.id)
    assert outcome(body, "confirmOrcid") == ("ConflictError", "ORCID_MISSING")
    given = data(gql(api, SET_ORCID, ada_user.token, orcid="https://orcid.org/0000-0002-1825-0097"))
    assert given["setOrcid"]["viewer"] == {"orcid": "0000-0002-1825-0097", "orcidVerified": False}
    assert page(api, ada)["verificationLevel"] == 2
    body = gql(api, CONFIRM_ORCID, other.token, id=ada_user.id)
    assert outcome(body, "confirmOrcid") == ("ForbiddenError", "ADMIN_REQUIRED")
    confirmed = data(gql(api, CONFIRM_ORCID, admin.token, id=ada_user.id))["confirmOrcid"]
    assert confirmed == {
        "__typename": "OrcidConfirmationPayload",
        "orcid": "0000-0002-1825-0097",
        "orcidVerified": True,
    }
    verified = page(api, ada)
    assert (verified["verificationLevel"], verified["trust"]["label"]) == (3, "VERIFIED")
    assert verified["trust"]["score"] == after["trust"]["score"] + 15
    assert stored_trust(clean_graph, verified["key"])["score"] == verified["trust"]["score"]
    assert stored_trust(clean_graph, verified["key"])["level"] == 3

    # Revoked: back to the public record, in the page and in the graph.
    revoked = decide(api, admin, "revokeClaim", mine["claim"]["id"])
    assert revoked["claim"]["status"] == "REVOKED" and revoked["claim"]["revokedAt"]
    assert decide(api, admin, "revokeClaim", mine["claim"]["id"])["code"] == "CLAIM_NOT_REVOCABLE"
    gone = page(api, ada)
    assert (gone["claimed"], gone["verificationLevel"]) == (False, 1)
    assert gone["trust"]["score"] == before["trust"]["score"]
    assert stored_trust(clean_graph, gone["key"])["score"] == before["trust"]["score"]
    # ... and it can be claimed again.
    assert claim(api, other, ada)["claim"]["status"] == "PENDING"


def test_reject_and_give_up(api: Api, people: dict[str, str]) -> None:
    user, admin = sign_up(api, "Claimant"), make_admin(api)
    first = claim(api, user, people["grace"])["claim"]["id"]
    rejected = decide(api, admin, "rejectClaim", first)
    assert rejected["claim"]["status"] == "REJECTED"
    assert decide(api, admin, "rejectClaim", first)["code"] == "CLAIM_NOT_PENDING"
    assert decide(api, user, "revokeClaim", first)["code"] == "CLAIM_NOT_REVOCABLE"
    second = claim(api, user, people["grace"])["claim"]["id"]  # a rejected claim may be retried
    given_up = decide(api, user, "revokeClaim", second)  # the claimant withdraws their own
    assert given_up["claim"]["status"] == "REVOKED"
    assert decide(api, admin, "approveClaim", second)["code"] == "CLAIM_NOT_PENDING"
    for bad_id, code in (("Claim:c-0000000000000000", "NOT_FOUND"), ("nope", "INVALID_ID")):
        assert decide(api, admin, "approveClaim", bad_id)["code"] == code
    too_long = claim(api, user, people["alan"], evidence="x" * 2001)
    assert (too_long["__typename"], too_long["code"]) == ("InvalidInputError", "INVALID_TEXT")
    body = gql(api, CLAIM, user.token, id="Researcher:r-0000000000000000", evidence="me")
    assert outcome(body, "claimResearcher") == ("NotFoundError", "NOT_FOUND")


def test_one_account_per_verified_orcid(api: Api, people: dict[str, str]) -> None:
    """Two accounts may type the same iD; only the first to have it verified keeps it verified."""
    first, second, admin = sign_up(api, "OrcidOne"), sign_up(api, "OrcidTwo"), make_admin(api)
    for user in (first, second):
        data(gql(api, SET_ORCID, user.token, orcid="0000-0002-1825-0097"))
    assert data(gql(api, CONFIRM_ORCID, admin.token, id=first.id))["confirmOrcid"]["orcidVerified"]
    taken = data(gql(api, CONFIRM_ORCID, admin.token, id=second.id))["confirmOrcid"]
    assert (taken["__typename"], taken["code"]) == ("ConflictError", "ORCID_TAKEN")
    assert "0000-0002-1825-0097 is already verified for another account" in taken["message"]
    # Giving another iD frees the first one: the second account can then have it verified.
    data(gql(api, SET_ORCID, first.token, orcid="0000-0001-5109-3700"))
    again = data(gql(api, CONFIRM_ORCID, admin.token, id=second.id))["confirmOrcid"]
    assert again == {
        "__typename": "OrcidConfirmationPayload",
        "orcid": "0000-0002-1825-0097",
        "orcidVerified": True,
    }


def test_email_proof_through_the_outbox(
    api: Api, people: dict[str, str], clean_graph: Driver
) -> None:
    ada_user, other, admin = sign_up(api, "Lovelace"), sign_up(api, "Mallory"), make_admin(api)
    [inst] = clean_graph.execute_query(
        "MATCH (:Researcher {id: $id})-[:AFFILIATED_WITH]->(i:Institution) RETURN i.id AS id",
        id=people["ada"].removeprefix("Researcher:"),
    ).records
    domains = """
    mutation($id: ID!, $domains: [String!]!) { setInstitutionDomains(institutionId: $id,
      domains: $domains) { __typename ... on InstitutionDomainsPayload { domains }
      ... on UserError { code } } }
    """
    body = gql(api, domains, ada_user.token, id=f"Institution:{inst['id']}", domains=["x.org"])
    assert outcome(body, "setInstitutionDomains") == ("ForbiddenError", "ADMIN_REQUIRED")
    body = gql(api, domains, admin.token, id=inst["id"], domains=["Oxbridge.AC.UK", "bad domain"])
    assert outcome(body, "setInstitutionDomains") == ("InvalidInputError", "INVALID_DOMAIN")
    set_ = data(gql(api, domains, admin.token, id=inst["id"], domains=["@Oxbridge.ac.uk"]))
    assert set_["setInstitutionDomains"]["domains"] == ["oxbridge.ac.uk"]

    claim_id = claim(api, ada_user, people["ada"])["claim"]["id"]
    for email, code in (
        ("ada@gmail.com", "EMAIL_NOT_LINKED"),
        ("ada@notoxbridge.ac.uk", "EMAIL_NOT_LINKED"),
        ("not an address", "INVALID_EMAIL"),
    ):
        assert (
            data(gql(api, REQUEST, ada_user.token, id=claim_id, email=email))[
                "requestClaimVerification"
            ]["code"]
            == code
        )
    body = gql(api, REQUEST, other.token, id=claim_id, email="m@oxbridge.ac.uk")
    assert outcome(body, "requestClaimVerification") == ("ForbiddenError", "NOT_CLAIMANT")
    assert outbox_mails(api) == [] or all(
        m["data"]["claimId"] != claim_id for m in outbox_mails(api)
    )

    sent = data(
        gql(api, REQUEST, ada_user.token, id=claim_id, email="A.Lovelace@cs.Oxbridge.ac.uk")
    )
    assert sent["requestClaimVerification"]["sentTo"] == "a.lovelace@cs.oxbridge.ac.uk"
    assert "University of Oxbridge" in sent["requestClaimVerification"]["linkedVia"]
    [mail] = [m for m in outbox_mails(api) if m["data"]["claimId"] == claim_id]
    assert mail["to"] == "a.lovelace@cs.oxbridge.ac.uk"
    assert mail["data"]["token"] in mail["body"]
    eml = list(api.outbox.glob("*.eml"))
    assert any(mail["data"]["token"] in p.read_text() for p in eml)
    # Only the hash of the code is in the graph.
    [stored] = clean_graph.execute_query(
        "MATCH (c:Claim {id: $id}) RETURN c.verificationTokenHash AS h",
        id=claim_id.removeprefix("Claim:"),
    ).records
    assert stored["h"] and mail["data"]["token"] not in stored["h"]

    token = mail["data"]["token"]
    body = gql(api, VERIFY, other.token, id=claim_id, token=token)
    assert outcome(body, "verifyClaimEmail") == ("ForbiddenError", "NOT_CLAIMANT")
    body = gql(api, VERIFY, ada_user.token, id=claim_id, token=token + "x")
    assert outcome(body, "verifyClaimEmail") == ("InvalidInputError", "INVALID_VERIFICATION_TOKEN")
    verified = data(gql(api, VERIFY, ada_user.token, id=claim_id, token=token))["verifyClaimEmail"]
    assert verified["claim"] == {"id": claim_id, "status": "APPROVED", "method": "EMAIL"}
    body = gql(api, VERIFY, ada_user.token, id=claim_id, token=token)  # single use
    assert outcome(body, "verifyClaimEmail") == ("ConflictError", "CLAIM_NOT_PENDING")
    assert page(api, people["ada"])["verificationLevel"] == 2


def test_researcher_address_and_expired_code(
    api: Api, people: dict[str, str], clean_graph: Driver
) -> None:
    user, admin = sign_up(api, "Hopper"), make_admin(api)
    emails = """
    mutation($id: ID!, $emails: [String!]!) { setResearcherEmails(researcherId: $id,
      emails: $emails) { __typename ... on UserError { code } } }
    """
    body = gql(api, emails, admin.token, id=people["grace"], emails=["Grace@Navy.mil"])
    assert outcome(body, "setResearcherEmails") == ("ResearcherPayload", None)
    claim_id = claim(api, user, people["grace"])["claim"]["id"]
    body = gql(api, VERIFY, user.token, id=claim_id, token="anything")
    assert outcome(body, "verifyClaimEmail") == ("ConflictError", "INVALID_VERIFICATION_TOKEN")
    sent = data(gql(api, REQUEST, user.token, id=claim_id, email="grace@navy.mil"))
    assert sent["requestClaimVerification"]["linkedVia"] == "researcher address"
    [mail] = [m for m in outbox_mails(api) if m["data"]["claimId"] == claim_id]
    clean_graph.execute_query(
        "MATCH (c:Claim {id: $id}) SET c.verificationExpiresAt = datetime() - duration('PT1S')",
        id=claim_id.removeprefix("Claim:"),
    )
    body = gql(api, VERIFY, user.token, id=claim_id, token=mail["data"]["token"])
    assert outcome(body, "verifyClaimEmail") == (
        "InvalidInputError",
        "VERIFICATION_TOKEN_EXPIRED",
    )
    for _ in range(4):  # five mails per claim at most
        data(gql(api, REQUEST, user.token, id=claim_id, email="grace@navy.mil"))
    body = gql(api, REQUEST, user.token, id=claim_id, email="grace@navy.mil")
    assert outcome(body, "requestClaimVerification") == (
        "RateLimitError",
        "TOO_MANY_VERIFICATION_MAILS",
    )


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_approvals_end_with_exactly_one(
    api: Api, people: dict[str, str], clean_graph: Driver, round_: int
) -> None:
    admin = make_admin(api)
    users = [sign_up(api, f"Rival{i}") for i in range(8)]
    target = people["alan"]
    claim_ids = [claim(api, u, target)["claim"]["id"] for u in users]
    with ThreadPoolExecutor(max_workers=len(claim_ids)) as pool:
        results = list(pool.map(lambda c: decide(api, admin, "approveClaim", c), claim_ids))
    kinds = sorted(r["__typename"] for r in results)
    assert kinds.count("ClaimPayload") == 1, results
    assert {r["code"] for r in results if r["__typename"] != "ClaimPayload"} <= {
        "ALREADY_CLAIMED",
        "CLAIM_NOT_PENDING",
    }
    assert len(approved_claims(clean_graph, target)) == 1
    assert page(api, target)["claimed"] is True


def test_concurrent_email_proofs_end_with_exactly_one(
    api: Api, people: dict[str, str], clean_graph: Driver
) -> None:
    admin = make_admin(api)
    emails = """
    mutation($id: ID!) { setResearcherEmails(researcherId: $id, emails: ["ada@lovelace.org"])
      { __typename } }
    """
    data(gql(api, emails, admin.token, id=people["ada"]))
    users = [sign_up(api, f"Twin{i}") for i in range(6)]
    claims = [claim(api, u, people["ada"])["claim"]["id"] for u in users]
    for user, claim_id in zip(users, claims, strict=True):
        data(gql(api, REQUEST, user.token, id=claim_id, email="ada@lovelace.org"))
    tokens = {m["data"]["claimId"]: m["data"]["token"] for m in outbox_mails(api)}

    def verify(pair: tuple[Account, str]) -> dict[str, Any]:
        user, claim_id = pair
        result: dict[str, Any] = data(
            gql(api, VERIFY, user.token, id=claim_id, token=tokens[claim_id])
        )["verifyClaimEmail"]
        return result

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        results = list(pool.map(verify, zip(users, claims, strict=True)))
    assert [r["__typename"] for r in results].count("ClaimPayload") == 1, results
    assert len(approved_claims(clean_graph, people["ada"])) == 1


def test_the_graph_refuses_a_second_approved_claim(clean_graph: Driver) -> None:
    """The uniqueness constraint holds even for a writer that skips the API's statements."""
    clean_graph.execute_query("CREATE (:Claim {id: 'c-1', status: 'APPROVED', approvedFor: 'r-1'})")
    with pytest.raises(ConstraintError):
        clean_graph.execute_query(
            "CREATE (:Claim {id: 'c-2', status: 'APPROVED', approvedFor: 'r-1'})"
        )


AUTHORS = """
query($id: ID!) {{ researcher(id: $id) {{ works(first: 10) {{ edges {{ node {{
  arxivId authors {{ {fields} }}
}} }} }} }} }}
"""


def test_author_lists_show_claims_whichever_fields_are_asked(
    api: Api, people: dict[str, str], neo4j_info: ConnectionInfo
) -> None:
    """Names-only author lists come from lighter mentions; claim fields are still right."""
    user, admin = sign_up(api, "AdaAuthor"), make_admin(api)
    assert decide(api, admin, "approveClaim", claim(api, user, people["ada"])["claim"]["id"])

    def authors(fields: str) -> list[list[dict[str, Any]]]:
        body = data(gql(api, AUTHORS.format(fields=fields), id=people["grace"]))
        return [e["node"]["authors"] for e in body["researcher"]["works"]["edges"]]

    names = authors("id name nameVariants isCollaboration")
    full = authors(
        "id name nameVariants isCollaboration claimed verificationLevel openToCollaborate "
        "trust { label claimed }"
    )
    assert len(names) == 6 and all(len(a) in (2, 3) for a in names)
    assert names == [[{k: a[k] for k in names[0][0]} for a in paper] for paper in full]
    for paper in full:
        for author in paper:
            mine = author["id"] == people["ada"]
            assert author["claimed"] is mine and author["trust"]["claimed"] is mine
            assert author["verificationLevel"] == (2 if mine else 1)
            assert author["trust"]["label"] == ("CLAIMED" if mine else "UNVERIFIED")

    # A researcher built from a mention answers claim fields by loading its complete row.
    async def from_mention() -> tuple[bool, int, bool]:
        driver = open_async_driver(neo4j_info)
        try:
            loaders = create_loaders(GraphReader(driver, neo4j_info.database, 10))
            info = cast(Info, SimpleNamespace(context=SimpleNamespace(loaders=loaders)))
            key = people["ada"].removeprefix("Researcher:")
            ada = Researcher.from_mention(Mention(key, "Ada Lovelace", (), None, False))
            claimed = await await_maybe(ada.claimed(info))
            level = await await_maybe(ada.verification_level(info))
            open_ = await await_maybe(ada.open_to_collaborate(info))
            return claimed, level, open_
        finally:
            await driver.close()

    assert asyncio.run(from_mention()) == (True, 2, False)
