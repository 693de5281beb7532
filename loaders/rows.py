"""From a parsed `PaperRecord` to the row `graphdb.ingest` writes.

Everything that decides what the graph holds for a record happens here, in plain Python, so it
is deterministic and testable: researcher ids (see `loaders.identity`), institution ids, topic
rows, the content hash that tells "unchanged" from "updated", and freshness, which keeps an
older copy of a record from overwriting a newer one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime

import orjson

from graphdb.ingest import AuthorRow, InstitutionRow, PaperRow, TopicRow
from loaders.affiliations import RorIndex, institution_key, normalise_institution_name
from loaders.identity import identify_authors
from loaders.records import PaperRecord
from loaders.taxonomy import Taxonomy


class RowBuilder:
    def __init__(self, taxonomy: Taxonomy, ror: RorIndex | None = None) -> None:
        self.taxonomy = taxonomy
        self.ror = ror

    def topic_rows(self, codes: Iterable[str]) -> list[TopicRow]:
        rows: list[TopicRow] = []
        for code in sorted(set(codes)):
            category = self.taxonomy.lookup(code)
            rows.append(
                TopicRow(
                    code=category.code,
                    name=category.name,
                    archive=category.archive,
                    group=category.group,
                    groupName=category.group_name,
                    active=category.active,
                )
            )
        return rows

    def institution(self, raw: str) -> InstitutionRow | None:
        key = institution_key(raw)
        if not key:
            return None
        match = self.ror.match(raw) if self.ror is not None else None
        if match is not None:
            # Every spelling that maps to this organisation carries the same name (ROR's, or the
            # greatest spelling wins in graphdb.ingest) and the key of that name, so neither
            # depends on which spelling a load meets first.
            short = match.ror_id.rstrip("/").rsplit("/", 1)[-1]
            return InstitutionRow(
                id=f"ror:{short}",
                name=match.name,
                nameKey=institution_key(match.name),
                rorId=match.ror_id,
            )
        digest = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
        return InstitutionRow(
            id=f"inst:{digest}", name=normalise_institution_name(raw), nameKey=key, rorId=None
        )

    def paper_row(self, record: PaperRecord) -> PaperRow:
        primary = record.primary_category
        institutions: dict[str, InstitutionRow] = {}
        authors: list[AuthorRow] = []
        identities = identify_authors(record.authors, primary)
        for position, (author, identity) in enumerate(
            zip(record.authors, identities, strict=True), start=1
        ):
            if identity is None:
                continue
            institution_ids: list[str] = []
            for raw in author.affiliations:
                row = self.institution(raw)
                if row is not None and row["id"] not in institution_ids:
                    institutions[row["id"]] = row
                    institution_ids.append(row["id"])
            authors.append(
                AuthorRow(
                    id=identity.id,
                    name=author.name,
                    nameKey=identity.name_key,
                    field=identity.field,
                    initialsOnly=identity.initials_only,
                    initials=identity.initials,
                    position=position,
                    isCollaboration=author.is_collaboration,
                    institutionIds=institution_ids,
                )
            )
        topics = [{"code": code, "primary": i == 0} for i, code in enumerate(record.categories)]
        version_dates = [v.created for v in record.versions]
        props: dict[str, object] = {
            "title": record.title,
            "abstract": record.abstract,
            "year": record.year,
            "firstSubmitted": record.first_submitted,
            "lastUpdated": record.last_updated,
            "versions": [v.version for v in record.versions],
            "versionDates": version_dates if all(version_dates) else None,
            "dois": list(record.dois),
            "doi": record.dois[0] if record.dois else None,
            "journalRef": record.journal_ref,
            "comments": record.comments,
            "reportNo": record.report_no,
            "license": record.license,
            "submitter": record.submitter,
            "primaryTopic": primary,
            "authorsCount": len(authors),
        }
        content = {"props": props, "authors": authors, "topics": topics}
        return PaperRow(
            arxivId=record.arxiv_id,
            contentHash=hashlib.blake2b(
                orjson.dumps(content, default=_encode, option=orjson.OPT_SORT_KEYS),
                digest_size=12,
            ).hexdigest(),
            freshness=_freshness(record),
            props=props,
            authors=authors,
            topics=topics,
            institutions=list(institutions.values()),
        )


def _freshness(record: PaperRecord) -> str:
    """How recent this copy of the record is: its latest known date, as an ISO string."""
    moments: list[date] = [d for d in (record.last_updated, record.datestamp) if d is not None]
    moments.extend(v.created.date() for v in record.versions if v.created is not None)
    if record.first_submitted is not None:
        moments.append(record.first_submitted)
    return max(moments).isoformat() if moments else ""


def _encode(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
