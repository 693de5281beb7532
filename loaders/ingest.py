"""`scholargraph load arxiv`: stream files into Neo4j in checkpointed batches.

Parsing and row building run on the calling thread while writer threads (two by default)
commit earlier batches, so Python and both cores of Neo4j work at the same time. After a batch
commits, its file's checkpoint (the location of its last record) moves forward, but only over
batches that all committed (`loaders.inflight`): a load killed at any moment and run again
skips what is committed and writes the rest, ending in the graph an uninterrupted run gives,
since every write is an idempotent upsert keyed by ids that do not depend on order.
"""

from __future__ import annotations

import gzip
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from neo4j import Driver

from graphdb.identities import ResolutionReport, resolve_pending_identities
from graphdb.ingest import (
    BatchOutcome,
    Checkpoint,
    PaperRow,
    fetch_checkpoint,
    save_checkpoint,
    upsert_topics,
    write_batch,
)
from loaders.formats import Format, UnknownFormatError, detect_format, iter_records
from loaders.inflight import Checkpoints, InFlight
from loaders.quarantine import Quarantine
from loaders.records import PaperRecord, RejectedRecord
from loaders.rows import RowBuilder

DEFAULT_BATCH_SIZE = 1000
# Neo4j runs a transaction on one core: a second writer uses the other one (1.22x on the batch
# phase of a 50k load on 2 cores, docs/benchmarks.md); more only queue for the same cores.
DEFAULT_WRITERS = 2
# CPython lets a thread waiting for the interpreter lock take it after 5 ms by default. A writer
# whose query has just returned waits that long for the reading thread, and its transaction, on
# a Neo4j core, waits with it; a load switches at this interval instead (docs/benchmarks.md).
SWITCH_INTERVAL_S = 0.0002


@dataclass(slots=True)
class LoadReport:
    files: int = 0
    files_skipped: int = 0  # already loaded completely, unchanged on disk
    records: int = 0  # records read in this run (parsed or rejected)
    resumed_past: int = 0  # records skipped because a checkpoint already covered them
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    identities: ResolutionReport | None = None

    @property
    def papers_per_second(self) -> float:
        written = self.created + self.updated + self.unchanged + self.stale
        return written / self.seconds if self.seconds else 0.0

    def add(self, outcome: BatchOutcome) -> None:
        self.created += outcome.created
        self.updated += outcome.updated
        self.unchanged += outcome.unchanged
        self.stale += outcome.stale


@contextmanager
def _quick_thread_switches() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, SWITCH_INTERVAL_S))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@dataclass(frozen=True, slots=True)
class _Batch:
    seq: int  # its place in reading order, for `InFlight`
    rows: list[PaperRow]


ProgressCallback = Callable[[int], None]


