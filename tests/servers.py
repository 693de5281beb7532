"""The real app on a real port, for tests that talk HTTP to it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from graphdb.connection import ConnectionInfo
from scholargraph.app import create_app
from scholargraph.settings import Settings


def serve(settings: Settings, neo4j_info: ConnectionInfo) -> Iterator[str]:
    yield from serve_app(create_app(settings, neo4j_info))


def serve_app(app: ASGIApp) -> Iterator[str]:
    """Any ASGI app (ours, or a fake of a remote service) under uvicorn on a free port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
