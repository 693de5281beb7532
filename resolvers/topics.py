"""Resolvers for topics and institutions."""

from __future__ import annotations

from graphdb.institutions import Institution
from graphdb.topics import Topic
from resolvers.context import Info
from resolvers.ids import Kind, parse_key
from resolvers.pagination import check_first


async def load_topic(info: Info, code: str) -> Topic | None:
    return await info.context.loaders.topic.load(parse_key(code, Kind.TOPIC))


async def load_institution(info: Info, raw_id: str, first: int = 10) -> Institution | None:
    check_first(first, info.context.limits.max_first)
    return await info.context.loaders.institution.load((parse_key(raw_id, Kind.INSTITUTION), first))
