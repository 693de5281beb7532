"""Loading into the real Neo4j: counts against the raw files, idempotence, updates, resume."""

from __future__ import annotations

import gzip
import html
import json
import logging
import os
import re
import signal
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graphdb.connection import ConnectionInfo
from graphdb.identities import (
    CONTESTED_BLOCKS,
    CONTESTED_BLOCKS_BY_SCAN,
    ResolutionReport,
    resolve_pending_identities,
)
from graphdb.ingest import fetch_checkpoint
from loaders.ingest import Loader, LoadReport
from loaders.quarantine import Quarantine
from scholargraph.loading import row_builder
from scholargraph.localneo4j import LocalNeo4j
from scholargraph.settings import Settings
from tests.commit_cutter import CommitCutter
from tests.conftest import wipe_graph
from tests.graph_snapshot import assert_same_graph, counts, snapshot
from tests.loading import cli, cli_process, load_files

pytestmark = pytest.mark.sample

OAI = "oai_arxiv_recommender"
KAGGLE = "kaggle_neo4j_graph_builder/arxiv-metadata.jsonl"


def raw_oai_records(folder: Path) -> dict[str, dict[str, object]]:
    """An independent reading of the OAI pages, by regular expressions, not by our parser."""
    records: dict[str, dict[str, object]] = {}
    for page in sorted(folder.glob("*.xml.gz")):
        text = gzip.decompress(page.read_bytes()).decode()
        for body in re.findall(r"<record>(.*?)</record>", text, re.S):
            arxiv_id = re.search(r"<id>(.*?)</id>", body).group(1)  # type: ignore[union-attr]
            authors = []
            for author in re.findall(r"<author>(.*?)</author>", body, re.S):
                keyname = re.search(r"<keyname>(.*?)</keyname>", author, re.S)
                forenames = re.search(r"<forenames>(.*?)</forenames>", author, re.S)
                authors.append(
                    (
                        keyname.group(1).strip() if keyname else "",
                        forenames.group(1).strip() if forenames else "",
                    )
                )
            categories = re.search(r"<categories>(.*?)</categories>", body).group(1)  # type: ignore[union-attr]
            title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)  # type: ignore[union-attr]
            records[arxiv_id] = {
                "authors": authors,
                "categories": categories.split(),
                "title": " ".join(html.unescape(title).split()),
            }
    return records


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", html.unescape(text))
    return "".join(c for c in decomposed.lower() if c.isalnum())


def expected_authors(raw: list[tuple[str, str]]) -> list[str]:
    """The documented rule: junk names (no letter, e.g. ';') are dropped, and so is a name
    repeated on the same paper (same letters, ignoring case, accents and punctuation)."""
    kept: list[str] = []
    for keyname, forenames in raw:
        if not any(c.isalpha() for c in keyname):
            continue
        key = _fold(keyname) + "|" + _fold(forenames)
        if key not in kept:
            kept.append(key)
    return kept


