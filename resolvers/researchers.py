"""Resolvers for researchers: thin functions over the request's DataLoaders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from strawberry.types.nodes import Selection

from graphdb.mentions import Researcher
from graphdb.researchers import (
    AuthorDetail,
    Collaborator,
    ResearcherStats,
    TopicShare,
    WorksPage,
    WorksRequest,
    search_researchers,
)
from resolvers.context import Info
from resolvers.errors import InvalidArgumentError
from resolvers.ids import Kind, parse_key
from resolvers.pagination import check_first, parse_keyset_cursor, parse_offset_cursor
from resolvers.selection import selects_any
from resolvers.trust import Trust, TrustInputs, compute_trust

EMPTY_STATS = ResearcherStats(0, 0, 0, 0, 0, None, None, ())


async def load_researcher(info: Info, raw_id: str) -> Researcher | None:
    return await info.context.loaders.researcher.load(parse_key(raw_id, Kind.RESEARCHER))


async def load_stats(info: Info, researcher_id: str) -> ResearcherStats:
    return await info.context.loaders.stats.load(researcher_id) or EMPTY_STATS


# Where a works connection's selection asks for what `Paper.authors/authorships` and
# `Paper.topics` resolve: those are brought along by the works query itself.
PAPER_PATHS = (("edges", "node"), ("nodes",))
AUTHORSHIP_PATHS = tuple((*prefix, "authorships") for prefix in PAPER_PATHS)
AUTHOR_PATHS = tuple((*prefix, "authors") for prefix in PAPER_PATHS)
# `Researcher` fields that need the claimant, which a `Mention` does not carry.
CLAIM_FIELDS = ("claimed", "verificationLevel", "openToCollaborate", "trust")
AUTHOR_CLAIM_PATHS = tuple((*path, name) for path in AUTHOR_PATHS for name in CLAIM_FIELDS)
TOPIC_PATHS = tuple((*prefix, "topics") for prefix in PAPER_PATHS)


def author_detail(selected: Sequence[Selection]) -> AuthorDetail:
    """What a works page should bring about its authors, read from the `works` selection."""
    if selects_any(selected, AUTHORSHIP_PATHS) or selects_any(selected, AUTHOR_CLAIM_PATHS):
        return AuthorDetail.AUTHORSHIPS
    if selects_any(selected, AUTHOR_PATHS):
        return AuthorDetail.MENTIONS
    return AuthorDetail.NONE


def works_request(
    info: Info,
    selected: Sequence[Selection],
    researcher_id: str,
    first: int,
    after: str | None,
    oldest_first: bool,
) -> WorksRequest:
    """The works loader's key for a `works` field whose selection is `selected`."""
    check_first(first, info.context.limits.max_first)
    # Look-ahead fills the request's DataLoader caches; without them (the N+1 baseline) it
    # would only cost time.
    ahead = info.context.loaders.caching
    return WorksRequest(
        researcher_id,
        first,
        parse_keyset_cursor(after),
        oldest_first,
        authors=author_detail(selected) if ahead else AuthorDetail.NONE,
        with_topics=ahead and selects_any(selected, TOPIC_PATHS),
    )


async def load_works(
    info: Info, researcher_id: str, first: int, after: str | None, oldest_first: bool
) -> WorksPage:
    loaders = info.context.loaders
    request = works_request(info, info.selected_fields, researcher_id, first, after, oldest_first)
    page = await loaders.works.load(request)
    for _, paper in page.papers:
        loaders.paper.prime(paper.arxiv_id, paper)
    loaders.authorships.prime_many(page.authorships)
    loaders.paper_topics.prime_many(page.topics)
    return page


def topic_shares_key(info: Info, researcher_id: str, first: int) -> tuple[str, int]:
    check_first(first, info.context.limits.max_first)
    return (researcher_id, first)


async def load_topic_shares(info: Info, researcher_id: str, first: int) -> tuple[TopicShare, ...]:
    key = topic_shares_key(info, researcher_id, first)
    return await info.context.loaders.topic_shares.load(key)


def collaborators_key(
    info: Info, researcher_id: str, first: int, min_shared: int
) -> tuple[str, int, int]:
    check_first(first, info.context.limits.max_first)
    if min_shared < 1:
        raise InvalidArgumentError(f"minSharedWorks must be at least 1 (got {min_shared})")
    return (researcher_id, first, min_shared)


async def load_collaborators(
    info: Info, researcher_id: str, first: int, min_shared: int
) -> tuple[Collaborator, ...]:
    key = collaborators_key(info, researcher_id, first, min_shared)
    return await info.context.loaders.collaborators.load(key)


async def load_trust(info: Info, researcher: Researcher) -> Trust:
    """The formula over what the page reads; account age as of the stored snapshot.

    `refresh_trust` stores the same computation on the researcher (`trustScore`) whenever an
    input changes, so page and graph agree (docs/trust.md).
    """
    stats = await load_stats(info, researcher.id)
    since = researcher.claimant_since
    as_of = researcher.trust_updated_at
    return compute_trust(
        TrustInputs(
            verification_level=researcher.verification_level,
            claimed=researcher.claimed,
            works=stats.works_count,
            collaborators=stats.collaborators_count,
            first_year=stats.first_year,
            last_year=stats.last_year,
            account_created=since.astimezone(UTC).date() if since else None,
            orcid_verified=researcher.orcid_verified,
        ),
        today=as_of.astimezone(UTC).date() if as_of else None,
    )


async def search(
    info: Info, query: str, first: int, after: str | None
) -> tuple[int, int, list[Researcher]]:
    """(total, offset of the page, researchers of the page plus one to tell hasNextPage)."""
    check_first(first, info.context.limits.max_first)
    text = clean_search(query, fuzzy=True)
    offset = parse_offset_cursor(after)
    total, ids = await search_researchers(info.context.reader, text, offset, first)
    found = await info.context.loaders.researcher.load_many(ids)
    return total, offset, [r for r in found if r is not None]


def clean_search(query: str, *, fuzzy: bool = False) -> str:
    """Lucene syntax is not for API clients: plain words, any of which may match.

    Names are matched fuzzily (a typo still finds the person); titles and abstracts are not,
    since fuzzy terms cost ten times as much over long texts.
    """
    words = [w for w in "".join(c if c.isalnum() else " " for c in query).split() if w]
    if not words:
        raise InvalidArgumentError("search: give at least one word or name")
    if len(words) > 20:
        raise InvalidArgumentError("search: at most 20 words")
    return " ".join(f"{w}~" if fuzzy and len(w) > 4 else w for w in words)
