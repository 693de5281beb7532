"""arXiv API Atom feeds (export.arxiv.org/api/query), both the 2016 and 2026 generations.

The two generations differ only in where namespaces are declared, so elements are matched
by local name. Entries stream through `iterparse`; an API error entry (id under
/api/errors) is rejected with the API's own message.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from lxml import etree

from loaders.dates import arxiv_date, parse_iso_datetime
from loaders.identifiers import InvalidArxivIdError, normalise_arxiv_id, split_dois
from loaders.names import normalise_whitespace, parse_display_name
from loaders.records import Author, FieldError, PaperRecord, RejectedRecord, Version
from loaders.streams import (
    READ_ERRORS,
    child,
    child_text,
    children,
    iter_elements,
    open_binary,
    text_of,
)
from loaders.taxonomy import clean_categories

Parsed = PaperRecord | RejectedRecord


def iter_atom_records(path: Path) -> Iterator[Parsed]:
    source = str(path)
    count = 0
    with open_binary(path) as stream:
        try:
            for entry in iter_elements(stream, frozenset({"entry"})):
                count += 1
                yield parse_atom_entry(entry, source, count)
        except READ_ERRORS as error:
            yield RejectedRecord(
                source,
                count + 1,
                "record",
                None,
                f"input ends or breaks inside entry {count + 1} ({count} complete entries read "
                f"before): {type(error).__name__}: {error}",
            )


def parse_atom_entry(entry: etree._Element, source: str, location: int) -> Parsed:
    raw_id = child_text(entry, "id")
    if raw_id is not None and "/api/errors" in raw_id:
        message = normalise_whitespace(child_text(entry, "summary") or raw_id)
        return RejectedRecord(source, location, "record", None, f"arXiv API error entry: {message}")
    try:
        if raw_id is None:
            raise FieldError("id", "an arXiv abs URL like http://arxiv.org/abs/2202.12139v1", None)
        try:
            arxiv_id, version = normalise_arxiv_id(raw_id)
        except InvalidArxivIdError as error:
            raise FieldError("id", "an arXiv abs URL", raw_id) from error
        return _record(entry, arxiv_id, version, source, location)
    except FieldError as error:
        return RejectedRecord(source, location, "record", _id_or_none(raw_id), str(error))


def _record(
    entry: etree._Element, arxiv_id: str, version: int | None, source: str, location: int
) -> PaperRecord:
    title = normalise_whitespace(child_text(entry, "title") or "")
    if not title:
        raise FieldError("title", "a non-empty title", child_text(entry, "title"))
    published = _timestamp(entry, "published")
    updated = _timestamp(entry, "updated")
    primary = child(entry, "primary_category")
    terms = [c.get("term", "") for c in children(entry, "category")]
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=normalise_whitespace(child_text(entry, "summary") or ""),
        authors=tuple(a for a in (_author(e) for e in children(entry, "author")) if a is not None),
        categories=clean_categories(terms, primary.get("term") if primary is not None else None),
        versions=atom_versions(version, published, updated),
        first_submitted=arxiv_date(published),
        last_updated=arxiv_date(updated or published),
        dois=split_dois(child_text(entry, "doi")),
        journal_ref=_clean(child_text(entry, "journal_ref")),
        comments=_clean(child_text(entry, "comment")),
        report_no=None,
        license=None,
        submitter=None,
        datestamp=None,
        source=source,
        location=location,
    )


def atom_versions(
    latest: int | None, published: datetime | None, updated: datetime | None
) -> tuple[Version, ...]:
    """Versions v1..vN as far as an Atom entry reveals them.

    The id URL only tells the latest version N. `published` is when v1 appeared and
    `updated` when vN appeared, so v1 gets `published`, vN gets `updated`, and the versions
    in between get created=None rather than an invented date. Without a version in the id
    nothing is known and the result is empty.
    """
    if latest is None or latest < 1:
        return ()
    versions = [Version(f"v{n}", None) for n in range(1, latest + 1)]
    versions[0] = Version("v1", published)
    if latest > 1:
        versions[-1] = Version(f"v{latest}", updated)
    return tuple(versions)


def _author(element: etree._Element) -> Author | None:
    name = child_text(element, "name")
    if name is None:
        return None
    affiliations = [t for t in (text_of(a) for a in children(element, "affiliation")) if t]
    return parse_display_name(name, affiliations)


def _timestamp(entry: etree._Element, name: str) -> datetime | None:
    text = child_text(entry, name)
    return parse_iso_datetime(text, name) if text else None


def _clean(text: str | None) -> str | None:
    return normalise_whitespace(text) or None if text else None


def _id_or_none(raw: str | None) -> str | None:
    try:
        return normalise_arxiv_id(raw)[0] if raw else None
    except InvalidArxivIdError:
        return None
