"""Mail by SMTP: a real SMTP server (aiosmtpd) on a free port receives the claim-verification
mail, the code in it approves the claim, and a failing server gives a precise error."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from neo4j import Driver
from starlette.datastructures import Secret

from graphdb.connection import ConnectionInfo
from resolvers.claims import MAX_VERIFICATION_MAILS
from scholargraph.mail import OutboxMailer, SmtpMailer, build_mailer, parse_smtp_url
from scholargraph.settings import Settings
from tests.accounts_api import (
    Api,
    accounts_settings,
    data,
    gql,
    make_admin,
    outcome,
    served,
    sign_up,
)
from tests.accounts_api import people as people  # re-exported fixture
from tests.test_claims import REQUEST, VERIFY, claim

LOGIN, PASSWORD = "mailer", "s3cret-pass"
REFUSED_DOMAIN = "refused.example"


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.endswith(f"@{REFUSED_DOMAIN}"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


def _check_login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == LOGIN.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    # AUTH without TLS only because this server listens on loopback inside the test process.
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_check_login,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def with_smtp(settings: Settings, url: str, outbox: Any) -> Settings:
    configured = accounts_settings(settings, outbox)
    return replace(configured, auth=replace(configured.auth, smtp_url=Secret(url)))


@pytest.fixture(scope="module")
def api(
    settings: Settings,
    neo4j_info: ConnectionInfo,
    driver: Driver,
    smtp_server: tuple[Inbox, int],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:
    url = f"smtp://{LOGIN}:{PASSWORD}@127.0.0.1:{smtp_server[1]}"
    configured = with_smtp(settings, url, tmp_path_factory.mktemp("outbox"))
    with served(configured, neo4j_info) as api:
        yield api


SET_EMAILS = """
mutation($id: ID!, $emails: [String!]!) { setResearcherEmails(researcherId: $id,
  emails: $emails) { __typename } }
"""


def test_the_code_from_the_smtp_mail_approves_the_claim(
    api: Api, smtp_server: tuple[Inbox, int], people: dict[str, str]
) -> None:
    inbox, _ = smtp_server
    user, admin = sign_up(api, "Hopper"), make_admin(api)
    data(gql(api, SET_EMAILS, admin.token, id=people["grace"], emails=["grace@navy.example"]))
    claim_id = claim(api, user, people["grace"])["claim"]["id"]
    before = len(inbox.messages)
    sent = data(gql(api, REQUEST, user.token, id=claim_id, email="grace@navy.example"))
    assert sent["requestClaimVerification"]["sentTo"] == "grace@navy.example"

    [mail] = inbox.messages[before:]
    assert mail["To"] == "grace@navy.example"
    assert mail["Subject"] == "Confirm your ScholarGraph claim"
    assert "no-reply@scholargraph.localhost" in mail["From"]
    assert mail["Message-ID"] and mail["Date"]
    body = mail.get_content()
    found = re.search(r"Your verification code: (\S+)", body)
    assert found, body
    assert claim_id in body
    assert list(api.outbox.glob("*")) == []  # SMTP replaces the outbox, it does not add to it

    verified = data(gql(api, VERIFY, user.token, id=claim_id, token=found.group(1)))
    assert verified["verifyClaimEmail"]["claim"]["status"] == "APPROVED"
    assert verified["verifyClaimEmail"]["claim"]["method"] == "EMAIL"


def test_smtp_failures_are_precise_errors(
    settings: Settings,
    neo4j_info: ConnectionInfo,
    smtp_server: tuple[Inbox, int],
    people: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    _, port = smtp_server
    cases = (
        # (SMTP URL, the address, what the message must say)
        (f"smtp://{LOGIN}:{PASSWORD}@127.0.0.1:{port}", f"x@{REFUSED_DOMAIN}", "550"),
        (f"smtp://{LOGIN}:wrong-password@127.0.0.1:{port}", "grace@navy.example", "login"),
        (f"smtp://{LOGIN}:{PASSWORD}@127.0.0.1:{free_port()}", "grace@navy.example", "could not"),
    )
    for url, address, expected in cases:
        configured = with_smtp(settings, url, tmp_path_factory.mktemp("outbox"))
        with served(configured, neo4j_info) as api:
            user, admin = sign_up(api, f"U{free_port()}"), make_admin(api, f"A{free_port()}")
            data(gql(api, SET_EMAILS, admin.token, id=people["grace"], emails=[address]))
            claim_id = claim(api, user, people["grace"])["claim"]["id"]
            body = gql(api, REQUEST, user.token, id=claim_id, email=address)
            assert outcome(body, "requestClaimVerification") == (
                "UnavailableError",
                "MAIL_NOT_SENT",
            )
            message = body["data"]["requestClaimVerification"]["message"]
            assert expected in message and address in message, message
            assert "wrong-password" not in message and PASSWORD not in message
            status = "{ viewer { claims { id status } } }"
            [mine] = data(gql(api, status, user.token))["viewer"]["claims"]
            assert mine == {"id": claim_id, "status": "PENDING"}
            if expected == "550":  # mails never sent do not use up the claim's allowance
                for _ in range(MAX_VERIFICATION_MAILS):
                    again = gql(api, REQUEST, user.token, id=claim_id, email=address)
                    assert outcome(again, "requestClaimVerification")[1] == "MAIL_NOT_SENT"


def test_smtp_urls(tmp_path: Any, settings: Settings) -> None:
    plain = parse_smtp_url("smtp://me%40x.org:p%3Ass@mail.example.org")
    assert (plain.host, plain.port, plain.username, plain.password) == (
        "mail.example.org",
        587,
        "me@x.org",
        "p:ss",
    )
    assert (plain.implicit_tls, plain.start_tls) == (False, None)
    assert parse_smtp_url("smtp://h:25?starttls=required").start_tls is True
    assert parse_smtp_url("smtp://h:25?starttls=off").start_tls is False
    tls = parse_smtp_url("smtps://u:p@h")
    assert (tls.port, tls.implicit_tls, tls.start_tls) == (465, True, False)
    for bad, says in (
        ("http://h", "scheme"),
        ("smtp://", "no host"),
        ("smtp://h?starttls=maybe", "starttls"),
        ("smtp://u:secretpw@h:notaport", "port"),
    ):
        with pytest.raises(ValueError, match=says) as error:
            parse_smtp_url(bad)
        assert "secretpw" not in str(error.value)

    outbox = replace(settings.auth, outbox_dir=tmp_path, smtp_url=None)
    assert isinstance(build_mailer(outbox), OutboxMailer)
    smtp = replace(settings.auth, smtp_url=Secret("smtps://u:p@mail.example.org"))
    assert isinstance(build_mailer(smtp), SmtpMailer)
