"""One real Neo4j per test session; each test gets a clean graph.

The suite starts its own server home (`.scholargraph/test-neo4j`, separate from the demo's, so
running tests never wipes demo data) unless SCHOLARGRAPH_TEST_NEO4J_URI points at a server that
may be wiped (with SCHOLARGRAPH_TEST_NEO4J_USER / SCHOLARGRAPH_TEST_NEO4J_PASSWORD).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from graphdb.connection import ConnectionInfo, open_driver
from graphdb.migrations import apply_migrations
from scholargraph.app import create_app
from scholargraph.localneo4j import LocalNeo4j
from scholargraph.settings import Settings, load_settings
from tests.sample_data import arxiv_data_dir as arxiv_data_dir  # re-exported fixture
from tests.sample_data import sample_dir

ROOT = Path(__file__).resolve().parent.parent

CLEAN_GRAPH = """
MATCH (n) WHERE NOT n:SchemaMigration
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""


@pytest.fixture(scope="session")
def settings() -> Settings:
    return replace(load_settings(env_file=None), debug=True, data_dir=sample_dir())


@pytest.fixture(scope="session")
def test_server(settings: Settings) -> Iterator[LocalNeo4j | None]:
    if os.environ.get("SCHOLARGRAPH_TEST_NEO4J_URI"):
        yield None
        return
    home = Path(os.environ.get("SCHOLARGRAPH_TEST_HOME", ROOT / ".scholargraph" / "test-neo4j"))
    server = LocalNeo4j(
        home=home.absolute(),
        cache_dir=settings.cache_dir,
        version=settings.neo4j_version,
        heap="1g",
        pagecache="512m",
        preferred_ports=(7688, 7475),
    )
    already_running = server.running_pid() is not None
    server.start()
    yield server
    if not already_running and not os.environ.get("SCHOLARGRAPH_KEEP_NEO4J"):
        server.stop()


@pytest.fixture(scope="session")
def neo4j_info(test_server: LocalNeo4j | None) -> ConnectionInfo:
    if test_server is None:
        return ConnectionInfo(
            os.environ["SCHOLARGRAPH_TEST_NEO4J_URI"],
            os.environ.get("SCHOLARGRAPH_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("SCHOLARGRAPH_TEST_NEO4J_PASSWORD", ""),
        )
    state = test_server.read_state()
    assert state is not None
    return ConnectionInfo(state.uri, "neo4j", state.password)


@pytest.fixture(scope="session")
def driver(neo4j_info: ConnectionInfo) -> Iterator[Driver]:
    with open_driver(neo4j_info) as driver:
        apply_migrations(driver, neo4j_info.database)
        yield driver


def wipe_graph(driver: Driver) -> None:
    with driver.session(database="neo4j") as session:
        session.run(CLEAN_GRAPH).consume()


@pytest.fixture
def clean_graph(driver: Driver) -> Driver:
    """A graph holding nothing but the applied schema."""
    wipe_graph(driver)
    return driver


@pytest.fixture
def client(settings: Settings, neo4j_info: ConnectionInfo, driver: Driver) -> Iterator[TestClient]:
    with TestClient(create_app(settings, neo4j_info)) as client:
        yield client


@pytest.fixture
def cli_env(neo4j_info: ConnectionInfo, tmp_path: Path) -> dict[str, str]:
    """Environment for running `scholargraph` as a subprocess against the test server."""
    env = dict(os.environ)
    env.update(
        NEO4J_URI=neo4j_info.uri,
        NEO4J_USER=neo4j_info.user,
        NEO4J_PASSWORD=neo4j_info.password,
        SCHOLARGRAPH_DATA_DIR=str(sample_dir()),
        SCHOLARGRAPH_HOME=str(tmp_path / "home"),
    )
    return env


SAMPLE_MARKER = "MATCH (m:TestDataset {name: 'arxiv-sample'}) RETURN count(m) AS n"


@pytest.fixture
def sample_graph(
    driver: Driver,
    settings: Settings,
    arxiv_data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Driver:
    """The whole arXiv sample, loaded once and reloaded only after a test wiped the graph.

    Tests using it must not write. Tests are ordered so that they run before the ones that
    wipe (see pytest_collection_modifyitems).
    """
    from tests.loading import load_files

    if driver.execute_query(SAMPLE_MARKER).records[0]["n"] == 0:
        wipe_graph(driver)
        quarantine = tmp_path_factory.mktemp("sample") / "quarantine.jsonl"
        report = load_files(driver, settings, [arxiv_data_dir], quarantine, batch_size=1000)
        assert report.quarantined == 0
        driver.execute_query("CREATE (:TestDataset {name: 'arxiv-sample'})")
    return driver


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the read-only tests on the loaded sample first, so it is loaded once."""
    items.sort(key=lambda item: "sample_graph" not in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def api_url(settings: Settings, neo4j_info: ConnectionInfo, driver: Driver) -> Iterator[str]:
    """The real app served by uvicorn on a free loopback port: tests talk HTTP to it."""
    from tests.servers import serve

    yield from serve(settings, neo4j_info)
