"""Work queues drained by several threads at once, split by the last digit of the id.

Researcher ids end in a hex digit ("r-" + blake2b hex), so threads that take disjoint sets of
last digits work on disjoint researchers and never wait on each other's locks.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

HEX_DIGITS = "0123456789abcdef"


def drain_in_shards(
    drain_shard: Callable[[list[str]], int], drain_rest: Callable[[], int], workers: int
) -> int:
    """Run `drain_shard` for each of `workers` disjoint sets of last digits at once, then
    `drain_rest` for whatever no shard covers (an id not ending in a hex digit).

    Returns the sum of what they report (how many items they worked through).
    """
    shards = [list(HEX_DIGITS[n::workers]) for n in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = sum(pool.map(drain_shard, shards))
    return done + drain_rest()
