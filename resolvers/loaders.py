"""The DataLoaders of one request: each batch function is one `UNWIND $keys` query.

Keys that carry arguments (a page size, a cursor) are tuples, so the same field asked with
different arguments in one request is still answered correctly, and still in one query.
With `batching=False` (a benchmark switch, SCHOLARGRAPH_DATALOADERS=0) every load costs its
own query, as if each resolver queried Neo4j itself: no batching, no per-request cache, no
look-ahead. That is the N+1 baseline the DataLoaders are measured against.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

from strawberry.dataloader import DataLoader

from graphdb.claims import Claim, fetch_claims
from graphdb.connection import GraphReader
from graphdb.graphslice import Neighbourhood, fetch_neighbourhoods
from graphdb.institutions import Institution, fetch_institutions
from graphdb.invitations import Invitation, fetch_invitations
from graphdb.mentions import Researcher
from graphdb.papers import (
    Authorship,
    Paper,
    PaperTopic,
    fetch_authorships,
    fetch_paper_topics,
    fetch_papers_by_arxiv_ids,
)
from graphdb.profiles import Profile, ProfileRequest, fetch_profiles
from graphdb.researchers import (
    Collaborator,
    ResearcherStats,
    TopicShare,
    WorksPage,
    WorksRequest,
    fetch_collaborators,
    fetch_researcher_stats,
    fetch_researchers,
    fetch_topic_shares,
    fetch_works_pages,
)
from graphdb.topics import Topic, fetch_primary_counts, fetch_topics
from graphdb.users import User, fetch_following, fetch_users

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")

MaybeAwaitable: TypeAlias = V | Awaitable[V]


def load_now(loader: DataLoader[K, V], key: K) -> MaybeAwaitable[V]:
    """`loader.load(key)`, or the value itself when this request already holds it.

    Never `await` the result directly: return it from a resolver, chain it with `then`, or
    use `await_maybe`.

    A resolver that returns a value rather than an awaitable costs graphql-core no task and no
    event-loop turn: a works page primes the authors and topics of its 100 papers, and
    answering those 200 fields synchronously is a measured part of a page's time.
    """
    if loader.cache:
        future = loader.cache_map.get(key)
        # cancelled() before exception(), which raises on a cancelled future.
        if (
            future is not None
            and future.done()
            and not future.cancelled()
            and future.exception() is None
        ):
            return future.result()
    return loader.load(key)


def then(value: MaybeAwaitable[V], step: Callable[[V], R]) -> MaybeAwaitable[R]:
    """`step(value)`, now if the value is there, else once it has arrived."""
    if inspect.isawaitable(value):
        pending = value

        async def later() -> R:
            return step(await pending)

        return later()
    return step(value)


def answer_from(
    loader: DataLoader[K, V], key: K, source: Awaitable[R], part: Callable[[R], V]
) -> asyncio.Future[V]:
    """Let `loader` answer `key` with `part` of a load already on its way (look-ahead).

    The answer goes in the loader's cache, so a later `load(key)` waits for `source` instead
    of querying again; an error of `source` is the answer's error.
    """
    origin = asyncio.ensure_future(source)
    answer: asyncio.Future[V] = origin.get_loop().create_future()

    def settle(done: asyncio.Future[R]) -> None:
        if answer.done():  # cancelled with the resolver that waited for it
            return
        if done.cancelled():
            answer.cancel()
        elif (error := done.exception()) is not None:
            answer.set_exception(error)
        else:
            answer.set_result(part(done.result()))

    origin.add_done_callback(settle)
    loader.cache_map.set(key, answer)
    return answer


@dataclass(frozen=True, slots=True)
class Loaders:
    caching: bool  # False: the N+1 baseline (no batching, no per-request cache, no look-ahead)
    researcher: DataLoader[str, Researcher | None]
    stats: DataLoader[str, ResearcherStats | None]
    works: DataLoader[WorksRequest, WorksPage]
    topic_shares: DataLoader[tuple[str, int], tuple[TopicShare, ...]]
    collaborators: DataLoader[tuple[str, int, int], tuple[Collaborator, ...]]
    profile: DataLoader[ProfileRequest, Profile]  # the three above in one query
    paper: DataLoader[str, Paper | None]
    authorships: DataLoader[str, tuple[Authorship, ...]]
    paper_topics: DataLoader[str, tuple[PaperTopic, ...]]
    topic: DataLoader[str, Topic | None]
    topic_primary_counts: DataLoader[str, int]
    institution: DataLoader[tuple[str, int], Institution | None]
    neighbourhood: DataLoader[tuple[str, int, int], Neighbourhood | None]
    user: DataLoader[str, User | None]
    following: DataLoader[tuple[str, str], bool]  # (user id, researcher id)
    claim: DataLoader[str, Claim | None]
    invitation: DataLoader[str, Invitation | None]


def create_loaders(reader: GraphReader, *, batching: bool = True) -> Loaders:
    def loader(
        fetch: Callable[[GraphReader, Sequence[K]], Awaitable[Sequence[V]]],
    ) -> DataLoader[K, V]:
        async def load(keys: list[K]) -> list[V]:
            return list(await fetch(reader, keys))

        return DataLoader(load_fn=load, max_batch_size=None if batching else 1, cache=batching)

    return Loaders(
        caching=batching,
        researcher=loader(fetch_researchers),
        stats=loader(fetch_researcher_stats),
        works=loader(fetch_works_pages),
        topic_shares=loader(fetch_topic_shares),
        collaborators=loader(fetch_collaborators),
        profile=loader(fetch_profiles),
        paper=loader(fetch_papers_by_arxiv_ids),
        authorships=loader(fetch_authorships),
        paper_topics=loader(fetch_paper_topics),
        topic=loader(fetch_topics),
        topic_primary_counts=loader(fetch_primary_counts),
        institution=loader(fetch_institutions),
        neighbourhood=loader(fetch_neighbourhoods),
        user=loader(fetch_users),
        following=loader(fetch_following),
        claim=loader(fetch_claims),
        invitation=loader(fetch_invitations),
    )
