"""The plain records every arXiv parser produces, whatever the source format.

Parsers yield `PaperRecord` for a usable record and `RejectedRecord` for one that must go to
quarantine; the DB writer consumes both without knowing which format they came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

LocationKind = Literal["line", "record"]


@dataclass(frozen=True, slots=True)
class Author:
    """One author (or collaboration) of a paper, names decoded from TeX to Unicode."""

    name: str
    keyname: str
    forenames: str | None
    suffix: str | None
    affiliations: tuple[str, ...]
    is_collaboration: bool


@dataclass(frozen=True, slots=True)
class Version:
    """One arXiv version; `created` is tz-aware UTC, or None when the source omits it."""

    version: str
    created: datetime | None


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """One arXiv paper, normalised; `location` points back into `source` for error reports."""

    arxiv_id: str
    title: str
    abstract: str
    authors: tuple[Author, ...]
    categories: tuple[str, ...]
    versions: tuple[Version, ...]
    first_submitted: date | None
    last_updated: date | None
    dois: tuple[str, ...]
    journal_ref: str | None
    comments: str | None
    report_no: str | None
    license: str | None
    submitter: str | None
    datestamp: date | None
    source: str
    location: int

    @property
    def year(self) -> int | None:
        return self.first_submitted.year if self.first_submitted is not None else None

    @property
    def primary_category(self) -> str | None:
        return self.categories[0] if self.categories else None


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record that could not be parsed; `reason` names the field, the expectation, the value."""

    source: str
    location: int
    location_kind: LocationKind
    arxiv_id: str | None
    reason: str


class FieldError(ValueError):
    """Raised inside a format parser when one field is unusable; becomes a `RejectedRecord`."""

    def __init__(self, field: str, expected: str, found: object) -> None:
        self.field = field
        self.expected = expected
        self.found = found
        super().__init__(f"field {field!r}: expected {expected}, found {_preview(found)}")


def _preview(value: object, limit: int = 80) -> str:
    # Rejection reasons end up in logs and quarantine files; keep huge values readable.
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
