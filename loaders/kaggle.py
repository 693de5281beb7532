"""The Kaggle/Cornell arXiv snapshot: one JSON object per line, read line by line.

Names come from `authors_parsed` (already decoded, but TeX decoding is applied anyway);
affiliations come from the parentheses of the raw `authors` string, where arXiv's
numbered ("(1) CREST, ...") and trailing affiliations are resolved properly. When the two
disagree on the number of authors, the raw string wins: on the sample that reproduces the
OAI author lists, which `authors_parsed` does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import orjson

from loaders.dates import arxiv_date, parse_iso_date, parse_rfc2822
from loaders.identifiers import InvalidArxivIdError, normalise_arxiv_id, split_dois
from loaders.names import build_author, normalise_whitespace, split_author_string
from loaders.records import Author, FieldError, PaperRecord, RejectedRecord, Version
from loaders.streams import READ_ERRORS, open_binary
from loaders.taxonomy import clean_categories

# Unresolved numbered references ("1 and 2") that Kaggle leaves in `authors_parsed`.
_NUMBER_REFS = re.compile(r"\d+(?:\s*(?:,|and|&)\s*\d+)*")


def iter_kaggle_records(path: Path) -> Iterator[PaperRecord | RejectedRecord]:
    """Each line becomes a record or a rejection; one bad line never stops the file."""
    source = str(path)
    line_number = 0
    with open_binary(path) as stream:
        try:
            for line_number, line in enumerate(stream, start=1):
                if line.strip():
                    yield parse_kaggle_line(line, source, line_number)
        except READ_ERRORS as error:
            yield RejectedRecord(
                source,
                line_number + 1,
                "line",
                None,
                f"input ends or breaks after line {line_number}: {type(error).__name__}: {error}",
            )


def parse_kaggle_line(
    line: bytes | str, source: str, line_number: int
) -> PaperRecord | RejectedRecord:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return RejectedRecord(source, line_number, "line", None, f"invalid JSON: {error}")
    if not isinstance(data, dict):
        found = type(data).__name__
        return RejectedRecord(
            source, line_number, "line", None, f"expected a JSON object, found {found}"
        )
    raw_id = data.get("id")
    try:
        if not isinstance(raw_id, str):
            raise FieldError("id", "an arXiv identifier string", raw_id)
        try:
            arxiv_id = normalise_arxiv_id(raw_id)[0]
        except InvalidArxivIdError as error:
            raise FieldError("id", "an arXiv identifier", raw_id) from error
        return _record(data, arxiv_id, source, line_number)
    except FieldError as error:
        guessed = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
        return RejectedRecord(source, line_number, "line", guessed, str(error))


def _record(data: dict[str, object], arxiv_id: str, source: str, line_number: int) -> PaperRecord:
    title = _optional_str(data, "title")
    if not title or not title.strip():
        raise FieldError("title", "a non-empty string", data.get("title"))
    versions = _versions(data.get("versions"))
    update_date = _optional_str(data, "update_date")
    last_updated: date | None = parse_iso_date(update_date, "update_date") if update_date else None
    first = versions[0].created if versions else None
    if last_updated is None and versions:
        last_updated = arxiv_date(versions[-1].created)
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=normalise_whitespace(title),
        abstract=normalise_whitespace(_optional_str(data, "abstract") or ""),
        authors=_authors(data),
        categories=clean_categories((_optional_str(data, "categories") or "").split()),
        versions=versions,
        first_submitted=arxiv_date(first),
        last_updated=last_updated,
        dois=split_dois(_optional_str(data, "doi")),
        journal_ref=_optional_text(data, "journal-ref"),
        comments=_optional_text(data, "comments"),
        report_no=_optional_text(data, "report-no"),
        license=_optional_text(data, "license"),
        submitter=_optional_text(data, "submitter"),
        datestamp=None,
        source=source,
        location=line_number,
    )


def _versions(value: object) -> tuple[Version, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FieldError("versions", "a list of {version, created} objects", value)
    versions: list[Version] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("version"), str):
            raise FieldError(f"versions[{index}]", "an object with a 'version' string", item)
        label = item["version"]
        created = item.get("created")
        versions.append(
            Version(
                label, parse_rfc2822(created, f"versions[{index}].created") if created else None
            )
        )
    return tuple(versions)


def _authors(data: dict[str, object]) -> tuple[Author, ...]:
    raw = data.get("authors")
    if not isinstance(raw, str):
        raise FieldError("authors", "a string of author names", raw)
    from_string = split_author_string(raw)
    parsed = data.get("authors_parsed")
    if parsed is None:
        return tuple(from_string)
    from_parsed = _parsed_authors(parsed)
    if len(from_parsed) != len(from_string):
        # Kaggle's parse loses co-authors hidden behind "et al (for the X Collaboration)".
        return tuple(from_string) if from_string else tuple(from_parsed)
    return tuple(
        _with_affiliations(named, located.affiliations or named.affiliations)
        for named, located in zip(from_parsed, from_string, strict=True)
    )


def _parsed_authors(value: object) -> list[Author]:
    if not isinstance(value, list):
        raise FieldError(
            "authors_parsed", "a list of [keyname, forenames, suffix, ...] lists", value
        )
    authors: list[Author] = []
    for index, entry in enumerate(value):
        if not isinstance(entry, list) or not all(isinstance(p, str) for p in entry):
            raise FieldError(f"authors_parsed[{index}]", "a list of strings", entry)
        # Entries are [keyname, forenames, suffix, affiliation...]; some are shorter.
        keyname, forenames, suffix = [*entry, "", "", ""][:3]
        affiliations = [a for a in entry[3:] if a.strip() and not _NUMBER_REFS.fullmatch(a.strip())]
        author = build_author(keyname, forenames, suffix, affiliations)
        if author is not None:
            authors.append(author)
    return authors


def _with_affiliations(author: Author, affiliations: tuple[str, ...]) -> Author:
    if author.is_collaboration or affiliations == author.affiliations:
        return author
    return Author(author.name, author.keyname, author.forenames, author.suffix, affiliations, False)


def _optional_str(data: dict[str, object], key: str) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise FieldError(key, "a string or null", value)


def _optional_text(data: dict[str, object], key: str) -> str | None:
    value = _optional_str(data, key)
    return normalise_whitespace(value) or None if value else None
