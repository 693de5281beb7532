"""OAI-PMH responses from export.arxiv.org/oai2: ListRecords / GetRecord pages.

Handles metadataPrefix `arXiv` (structured authors with affiliations), `arXivRaw` (author
string plus dated versions) and `oai_dc` (Dublin Core). Elements are matched by local name
because harvested pages do not agree on namespaces. Deleted records are skipped silently;
an `<error>` element becomes `OaiError`. Parsing streams with `iterparse`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

from lxml import etree

from loaders.dates import arxiv_date, parse_iso_date, parse_rfc2822
from loaders.identifiers import InvalidArxivIdError, normalise_arxiv_id, split_dois
from loaders.names import build_author, normalise_whitespace, split_author_string
from loaders.records import Author, FieldError, PaperRecord, RejectedRecord, Version
from loaders.streams import (
    READ_ERRORS,
    Fields,
    child,
    child_text,
    children,
    iter_elements,
    local_name,
    open_binary,
    text_of,
)
from loaders.taxonomy import Taxonomy, clean_categories

Parsed = PaperRecord | RejectedRecord
_STREAMED = frozenset({"record", "resumptionToken", "error"})


@dataclass(frozen=True, slots=True)
class ResumptionToken:
    """Where a ListRecords harvest continues; an empty token means the list is complete."""

    token: str | None
    complete_list_size: int | None
    cursor: int | None

    @property
    def is_final(self) -> bool:
        return not self.token


class OaiError(Exception):
    """An OAI-PMH `<error code="...">` response (e.g. noRecordsMatch, badResumptionToken)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"OAI-PMH error {code}: {message}")


def parse_list_records_page(
    data: bytes, source: str, taxonomy: Taxonomy | None = None
) -> tuple[list[Parsed], ResumptionToken | None]:
    """Parse one harvested page; raises `OaiError` when the server answered with an error."""
    records: list[Parsed] = []
    token: ResumptionToken | None = None
    for item in _iter_stream(io.BytesIO(data), source, taxonomy):
        if isinstance(item, ResumptionToken):
            token = item
        else:
            records.append(item)
    return records, token


def parse_resumption_token(element: etree._Element) -> ResumptionToken:
    return ResumptionToken(
        token=(element.text or "").strip() or None,
        complete_list_size=_int_attribute(element, "completeListSize"),
        cursor=_int_attribute(element, "cursor"),
    )


def iter_oai_records(path: Path, taxonomy: Taxonomy | None = None) -> Iterator[Parsed]:
    """Records of an OAI-PMH file; a server error other than noRecordsMatch is rejected."""
    source = str(path)
    with open_binary(path) as stream:
        try:
            for item in _iter_stream(stream, source, taxonomy):
                if not isinstance(item, ResumptionToken):
                    yield item
        except OaiError as error:
            if error.code != "noRecordsMatch":
                yield RejectedRecord(source, 1, "record", None, str(error))


def _iter_stream(
    stream: IO[bytes], source: str, taxonomy: Taxonomy | None
) -> Iterator[Parsed | ResumptionToken]:
    count = 0
    try:
        for element in iter_elements(stream, _STREAMED):
            name = local_name(element)
            if name == "record":
                count += 1
                parsed = _parse_record(element, source, count, taxonomy)
                if parsed is not None:
                    yield parsed
            elif name == "resumptionToken":
                yield parse_resumption_token(element)
            else:
                raise OaiError(
                    element.get("code", "unknown"), normalise_whitespace(element.text or "")
                )
    except READ_ERRORS as error:
        yield RejectedRecord(
            source,
            count + 1,
            "record",
            None,
            f"input ends or breaks inside record {count + 1} ({count} complete records read "
            f"before): {type(error).__name__}: {error}",
        )


def _parse_record(
    element: etree._Element, source: str, location: int, taxonomy: Taxonomy | None
) -> Parsed | None:
    header = child(element, "header")
    header_id = child_text(header, "identifier") if header is not None else None
    if header is not None and header.get("status") == "deleted":
        return None
    metadata = child(element, "metadata")
    element_payload = next(iter(metadata), None) if metadata is not None else None
    payload = Fields(element_payload) if element_payload is not None else None
    try:
        if element_payload is None or payload is None:
            raise FieldError("metadata", "one metadata element", None)
        kind = local_name(element_payload)
        datestamp = (
            _optional_date(child_text(header, "datestamp"), "datestamp")
            if header is not None
            else None
        )
        if kind == "arXiv":
            return _from_arxiv(payload, header_id, datestamp, source, location)
        if kind == "arXivRaw":
            return _from_arxiv_raw(payload, header_id, datestamp, source, location)
        if kind == "dc":
            return _from_dc(payload, header_id, datestamp, source, location, taxonomy)
        raise FieldError("metadata", "arXiv, arXivRaw or oai_dc metadata", kind)
    except FieldError as error:
        return RejectedRecord(source, location, "record", _guess_id(payload, header_id), str(error))


def _from_arxiv(
    payload: Fields,
    header_id: str | None,
    datestamp: date | None,
    source: str,
    location: int,
) -> PaperRecord:
    authors_element = payload.first("authors")
    authors = [
        build_author(
            child_text(a, "keyname"),
            child_text(a, "forenames"),
            child_text(a, "suffix"),
            [t for t in (text_of(x) for x in children(a, "affiliation")) if t],
        )
        for a in (children(authors_element, "author") if authors_element is not None else [])
    ]
    created = _optional_date(payload.text("created"), "created")
    updated = _optional_date(payload.text("updated"), "updated")
    return _record(
        payload,
        header_id,
        datestamp,
        source,
        location,
        authors=tuple(a for a in authors if a is not None),
        versions=(),
        first_submitted=created,
        # No <updated> means the paper was never revised after <created>.
        last_updated=updated or created,
        submitter=None,
    )


