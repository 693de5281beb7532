"""What every resolver gets: the request's reader, its DataLoaders, limits and the viewer.

The wiring package (`scholargraph.context`) builds one per request; nothing here outlives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from graphdb.connection import GraphReader
from resolvers.loaders import Loaders
from scholargraph.settings import Limits


@dataclass
class Context:
    request: Request | None
    response: Response | None
    reader: GraphReader
    loaders: Loaders
    limits: Limits
    debug: bool


Info: TypeAlias = StrawberryInfo[Context, None]
