"""Builds the per-request context: a reader bound to the request timeout, fresh DataLoaders,
and the request's Authorization header (verified when a resolver first needs the viewer)."""

from __future__ import annotations

from neo4j import AsyncDriver
from starlette.requests import Request
from starlette.responses import Response

from graphdb.connection import GraphReader
from resolvers.auth import Authenticator
from resolvers.context import Context, Mailer
from resolvers.loaders import create_loaders
from scholargraph.settings import Settings


def build_context(
    driver: AsyncDriver,
    settings: Settings,
    request: Request | None = None,
    response: Response | None = None,
    *,
    authenticator: Authenticator,
    mailer: Mailer,
) -> Context:
    reader = GraphReader(
        driver=driver,
        database=settings.neo4j_database,
        timeout_s=settings.limits.query_timeout_s,
    )
    return Context(
        request=request,
        response=response,
        reader=reader,
        loaders=create_loaders(reader, batching=settings.dataloaders),
        limits=settings.limits,
        debug=settings.debug,
        authenticator=authenticator,
        authorization=request.headers.get("authorization") if request is not None else None,
        auth=settings.auth,
        mailer=mailer,
    )
