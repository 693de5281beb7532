"""What every resolver gets: the request's reader, its DataLoaders, limits and the viewer.

The wiring package (`scholargraph.context`) builds one per request; nothing here outlives it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol, TypeAlias

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from graphdb.connection import GraphReader
from graphdb.users import User
from resolvers.auth import Authenticator
from resolvers.loaders import Loaders
from scholargraph.settings import AuthSettings, Limits


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str
    kind: str  # what the mail is for, e.g. "claim-verification"
    data: dict[str, str]  # what a test or a developer needs from it, e.g. the token


class MailDeliveryError(Exception):
    """The mail could not be handed to the mail server; the message says why."""


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None:
        """Deliver the mail, or raise MailDeliveryError."""


@dataclass
class Context:
    request: Request | None
    response: Response | None
    reader: GraphReader
    loaders: Loaders
    limits: Limits
    debug: bool
    authenticator: Authenticator
    authorization: str | None  # the request's Authorization header, verified on first use
    auth: AuthSettings
    mailer: Mailer
    # The viewer is resolved once per request, by whichever resolver asks first.
    viewer_task: asyncio.Task[User | None] | None = field(default=None)


Info: TypeAlias = StrawberryInfo[Context, None]
