"""The neo4j-admin import path builds the graph the transactional loader builds.

The import needs a stopped server, so this test runs its own temporary server home: it loads a
real subset transactionally, takes a canonical snapshot, replaces the database by a bulk
import of the same files and compares. The subset is the Kaggle file followed by the OAI page
holding the same 1,000 ids, so later copies replacing earlier ones are exercised too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from graphdb.bulkimport import restore_empty_lists
from graphdb.connection import ConnectionInfo, open_driver
from graphdb.migrations import apply_migrations
from loaders.bulkimport import RESEARCHER_LABELS, ImportWriter
from loaders.ingest import Loader
from loaders.quarantine import Quarantine
from scholargraph.bulkload import import_into
from scholargraph.loading import row_builder
from scholargraph.localneo4j import LocalNeo4j
from scholargraph.settings import Settings
from tests.commit_cutter import CommitCutter
from tests.graph_snapshot import assert_same_graph, snapshot

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def own_server(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalNeo4j]:
    if os.environ.get("SCHOLARGRAPH_TEST_NEO4J_URI"):
        pytest.skip("the import needs a local server home it may stop")
    server = LocalNeo4j(
        home=tmp_path_factory.mktemp("bulk-neo4j"),
        cache_dir=settings.cache_dir,
        version=settings.neo4j_version,
        heap="1g",
        pagecache="256m",
        preferred_ports=(7691, 7478),
        gc="parallel",  # a bulk-loading server, like the benchmark's
    )
    server.start()
    yield server
    server.stop()


def _driver(server: LocalNeo4j) -> Driver:
    state = server.read_state()
    assert state is not None
    return open_driver(ConnectionInfo(state.uri, "neo4j", state.password))


def _subset(data_dir: Path) -> list[Path]:
    return [
        data_dir / "kaggle_neo4j_graph_builder" / "arxiv-metadata.jsonl",
        data_dir / "oai_arxiv_recommender" / "listrecords_arXiv_page00.xml.gz",
    ]


def test_a_bulk_loading_server_runs_the_throughput_collector(own_server: LocalNeo4j) -> None:
    state = own_server.read_state()
    assert state is not None
    flags = Path(f"/proc/{state.pid}/cmdline").read_bytes().split(b"\0")
    assert b"-XX:+UseParallelGC" in flags and b"-XX:+UseG1GC" not in flags, flags


@pytest.mark.sample
def test_import_builds_the_transactional_graph(
    own_server: LocalNeo4j, settings: Settings, arxiv_data_dir: Path, tmp_path: Path
) -> None:
    rows = row_builder(settings, arxiv_data_dir / "taxonomy_arxiv_base")
    files = _subset(arxiv_data_dir)
    with _driver(own_server) as driver:
        apply_migrations(driver, "neo4j")
        with Quarantine(tmp_path / "q1.jsonl") as quarantine:
            Loader(driver, "neo4j", rows, quarantine, batch_size=500).load(files)
        driver.execute_query("MATCH (c:IngestCheckpoint) DELETE c")
        loaded = snapshot(driver)

    report = import_into(own_server, files, rows, quarantine_path=tmp_path / "q2.jsonl")

    with _driver(own_server) as driver:
        imported = snapshot(driver)
        pending, _, _ = driver.execute_query(
            "MATCH (r) WHERE r:PendingIdentity OR r:PendingBlock OR "
            "(r:Researcher AND r.trustScore IS NULL) RETURN count(r) AS n"
        )
    assert report.records == 2000
    assert report.papers == 1000
    assert report.updated + report.unchanged + report.stale == 1000
    assert pending[0]["n"] == 0
    assert_same_graph(loaded, imported)


def test_later_copies_replace_earlier_ones_unless_older(tmp_path: Path, settings: Settings) -> None:
    from datetime import date

    from loaders.records import Author, PaperRecord

    def record(title: str, updated: date) -> PaperRecord:
        author = Author("Ada Lovelace", "Lovelace", "Ada", None, ("Analytical Society",), False)
        return PaperRecord(
            "0704.0001", title, "", (author,), ("cs.LG",), (), updated, updated, (),
            None, None, None, None, None, None, "x", 1,
        )  # fmt: skip

    writer = ImportWriter(tmp_path, row_builder(settings, tmp_path / "none", tmp_path / "none"))
    writer.add(record("First", date(2020, 1, 1)))
    writer.add(record("Second", date(2021, 1, 1)))
    writer.add(record("Older", date(2019, 1, 1)))
    writer.add(record("Second", date(2021, 1, 1)))
    files = writer.finish()
    assert (writer.report.papers, writer.report.updated) == (1, 1)
    assert (writer.report.stale, writer.report.unchanged) == (1, 1)
    papers = dict(files.nodes)["Paper"].read_text().splitlines()
    assert len(papers) == 2 and papers[1].split(",")[2] == '"Second"'
    affiliated = (tmp_path / "affiliated_with.csv").read_text().splitlines()
    assert len(affiliated) == 2 and affiliated[1].endswith(",1,2021,2021")
    researchers = (tmp_path / "researchers.csv").read_text().splitlines()
    # In the trust queue like every imported researcher; no identity left to settle.
    assert len(researchers) == 2 and researchers[1].split(",")[1] == f'"{RESEARCHER_LABELS}"'


def test_restoring_empty_lists_survives_a_lost_connection(
    clean_graph: Driver, neo4j_info: ConnectionInfo
) -> None:
    # What neo4j-admin leaves: papers without their lists, AUTHORED edges without ids. The
    # proxy cuts the connection while the first restoring statement runs; the driver never
    # retries an auto-commit statement, so without the project's retry this raises.
    clean_graph.execute_query(
        """
        UNWIND range(1, 30) AS n
        CREATE (p:Paper {arxivId: 'p' + n})<-[:AUTHORED {position: 1}]-(:Researcher {id: 'r' + n})
        """
    )
    host, port = neo4j_info.uri.removeprefix("bolt://").rsplit(":", 1)
    trigger = b"p.dois IS NULL"  # once in the first restoring statement, not in the second
    with (
        CommitCutter((host, int(port)), every=1, trigger=trigger, limit=1) as cutter,
        open_driver(
            ConnectionInfo(f"bolt://127.0.0.1:{cutter.port}", neo4j_info.user, neo4j_info.password)
        ) as cut_driver,
    ):
        restore_empty_lists(cut_driver, "neo4j", patience_s=30)
    assert (cutter.commits, cutter.cuts) == (2, 1)  # cut once, then run again
    records, _, _ = clean_graph.execute_query(
        """
        MATCH (p:Paper)<-[a:AUTHORED]-()
        RETURN collect(DISTINCT [p.versions, p.versionDates, p.dois, a.institutionIds]) AS lists
        """
    )
    assert records[0]["lists"] == [[[], [], [], []]]
