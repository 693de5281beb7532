"""The Starlette app: GraphQL (with GraphiQL) at /graphql, health at /healthz, and the ORCID
OAuth callback at /auth/orcid/callback."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from graphdb.connection import ConnectionInfo, open_async_driver, ping
from resolvers.auth import Authenticator
from resolvers.context import Context, Mailer
from resolvers.orcid import CALLBACK_PATH
from schema import build_schema
from scholargraph.auth import build_authenticator
from scholargraph.context import build_context
from scholargraph.database import connection_info
from scholargraph.mail import build_mailer
from scholargraph.orcid import OrcidCallback
from scholargraph.settings import Settings, load_settings


class ScholarGraphQL(GraphQL[Context, None]):
    """Strawberry on plain Starlette: a fresh context (reader, DataLoaders) per request.

    The authenticator (with its JWKS key cache) and the mailer live as long as the process.
    """

    def __init__(
        self, settings: Settings, authenticator: Authenticator, mailer: Mailer, **kwargs: Any
    ) -> None:
        super().__init__(build_schema(settings.limits), **kwargs)
        self.settings = settings
        self.authenticator = authenticator
        self.mailer = mailer

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        driver: AsyncDriver = request.app.state.driver
        return build_context(
            driver,
            self.settings,
            request if isinstance(request, Request) else None,
            response if isinstance(response, Response) else None,
            authenticator=self.authenticator,
            mailer=self.mailer,
        )

    def encode_json(self, data: object) -> bytes:
        # A researcher page is ~100 kB of JSON; orjson encodes it several times faster.
        return orjson.dumps(data)


# A page of 100 works allocates ~100,000 short-lived objects, nearly all freed by reference
# counting; at the default threshold (700) the cyclic collector ran ~140 times a page. Measured
# on a prolific page (docs/benchmarks.md): CPU mean 59 -> 48 ms, p50 50 -> 46 ms. (Measured on
# CPython 3.11; 3.14's incremental collector reads these thresholds differently.)
GC_THRESHOLDS = (20_000, 50, 100)
_gc_tuned = False


def tune_garbage_collector() -> None:
    """Collect less often, and never again scan what exists at startup (schema, driver).

    Once per process: an app started again in the same process (tests) must not freeze
    another generation of objects for good.
    """
    global _gc_tuned
    if _gc_tuned:
        return
    _gc_tuned = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def create_app(settings: Settings | None = None, info: ConnectionInfo | None = None) -> Starlette:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        target = info or connection_info(settings)
        # One driver per process, opened here and closed here. It connects lazily, so the API
        # starts (and /healthz answers "unavailable") even while Neo4j is down.
        driver = open_async_driver(target)
        app.state.driver = driver
        app.state.database = target.database
        tune_garbage_collector()
        try:
            yield
        finally:
            await driver.close()

    async def healthz(request: Request) -> JSONResponse:
        reachable = await ping(request.app.state.driver, request.app.state.database)
        body = {"status": "ok" if reachable else "unavailable", "neo4j": reachable}
        return JSONResponse(body, status_code=200 if reachable else 503)

    async def home(request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    authenticator = build_authenticator(settings)
    mailer = build_mailer(settings.auth)
    graphql = ScholarGraphQL(
        settings, authenticator, mailer, graphql_ide="graphiql", allow_queries_via_get=False
    )
    return Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route(
                CALLBACK_PATH,
                OrcidCallback(settings, authenticator, mailer).handle,
                methods=["GET"],
            ),
        ],
        lifespan=lifespan,
    )
