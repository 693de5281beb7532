"""API-derived JSON (dmarx/stars `arxiv_metadata.json`): one object keyed by arXiv id.

The file is a single JSON object, so it is streamed member by member: a buffer holds the
current member plus at most one 64 KiB read chunk, and `json.JSONDecoder.raw_decode`
parses a member once it is complete. Memory therefore depends on the largest record, not
on the file size. `location` is the 1-based member number. Two schema generations coexist
in one file (see SOURCES.md): categories as strings or as Atom-style `{"@term": ...}`
dicts, keys with or without a version suffix.
"""

from __future__ import annotations

import codecs
import json
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from loaders.atom import atom_versions
from loaders.dates import arxiv_date, parse_iso_datetime
from loaders.identifiers import InvalidArxivIdError, normalise_arxiv_id, split_dois
from loaders.names import normalise_whitespace, parse_display_name
from loaders.records import Author, FieldError, PaperRecord, RejectedRecord
from loaders.streams import open_binary
from loaders.taxonomy import clean_categories

Parsed = PaperRecord | RejectedRecord
_CHUNK = 1 << 16
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


class _Truncated(Exception):
    """The input ended in the middle of the object."""


def iter_apijson_records(path: Path) -> Iterator[Parsed]:
    source = str(path)
    count = 0
    with open_binary(path) as stream:
        try:
            for key, value in _iter_members(stream):
                count += 1
                yield parse_apijson_member(key, value, source, count)
        except (
            _Truncated,
            json.JSONDecodeError,
            UnicodeDecodeError,
            EOFError,
            zlib.error,
        ) as error:
            yield RejectedRecord(
                source,
                count + 1,
                "record",
                None,
                f"JSON object ends or breaks inside member {count + 1} ({count} complete members "
                f"read before): {type(error).__name__}: {error}",
            )


def _iter_members(stream: IO[bytes]) -> Iterator[tuple[str, object]]:
    reader = _Reader(stream)
    reader.expect("{")
    if reader.peek() == "}":
        return
    while True:
        key = reader.value()
        if not isinstance(key, str):
            raise json.JSONDecodeError("expected a string key", reader.buffer, reader.position)
        reader.expect(":")
        yield key, reader.value()
        separator = reader.peek()
        reader.position += 1
        if separator == "}":
            return
        if separator != ",":
            raise json.JSONDecodeError("expected ',' or '}'", reader.buffer, reader.position - 1)


class _Reader:
    """A text buffer over a byte stream that grows only until the next value parses."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self.buffer = ""
        self.position = 0
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = self._stream.read(_CHUNK)
        if not chunk:
            self._eof = True
            self.buffer += self._utf8.decode(b"", final=True)
            return False
        # Drop what has been consumed so the buffer holds at most the current member.
        self.buffer = self.buffer[self.position :] + self._utf8.decode(chunk)
        self.position = 0
        return True

    def peek(self) -> str:
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position] in _WHITESPACE:
                self.position += 1
            if self.position < len(self.buffer):
                return self.buffer[self.position]
            if not self._fill():
                raise _Truncated("unexpected end of input")

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise json.JSONDecodeError(f"expected {char!r}", self.buffer, self.position)
        self.position += 1

    def value(self) -> object:
        self.peek()
        while True:
            try:
                result, end = _DECODER.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise
            # A number or literal cut at the buffer end parses but may be incomplete.
            if end == len(self.buffer) and self._fill():
                continue
            self.position = end
            return result


def parse_apijson_member(key: str, value: object, source: str, location: int) -> Parsed:
    try:
        if not isinstance(value, dict):
            raise FieldError(key, "a JSON object describing one paper", value)
        raw_id = value.get("id") or key
        if not isinstance(raw_id, str):
            raise FieldError("id", "an arXiv id or abs URL string", raw_id)
        try:
            arxiv_id, version = normalise_arxiv_id(raw_id)
        except InvalidArxivIdError as error:
            raise FieldError("id", "an arXiv id or abs URL", raw_id) from error
        return _record(value, arxiv_id, version, source, location)
    except FieldError as error:
        return RejectedRecord(source, location, "record", _id_or_none(key), str(error))


def _record(
    data: dict[str, object], arxiv_id: str, version: int | None, source: str, location: int
) -> PaperRecord:
    title = normalise_whitespace(_string(data, "title") or "")
    if not title:
        raise FieldError("title", "a non-empty string", data.get("title"))
    published = _timestamp(data, "published")
    updated = _timestamp(data, "updated")
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=normalise_whitespace(_string(data, "abstract") or ""),
        authors=_authors(data.get("authors")),
        categories=clean_categories(
            _category_terms(data.get("categories")), _string(data, "primary_category")
        ),
        versions=atom_versions(version, published, updated),
        first_submitted=arxiv_date(published),
        last_updated=arxiv_date(updated or published),
        dois=split_dois(_string(data, "doi")),
        journal_ref=_text(data, "journal_ref"),
        comments=_text(data, "comment"),
        report_no=None,
        license=None,
        submitter=None,
        datestamp=None,
        source=source,
        location=location,
    )


def _authors(value: object) -> tuple[Author, ...]:
    if not isinstance(value, list):
        raise FieldError("authors", "a list of author names", value)
    authors: list[Author] = []
    for index, item in enumerate(value):
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str):
            raise FieldError(f"authors[{index}]", "a name string or {name: ...}", item)
        author = parse_display_name(name)
        if author is not None:
            authors.append(author)
    return tuple(authors)


def _category_terms(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError("categories", "a list of codes or {'@term': code} objects", value)
    terms: list[str] = []
    for item in value:
        term = item.get("@term") if isinstance(item, dict) else item
        if not isinstance(term, str):
            raise FieldError("categories", "category codes as strings", item)
        # MSC/ACM entries can pack several codes into one string: "68T45, 68T07".
        terms.extend(t for t in term.replace(";", " ").replace(",", " ").split())
    return terms


def _timestamp(data: dict[str, object], key: str) -> datetime | None:
    value = data.get(key)
    return parse_iso_datetime(value, key) if value is not None else None


def _string(data: dict[str, object], key: str) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise FieldError(key, "a string or null", value)


def _text(data: dict[str, object], key: str) -> str | None:
    value = _string(data, key)
    return normalise_whitespace(value) or None if value else None


def _id_or_none(raw: str) -> str | None:
    try:
        return normalise_arxiv_id(raw)[0]
    except InvalidArxivIdError:
        return None