def fingerprint(path: Path) -> str:
    """Identifies a file's content cheaply: a changed file is loaded again from the start."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def count_records(path: Path, kind: Format | None = None) -> int | None:
    """A fast byte scan for the progress bar's total (None when it cannot be known cheaply)."""
    try:
        kind = kind or detect_format(path)
    except (UnknownFormatError, OSError):
        return None
    needle = {"kaggle-jsonl": b"\n", "oai-pmh": b"<record", "atom": b"<entry"}.get(kind)
    if needle is None:
        return None
    opener = gzip.open if path.suffix == ".gz" else open
    count = 0
    tail = b""
    with opener(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            data = tail + chunk
            count += data.count(needle)
            tail = data[-(len(needle) - 1) :] if len(needle) > 1 else b""
            count -= tail.count(needle)
    if kind == "kaggle-jsonl" and count == 0 and path.stat().st_size:
        count = 1
    return count


class Loader:
    """Loads files into one database; create one per command run."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        rows: RowBuilder,
        quarantine: Quarantine,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_progress: ProgressCallback | None = None,
        rescan: bool = False,
        writers: int = DEFAULT_WRITERS,
    ) -> None:
        if writers < 1:
            raise ValueError("writers must be at least 1")
        self.driver = driver
        self.database = database
        self.rows = rows
        self.quarantine = quarantine
        self.batch_size = batch_size
        self.on_progress = on_progress or (lambda n: None)
        self.rescan = rescan  # read every record again, ignoring checkpoints
        self.writers = writers
        self._topics_written: set[str] = set()

    def load(self, paths: Iterable[Path]) -> LoadReport:
        with _quick_thread_switches():
            return self._load(paths)

    def _load(self, paths: Iterable[Path]) -> LoadReport:
        report = LoadReport()
        started = time.perf_counter()
        batches: queue.Queue[_Batch | None] = queue.Queue(maxsize=2 * self.writers)
        failure: list[BaseException] = []
        counting = threading.Lock()

        def save(checkpoint: Checkpoint) -> None:
            # Rejected records up to the checkpoint's position are durable before it is.
            self.quarantine.sync()
            save_checkpoint(self.driver, self.database, checkpoint)

        checkpoints = Checkpoints(save)
        in_flight = InFlight()

        def writer() -> None:
            # Never leaves before the end-of-queue marker, whatever fails, so the reading
            # thread cannot block on a full queue.
            while (batch := batches.get()) is not None:
                if failure:
                    continue
                try:
                    if batch.rows:
                        outcome = write_batch(self.driver, self.database, batch.rows)
                        with counting:
                            report.add(outcome)
                    reached = in_flight.committed(batch.seq)
                    if reached is not None:
                        seq, checkpoint = reached
                        checkpoints.advance(seq, checkpoint)
                        in_flight.saved(checkpoint.source, seq)
                except BaseException as error:  # re-raised on the calling thread
                    failure.append(error)
                    in_flight.fail()

        threads = [
            threading.Thread(target=writer, name=f"neo4j-writer-{n}", daemon=True)
            for n in range(self.writers)
        ]
        for thread in threads:
            thread.start()
        try:
            for path in paths:
                if failure:
                    break
                self._load_file(path, report, batches, in_flight, failure)
        finally:
            for _ in threads:
                batches.put(None)
            for thread in threads:
                thread.join()
            self.quarantine.sync()
        if failure:
            raise failure[0]
        # Also settles what a crashed earlier run left pending.
        report.identities = resolve_pending_identities(self.driver, self.database)
        report.quarantined = self.quarantine.count
        report.seconds = time.perf_counter() - started
        return report

    def _load_file(
        self,
        path: Path,
        report: LoadReport,
        batches: queue.Queue[_Batch | None],
        in_flight: InFlight,
        failure: list[BaseException],
    ) -> None:
        source = str(path.resolve())
        print_ = fingerprint(path)
        previous = fetch_checkpoint(self.driver, self.database, source)
        resume_after = 0
        if previous is not None and previous.fingerprint == print_ and not self.rescan:
            if previous.done:
                report.files_skipped += 1
                self.on_progress(count_records(path) or 0)
                return
            resume_after = previous.position
        report.files += 1
        rows: list[PaperRow] = []
        last_location = resume_after
        for item in self._records(path):
            if failure:
                return
            report.records += 1
            self.on_progress(1)
            if item.location <= resume_after:
                report.resumed_past += 1
                continue
            last_location = item.location
            if isinstance(item, RejectedRecord):
                self.quarantine.add(item)
                continue
            rows.append(self.rows.paper_row(item))
            if len(rows) >= self.batch_size:
                checkpoint = Checkpoint(source, print_, last_location, done=False)
                batches.put(self._batch(rows, checkpoint, in_flight))
                rows = []
        checkpoint = Checkpoint(source, print_, last_location, done=True)
        batches.put(self._batch(rows, checkpoint, in_flight))

    def _records(self, path: Path) -> Iterator[PaperRecord | RejectedRecord]:
        try:
            records = iter_records(path, self.rows.taxonomy)
        except (UnknownFormatError, OSError) as error:
            # A whole file we cannot read is reported like a bad record, and the load goes on.
            yield RejectedRecord(str(path), 1, "record", None, str(error))
            return
        yield from records

    def _batch(self, rows: list[PaperRow], checkpoint: Checkpoint, in_flight: InFlight) -> _Batch:
        # Topics are committed before a batch that needs them is queued: another writer may
        # commit a later batch first, and its IN_TOPIC edges need the topic nodes.
        codes = {t["code"] for row in rows for t in row["topics"]} - self._topics_written
        if codes:
            upsert_topics(self.driver, self.database, self.rows.topic_rows(codes))
            self._topics_written |= codes
        seq = in_flight.admit(frozenset(row["arxivId"] for row in rows), checkpoint)
        return _Batch(seq=seq, rows=rows)
