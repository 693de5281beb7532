"""Resolvers for papers."""

from __future__ import annotations

from graphdb.papers import Authorship, Paper, PaperSearch, PaperTopic, search_papers
from resolvers.context import Info
from resolvers.errors import InvalidArgumentError
from resolvers.ids import Kind, parse_key
from resolvers.loaders import MaybeAwaitable, load_now
from resolvers.pagination import check_first, parse_offset_cursor
from resolvers.researchers import clean_search


async def load_paper(info: Info, arxiv_id: str) -> Paper | None:
    return await info.context.loaders.paper.load(parse_key(arxiv_id, Kind.PAPER))


def load_authorships(info: Info, arxiv_id: str) -> MaybeAwaitable[tuple[Authorship, ...]]:
    return load_now(info.context.loaders.authorships, arxiv_id)


def load_paper_topics(info: Info, arxiv_id: str) -> MaybeAwaitable[tuple[PaperTopic, ...]]:
    return load_now(info.context.loaders.paper_topics, arxiv_id)


async def search(
    info: Info,
    query: str,
    first: int,
    after: str | None,
    topic: str | None,
    year_from: int | None,
    year_to: int | None,
) -> tuple[int, int, list[Paper]]:
    check_first(first, info.context.limits.max_first)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidArgumentError(f"yearFrom ({year_from}) is after yearTo ({year_to})")
    code = parse_key(topic, Kind.TOPIC) if topic is not None else None
    offset = parse_offset_cursor(after)
    total, ids = await search_papers(
        info.context.reader, PaperSearch(clean_search(query), code, year_from, year_to),
        offset, first,
    )  # fmt: skip
    found = await info.context.loaders.paper.load_many(ids)
    return total, offset, [p for p in found if p is not None]
