"""Real records, mutated field by field: each becomes a record or a rejection, never an
exception, and each record becomes a row Neo4j stores (an unstorable value would fail a whole
batch's transaction). Deterministic: the mutations are enumerated, not random."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from loaders.kaggle import parse_kaggle_line
from loaders.oai import iter_oai_records
from loaders.records import PaperRecord, RejectedRecord
from loaders.rows import RowBuilder
from loaders.taxonomy import Taxonomy
from scholargraph.settings import Settings
from tests.loading import load_files

pytestmark = pytest.mark.sample

KAGGLE = "kaggle_neo4j_graph_builder/arxiv-metadata.jsonl"
OAI_PAGE = "oai_arxiv_recommender/listrecords_arXiv_page00.xml.gz"
RECORDS = 12  # real records to mutate, each in every way below

# Values of the wrong type, out of range, empty, huge or hostile, for any JSON field.
ODD_JSON: tuple[object, ...] = (
    None,
    0,
    -1,
    2**70,
    1.5,
    True,
    "",
    " \n\t",
    "\x00",
    "x" * 20_000,
    [],
    {},
    ["a", 1],
    [[]],
    [{}],
    [None],
    "Mon, 2 Apr 99999 19:18:42 GMT",
    "2007-13-45",
    "0000-00-00",
    "hep-th/99999999",
    "1234.56789v0",
    "Bal\\'azs, \\\\, {{{, }}}, $\\frac{$",
    "((((( and ) and (",
)
# The same spirit for XML element text.
ODD_TEXT: tuple[str, ...] = (
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999999",
    "x" * 20_000,
    "2007-13-45",
    "0000-00-00",
    "99999-01-01",
    "Mon, 2 Apr 99999 19:18:42 GMT",
    "hep-th/99999999",
    "1234.56789v0",
    "Bal\\'azs \\\\ {{{ }}} $\\frac{$",
    "((((( and ) and (",
    "&amp;&lt;",
)

INT64 = (-(2**63), 2**63 - 1)


def storable(value: object) -> bool:
    """A value Neo4j stores as a property (None only where it means "no property")."""
    if isinstance(value, bool | float | str | date | datetime):
        return True
    if isinstance(value, int):
        return INT64[0] <= value <= INT64[1]
    if isinstance(value, list | tuple):  # of one kind of scalar: Neo4j has no nested lists
        kinds = {type(v) for v in value}
        return len(kinds) <= 1 and all(
            not isinstance(v, list | tuple) and storable(v) for v in value
        )
    return False


def assert_storable_row(row: Any, where: str) -> None:
    for key, value in row["props"].items():
        assert value is None or storable(value), (where, "props", key, value)
    for key in ("arxivId", "contentHash", "freshness"):
        assert isinstance(row[key], str), (where, key, row[key])
    for author in row["authors"]:
        for key, value in author.items():
            assert storable(value), (where, "author", key, value)
    for entry in (*row["topics"], *row.get("institutions", [])):
        for key, value in entry.items():
            assert value is None or storable(value), (where, key, value)


def kaggle_mutants(lines: list[str]) -> Iterator[tuple[str, str]]:
    for number, line in enumerate(lines, start=1):
        data = json.loads(line)
        for key in list(data):
            yield (
                f"{number}: without {key}",
                json.dumps({k: v for k, v in data.items() if k != key}),
            )
            for value in ODD_JSON:
                yield f"{number}: {key}={value!r:.40}", json.dumps({**data, key: value})
        for nested in ("versions", "authors_parsed"):
            items = data.get(nested) or []
            for value in ODD_JSON:
                if items:
                    mutated = [value, *items[1:]]
                    yield (
                        f"{number}: {nested}[0]={value!r:.40}",
                        json.dumps({**data, nested: mutated}),
                    )
                if nested == "versions" and items:
                    entry = {**items[0], "created": value}
                    mutated = [entry, *items[1:]]
                    yield f"{number}: created={value!r:.40}", json.dumps({**data, nested: mutated})
        for cut in range(1, len(line), max(1, len(line) // 9)):
            yield f"{number}: cut at {cut}", line[:cut]


@pytest.fixture(scope="module")
def rows() -> RowBuilder:
    return RowBuilder(Taxonomy.builtin_fallback())


def test_mutated_kaggle_lines_never_raise(arxiv_data_dir: Path, rows: RowBuilder) -> None:
    lines = (arxiv_data_dir / KAGGLE).read_text(encoding="utf-8").splitlines()[:RECORDS]
    outcomes = {"record": 0, "rejected": 0}
    for number, (what, line) in enumerate(kaggle_mutants(lines), start=1):
        parsed = parse_kaggle_line(line, "fuzz.jsonl", number)
        if isinstance(parsed, RejectedRecord):
            assert parsed.location == number and parsed.reason, what
            outcomes["rejected"] += 1
            continue
        assert isinstance(parsed, PaperRecord), what
        assert_storable_row(rows.paper_row(parsed), what)
        outcomes["record"] += 1
    # Both outcomes are exercised: the mutations are neither all harmless nor all fatal.
    assert outcomes["record"] > 1000 and outcomes["rejected"] > 1000, outcomes


def _oai_records(arxiv_data_dir: Path) -> tuple[str, list[str], str]:
    page = gzip.decompress((arxiv_data_dir / OAI_PAGE).read_bytes()).decode()
    start = page.index("<record>")
    end = page.rindex("</record>") + len("</record>")
    records = re.findall(r"<record>.*?</record>", page[start:end], re.S)[:RECORDS]
    return page[:start], records, page[end:]


def oai_mutants(records: list[str]) -> Iterator[tuple[str, str]]:
    for number, record in enumerate(records, start=1):
        # Every element with text only: dropped, emptied, or given odd text.
        for match in re.finditer(r"<(\w+)(?: [^>]*)?>([^<]*)</\1>", record):
            name, text = match.group(1), match.group(2)
            before, after = record[: match.start()], record[match.end() :]
            yield f"{number}: without <{name}>", before + after
            for odd in ODD_TEXT:
                escaped = odd if odd.startswith("&") else odd.replace("&", "&amp;")
                element = match.group(0).replace(f">{text}<", f">{escaped}<", 1)
                yield f"{number}: <{name}>{odd:.40}", before + element + after


def _oai_mutant_page(arxiv_data_dir: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    """One page of all the mutants: a record that raised would end the page there."""
    head, records, tail = _oai_records(arxiv_data_dir)
    mutants = list(oai_mutants(records))
    page = tmp_path / "mutants.xml"
    page.write_text(head + "\n".join(record for _, record in mutants) + tail, encoding="utf-8")
    return page, [what for what, _ in mutants]


def test_mutated_oai_records_never_raise(
    arxiv_data_dir: Path, rows: RowBuilder, tmp_path: Path
) -> None:
    page, mutants = _oai_mutant_page(arxiv_data_dir, tmp_path)
    parsed = list(iter_oai_records(page))
    assert len(parsed) == len(mutants)
    outcomes = {"record": 0, "rejected": 0}
    for what, item in zip(mutants, parsed, strict=True):
        if isinstance(item, RejectedRecord):
            assert item.reason, what
            outcomes["rejected"] += 1
            continue
        assert_storable_row(rows.paper_row(item), what)
        outcomes["record"] += 1
    assert outcomes["record"] > 500 and outcomes["rejected"] > 100, outcomes


def test_mutated_kaggle_lines_load_into_neo4j(
    arxiv_data_dir: Path, clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    # The real proof that the rows are storable: every mutant that parses is written, in
    # batches holding many copies of one id, and every one that does not is quarantined.
    lines = (arxiv_data_dir / KAGGLE).read_text(encoding="utf-8").splitlines()[:4]
    mutants = [line for _, line in kaggle_mutants(lines)]
    source = tmp_path / "mutants.jsonl"
    source.write_text("\n".join(mutants) + "\n", encoding="utf-8")
    parsed = [parse_kaggle_line(line, str(source), n) for n, line in enumerate(mutants, 1)]
    assert_loaded(clean_graph, settings, source, parsed, tmp_path)


def test_mutated_oai_records_load_into_neo4j(
    arxiv_data_dir: Path, clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    page, _ = _oai_mutant_page(arxiv_data_dir, tmp_path)
    assert_loaded(clean_graph, settings, page, list(iter_oai_records(page)), tmp_path)


def assert_loaded(
    graph: Driver,
    settings: Settings,
    source: Path,
    parsed: list[PaperRecord | RejectedRecord],
    tmp_path: Path,
) -> None:
    """Loading `source` writes every parsed copy and quarantines every rejected one."""
    records = [p for p in parsed if isinstance(p, PaperRecord)]
    report = load_files(graph, settings, [source], tmp_path / "q.jsonl")
    assert report.quarantined == len(parsed) - len(records) > 0
    assert report.created + report.updated + report.unchanged + report.stale == len(records)
    papers, _, _ = graph.execute_query("MATCH (p:Paper) RETURN collect(p.arxivId) AS ids")
    assert sorted(papers[0]["ids"]) == sorted({r.arxiv_id for r in records})
