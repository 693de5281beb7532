"""`loaders.inflight`: checkpoints of batches that commit out of order, shared paper ids."""

from __future__ import annotations

import threading

from graphdb.ingest import Checkpoint
from loaders.inflight import Checkpoints, InFlight


def _checkpoint(source: str, position: int, done: bool = False) -> Checkpoint:
    return Checkpoint(source, "print", position, done)


def test_a_checkpoint_moves_only_over_committed_batches() -> None:
    flight = InFlight()
    first = flight.admit(frozenset({"a"}), _checkpoint("f", 100))
    second = flight.admit(frozenset({"b"}), _checkpoint("f", 200))
    third = flight.admit(frozenset({"c"}), _checkpoint("f", 300, done=True))
    other = flight.admit(frozenset({"d"}), _checkpoint("g", 50, done=True))
    # The later batches commit first: the file's checkpoint may not claim them yet.
    assert flight.committed(third) is None
    assert flight.committed(second) is None
    assert flight.committed(other) == (other, _checkpoint("g", 50, done=True))
    # The first one commits: the checkpoint jumps over all three at once.
    assert flight.committed(first) == (third, _checkpoint("f", 300, done=True))


def test_a_batch_waits_while_another_in_flight_holds_one_of_its_papers() -> None:
    flight = InFlight()
    first = flight.admit(frozenset({"a", "b"}), _checkpoint("f", 100))
    admitted = threading.Event()

    def admit_second() -> None:
        flight.admit(frozenset({"b", "c"}), _checkpoint("f", 200))
        admitted.set()

    thread = threading.Thread(target=admit_second, daemon=True)
    thread.start()
    assert not admitted.wait(0.3)  # "b" is still being written by the first batch
    flight.admit(frozenset({"x"}), _checkpoint("g", 1))  # unrelated papers: no wait
    flight.committed(first)
    assert admitted.wait(5)
    thread.join()


def test_an_abandoned_batch_releases_its_papers_and_holds_the_checkpoint() -> None:
    flight = InFlight()
    first = flight.admit(frozenset({"a"}), _checkpoint("f", 100))
    flight.abandoned(first)
    second = flight.admit(frozenset({"a"}), _checkpoint("f", 200))  # does not block
    assert flight.committed(second) is None  # the first never committed


def test_checkpoints_never_move_backwards() -> None:
    saved: list[Checkpoint] = []
    checkpoints = Checkpoints(saved.append)
    checkpoints.advance(5, _checkpoint("f", 500, done=True))
    checkpoints.advance(4, _checkpoint("f", 500))  # an earlier batch's, saved late
    checkpoints.advance(1, _checkpoint("g", 10))
    assert saved == [_checkpoint("f", 500, done=True), _checkpoint("g", 10)]
