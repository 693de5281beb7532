"""Wiring for accounts: the JWT secret, the process's authenticator, and account commands."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from typing import TypeVar

from graphdb.connection import GraphReader, open_async_driver
from graphdb.users import User, list_users
from resolvers.accounts import create_account as create_account_in
from resolvers.auth import Authenticator, Refusal
from scholargraph.database import connection_info
from scholargraph.settings import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")

MIN_SECRET_BYTES = 32


def jwt_secret(settings: Settings) -> str:
    """SCHOLARGRAPH_JWT_SECRET, else a random secret kept in `<home>/jwt-secret` (mode 0600).

    The file is made once, atomically (a hard link never replaces an existing file), so API
    processes on one machine, started together or one after the other, share one secret and
    tokens survive restarts. Several machines must set SCHOLARGRAPH_JWT_SECRET to one value.
    """
    configured = str(settings.auth.jwt_secret)
    if configured:
        if len(configured.encode()) < MIN_SECRET_BYTES:
            logger.warning(
                "SCHOLARGRAPH_JWT_SECRET is shorter than %d bytes: use a long random value "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)",
                MIN_SECRET_BYTES,
            )
        return configured
    path = settings.home / "jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".jwt-secret.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    secret = path.read_text().strip()
    if not secret:
        raise RuntimeError(f"{path} is empty: delete it, or set SCHOLARGRAPH_JWT_SECRET")
    return secret


def build_authenticator(settings: Settings) -> Authenticator:
    auth = settings.auth
    return Authenticator(
        jwt_secret(settings),
        ttl_s=auth.jwt_ttl_s,
        issuer=auth.jwt_issuer,
        oidc_jwks_url=auth.oidc_jwks_url,
        oidc_issuer=auth.oidc_issuer,
        oidc_audience=auth.oidc_audience,
        oidc_algorithms=auth.oidc_algorithms,
    )


def create_account(
    settings: Settings, email: str, password: str, name: str, *, is_admin: bool
) -> User:
    """For `scholargraph users create`; a refused input is a ValueError saying why."""

    async def run(reader: GraphReader) -> User:
        try:
            return await create_account_in(reader, email, password, name, is_admin=is_admin)
        except Refusal as refusal:
            raise ValueError(refusal.message) from refusal

    return _with_reader(settings, run)


def list_accounts(settings: Settings) -> list[User]:
    return _with_reader(settings, list_users)


def _with_reader(settings: Settings, action: Callable[[GraphReader], Awaitable[T]]) -> T:
    target = connection_info(settings)

    async def run() -> T:
        driver = open_async_driver(target)
        try:
            return await action(GraphReader(driver=driver, database=target.database))
        finally:
            await driver.close()

    return asyncio.run(run())
