"""Offline initial load: records → rows → CSV files for `neo4j-admin database import full`.

The transactional loader (`loaders.ingest`) is for a live graph; this path builds one from
nothing. neo4j-admin itself is fast (~8,000 papers/s at 200k), but the restart, the index
builds and settling on a cold server cost more than it saves on 2 cores (docs/benchmarks.md).
It writes the graph the loader writes, decided by the same code (`RowBuilder` rows, the same
researcher ids), with the loader's rules reproduced here:

* papers: the first copy of an id is written; a later copy replaces it unless its content is
  unchanged or it is older (`freshness`), exactly the loader's created/updated/unchanged/stale;
* researchers: only those on the surviving AUTHORED edges (the loader's identity step deletes
  the others); their properties come from their first written occurrence, their name variants,
  display name and AFFILIATED_WITH from the surviving edges, as `graphdb.identities` computes;
* topics: every category of every record read; institutions: those of every written copy.

Every researcher is labelled `PendingBlock`, as the loader labels every researcher it touches,
and those in a block where an initials-only and a full-name researcher meet also
`PendingIdentity`, so that `graphdb.identities.resolve_pending_identities`, run after the
import, takes the merge decisions and stores every trust score, each once, with the same Cypher
as after a transactional load.

Memory: papers stream to disk, but a small entry per paper id (for duplicates), one per
researcher (properties and name variants), institution and topic, and one per
(researcher, institution) pair stay in memory until the end: it grows with the number of
distinct entities, not with the size of the text.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from graphdb.ingest import PaperRow, add_spelling, display_name
from loaders.formats import iter_records
from loaders.quarantine import Quarantine
from loaders.records import PaperRecord, RejectedRecord
from loaders.rows import RowBuilder

# neo4j-admin reads arrays split on this character; nothing we store contains it.
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "U+001F"
# Every imported researcher joins the settling step's trust queue (`graphdb.trust`).
RESEARCHER_LABELS = "Researcher" + ARRAY_DELIMITER + "PendingBlock"

PAPER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "title"),
    ("abstract", "abstract"),
    ("year", "year:long"),
    ("firstSubmitted", "firstSubmitted:date"),
    ("lastUpdated", "lastUpdated:date"),
    ("versions", "versions:string[]"),
    ("versionDates", "versionDates:datetime[]"),
    ("dois", "dois:string[]"),
    ("doi", "doi"),
    ("journalRef", "journalRef"),
    ("comments", "comments"),
    ("reportNo", "reportNo"),
    ("license", "license"),
    ("submitter", "submitter"),
    ("primaryTopic", "primaryTopic"),
    ("authorsCount", "authorsCount:long"),
)
PAPER_HEADER = (
    "copy:IGNORE",
    "arxivId:ID(Paper)",
    *(header for _, header in PAPER_COLUMNS),
    "contentHash",
    "freshness",
)
AUTHORED_HEADER = (
    "copy:IGNORE",
    ":START_ID(Researcher)",
    ":END_ID(Paper)",
    "position:long",
    "name",
    "initials",
    "institutionIds:string[]",
    "year:IGNORE",
)
IN_TOPIC_HEADER = ("copy:IGNORE", ":START_ID(Paper)", ":END_ID(Topic)", "primary:boolean")
RESEARCHER_HEADER = (
    "id:ID(Researcher)",
    ":LABEL",
    "nameKey",
    "field",
    "block",
    "initialsOnly:boolean",
    "initials",
    "isCollaboration:boolean",
    "nameVariants:string[]",
    "name",
    "nameVariantsText",
)
TOPIC_HEADER = (
    "code:ID(Topic)",
    "name",
    "archive",
    "group",
    "groupName",
    "active:boolean",
)
INSTITUTION_HEADER = ("id:ID(Institution)", "name", "nameKey", "rorId")
AFFILIATED_HEADER = (
    ":START_ID(Researcher)",
    ":END_ID(Institution)",
    "works:long",
    "firstYear:long",
    "lastYear:long",
)


@dataclass(frozen=True, slots=True)
class ImportFiles:
    """The CSV files of one import, and the neo4j-admin arguments that read them."""

    directory: Path
    nodes: tuple[tuple[str, Path], ...]  # (label or "", file)
    relationships: tuple[tuple[str, Path], ...]  # (type, file)

    def admin_arguments(self, database: str = "neo4j") -> list[str]:
        arguments = [
            "database",
            "import",
            "full",
            database,
            "--overwrite-destination=true",
            f"--array-delimiter={ARRAY_DELIMITER_OPTION}",
            "--multiline-fields=true",
            "--high-parallel-io=on",
            f"--report-file={self.directory / 'import.report'}",
        ]
        arguments += [f"--nodes={label + '=' if label else ''}{path}" for label, path in self.nodes]
        arguments += [f"--relationships={kind}={path}" for kind, path in self.relationships]
        return arguments


@dataclass(slots=True)
class BulkReport:
    records: int = 0
    quarantined: int = 0
    papers: int = 0
    updated: int = 0  # later copies that replaced an earlier one
    unchanged: int = 0
    stale: int = 0
    researchers: int = 0
    pending: int = 0  # researchers left for `resolve_pending_identities` to settle
    institutions: int = 0
    topics: int = 0
    authored: int = 0
    in_topic: int = 0
    affiliated: int = 0
    csv_seconds: float = 0.0
    import_seconds: float = 0.0
    settle_seconds: float = 0.0

    @property
    def total_seconds(self) -> float:
        return self.csv_seconds + self.import_seconds + self.settle_seconds

    @property
    def papers_per_second(self) -> float:
        return self.papers / self.total_seconds if self.total_seconds else 0.0


@dataclass(slots=True)
class _Researcher:
    props: dict[str, Any]
    names: dict[str, str] = field(default_factory=dict)  # spelling -> its (least) initials


@dataclass(frozen=True, slots=True)
class _Copy:
    content_hash: str
    freshness: str
    copy: int
    topics: int


class ImportWriter:
    """Streams rows into CSV files; `finish` writes the aggregated entities."""

    def __init__(self, directory: Path, rows: RowBuilder) -> None:
        self.directory = directory
        self.rows = rows
        self.report = BulkReport()
        self._papers: dict[str, _Copy] = {}
        self._replaced: set[int] = set()
        self._researchers: dict[str, _Researcher] = {}
        self._institutions: dict[str, tuple[str, str, str, str | None]] = {}
        self._topics: set[str] = set()
        self._copies = 0
        directory.mkdir(parents=True, exist_ok=True)
        self._handles = {
            name: open(directory / f"{name}.raw.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
            for name in ("papers", "authored", "in_topic")
        }
        self._handles["papers"].write(_csv_line(PAPER_HEADER))
        self._handles["authored"].write(_csv_line(AUTHORED_HEADER))
        self._handles["in_topic"].write(_csv_line(IN_TOPIC_HEADER))

    def add(self, record: PaperRecord) -> None:
        self.report.records += 1
        row = self.rows.paper_row(record)
        self._topics.update(t["code"] for t in row["topics"])
        known = self._papers.get(row["arxivId"])
        if known is not None:
            if known.content_hash == row["contentHash"]:
                self.report.unchanged += 1
                return
            if known.freshness > row["freshness"]:
                self.report.stale += 1
                return
            self._replaced.add(known.copy)
            self.report.updated += 1
            self.report.in_topic -= known.topics
        self._copies += 1
        self._papers[row["arxivId"]] = _Copy(
            row["contentHash"], row["freshness"], self._copies, len(row["topics"])
        )
        self.report.in_topic += len(row["topics"])
        self._write_paper(row, self._copies)

    def _write_paper(self, row: PaperRow, copy: int) -> None:
        props = row["props"]
        arxiv_id = row["arxivId"]
        self._handles["papers"].write(
            _csv_line(
                (
                    copy,
                    arxiv_id,
                    *(props.get(key) for key, _ in PAPER_COLUMNS),
                    row["contentHash"],
                    row["freshness"],
                )
            )
        )
        year = props.get("year")
        authored = self._handles["authored"]
        for author in row["authors"]:
            if author["id"] not in self._researchers:
                self._researchers[author["id"]] = _Researcher(
                    {
                        "nameKey": author["nameKey"],
                        "field": author["field"],
                        "block": f"{author['nameKey']}|{author['field']}",
                        "initialsOnly": author["initialsOnly"],
                        "isCollaboration": author["isCollaboration"],
                    }
                )
            authored.write(
                _csv_line(
                    (
                        copy,
                        author["id"],
                        arxiv_id,
                        author["position"],
                        author["name"],
                        author["initials"],
                        author["institutionIds"],
                        year,
                    )
                )
            )
        in_topic = self._handles["in_topic"]
        for topic in row["topics"]:
            in_topic.write(_csv_line((copy, arxiv_id, topic["code"], topic["primary"])))
        for inst in row.get("institutions", []):
            known = self._institutions.get(inst["id"])
            # The greatest spelling names the institution, as in graphdb.ingest.
            if known is None or inst["name"] > known[1]:
                self._institutions[inst["id"]] = (
                    inst["id"],
                    inst["name"],
                    inst["nameKey"],
                    inst["rorId"],
                )

    def finish(self) -> ImportFiles:
        for handle in self._handles.values():
            handle.close()
        directory = self.directory
        papers = self._filtered("papers")
        in_topic = self._filtered("in_topic")
        authored = self._filtered("authored")
        self.report.papers = len(self._papers)
        affiliations = self._aggregate_edges(authored)
        self._write(directory / "affiliated_with.csv", AFFILIATED_HEADER, affiliations)
        self._write(directory / "researchers.csv", RESEARCHER_HEADER, self._researcher_rows())
        self._write(directory / "institutions.csv", INSTITUTION_HEADER, self._institutions.values())
        self._write(directory / "topics.csv", TOPIC_HEADER, self._topic_rows())
        self.report.institutions = len(self._institutions)
        self.report.topics = len(self._topics)
        return ImportFiles(
            directory,
            nodes=(
                ("Paper", papers),
                ("", directory / "researchers.csv"),
                ("Topic", directory / "topics.csv"),
                ("Institution", directory / "institutions.csv"),
            ),
            relationships=(
                ("AUTHORED", authored),
                ("IN_TOPIC", in_topic),
                ("AFFILIATED_WITH", directory / "affiliated_with.csv"),
            ),
        )

    def _filtered(self, name: str) -> Path:
        """The raw file without the records of replaced copies (the raw file if none were).

        Every non-null cell is quoted, so a record ends at a line break that follows an even
        number of quotes; its first cell is the unquoted copy number.
        """
        raw = self.directory / f"{name}.raw.csv"
        if not self._replaced:
            return raw
        target = self.directory / f"{name}.csv"
        with (
            open(raw, newline="", encoding="utf-8") as source,
            open(target, "w", newline="", encoding="utf-8") as sink,
        ):
            sink.write(next(source))
            record, quotes = "", 0
            for line in source:
                record += line
                quotes += line.count('"')
                if quotes % 2:
                    continue
                if int(record.split(",", 1)[0]) not in self._replaced:
                    sink.write(record)
                record, quotes = "", 0
        raw.unlink()
        return target

    def _aggregate_edges(self, authored: Path) -> Iterator[tuple[object, ...]]:
        """Names per researcher and AFFILIATED_WITH, from the surviving AUTHORED edges."""
        pairs: dict[tuple[str, str], list[int | None]] = {}
        used: set[str] = set()
        edges = 0
        with open(authored, newline="", encoding="utf-8") as source:
            reader = csv.reader(source)
            next(reader)
            for _, rid, _, _, name, initials, institutions, year_text in reader:
                edges += 1
                used.add(rid)
                add_spelling(self._researchers[rid].names, name, initials)
                year = int(year_text) if year_text else None
                for iid in institutions.split(ARRAY_DELIMITER) if institutions else ():
                    entry = pairs.get((rid, iid))
                    if entry is None:
                        pairs[(rid, iid)] = [1, year, year]
                        continue
                    entry[0] = (entry[0] or 0) + 1
                    if year is not None:
                        entry[1] = year if entry[1] is None else min(entry[1], year)
                        entry[2] = year if entry[2] is None else max(entry[2], year)
        self.report.authored = edges
        self._researchers = {rid: r for rid, r in self._researchers.items() if rid in used}
        self.report.affiliated = len(pairs)
        for (rid, iid), (works, first, last) in sorted(pairs.items()):
            yield rid, iid, works, first, last

    def _researcher_rows(self) -> Iterator[tuple[object, ...]]:
        # Blocks where `graphdb.identities` may merge an initials-only researcher into a
        # full-name one: they are left pending for it.
        initials_blocks: set[str] = set()
        full_blocks: set[str] = set()
        for r in self._researchers.values():
            if r.props["isCollaboration"]:
                continue
            (initials_blocks if r.props["initialsOnly"] else full_blocks).add(r.props["block"])
        contested = initials_blocks & full_blocks
        self.report.researchers = len(self._researchers)
        for rid in sorted(self._researchers):
            researcher = self._researchers[rid]
            props = researcher.props
            names = sorted(researcher.names)
            name = display_name(names)
            pending = not props["isCollaboration"] and props["block"] in contested
            self.report.pending += pending
            yield (
                rid,
                RESEARCHER_LABELS + (ARRAY_DELIMITER + "PendingIdentity" if pending else ""),
                props["nameKey"],
                props["field"],
                props["block"],
                props["initialsOnly"],
                researcher.names[name],  # initials of the display name (add_spelling)
                props["isCollaboration"],
                names,
                name,
                "".join(" " + n for n in names),
            )

    def _topic_rows(self) -> Iterator[tuple[object, ...]]:
        for code in sorted(self._topics):
            for topic in self.rows.topic_rows([code]):
                yield (
                    topic["code"],
                    topic["name"],
                    topic["archive"],
                    topic["group"],
                    topic["groupName"],
                    topic["active"],
                )

    @staticmethod
    def _write(path: Path, header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> None:
        with open(path, "w", newline="", encoding="utf-8") as sink:
            sink.write(_csv_line(header))
            sink.writelines(_csv_line(row) for row in rows)


def write_import_files(
    paths: Iterable[Path], rows: RowBuilder, directory: Path, quarantine: Quarantine
) -> tuple[ImportFiles, BulkReport]:
    """Parse `paths` in order (as `scholargraph load arxiv` would) into import CSV files."""
    started = time.perf_counter()
    writer = ImportWriter(directory, rows)
    for path in paths:
        for item in iter_records(path, rows.taxonomy):
            if isinstance(item, RejectedRecord):
                quarantine.add(item)
                writer.report.records += 1
                writer.report.quarantined += 1
                continue
            writer.add(item)
    files = writer.finish()
    writer.report.csv_seconds = time.perf_counter() - started
    return files, writer.report


def _csv_line(cells: Iterable[object]) -> str:
    """One CSV record as neo4j-admin reads it: None is an empty, unquoted cell (no property);
    every other value is quoted, so "" is an empty string and an empty list an empty array."""
    return ",".join(_cell(value) for value in cells) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return '"' + _text(value).replace('"', '""') + '"'


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ARRAY_DELIMITER.join(_text(v) for v in value)
    return str(value)
