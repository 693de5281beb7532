"""`GET /auth/orcid/callback`: where ORCID sends the browser back (resolvers/orcid.py).

Answers JSON: `{"userId", "orcid", "orcidVerified"}`, or `{"error": {"code", "message"}}` with
an HTTP status that fits the refusal (400 bad state or code, 403 another user's or another
browser's state, 502 ORCID did not confirm, 503 ORCID OAuth not configured).
"""

from __future__ import annotations

from neo4j import AsyncDriver
from starlette.requests import Request
from starlette.responses import JSONResponse

from resolvers.auth import Authenticator, Code, InvalidInputError, Refusal
from resolvers.context import Mailer
from resolvers.orcid import CALLBACK_PATH, COOKIE, finish_callback
from scholargraph.context import build_context
from scholargraph.settings import Settings

STATUS = {
    "AUTHENTICATION": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "INVALID_INPUT": 400,
    "RATE_LIMITED": 429,
    "CONFLICT": 409,
}


def http_status(refusal: Refusal) -> int:
    if refusal.category == "UNAVAILABLE":
        return 503 if refusal.refusal_code is Code.ORCID_OAUTH_NOT_CONFIGURED else 502
    return STATUS.get(refusal.category, 400)


class OrcidCallback:
    """The ASGI endpoint; holds the process's authenticator and mailer like the GraphQL app."""

    def __init__(self, settings: Settings, authenticator: Authenticator, mailer: Mailer) -> None:
        self.settings = settings
        self.authenticator = authenticator
        self.mailer = mailer

    async def handle(self, request: Request) -> JSONResponse:
        driver: AsyncDriver = request.app.state.driver
        context = build_context(
            driver, self.settings, request, authenticator=self.authenticator, mailer=self.mailer
        )
        params = request.query_params
        try:
            if params.get("error"):
                # The user said no at ORCID, or ORCID refused the request.
                why = params["error"] + (
                    f" ({params['error_description'][:200]})"
                    if params.get("error_description")
                    else ""
                )
                raise InvalidInputError(
                    Code.ORCID_DENIED,
                    f"ORCID did not sign you in: {why}. Nothing changed; start the sign-in "
                    "with ORCID again to retry.",
                )
            user = await finish_callback(
                context, params.get("code"), params.get("state"), request.cookies.get(COOKIE)
            )
        except Refusal as refusal:
            body = {"error": {"code": refusal.code, "message": refusal.message}}
            return JSONResponse(body, status_code=http_status(refusal))
        response = JSONResponse(
            {"userId": f"User:{user.id}", "orcid": user.orcid, "orcidVerified": user.orcid_verified}
        )
        response.delete_cookie(COOKIE, path=CALLBACK_PATH)
        return response