@pytest.fixture(scope="module")
def oai_graph(
    driver: Driver,
    settings: Settings,
    arxiv_data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Driver:
    """The ten OAI pages, loaded once for the read-only tests that come first in this module."""
    wipe_graph(driver)
    quarantine = tmp_path_factory.mktemp("oai") / "q.jsonl"
    report = load_files(driver, settings, [arxiv_data_dir / OAI], quarantine)
    assert report.quarantined == 0
    return driver


def test_oai_pages_match_the_raw_records(oai_graph: Driver, arxiv_data_dir: Path) -> None:
    raw = raw_oai_records(arxiv_data_dir / OAI)
    records, _, _ = oai_graph.execute_query(
        """
        MATCH (p:Paper)
        RETURN p.arxivId AS id, p.title AS title,
               COLLECT { MATCH (p)<-[a:AUTHORED]-() RETURN a.position ORDER BY a.position }
                 AS positions,
               COLLECT { MATCH (p)-[t:IN_TOPIC]->(x) RETURN x.code ORDER BY t.primary DESC, x.code }
                 AS topics,
               COLLECT { MATCH (p)-[t:IN_TOPIC {primary: true}]->(x) RETURN x.code } AS primary
        """
    )
    graph = {r["id"]: r for r in records}
    assert set(graph) == set(raw)
    authorship_total = 0
    for arxiv_id, source in raw.items():
        row = graph[arxiv_id]
        assert row["title"] == source["title"], arxiv_id
        cats: list[str] = source["categories"]  # type: ignore[assignment]
        assert row["primary"] == [cats[0]], arxiv_id
        assert sorted(row["topics"]) == sorted(set(cats)), arxiv_id
        wanted = expected_authors(source["authors"])  # type: ignore[arg-type]
        authorship_total += len(wanted)
        assert len(row["positions"]) == len(wanted), arxiv_id
    assert counts(oai_graph)["AUTHORED"] == authorship_total


def test_ordered_authors_of_known_papers(oai_graph: Driver) -> None:
    records, _, _ = oai_graph.execute_query(
        """
        MATCH (p:Paper {arxivId: '0704.0001'})<-[a:AUTHORED]-(r:Researcher)
        RETURN a.name AS printed, r.name AS name ORDER BY a.position
        """
    )
    assert [r["printed"] for r in records] == [
        "C. Balázs",
        "E. L. Berger",
        "P. M. Nadolsky",
        "C.-P. Yuan",
    ]


def test_loading_twice_changes_nothing(
    oai_graph: Driver, settings: Settings, arxiv_data_dir: Path, tmp_path: Path
) -> None:
    before = snapshot(oai_graph)
    report = load_files(
        oai_graph, settings, [arxiv_data_dir / OAI], tmp_path / "q2.jsonl", rescan=True
    )
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == 10_000
    assert_same_graph(before, snapshot(oai_graph))


def test_checkpoints_skip_finished_files(
    oai_graph: Driver, settings: Settings, arxiv_data_dir: Path, tmp_path: Path
) -> None:
    report = load_files(oai_graph, settings, [arxiv_data_dir / OAI], tmp_path / "q3.jsonl")
    assert report.files_skipped == 10
    assert report.records == 0


KAGGLE_V1 = {
    "id": "2101.00001",
    "submitter": "Ada Lovelace",
    "authors": "Ada Lovelace, Charles Babbage",
    "title": "On the analytical\n  engine",
    "comments": None,
    "journal-ref": None,
    "doi": None,
    "report-no": None,
    "categories": "cs.LG stat.ML",
    "license": None,
    "abstract": "  First version.\n",
    "versions": [{"version": "v1", "created": "Mon, 4 Jan 2021 10:00:00 GMT"}],
    "update_date": "2021-01-04",
    "authors_parsed": [["Lovelace", "Ada", ""], ["Babbage", "Charles", ""]],
}


def kaggle_line(**changes: object) -> str:
    return json.dumps({**KAGGLE_V1, **changes}) + "\n"


def test_newer_version_replaces_authors_topics_and_title(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    v1 = tmp_path / "v1.jsonl"
    v1.write_text(kaggle_line())
    v2 = tmp_path / "v2.jsonl"
    v2.write_text(
        kaggle_line(
            title="On the Analytical Engine (revised)",
            authors="Ada Lovelace, Mary Somerville",
            authors_parsed=[["Lovelace", "Ada", ""], ["Somerville", "Mary", ""]],
            categories="cs.AI",
            versions=[
                {"version": "v1", "created": "Mon, 4 Jan 2021 10:00:00 GMT"},
                {"version": "v2", "created": "Tue, 2 Feb 2021 10:00:00 GMT"},
            ],
            update_date="2021-02-02",
        )
    )
    first = load_files(clean_graph, settings, [v1], tmp_path / "q.jsonl")
    assert first.created == 1
    second = load_files(clean_graph, settings, [v2], tmp_path / "q.jsonl")
    assert second.updated == 1
    records, _, _ = clean_graph.execute_query(
        """
        MATCH (p:Paper {arxivId: '2101.00001'})
        RETURN p.title AS title, p.versions AS versions,
               COLLECT { MATCH (p)<-[a:AUTHORED]-(r) RETURN r.name ORDER BY a.position } AS authors,
               COLLECT { MATCH (p)-[:IN_TOPIC]->(t) RETURN t.code } AS topics
        """
    )
    [paper] = records
    assert paper["title"] == "On the Analytical Engine (revised)"
    assert paper["versions"] == ["v1", "v2"]
    assert paper["authors"] == ["Ada Lovelace", "Mary Somerville"]
    assert paper["topics"] == ["cs.AI"]
    graph = counts(clean_graph)
    assert graph["Paper"] == 1
    assert graph["Researcher"] == 2  # Babbage, left with nothing, is gone
    assert graph["AUTHORED"] == 2
    # An older copy arriving later does not roll the paper back.
    third = load_files(clean_graph, settings, [v1], tmp_path / "q.jsonl", rescan=True)
    assert third.stale == 1
    [title] = clean_graph.execute_query(
        "MATCH (p:Paper {arxivId: '2101.00001'}) RETURN p.title AS t"
    ).records
    assert title["t"] == "On the Analytical Engine (revised)"


def test_a_batch_reaches_the_driver_debug_log_as_its_row_count(
    clean_graph: Driver, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The driver formats every RUN's parameters for its debug log, even when that log is off:
    a batch's rows (abstracts and all) are formatted as their count (`graphdb.connection.Rows`),
    which took ~8 % off the loader's Python time."""
    source = tmp_path / "one.jsonl"
    source.write_text(kaggle_line(abstract="An abstract the debug log does not repeat."))
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        report = load_files(clean_graph, settings, [source], tmp_path / "q.jsonl")
    assert report.created == 1
    runs = [r.getMessage() for r in caplog.records if " C: RUN " in r.getMessage()]
    assert any("<1 rows>" in run for run in runs)  # the papers
    assert any("<2 rows>" in run for run in runs)  # the researchers, and the topic edges
    assert not any("does not repeat" in run or "Lovelace" in run for run in runs)


def test_concurrent_writers_give_the_graph_one_writer_gives(
    clean_graph: Driver, settings: Settings, arxiv_data_dir: Path, tmp_path: Path
) -> None:
    # Real pages plus one paper that comes back, changed, in the next batch of the same file:
    # with several writers its copies must still apply in reading order (the last one wins).
    # Here the race is rare (the first copy is usually written before the second is read);
    # test_inflight checks the guard that rules it out, for retries and slow batches too.
    pages = sorted((arxiv_data_dir / OAI).glob("*.xml.gz"))[:3]
    filler = (arxiv_data_dir / KAGGLE).read_text().splitlines(keepends=True)[:250]
    same_date = {"versions": [{"version": "v1", "created": "Mon, 4 Jan 2021 10:00:00 GMT"}]}
    copies = [kaggle_line(title=f"Copy {n}", **same_date) for n in range(2)]
    repeated = tmp_path / "repeated.jsonl"
    # The first copy ends batch 1 and the second starts batch 2: they meet in flight.
    repeated.write_text("".join(filler[:49]) + copies[0] + copies[1] + "".join(filler[49:]))
    files = [*pages, repeated]
    graphs: dict[int, dict[str, Any]] = {}
    for writers in (1, 4):
        wipe_graph(clean_graph)
        report = load_files(
            clean_graph, settings, files, tmp_path / f"q{writers}.jsonl", batch_size=50,
            writers=writers,
        )  # fmt: skip
        assert report.quarantined == 0
        [title] = clean_graph.execute_query(
            "MATCH (p:Paper {arxivId: '2101.00001'}) RETURN p.title AS t"
        ).records
        assert title["t"] == "Copy 1"
        checkpoints = {
            str(path.resolve()): fetch_checkpoint(clean_graph, "neo4j", str(path.resolve()))
            for path in files
        }
        assert all(c is not None and c.done for c in checkpoints.values()), checkpoints
        graphs[writers] = snapshot(clean_graph)
    page_ids = {
        arxiv_id
        for page in pages
        for arxiv_id in re.findall(r"<id>(.*?)</id>", gzip.decompress(page.read_bytes()).decode())
    }
    filler_ids = {json.loads(line)["id"] for line in filler}
    assert counts(clean_graph)["Paper"] == len(page_ids | filler_ids | {"2101.00001"})
    assert_same_graph(graphs[1], graphs[4])


def test_the_graph_does_not_depend_on_the_order_of_the_files(
    clean_graph: Driver, settings: Settings, arxiv_data_dir: Path, tmp_path: Path
) -> None:
    # No paper is in both pages, so their order must not matter: not for researchers, and not
    # for institutions that several spellings map to (page 00 says "Swinburne", page 01
    # "Swinburne University of Technology", one ROR organisation). A restart mid-load that
    # reordered commits once showed that organisation with another name key.
    pages = sorted((arxiv_data_dir / OAI).glob("*.xml.gz"))[:2]
    graphs = []
    for order in (pages, pages[::-1]):
        wipe_graph(clean_graph)
        load_files(clean_graph, settings, order, tmp_path / "q.jsonl", writers=1)
        graphs.append(snapshot(clean_graph))
    assert_same_graph(graphs[0], graphs[1])


def test_a_failing_checkpoint_fails_the_load_instead_of_hanging(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    # The quarantine cannot be synced (its file is closed), so the first checkpoint save fails
    # after its batch committed. The only writer must keep draining the queue: the reading
    # thread has more batches to hand over, and the load must end with the error.
    papers = tmp_path / "papers.jsonl"
    papers.write_text("".join(kaggle_line(id=f"2101.{n:05d}") for n in range(1, 9)))
    quarantine = Quarantine(tmp_path / "q.jsonl")
    quarantine.close()
    loader = Loader(
        clean_graph, "neo4j", row_builder(settings), quarantine, batch_size=1, writers=1
    )
    outcome: list[BaseException | LoadReport] = []

    def load() -> None:
        try:
            outcome.append(loader.load([papers]))
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the load hung after its writer failed"
    assert isinstance(outcome[0], ValueError), outcome


def test_bad_records_are_quarantined_with_line_numbers(
    clean_graph: Driver, cli_env: dict[str, str], arxiv_data_dir: Path, tmp_path: Path
) -> None:
    good = (arxiv_data_dir / KAGGLE).read_text().splitlines(keepends=True)[:12]
    lines = list(good)
    lines[2] = '{"id": "0704.0003", "title": broken json\n'  # line 3
    lines[6] = json.dumps({**json.loads(good[6]), "id": None}) + "\n"  # line 7
    lines[9] = json.dumps({**json.loads(good[9]), "authors": 42}) + "\n"  # line 10
    bad_date = {**json.loads(good[11]), "versions": [{"version": "v1", "created": "yesterday"}]}
    lines[11] = json.dumps(bad_date) + "\n"  # line 12
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(lines))
    page = gzip.decompress((arxiv_data_dir / OAI / "listrecords_arXiv_page01.xml.gz").read_bytes())
    truncated = tmp_path / "truncated.xml.gz"
    truncated.write_bytes(gzip.compress(page[: len(page) // 2]))
    quarantine = tmp_path / "quarantine.jsonl"
    result = cli(
        ["load", "arxiv", str(broken), str(truncated), "--quarantine", str(quarantine),
         "--no-progress"],
        cli_env,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    entries = [json.loads(line) for line in quarantine.read_text().splitlines()]
    by_line = {e["line"]: e for e in entries if "line" in e}
    assert sorted(by_line) == [3, 7, 10, 12]
    assert all(e["source"].endswith("broken.jsonl") for e in by_line.values())
    assert "JSON" in by_line[3]["reason"]
    assert "id" in by_line[7]["reason"]
    assert by_line[10]["id"] == json.loads(good[9])["id"]
    assert "authors" in by_line[10]["reason"]
    assert "created" in by_line[12]["reason"] or "date" in by_line[12]["reason"]
    [cut] = [e for e in entries if "record" in e]
    assert cut["source"].endswith("truncated.xml.gz")
    loaded_from_page = cut["record"] - 1
    papers = counts(clean_graph)["Paper"]
    assert papers == 8 + loaded_from_page
    assert "quarantined" in result.stderr + result.stdout


def _wait_for_checkpoint(driver: Driver, source: str, deadline_s: float) -> int:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        checkpoint = fetch_checkpoint(driver, "neo4j", source)
        if checkpoint is not None and checkpoint.position > 0:
            return checkpoint.position
        time.sleep(0.05)
    raise AssertionError("the load committed nothing in time")


def _kill(server: LocalNeo4j) -> None:
    pid = server.running_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while server.running_pid() is not None:
        assert time.monotonic() < deadline, "Neo4j outlived SIGKILL"
        time.sleep(0.1)


def test_sigkill_then_rerun_gives_the_same_graph(
    clean_graph: Driver, cli_env: dict[str, str], arxiv_data_dir: Path, tmp_path: Path
) -> None:
    pages = sorted((arxiv_data_dir / OAI).glob("*.xml.gz"))[:4]
    args = ["load", "arxiv", *map(str, pages), "--batch-size", "200", "--no-progress"]
    args += ["--quarantine", str(tmp_path / "q.jsonl")]
    process = cli_process(args, cli_env)
    _wait_for_checkpoint(clean_graph, str(pages[1].resolve()), 120)
    process.send_signal(signal.SIGKILL)
    process.wait()
    resumed = cli(args, cli_env)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "resumed past" in resumed.stderr + resumed.stdout
    interrupted = snapshot(clean_graph)
    wipe_graph(clean_graph)
    straight = cli(args, cli_env)
    assert straight.returncode == 0, straight.stderr
    assert_same_graph(interrupted, snapshot(clean_graph))


@pytest.mark.parametrize("how", ["restart", "crash"])
def test_load_survives_a_neo4j_restart(
    how: str,
    test_server: LocalNeo4j | None,
    clean_graph: Driver,
    cli_env: dict[str, str],
    arxiv_data_dir: Path,
    tmp_path: Path,
) -> None:
    # A clean restart (SIGTERM: Neo4j ends its transactions and checkpoints), and a crash
    # (SIGKILL: Neo4j recovers from its transaction log on the next start).
    if test_server is None:
        pytest.skip("the suite runs against an external Neo4j it cannot restart")
    pages = sorted((arxiv_data_dir / OAI).glob("*.xml.gz"))[:2]
    args = ["load", "arxiv", *map(str, pages), "--batch-size", "100", "--no-progress"]
    args += ["--quarantine", str(tmp_path / "q.jsonl")]
    process = cli_process(args, cli_env)
    _wait_for_checkpoint(clean_graph, str(pages[0].resolve()), 120)
    if how == "crash":
        _kill(test_server)
    else:
        test_server.stop()
    test_server.start()
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    # The driver's multi-line retry warnings are counted for the summary, not printed.
    assert "Traceback" not in output and "will be retried" not in output, output
    assert counts(clean_graph)["Paper"] == 2000
    after_restart = snapshot(clean_graph)
    wipe_graph(clean_graph)
    assert cli(args, cli_env).returncode == 0
    assert_same_graph(after_restart, snapshot(clean_graph))


def test_commits_whose_answer_is_lost_are_survived(
    clean_graph: Driver,
    neo4j_info: ConnectionInfo,
    cli_env: dict[str, str],
    arxiv_data_dir: Path,
    tmp_path: Path,
) -> None:
    # A restart between COMMIT and its answer leaves the outcome unknown, and the driver does
    # not retry that (IncompleteCommit). Here every 7th commit of the load is committed and its
    # answer lost: batches, checkpoints, topics, settling and their reads alike.
    pages = sorted((arxiv_data_dir / OAI).glob("*.xml.gz"))[:2]
    args = ["load", "arxiv", *map(str, pages), "--batch-size", "100", "--no-progress"]
    args += ["--quarantine", str(tmp_path / "q.jsonl")]
    host, port = neo4j_info.uri.removeprefix("bolt://").rsplit(":", 1)
    with CommitCutter((host, int(port)), every=7) as cutter:
        cut = cli(args, {**cli_env, "NEO4J_URI": f"bolt://127.0.0.1:{cutter.port}"})
    assert cut.returncode == 0, cut.stdout + cut.stderr
    assert cutter.cuts >= 5, (cutter.commits, cutter.cuts)
    assert "Traceback" not in cut.stderr and "transactions retried" in cut.stderr, cut.stderr
    assert counts(clean_graph)["Paper"] == 2000
    after_cuts = snapshot(clean_graph)
    wipe_graph(clean_graph)
    assert cli(args, cli_env).returncode == 0
    assert_same_graph(snapshot(clean_graph), after_cuts)


def test_only_blocks_where_something_can_merge_are_decided(clean_graph: Driver) -> None:
    # Blocks (surname|initial|field) of queued researchers: only initials-only names (nothing
    # to merge into), a collaboration as the only full name (never a merge target), an
    # initials-only and a full name (decided), an earlier merge (undone and decided again).
    clean_graph.execute_query(
        """
        UNWIND $rows AS row
        CREATE (r:Researcher:PendingBlock {id: row[0], block: row[1], initialsOnly: row[2],
                                           isCollaboration: row[3]})
        """,
        rows=[
            ["r1", "wang|y|cs", True, False],
            ["r2", "wang|y|cs", True, False],
            ["r3", "babar|t|hep", True, False],
            ["r4", "babar|t|hep", False, True],
            ["r5", "smith|j|hep", True, False],
            ["r6", "smith|j|hep", False, False],
            ["r7", "lee|k|math", False, False],
        ],
    )
    clean_graph.execute_query("CREATE (:ResearcherAlias {id: 'r8', block: 'lee|k|math'})")
    # A block holding only researchers no load touched is not contested.
    clean_graph.execute_query(
        "CREATE (:Researcher {id: 'r9', block: 'kim|s|hep', initialsOnly: true,"
        " isCollaboration: false}),"
        " (:Researcher {id: 'r10', block: 'kim|s|hep', initialsOnly: false,"
        " isCollaboration: false})"
    )
    # Both ways of finding them (by index lookups, by one scan) find the same blocks.
    for query in (CONTESTED_BLOCKS, CONTESTED_BLOCKS_BY_SCAN):
        records, _, _ = clean_graph.execute_query(query, shards=1, shard=0)
        assert [r["block"] for r in records] == ["lee|k|math", "smith|j|hep"]
        # Two workers' shares: disjoint, together the whole.
        shares = [
            [r["block"] for r in clean_graph.execute_query(query, shards=2, shard=n)[0]]
            for n in (0, 1)
        ]
        assert sorted(shares[0] + shares[1]) == ["lee|k|math", "smith|j|hep"]
        assert all(shares)


def _merge_waiting_to_settle(driver: Driver, settings: Settings, tmp_path: Path) -> None:
    """ "C. Balazs" and "Csaba Balazs" (one person: one candidate), each beside Xavier Other,
    loaded and not yet settled; Xavier already settled, as if from an earlier load."""

    def paper(arxiv_id: str, balazs: str) -> str:
        authors = [["Balazs", balazs, ""], ["Other", "Xavier", ""]]
        return kaggle_line(
            id=arxiv_id,
            authors=", ".join(f"{fore} {key}" for key, fore, _ in authors),
            authors_parsed=authors,
            categories="hep-th",
        )

    source = tmp_path / "merge.jsonl"
    source.write_text(paper("2101.00011", "C.") + paper("2101.00012", "Csaba"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "loaders.ingest.resolve_pending_identities", lambda *_: ResolutionReport(0, 0, 0)
        )
        load_files(driver, settings, [source], tmp_path / "q.jsonl")
    driver.execute_query(
        "MATCH (r:Researcher {name: 'Xavier Other'}) REMOVE r:PendingBlock:PendingIdentity"
    )


def test_a_crash_between_merging_and_queuing_co_authors_is_finished_by_a_rerun(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    # Merge chunks commit on their own, and the targets' co-authors join the trust queue in a
    # pass after every merge is in. Xavier, not queued, loses a collaborator by the merge:
    # his stored trust must be recomputed even when the run dies between the two.
    _merge_waiting_to_settle(clean_graph, settings, tmp_path)
    resolve_pending_identities(clean_graph, "neo4j")
    expected = snapshot(clean_graph)
    [xavier] = clean_graph.execute_query(
        "MATCH (r:Researcher {name: 'Xavier Other'}) RETURN r.trustScore AS score"
    ).records
    assert xavier["score"] is not None  # scored by the queuing pass, not by his own load
    [merged] = clean_graph.execute_query(
        "MATCH (:ResearcherAlias)-[:ALIAS_OF]->(f) RETURN f.name AS name"
    ).records
    assert merged["name"] == "Csaba Balazs"

    wipe_graph(clean_graph)
    _merge_waiting_to_settle(clean_graph, settings, tmp_path)

    def killed(*_: object) -> None:
        raise RuntimeError("killed before the co-authors were queued")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("graphdb.identities._requeue", killed)
        with pytest.raises(RuntimeError, match="killed"):
            resolve_pending_identities(clean_graph, "neo4j")
    [aliases] = clean_graph.execute_query("MATCH (a:ResearcherAlias) RETURN count(a) AS n").records
    assert aliases["n"] == 1  # the merge committed
    resolve_pending_identities(clean_graph, "neo4j")
    assert_same_graph(expected, snapshot(clean_graph))
    [left] = clean_graph.execute_query(
        "MATCH (r) WHERE r:PendingBlock OR r:PendingIdentity RETURN count(r) AS n"
    ).records
    assert left["n"] == 0


@pytest.mark.sample
def test_settling_again_in_small_chunks_on_two_threads_changes_nothing(
    clean_graph: Driver, settings: Settings, arxiv_data_dir: Path, tmp_path: Path
) -> None:
    # Settling runs its chunks on two threads; with small chunks every step (undo, decide,
    # merge, refresh, trust) has many chunks in flight. Queued again from scratch, a settled
    # graph must come out the same: earlier merges are undone and decided afresh.
    pages = sorted((arxiv_data_dir / OAI).glob("*.xml.gz"))[:2]
    load_files(clean_graph, settings, pages, tmp_path / "q.jsonl")
    settled = snapshot(clean_graph)
    [merged] = clean_graph.execute_query("MATCH (a:ResearcherAlias) RETURN count(a) AS n").records
    assert merged["n"] > 0, "the pages hold no merge to undo and decide again"
    clean_graph.execute_query("MATCH (r:Researcher) SET r:PendingIdentity:PendingBlock")
    report = resolve_pending_identities(clean_graph, "neo4j", chunk=40, workers=2)
    assert report.merged == merged["n"]
    assert report.blocks > 40 and report.refreshed > 40
    assert_same_graph(settled, snapshot(clean_graph))
