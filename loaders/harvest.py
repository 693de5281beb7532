"""Incremental OAI-PMH harvesting (metadataPrefix=arXiv) into the graph.

Each page is written in one transaction together with the harvest's state: the resumptionToken
of the next page (so an interrupted harvest continues where it stopped) and the latest datestamp
seen (so the next harvest asks only for what changed since). A 503 with Retry-After is waited
out as the server asks; other transient failures back off exponentially.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from neo4j import Driver

from graphdb.identities import resolve_pending_identities
from graphdb.ingest import Checkpoint, fetch_checkpoint, write_batch
from loaders.ingest import LoadReport
from loaders.oai import OaiError, ResumptionToken, parse_list_records_page
from loaders.quarantine import Quarantine
from loaders.records import PaperRecord, RejectedRecord
from loaders.rows import RowBuilder

USER_AGENT = "scholargraph-harvester/0.1 (OAI-PMH; incremental)"


class HarvestError(RuntimeError):
    """The endpoint kept failing, or answered with an OAI error we cannot continue after."""


@dataclass(frozen=True, slots=True)
class HarvestOptions:
    endpoint: str
    from_date: str | None = None
    until: str | None = None
    set_spec: str | None = None
    metadata_prefix: str = "arXiv"
    max_pages: int | None = None
    min_interval_s: float = 3.0  # arXiv asks harvesters to pause between requests
    max_retries: int = 8
    max_retry_after_s: float = 600.0

    @property
    def state_key(self) -> str:
        return f"oai-pmh:{self.endpoint}#{self.set_spec or ''}#{self.metadata_prefix}"


class Harvester:
    def __init__(
        self,
        driver: Driver,
        database: str,
        rows: RowBuilder,
        quarantine: Quarantine,
        client: httpx.Client | None = None,
        *,
        on_total: Callable[[int], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        connect_timeout_s: float = 15.0,
    ) -> None:
        self.driver = driver
        self.database = database
        self.rows = rows
        self.quarantine = quarantine
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(120.0, connect=connect_timeout_s),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )
        self.on_total = on_total or (lambda n: None)
        self.on_progress = on_progress or (lambda n: None)
        self.sleep = sleep
        self.requests = 0
        self.retries = 0
        self._topics_written: set[str] = set()

    def harvest(self, options: HarvestOptions) -> LoadReport:
        report = LoadReport()
        started = time.perf_counter()
        state = fetch_checkpoint(self.driver, self.database, options.state_key)
        from_date = options.from_date
        token: str | None = None
        watermark = state.watermark if state else None
        if (
            state is not None
            and not state.done
            and state.cursor
            and options.from_date
            in (
                None,
                state.fingerprint,
            )
        ):
            token = state.cursor  # an interrupted harvest: continue with the next page
            from_date = state.fingerprint or None
        elif from_date is None:
            if watermark is None:
                raise HarvestError(
                    "no --from date and no earlier harvest of this endpoint/set to continue from"
                )
            from_date = watermark
        pages = state.position if token and state is not None else 0
        last_request = 0.0
        while True:
            if options.max_pages is not None and pages >= options.max_pages:
                break
            wait = options.min_interval_s - (time.monotonic() - last_request)
            if wait > 0 and last_request:
                self.sleep(wait)
            params = self._params(options, from_date, token)
            body = self._fetch(options, params)
            last_request = time.monotonic()
            try:
                records, next_token = parse_list_records_page(
                    body, f"{options.endpoint}?page={pages + 1}", self.rows.taxonomy
                )
            except OaiError as error:
                if error.code == "noRecordsMatch":
                    next_token, records = ResumptionToken(None, 0, 0), []
                else:
                    raise HarvestError(str(error)) from error
            pages += 1
            if next_token is not None and next_token.complete_list_size and pages == 1:
                self.on_total(next_token.complete_list_size)
            watermark = self._write_page(
                records, options, from_date or "", pages, next_token, watermark, report
            )
            token = next_token.token if next_token is not None else None
            if not token:
                break
        report.identities = resolve_pending_identities(self.driver, self.database)
        report.quarantined = self.quarantine.count
        report.seconds = time.perf_counter() - started
        report.files = pages
        return report

    def _write_page(
        self,
        records: list[PaperRecord | RejectedRecord],
        options: HarvestOptions,
        from_date: str,
        pages: int,
        next_token: ResumptionToken | None,
        watermark: str | None,
        report: LoadReport,
    ) -> str | None:
        rows = []
        for item in records:
            report.records += 1
            if isinstance(item, RejectedRecord):
                self.quarantine.add(item)
                continue
            rows.append(self.rows.paper_row(item))
            if item.datestamp is not None:
                stamp = item.datestamp.isoformat()
                watermark = stamp if watermark is None or stamp > watermark else watermark
        codes = {t["code"] for row in rows for t in row["topics"]} - self._topics_written
        self._topics_written |= codes
        done = next_token is None or next_token.is_final
        checkpoint = Checkpoint(
            source=options.state_key,
            fingerprint=from_date,
            position=pages,
            done=done,
            cursor=None if done or next_token is None else next_token.token,
            watermark=watermark,
        )
        self.quarantine.sync()
        report.add(
            write_batch(self.driver, self.database, rows, checkpoint, self.rows.topic_rows(codes))
        )
        self.on_progress(len(records))
        return watermark

    @staticmethod
    def _params(
        options: HarvestOptions, from_date: str | None, token: str | None
    ) -> dict[str, str]:
        if token:
            return {"verb": "ListRecords", "resumptionToken": token}
        params = {"verb": "ListRecords", "metadataPrefix": options.metadata_prefix}
        if from_date:
            params["from"] = from_date
        if options.until:
            params["until"] = options.until
        if options.set_spec:
            params["set"] = options.set_spec
        return params

    def _fetch(self, options: HarvestOptions, params: dict[str, str]) -> bytes:
        backoff = 2.0
        for attempt in range(options.max_retries + 1):
            self.requests += 1
            try:
                response = self.client.get(options.endpoint, params=params)
            except httpx.TransportError as error:
                if attempt == options.max_retries:
                    raise HarvestError(f"{options.endpoint}: {error}") from error
                self.retries += 1
                self.sleep(backoff)
                backoff = min(backoff * 2, 120.0)
                continue
            if response.status_code == 200:
                return response.content
            if response.status_code in (503, 429) or response.status_code >= 500:
                if attempt == options.max_retries:
                    break
                delay = retry_after_seconds(response.headers.get("Retry-After"))
                self.retries += 1
                self.sleep(min(delay if delay is not None else backoff, options.max_retry_after_s))
                backoff = min(backoff * 2, 120.0)
                continue
            raise HarvestError(
                f"{options.endpoint} answered HTTP {response.status_code}: {response.text[:200]!r}"
            )
        raise HarvestError(f"{options.endpoint} still failing after {options.max_retries} retries")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())
