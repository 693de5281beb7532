"""Failed log-in throttling per email address and per client IP (docs/accounts.md).

Each log-in is counted before its password is checked and forgiven when the password was
right, so only failures stay counted; at SCHOLARGRAPH_LOGIN_FAILURES_PER_EMAIL (or _PER_IP)
failures within SCHOLARGRAPH_LOGIN_WINDOW seconds further log-ins are refused with
`RateLimitError` until the oldest failure leaves the window. The counts live in the graph.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from graphdb.throttles import ThrottleLimit, attempt_login, forgive_attempt, prune_throttles
from resolvers.auth import Code, RateLimitedError
from resolvers.context import Context

PRUNE_ONE_IN = 20  # log-ins that also delete a few expired throttles


@dataclass(frozen=True, slots=True)
class LoginTicket:
    """An admitted attempt: counted as a failure until `forgive_login` says otherwise."""

    keys: tuple[str, ...]
    email_key: str | None
    at: int | None


def throttle_key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def client_ip(context: Context) -> str | None:
    # Behind a proxy, run uvicorn with --proxy-headers and --forwarded-allow-ips so this is
    # the client's address, not the proxy's.
    request = context.request
    return request.client.host if request is not None and request.client is not None else None


async def admit_login(context: Context, address: str) -> LoginTicket:
    """Count the attempt, or refuse it when the address or the client is at its limit."""
    auth = context.auth
    limits: list[ThrottleLimit] = []
    email_key = throttle_key("email", address) if auth.login_failures_per_email > 0 else None
    if email_key is not None:
        limits.append(ThrottleLimit(email_key, auth.login_failures_per_email))
    ip = client_ip(context)
    ip_key = throttle_key("ip", ip) if ip and auth.login_failures_per_ip > 0 else None
    if ip_key is not None:
        limits.append(ThrottleLimit(ip_key, auth.login_failures_per_ip))
    if not limits:
        return LoginTicket((), None, None)
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        await prune_throttles(context.reader, auth.login_window_s)
    attempt = await attempt_login(context.reader, limits, auth.login_window_s)
    if attempt.blocked:
        # The longest wait applies: trying earlier would still be refused by that limit.
        worst = max(attempt.blocked, key=lambda b: b.retry_after_s)
        who = "this email address" if worst.key == email_key else "your network address"
        minutes = auth.login_window_s / 60
        raise RateLimitedError(
            Code.TOO_MANY_LOGIN_FAILURES,
            f"Too many failed log-ins for {who}: {worst.limit} within {minutes:g} minutes. "
            f"Try again in {worst.retry_after_s} seconds.",
            retry_after_s=worst.retry_after_s,
            limit=worst.limit,
        )
    return LoginTicket(tuple(x.key for x in limits), email_key, attempt.at)


async def forgive_login(context: Context, ticket: LoginTicket) -> None:
    """The password was right: the attempt is no failure, and the address starts afresh."""
    if ticket.at is None:
        return
    clear = [ticket.email_key] if ticket.email_key else []
    await forgive_attempt(context.reader, ticket.keys, ticket.at, clear)
