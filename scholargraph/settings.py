"""Configuration, read once from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from starlette.config import Config
from starlette.datastructures import Secret

NEO4J_VERSION = "5.26.30"


@dataclass(frozen=True, slots=True)
class Neo4jTarget:
    """Where the driver connects. `external` means the user pointed us at their own server."""

    uri: str
    user: str
    password: str
    database: str
    external: bool


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int
    max_first: int
    max_aliases: int
    max_tokens: int
    query_timeout_s: float
    graph_limit: int
    graph_depth: int


@dataclass(frozen=True, slots=True)
class AuthSettings:
    jwt_secret: Secret
    jwt_ttl_s: int
    jwt_issuer: str
    oidc_jwks_url: str | None
    oidc_issuer: str | None
    oidc_audience: str | None
    oidc_algorithms: tuple[str, ...]
    invite_rate_per_hour: int
    max_message_chars: int
    claim_token_ttl_s: int
    outbox_dir: Path
    mail_from: str
    smtp_url: Secret | None  # None: mail goes to the outbox folder
    smtp_timeout_s: float
    login_window_s: int
    login_failures_per_email: int  # 0 turns that limit off
    login_failures_per_ip: int
    orcid_client_id: str | None  # None: ORCID OAuth is off (administrators confirm iDs)
    orcid_client_secret: Secret | None
    orcid_base_url: str
    orcid_redirect_url: str | None  # None: `<this API's base URL>/auth/orcid/callback`
    orcid_state_ttl_s: int

    @property
    def orcid_configured(self) -> bool:
        return bool(self.orcid_client_id and self.orcid_client_secret)


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    cache_dir: Path
    data_dir: Path
    neo4j_version: str
    neo4j_heap: str
    neo4j_pagecache: str
    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: Secret | None
    neo4j_database: str
    debug: bool
    dataloaders: bool  # False only to measure the N+1 baseline in benchmarks
    limits: Limits
    auth: AuthSettings

    @property
    def uses_external_neo4j(self) -> bool:
        return self.neo4j_uri is not None


def load_settings(env_file: str | os.PathLike[str] | None = ".env") -> Settings:
    config = Config(Path(env_file) if env_file and Path(env_file).exists() else None)
    home = Path(config("SCHOLARGRAPH_HOME", default=".scholargraph")).absolute()
    cache = config("SCHOLARGRAPH_CACHE", default=None)
    cache_dir = Path(cache) if cache else Path.home() / ".cache" / "scholargraph"
    uri = config("NEO4J_URI", default=None) or None
    password = config("NEO4J_PASSWORD", cast=Secret, default=None)
    limits = Limits(
        max_depth=config("SCHOLARGRAPH_MAX_DEPTH", cast=int, default=10),
        max_first=config("SCHOLARGRAPH_MAX_FIRST", cast=int, default=100),
        max_aliases=config("SCHOLARGRAPH_MAX_ALIASES", cast=int, default=30),
        max_tokens=config("SCHOLARGRAPH_MAX_TOKENS", cast=int, default=2000),
        query_timeout_s=config("SCHOLARGRAPH_QUERY_TIMEOUT", cast=float, default=10.0),
        graph_limit=config("SCHOLARGRAPH_MAX_GRAPH_LIMIT", cast=int, default=500),
        graph_depth=config("SCHOLARGRAPH_MAX_GRAPH_DEPTH", cast=int, default=2),
    )
    auth = AuthSettings(
        # Empty: generated once into the state dir (scholargraph.auth.jwt_secret).
        jwt_secret=Secret(config("SCHOLARGRAPH_JWT_SECRET", default="")),
        jwt_ttl_s=config("SCHOLARGRAPH_JWT_TTL", cast=int, default=3600),
        jwt_issuer=config("SCHOLARGRAPH_JWT_ISSUER", default="scholargraph"),
        oidc_jwks_url=config("SCHOLARGRAPH_OIDC_JWKS_URL", default=None),
        oidc_issuer=config("SCHOLARGRAPH_OIDC_ISSUER", default=None),
        oidc_audience=config("SCHOLARGRAPH_OIDC_AUDIENCE", default=None),
        oidc_algorithms=tuple(
            a.strip()
            for a in config("SCHOLARGRAPH_OIDC_ALGORITHMS", default="RS256,ES256").split(",")
            if a.strip()
        ),
        invite_rate_per_hour=config("SCHOLARGRAPH_INVITES_PER_HOUR", cast=int, default=10),
        max_message_chars=config("SCHOLARGRAPH_INVITE_MAX_CHARS", cast=int, default=1000),
        claim_token_ttl_s=config("SCHOLARGRAPH_CLAIM_TOKEN_TTL", cast=int, default=86400),
        outbox_dir=Path(config("SCHOLARGRAPH_OUTBOX", default=str(home / "outbox"))),
        mail_from=config(
            "SCHOLARGRAPH_MAIL_FROM", default="ScholarGraph <no-reply@scholargraph.localhost>"
        ),
        smtp_url=config("SCHOLARGRAPH_SMTP_URL", cast=Secret, default=None) or None,
        smtp_timeout_s=config("SCHOLARGRAPH_SMTP_TIMEOUT", cast=float, default=10.0),
        login_window_s=config("SCHOLARGRAPH_LOGIN_WINDOW", cast=int, default=900),
        login_failures_per_email=config(
            "SCHOLARGRAPH_LOGIN_FAILURES_PER_EMAIL", cast=int, default=5
        ),
        login_failures_per_ip=config("SCHOLARGRAPH_LOGIN_FAILURES_PER_IP", cast=int, default=50),
        orcid_client_id=config("SCHOLARGRAPH_ORCID_CLIENT_ID", default=None) or None,
        orcid_client_secret=config("SCHOLARGRAPH_ORCID_CLIENT_SECRET", cast=Secret, default=None)
        or None,
        orcid_base_url=config("SCHOLARGRAPH_ORCID_BASE_URL", default="https://orcid.org").rstrip(
            "/"
        ),
        orcid_redirect_url=config("SCHOLARGRAPH_ORCID_REDIRECT_URL", default=None) or None,
        orcid_state_ttl_s=config("SCHOLARGRAPH_ORCID_STATE_TTL", cast=int, default=600),
    )
    return Settings(
        home=home,
        cache_dir=cache_dir,
        data_dir=Path(config("SCHOLARGRAPH_DATA_DIR", default="../shared/data/arxiv")).resolve(),
        neo4j_version=config("SCHOLARGRAPH_NEO4J_VERSION", default=NEO4J_VERSION),
        neo4j_heap=config("SCHOLARGRAPH_NEO4J_HEAP", default="1g"),
        neo4j_pagecache=config("SCHOLARGRAPH_NEO4J_PAGECACHE", default="512m"),
        neo4j_uri=uri,
        neo4j_user=config("NEO4J_USER", default=config("NEO4J_USERNAME", default="neo4j")),
        neo4j_password=password,
        neo4j_database=config("NEO4J_DATABASE", default="neo4j"),
        debug=config("SCHOLARGRAPH_DEBUG", cast=bool, default=False),
        dataloaders=config("SCHOLARGRAPH_DATALOADERS", cast=bool, default=True),
        limits=limits,
        auth=auth,
    )
