"""Validating the ids clients send, with errors that say what was expected."""

from __future__ import annotations

import re

from resolvers.errors import InvalidIdError

NEW_STYLE = re.compile(r"^\d{4}\.\d{4,5}$")
OLD_STYLE = re.compile(r"^[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}$")
VERSION = re.compile(r"v\d+$")


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