def _from_arxiv_raw(
    payload: Fields,
    header_id: str | None,
    datestamp: date | None,
    source: str,
    location: int,
) -> PaperRecord:
    versions = tuple(_raw_version(v) for v in payload.all("version"))
    dated = [arxiv_date(v.created) for v in versions if v.created is not None]
    return _record(
        payload,
        header_id,
        datestamp,
        source,
        location,
        authors=tuple(split_author_string(payload.text("authors") or "")),
        versions=versions,
        first_submitted=dated[0] if dated else None,
        last_updated=dated[-1] if dated else None,
        submitter=_clean(payload.text("submitter")),
    )


def _raw_version(element: etree._Element) -> Version:
    label = element.get("version")
    if not label:
        raise FieldError("version", "a version attribute like 'v1'", label)
    date_text = child_text(element, "date")
    created: datetime | None = (
        parse_rfc2822(date_text, f"version {label} date") if date_text else None
    )
    return Version(label, created)


def _record(
    payload: Fields,
    header_id: str | None,
    datestamp: date | None,
    source: str,
    location: int,
    *,
    authors: tuple[Author, ...],
    versions: tuple[Version, ...],
    first_submitted: date | None,
    last_updated: date | None,
    submitter: str | None,
) -> PaperRecord:
    title = _clean(payload.text("title"))
    if title is None:
        raise FieldError("title", "a non-empty title", None)
    return PaperRecord(
        arxiv_id=_arxiv_id(payload.text("id") or header_id),
        title=title,
        abstract=normalise_whitespace(payload.text("abstract") or ""),
        authors=authors,
        categories=clean_categories((payload.text("categories") or "").split()),
        versions=versions,
        first_submitted=first_submitted,
        last_updated=last_updated,
        dois=split_dois(payload.text("doi")),
        journal_ref=_clean(payload.text("journal-ref")),
        comments=_clean(payload.text("comments")),
        report_no=_clean(payload.text("report-no")),
        license=_clean(payload.text("license")),
        submitter=submitter,
        datestamp=datestamp,
        source=source,
        location=location,
    )


def _from_dc(
    payload: Fields,
    header_id: str | None,
    datestamp: date | None,
    source: str,
    location: int,
    taxonomy: Taxonomy | None,
) -> PaperRecord:
    texts = {
        name: [t for t in (text_of(e) for e in payload.all(name)) if t]
        for name in ("title", "creator", "subject", "description", "date", "identifier")
    }
    title = _clean(texts["title"][0] if texts["title"] else None)
    if title is None:
        raise FieldError("dc:title", "a non-empty title", None)
    authors = [build_author(*_split_creator(c)) for c in texts["creator"]]
    url_ids = [i for i in texts["identifier"] if "arxiv.org/abs/" in i]
    dois = [i for i in texts["identifier"] if i.lower().startswith(("doi:", "10."))]
    other = [i for i in texts["identifier"] if i not in url_ids and i not in dois]
    descriptions = [normalise_whitespace(d) for d in texts["description"]]
    comments = [
        d.removeprefix("Comment:").strip() for d in descriptions if d.startswith("Comment:")
    ]
    abstracts = [d for d in descriptions if not d.startswith("Comment:")]
    dates = [parse_iso_date(d, "dc:date") for d in texts["date"]]
    return PaperRecord(
        arxiv_id=_arxiv_id(url_ids[0] if url_ids else header_id),
        title=title,
        abstract=abstracts[0] if abstracts else "",
        authors=tuple(a for a in authors if a is not None),
        categories=clean_categories(_subject_codes(texts["subject"], taxonomy)),
        versions=(),
        first_submitted=dates[0] if dates else None,
        last_updated=dates[-1] if dates else None,
        dois=split_dois(" ".join(dois)),
        # arXiv's oai_dc puts the journal reference among the identifiers.
        journal_ref=_clean(other[0]) if other else None,
        comments=comments[0] if comments else None,
        report_no=None,
        license=None,
        submitter=None,
        datestamp=datestamp,
        source=source,
        location=location,
    )


def _split_creator(creator: str) -> tuple[str, str | None]:
    # Dublin Core writes "Keyname, Forenames"; a collaboration has no comma.
    keyname, _, forenames = creator.partition(",")
    return keyname, forenames or None


def _subject_codes(subjects: list[str], taxonomy: Taxonomy | None) -> list[str]:
    # oai_dc subjects are names ("Mathematics - Combinatorics"); only a loaded taxonomy
    # can turn them into codes. Subjects that already are codes pass through.
    codes: list[str] = []
    for subject in subjects:
        code = taxonomy.code_for_name(subject) if taxonomy is not None else None
        codes.append(code or subject.strip())
    return codes


def _arxiv_id(raw: str | None) -> str:
    if raw is None:
        raise FieldError("id", "an arXiv identifier", None)
    try:
        return normalise_arxiv_id(raw)[0]
    except InvalidArxivIdError as error:
        raise FieldError("id", "an arXiv identifier", raw) from error


def _guess_id(payload: Fields | None, header_id: str | None) -> str | None:
    for raw in (payload.text("id") if payload is not None else None, header_id):
        if raw:
            try:
                return normalise_arxiv_id(raw)[0]
            except InvalidArxivIdError:
                continue
    return None


def _optional_date(text: str | None, field: str) -> date | None:
    return parse_iso_date(text, field) if text else None


def _clean(text: str | None) -> str | None:
    return normalise_whitespace(text) or None if text else None


def _int_attribute(element: etree._Element, name: str) -> int | None:
    value = element.get(name)
    return int(value) if value is not None and value.strip().isdigit() else None
