"""Mail delivery: by SMTP when SCHOLARGRAPH_SMTP_URL is set, else into the outbox folder.

The SMTP URL names the server and how to reach it (docs/accounts.md):

    smtp://user:password@mail.example.org:587               STARTTLS when offered (default)
    smtp://user:password@mail.example.org:587?starttls=required   refuse to send without it
    smtp://relay.internal:25?starttls=off                   plain, for a trusted local relay
    smtps://user:password@mail.example.org:465              TLS from the first byte

A delivery that fails raises `MailDeliveryError` with the server's answer (never the
password), which resolvers turn into a precise refusal.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from resolvers.context import Mail, MailDeliveryError, Mailer
from scholargraph.settings import AuthSettings

STARTTLS_CHOICES = {"auto": None, "required": True, "on": True, "true": True}
PLAIN_CHOICES = {"off": False, "false": False, "no": False}


def build_message(mail: Mail, sender: str, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(mail.body)
    return message


class OutboxMailer:
    """Development mail: each mail is written to the outbox folder, not sent.

    `<outbox>/<time>-<kind>-<random>.eml` is the message as it would be sent (open it in any
    mail client); the `.json` next to it holds the same with the data a developer or a test
    needs (the verification code). The folder is SCHOLARGRAPH_OUTBOX, by default
    `.scholargraph/outbox`.
    """

    def __init__(self, directory: Path, sender: str) -> None:
        self.directory = directory
        self.sender = sender

    async def send(self, mail: Mail) -> None:
        await asyncio.to_thread(self._write, mail)

    def _write(self, mail: Mail) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        stem = f"{now:%Y%m%dT%H%M%S%f}-{mail.kind}-{secrets.token_hex(3)}"
        (self.directory / f"{stem}.eml").write_bytes(bytes(build_message(mail, self.sender, now)))
        record = {
            "to": mail.to,
            "from": self.sender,
            "subject": mail.subject,
            "kind": mail.kind,
            "sentAt": now.isoformat(),
            "data": mail.data,
            "body": mail.body,
        }
        # Written last, under its final name in one rename: a reader never sees half of it.
        draft = self.directory / f".{stem}.json"
        draft.write_text(json.dumps(record, indent=2))
        draft.rename(self.directory / f"{stem}.json")


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool  # smtps://
    start_tls: bool | None  # None: when the server offers it

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpServer:
    """A ValueError that says what is wrong (without echoing the password)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(
            f"SCHOLARGRAPH_SMTP_URL: scheme {parts.scheme!r} is not smtp:// or smtps://"
        )
    if not parts.hostname:
        raise ValueError("SCHOLARGRAPH_SMTP_URL: no host (expected smtp://user:pass@host:587)")
    query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    choice = query.get("starttls", "auto")
    if parts.scheme == "smtps":
        start_tls: bool | None = False
    elif choice in STARTTLS_CHOICES:
        start_tls = STARTTLS_CHOICES[choice]
    elif choice in PLAIN_CHOICES:
        start_tls = PLAIN_CHOICES[choice]
    else:
        raise ValueError(
            f"SCHOLARGRAPH_SMTP_URL: starttls={choice!r}; expected auto, required or off"
        )
    try:
        port = parts.port
    except ValueError as error:
        raise ValueError(f"SCHOLARGRAPH_SMTP_URL: bad port ({error})") from None
    return SmtpServer(
        host=parts.hostname,
        port=port or (465 if parts.scheme == "smtps" else 587),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        implicit_tls=parts.scheme == "smtps",
        start_tls=start_tls,
    )


class SmtpMailer:
    """Production mail: one SMTP session per mail (verification mails are rare)."""

    def __init__(self, server: SmtpServer, sender: str, timeout_s: float) -> None:
        self.server = server
        self.sender = sender
        self.timeout_s = timeout_s

    async def send(self, mail: Mail) -> None:
        server = self.server
        message = build_message(mail, self.sender, datetime.now(UTC))
        try:
            refused, _ = await aiosmtplib.send(
                message,
                hostname=server.host,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.implicit_tls,
                start_tls=server.start_tls,
                timeout=self.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            answers = "; ".join(f"{r.code} {r.message}" for r in error.recipients)
            raise MailDeliveryError(
                f"the mail server {server.address} refused the recipient ({answers})"
            ) from error
        except aiosmtplib.SMTPAuthenticationError as error:
            raise MailDeliveryError(
                f"the mail server {server.address} refused our login ({error.code} {error.message})"
            ) from error
        except aiosmtplib.SMTPResponseException as error:
            raise MailDeliveryError(
                f"the mail server {server.address} answered {error.code} {error.message}"
            ) from error
        except aiosmtplib.SMTPTimeoutError as error:
            raise MailDeliveryError(
                f"the mail server {server.address} did not answer within {self.timeout_s:g}s"
            ) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise MailDeliveryError(
                f"could not deliver through the mail server {server.address} ({error})"
            ) from error
        if refused:
            answers = "; ".join(f"{to}: {r.code} {r.message}" for to, r in refused.items())
            raise MailDeliveryError(f"the mail server {server.address} refused {answers}")


def build_mailer(auth: AuthSettings) -> Mailer:
    """SMTP when SCHOLARGRAPH_SMTP_URL is set; otherwise the development outbox."""
    if auth.smtp_url is not None:
        return SmtpMailer(parse_smtp_url(str(auth.smtp_url)), auth.mail_from, auth.smtp_timeout_s)
    return OutboxMailer(auth.outbox_dir, auth.mail_from)
