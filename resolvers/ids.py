"""Ids as clients see them: Relay global ids ("Researcher:r-…") and the keys they wrap.

Global ids are readable on purpose: `Type:key`, where key is the entity's key in the graph
(`Researcher.id`, `Paper.arxivId`, `Topic.code`, `Institution.id`), so an analyst can go from
an API response to Cypher and back. Malformed ids are rejected with what was expected.
"""

from __future__ import annotations

import re
from enum import Enum

from resolvers.errors import InvalidIdError

NEW_STYLE = re.compile(r"^\d{4}\.\d{4,5}$")
OLD_STYLE = re.compile(r"^[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}$")
VERSION = re.compile(r"v\d+$")
RESEARCHER_KEY = re.compile(r"^r-[0-9a-f]{16}$")
TOPIC_KEY = re.compile(r"^[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z][A-Za-z-]*)?$")
INSTITUTION_KEY = re.compile(r"^(?:ror:[0-9a-z]{9}|inst:[0-9a-f]{16})$")


class Kind(Enum):
    RESEARCHER = "Researcher"
    PAPER = "Paper"
    TOPIC = "Topic"
    INSTITUTION = "Institution"


KEY_SHAPES = {
    Kind.RESEARCHER: RESEARCHER_KEY,
    Kind.TOPIC: TOPIC_KEY,
    Kind.INSTITUTION: INSTITUTION_KEY,
}
EXPECTED = {
    Kind.RESEARCHER: "'Researcher:r-<16 hex digits>' or 'r-<16 hex digits>'",
    Kind.PAPER: "'Paper:<arXiv id>' or an arXiv id such as 2104.12255 or hep-th/9901001",
    Kind.TOPIC: "'Topic:<arXiv category>' or a category code such as cs.LG",
    Kind.INSTITUTION: "'Institution:ror:<ROR id>' or 'Institution:inst:<16 hex digits>'",
}


def global_id(kind: Kind, key: str) -> str:
    return f"{kind.value}:{key}"


def parse_arxiv_id(raw: str) -> str:
    """Accept `0704.0001`, `2104.12255v1`, `hep-th/9901001`, `arXiv:…`; return it unversioned."""
    value = raw.strip()
    if value.lower().startswith("arxiv:"):
        value = value[6:]
    value = VERSION.sub("", value)
    if NEW_STYLE.match(value) or OLD_STYLE.match(value):
        return value
    raise InvalidIdError(
        f"{raw!r} is not an arXiv id: expected e.g. '2104.12255', '2104.12255v1' or "
        "'hep-th/9901001'"
    )


def parse_key(raw: str, kind: Kind) -> str:
    """The graph key inside `raw`, which may be a global id of `kind` or the bare key."""
    value = raw.strip()
    prefix = f"{kind.value}:"
    if value.startswith(prefix):
        value = value[len(prefix) :]
    if kind is Kind.PAPER:
        try:
            return parse_arxiv_id(value)
        except InvalidIdError:
            pass
    elif KEY_SHAPES[kind].match(value):
        return value
    raise InvalidIdError(f"{raw!r} is not a {kind.value} id: expected {EXPECTED[kind]}")


def parse_global_id(raw: str) -> tuple[Kind, str]:
    kind_name, sep, _ = raw.partition(":")
    kinds = {k.value: k for k in Kind}
    if not sep or kind_name not in kinds:
        raise InvalidIdError(
            f"{raw!r} is not a global id: expected '<Type>:<key>' with Type one of "
            + ", ".join(sorted(kinds))
        )
    kind = kinds[kind_name]
    return kind, parse_key(raw, kind)
