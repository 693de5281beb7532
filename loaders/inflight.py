"""Batches between the reading thread and the writer threads that commit them.

Several writers commit batches at once (Neo4j runs one transaction on one core; two keep both
cores busy), so batches can commit out of order. `InFlight` keeps the two promises that makes
safe:

- A file's checkpoint never claims a record whose batch has not committed. It advances over the
  committed prefix of the file's batches only, and `Checkpoints` saves it in its own small
  transaction, one save at a time, so it only moves forward. A crash between a batch's commit
  and its checkpoint costs that batch being written again: every write is an idempotent upsert.
- A batch holding a paper id that an earlier batch also holds waits until that batch is
  committed *and* covered by a saved checkpoint. So the later occurrence of a record wins, as
  it does within one batch and with one writer, and a crash cannot leave the later copy
  committed and checkpointed while the earlier one is read again on the re-run.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from graphdb.ingest import Checkpoint


@dataclass(slots=True)
class _Entry:
    ids: frozenset[str]
    checkpoint: Checkpoint
    committed: bool = False


class InFlight:
    """Admits batches in reading order and reports how far each file's checkpoint may move.

    One per load: a batch stays here from `admit` until a saved checkpoint covers it.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._entries: dict[int, _Entry] = {}
        self._uncommitted: dict[str, deque[int]] = {}  # per source, in reading order
        self._unsaved: dict[str, deque[int]] = {}  # per source: committed, not yet checkpointed
        self._next = 0
        self._failed = False

    def admit(self, ids: frozenset[str], checkpoint: Checkpoint) -> int:
        """Register a batch before it is queued; waits while a batch here shares an id."""
        with self._changed:
            self._changed.wait_for(
                lambda: (
                    self._failed
                    or all(ids.isdisjoint(e.ids) for e in self._entries.values() if e.ids)
                )
            )
            seq = self._next
            self._next += 1
            self._entries[seq] = _Entry(ids, checkpoint)
            self._uncommitted.setdefault(checkpoint.source, deque()).append(seq)
            return seq

    def committed(self, seq: int) -> tuple[int, Checkpoint] | None:
        """The batch committed: the checkpoint its file may now move to and the seq of the batch
        it belongs to, if it moved."""
        with self._changed:
            entry = self._entries[seq]
            entry.committed = True
            source = entry.checkpoint.source
            order = self._uncommitted[source]
            reached: tuple[int, Checkpoint] | None = None
            while order and self._entries[order[0]].committed:
                done = order.popleft()
                self._unsaved.setdefault(source, deque()).append(done)
                reached = (done, self._entries[done].checkpoint)
            return reached

    def saved(self, source: str, seq: int) -> None:
        """A checkpoint covering the file's batches up to `seq` is saved: release them."""
        with self._changed:
            unsaved = self._unsaved.get(source, deque())
            while unsaved and unsaved[0] <= seq:
                del self._entries[unsaved.popleft()]
            self._changed.notify_all()

    def fail(self) -> None:
        """The load is failing: release every batch, so the reading thread never waits."""
        with self._changed:
            self._failed = True
            self._changed.notify_all()


class Checkpoints:
    """Saves checkpoints one at a time, never moving a file's checkpoint backwards."""

    def __init__(self, save: Callable[[Checkpoint], None]) -> None:
        self._save = save
        self._lock = threading.Lock()
        self._saved: dict[str, int] = {}

    def advance(self, seq: int, checkpoint: Checkpoint) -> None:
        """Save the checkpoint of batch `seq`, unless a later batch's was saved already."""
        with self._lock:
            if self._saved.get(checkpoint.source, -1) > seq:
                return
            self._save(checkpoint)
            self._saved[checkpoint.source] = seq
