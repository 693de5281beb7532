"""Invitations over HTTP: claimed and open researchers only, answered by their claimant only,
bounded messages, and a per-sender rate limit that holds under concurrent sends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from neo4j import Driver

from tests.accounts_api import (
    INVITES_PER_HOUR,
    MAX_MESSAGE,
    RESULT,
    Account,
    Api,
    data,
    gql,
    make_admin,
    outcome,
    sign_up,
)
from tests.accounts_api import api as api  # re-exported fixture
from tests.accounts_api import people as people  # re-exported fixture

INVITE = f"""
mutation($id: ID!, $message: String!) {{
  inviteToCollaborate(researcherId: $id, message: $message) {{
    {RESULT}
    ... on RateLimitError {{ retryAfterSeconds limit }}
    ... on InvitationPayload {{ invitation {{ id status message researcher {{ id }}
                                              sender {{ id name }} }} }}
  }}
}}
"""
OPEN = f"""
mutation($id: ID!, $open: Boolean!) {{ setOpenToCollaborate(researcherId: $id, open: $open) {{
  {RESULT} ... on ResearcherPayload {{ researcher {{ openToCollaborate }} }}
}} }}
"""
ANSWER = """
mutation($id: ID!) {{ {action}(id: $id) {{
  __typename ... on UserError {{ code message }}
  ... on InvitationPayload {{ invitation {{ id status respondedAt }} }}
}} }}
"""
INBOX = """
query($status: InvitationStatus) { viewer {
  invitations(status: $status) { totalCount nodes { id status message sender { name } } }
  sentInvitations { totalCount }
} }
"""


def claimed_by(api: Api, user: Account, researcher: str) -> None:
    admin = make_admin(api, f"Admin{user.email.split('@')[0]}")
    mutation = """
    mutation($id: ID!) { claimResearcher(researcherId: $id, evidence: "me") {
      ... on ClaimPayload { claim { id } } } }
    """
    claim_id = data(gql(api, mutation, user.token, id=researcher))["claimResearcher"]["claim"]["id"]
    approve = "mutation($id: ID!) { approveClaim(id: $id) { __typename } }"
    assert data(gql(api, approve, admin.token, id=claim_id))["approveClaim"] == {
        "__typename": "ClaimPayload"
    }


def invite(api: Api, sender: Account, researcher: str, message: str = "Shall we?") -> Any:
    return data(gql(api, INVITE, sender.token, id=researcher, message=message))[
        "inviteToCollaborate"
    ]


def test_invitations_need_a_claimed_open_researcher(
    api: Api, people: dict[str, str], clean_graph: Driver
) -> None:
    ada, bob, eve = sign_up(api, "Ada"), sign_up(api, "Bob"), sign_up(api, "Eve")
    target = people["ada"]

    unclaimed = invite(api, bob, target)
    assert (unclaimed["__typename"], unclaimed["code"]) == ("ConflictError", "CLAIM_REQUIRED")
    assert "claim" in unclaimed["message"]
    body = gql(api, OPEN, ada.token, id=target, open=True)
    assert outcome(body, "setOpenToCollaborate") == ("ConflictError", "CLAIM_REQUIRED")

    claimed_by(api, ada, target)
    closed = invite(api, bob, target)
    assert (closed["__typename"], closed["code"]) == ("ConflictError", "NOT_OPEN_TO_COLLABORATE")
    # Only the approved claimant opens the profile.
    body = gql(api, OPEN, bob.token, id=target, open=True)
    assert outcome(body, "setOpenToCollaborate") == ("ForbiddenError", "NOT_CLAIMANT")
    opened = data(gql(api, OPEN, ada.token, id=target, open=True))["setOpenToCollaborate"]
    assert opened["researcher"]["openToCollaborate"] is True
    shown = "query($id: ID!) { researcher(id: $id) { openToCollaborate } }"
    assert data(gql(api, shown, None, id=target))["researcher"]["openToCollaborate"] is True

    assert invite(api, ada, target)["code"] == "CANNOT_INVITE_SELF"
    for message, fragment in (("   ", "must not be empty"), ("x" * (MAX_MESSAGE + 1), "at most")):
        refused = invite(api, bob, target, message)
        assert (refused["__typename"], refused["code"]) == ("InvalidInputError", "INVALID_TEXT")
        assert fragment in refused["message"]
    assert invite(api, bob, "Researcher:r-0000000000000000")["code"] == "NOT_FOUND"

    sent = invite(api, bob, target, "Let us write a paper.")
    assert sent["__typename"] == "InvitationPayload"
    invitation = sent["invitation"]
    assert (invitation["status"], invitation["researcher"]["id"]) == ("PENDING", target)
    assert invitation["sender"] == {"id": bob.id, "name": "Bob"}
    second = invite(api, eve, target, "Me too.")["invitation"]

    inbox = data(gql(api, INBOX, ada.token))["viewer"]
    assert inbox["invitations"]["totalCount"] == 2
    assert [n["message"] for n in inbox["invitations"]["nodes"]] == [
        "Me too.",
        "Let us write a paper.",
    ]
    assert data(gql(api, INBOX, bob.token))["viewer"]["invitations"]["totalCount"] == 0
    assert data(gql(api, INBOX, bob.token))["viewer"]["sentInvitations"]["totalCount"] == 1

    # Only the claimant answers, and only once.
    for intruder in (bob, eve):
        refused = data(
            gql(api, ANSWER.format(action="acceptInvitation"), intruder.token, id=invitation["id"])
        )["acceptInvitation"]
        assert (refused["__typename"], refused["code"]) == ("ForbiddenError", "NOT_ADDRESSEE")
    accepted = data(
        gql(api, ANSWER.format(action="acceptInvitation"), ada.token, id=invitation["id"])
    )["acceptInvitation"]
    assert accepted["invitation"]["status"] == "ACCEPTED" and accepted["invitation"]["respondedAt"]
    again = data(
        gql(api, ANSWER.format(action="declineInvitation"), ada.token, id=invitation["id"])
    )["declineInvitation"]
    assert (again["__typename"], again["code"]) == ("ConflictError", "INVITATION_NOT_PENDING")
    declined = data(
        gql(api, ANSWER.format(action="declineInvitation"), ada.token, id=second["id"])
    )["declineInvitation"]
    assert declined["invitation"]["status"] == "DECLINED"
    pending = data(gql(api, INBOX, ada.token, status="PENDING"))["viewer"]["invitations"]
    assert pending["totalCount"] == 0

    # Closed again: refused again.
    data(gql(api, OPEN, ada.token, id=target, open=False))
    assert invite(api, bob, target)["code"] == "NOT_OPEN_TO_COLLABORATE"


def test_revoking_the_claim_cancels_what_waits(
    api: Api, people: dict[str, str], clean_graph: Driver
) -> None:
    grace, bob = sign_up(api, "Grace"), sign_up(api, "Bob")
    target = people["grace"]
    claimed_by(api, grace, target)
    data(gql(api, OPEN, grace.token, id=target, open=True))
    invitation = invite(api, bob, target)["invitation"]
    claims = data(gql(api, "{ viewer { claims { id status } } }", grace.token))["viewer"]["claims"]
    revoke = "mutation($id: ID!) { revokeClaim(id: $id) { __typename } }"
    data(gql(api, revoke, grace.token, id=claims[0]["id"]))
    [record] = clean_graph.execute_query(
        "MATCH (i:Invitation {id: $id})-[:TO]->(r:Researcher) "
        "RETURN i.status AS status, r.openToCollaborate AS open",
        id=invitation["id"].removeprefix("Invitation:"),
    ).records
    assert dict(record) == {"status": "CANCELLED", "open": False}
    assert invite(api, bob, target)["code"] == "CLAIM_REQUIRED"


def test_rate_limit_per_sender_holds_under_concurrency(
    api: Api, people: dict[str, str], clean_graph: Driver
) -> None:
    alan, bob, eve = sign_up(api, "Alan"), sign_up(api, "Bob"), sign_up(api, "Eve")
    target = people["alan"]
    claimed_by(api, alan, target)
    data(gql(api, OPEN, alan.token, id=target, open=True))

    attempts = INVITES_PER_HOUR * 3
    with ThreadPoolExecutor(max_workers=attempts) as pool:
        results = list(pool.map(lambda i: invite(api, bob, target, f"#{i}"), range(attempts)))
    kinds = [r["__typename"] for r in results]
    assert kinds.count("InvitationPayload") == INVITES_PER_HOUR, results
    limited = [r for r in results if r["__typename"] == "RateLimitError"]
    assert len(limited) == attempts - INVITES_PER_HOUR
    for refusal in limited:
        assert refusal["code"] == "RATE_LIMITED" and refusal["limit"] == INVITES_PER_HOUR
        assert 0 < refusal["retryAfterSeconds"] <= 3600
    # The limit is per sender: another user still gets through.
    assert invite(api, eve, target)["__typename"] == "InvitationPayload"
    # It counts the last hour only: once Bob's invitations age, he may send again.
    clean_graph.execute_query(
        "MATCH (:User {id: $id})-[:SENT]->(i:Invitation) "
        "SET i.createdAt = datetime() - duration('PT61M')",
        id=bob.id.removeprefix("User:"),
    )
    assert invite(api, bob, target)["__typename"] == "InvitationPayload"
