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


def _admits_in_background(flight: InFlight, ids: set[str], source: str) -> threading.Event:
    admitted = threading.Event()

    def admit() -> None:
        flight.admit(frozenset(ids), _checkpoint(source, 200))
        admitted.set()

    threading.Thread(target=admit, daemon=True).start()
    return admitted


def test_a_batch_waits_until_the_earlier_copy_is_committed_and_checkpointed() -> None:
    flight = InFlight()
    first = flight.admit(frozenset({"a", "b"}), _checkpoint("f", 100))
    admitted = _admits_in_background(flight, {"b", "c"}, "g")  # another file, same paper "b"
    assert not admitted.wait(0.3)  # "b" is still being written by the first batch
    flight.admit(frozenset({"x"}), _checkpoint("h", 1))  # unrelated papers: no wait
    assert flight.committed(first) == (first, _checkpoint("f", 100))
    # Committed is not enough: a crash now would read file f again from its old checkpoint,
    # writing the earlier copy over a later one committed meanwhile.
    assert not admitted.wait(0.3)
    flight.saved("f", first)
    assert admitted.wait(5)


def test_a_failing_load_lets_the_reader_go_on() -> None:
    flight = InFlight()
    flight.admit(frozenset({"a"}), _checkpoint("f", 100))
    admitted = _admits_in_background(flight, {"a"}, "f")
    assert not admitted.wait(0.3)
    flight.fail()
    assert admitted.wait(5)


def test_checkpoints_never_move_backwards() -> None:
    saved: list[Checkpoint] = []
    checkpoints = Checkpoints(saved.append)
    checkpoints.advance(5, _checkpoint("f", 500, done=True))
    checkpoints.advance(4, _checkpoint("f", 500))  # an earlier batch's, saved late
    checkpoints.advance(1, _checkpoint("g", 10))
    assert saved == [_checkpoint("f", 500, done=True), _checkpoint("g", 10)]
