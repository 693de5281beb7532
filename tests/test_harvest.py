"""OAI-PMH harvesting against a local server replaying real arXiv pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from neo4j import Driver

from graphdb.ingest import fetch_checkpoint
from loaders.harvest import Harvester, HarvestError, HarvestOptions, retry_after_seconds
from loaders.quarantine import Quarantine
from scholargraph.loading import row_builder
from scholargraph.settings import Settings
from tests.conftest import wipe_graph
from tests.fake_oai import FakeOai, load_pages, serve
from tests.graph_snapshot import assert_same_graph, counts, snapshot

OAI = "oai_arxiv_recommender"


def harvest(
    driver: Driver, settings: Settings, tmp_path: Path, options: HarvestOptions
) -> tuple[Harvester, list[float]]:
    slept: list[float] = []
    with Quarantine(tmp_path / "q.jsonl") as quarantine:
        harvester = Harvester(
            driver, "neo4j", row_builder(settings), quarantine, sleep=slept.append
        )
        harvester.report = harvester.harvest(options)  # type: ignore[attr-defined]
    return harvester, slept


@pytest.mark.sample
def test_pages_503_retry_after_state_and_incremental_rerun(
    clean_graph: Driver, settings: Settings, arxiv_data_dir: Path, tmp_path: Path
) -> None:
    fake = FakeOai(load_pages(arxiv_data_dir / OAI, 3), fail_first=1, retry_after="7")
    with serve(fake):
        options = HarvestOptions(endpoint=fake.url, from_date="2007-01-01", min_interval_s=0)
        _, slept = harvest(clean_graph, settings, tmp_path, options)
        assert 7.0 in slept  # Retry-After honoured
        assert [r.get("resumptionToken") for r in fake.requests] == [
            None, None, "2752941|1001", "2752941|2001"
        ]  # fmt: skip
        assert fake.requests[0] == {
            "verb": "ListRecords", "metadataPrefix": "arXiv", "from": "2007-01-01"
        }  # fmt: skip
        assert counts(clean_graph)["Paper"] == 3000
        state = fetch_checkpoint(clean_graph, "neo4j", options.state_key)
        assert state is not None and state.done and state.cursor is None
        latest = max(re.findall(rb"<datestamp>([^<]+)</datestamp>", b"".join(fake.pages)))
        assert state.watermark == latest.decode()

        # The next run, without --from, continues from the saved datestamp.
        fake.requests.clear()
        fake.fail_first = 0
        again = HarvestOptions(endpoint=fake.url, min_interval_s=0)
        harvest(clean_graph, settings, tmp_path, again)
        assert fake.requests == [
            {"verb": "ListRecords", "metadataPrefix": "arXiv", "from": latest.decode()}
        ]
        assert counts(clean_graph)["Paper"] == 3000  # the records of that day, unchanged


@pytest.mark.sample
def test_interrupted_harvest_resumes_with_its_token(
    clean_graph: Driver, settings: Settings, arxiv_data_dir: Path, tmp_path: Path
) -> None:
    fake = FakeOai(load_pages(arxiv_data_dir / OAI, 3))
    with serve(fake):
        first = HarvestOptions(
            endpoint=fake.url, from_date="2007-01-01", min_interval_s=0, max_pages=1
        )
        harvest(clean_graph, settings, tmp_path, first)
        state = fetch_checkpoint(clean_graph, "neo4j", first.state_key)
        assert state is not None and not state.done and state.cursor == "2752941|1001"
        fake.requests.clear()
        harvest(
            clean_graph, settings, tmp_path, HarvestOptions(endpoint=fake.url, min_interval_s=0)
        )
        assert [r.get("resumptionToken") for r in fake.requests] == ["2752941|1001", "2752941|2001"]
        resumed = snapshot(clean_graph)
    wipe_graph(clean_graph)
    fake = FakeOai(load_pages(arxiv_data_dir / OAI, 3))
    with serve(fake):
        harvest(
            clean_graph,
            settings,
            tmp_path,
            HarvestOptions(endpoint=fake.url, from_date="2007-01-01", min_interval_s=0),
        )
    assert_same_graph(resumed, snapshot(clean_graph))


def test_without_from_or_state_the_harvest_refuses(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    with pytest.raises(HarvestError, match="no --from"):
        harvest(clean_graph, settings, tmp_path, HarvestOptions(endpoint="http://127.0.0.1:9/"))


def test_endpoint_that_keeps_failing_gives_a_clear_error(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    fake = FakeOai([], fail_first=100, retry_after="2")
    with serve(fake):
        options = HarvestOptions(
            endpoint=fake.url, from_date="2020-01-01", min_interval_s=0, max_retries=3
        )
        with pytest.raises(HarvestError, match="still failing after 3 retries"):
            harvest(clean_graph, settings, tmp_path, options)
    assert len(fake.requests) == 4


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Fri, 27 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("garbage") is None
    assert retry_after_seconds(None) is None
