"""Which Neo4j a command talks to: the user's (NEO4J_URI) or the project's local server."""

from __future__ import annotations

from pathlib import Path

from graphdb.connection import ConnectionInfo
from scholargraph.localneo4j import LocalNeo4j, LocalNeo4jError
from scholargraph.settings import Settings


def local_server(settings: Settings, home: Path | None = None) -> LocalNeo4j:
    return LocalNeo4j(
        home=home or settings.home / "neo4j",
        cache_dir=settings.cache_dir,
        version=settings.neo4j_version,
        heap=settings.neo4j_heap,
        pagecache=settings.neo4j_pagecache,
    )


def connection_info(settings: Settings) -> ConnectionInfo:
    """NEO4J_URI wins (docker compose, Aura, a cluster); else the local server's state file."""
    if settings.neo4j_uri is not None:
        password = str(settings.neo4j_password) if settings.neo4j_password else ""
        return ConnectionInfo(
            settings.neo4j_uri, settings.neo4j_user, password, settings.neo4j_database
        )
    server = local_server(settings)
    state = server.read_state()
    if state is None:
        raise LocalNeo4jError(
            f"No Neo4j configured: set NEO4J_URI, or run `scholargraph neo4j start` "
            f"(state expected in {server.state_file})."
        )
    return ConnectionInfo(state.uri, "neo4j", state.password, settings.neo4j_database)
