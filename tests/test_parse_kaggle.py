import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from loaders.kaggle import iter_kaggle_records
from loaders.records import PaperRecord, RejectedRecord

KAGGLE = "kaggle_neo4j_graph_builder/arxiv-metadata.jsonl"


def _by_id(path: Path) -> dict[str, PaperRecord]:
    return {r.arxiv_id: r for r in iter_kaggle_records(path) if isinstance(r, PaperRecord)}


@pytest.mark.sample
def test_every_line_parses(arxiv_data_dir: Path) -> None:
    path = arxiv_data_dir / KAGGLE
    expected = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    results = list(iter_kaggle_records(path))
    assert [r for r in results if isinstance(r, RejectedRecord)] == []
    assert len(results) == expected == 1000
    assert [r.location for r in results] == list(range(1, 1001))


@pytest.mark.sample
def test_first_record_field_by_field(arxiv_data_dir: Path) -> None:
    record = _by_id(arxiv_data_dir / KAGGLE)["0704.0001"]
    assert [a.name for a in record.authors] == [
        "C. Balázs",
        "E. L. Berger",
        "P. M. Nadolsky",
        "C.-P. Yuan",
    ]
    assert record.authors[0].keyname == "Balázs"
    assert record.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert record.abstract.startswith("A fully differential calculation in perturbative")
    assert record.abstract.endswith("with judicious selection of events.")
    assert record.categories == ("hep-ph",)
    assert record.primary_category == "hep-ph"
    assert record.first_submitted == date(2007, 4, 2)
    assert record.year == 2007
    assert record.last_updated == date(2008, 11, 26)
    assert [v.version for v in record.versions] == ["v1", "v2"]
    assert record.versions[0].created == datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)
    assert record.dois == ("10.1103/PhysRevD.76.013009",)
    assert record.journal_ref == "Phys.Rev.D76:013009,2007"
    assert record.report_no == "ANL-HEP-PR-07-12"
    assert record.comments == "37 pages, 15 figures; published version"
    assert record.submitter == "Pavel Nadolsky"
    assert record.license is None
    assert record.source.endswith("arxiv-metadata.jsonl") and record.location == 1


@pytest.mark.sample
def test_known_quirky_records(arxiv_data_dir: Path) -> None:
    records = _by_id(arxiv_data_dir / KAGGLE)
    assert records["0704.0033"].dois == ("10.1364/JOSAA.23.002578", "10.1364/JOSAA.32.002407")
    assert records["0704.0002"].categories == ("math.CO", "cs.CG")
    # Submitted 02:26 GMT on 31 March = 30 March in arXiv's (Eastern) calendar, as OAI says.
    assert records["0704.0002"].first_submitted == date(2007, 3, 30)
    mishchenko = records["0704.0025"].authors[0]
    assert mishchenko.affiliations == (
        "CREST, Japan Science and Technology Agency",
        "Russian Research Centre ``Kurchatov Institute''",
    )
    babar = records["0704.0020"].authors[0]
    assert babar.is_collaboration and babar.name == "The BABAR Collaboration"
    heath = next(a for a in records["0704.0802"].authors if a.keyname == "Heath")
    assert (heath.suffix, heath.name) == ("Jr", "Robert W. Heath Jr")
    sudha = records["0704.0147"].authors[0]
    assert (sudha.name, sudha.forenames) == ("Sudha", None)
    assert all(r.authors for r in records.values())


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _good(arxiv_id: str, **changes: object) -> str:
    record: dict[str, object] = {
        "id": arxiv_id,
        "authors": "A. Author and B. Writer (Somewhere)",
        "title": "A title",
        "abstract": "  An abstract.\n",
        "categories": "hep-th math.AG",
        "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
        "update_date": "2008-11-26",
        "authors_parsed": [["Author", "A.", ""], ["Writer", "B.", ""]],
    }
    record.update(changes)
    return json.dumps(record)


def test_broken_lines_are_quarantined_and_parsing_continues(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path / "broken.jsonl",
        [
            _good("0704.0001"),
            _good("0704.0002"),
            '{"id": "0704.0003", "title": ',  # invalid JSON on line 3
            _good("0704.0004", id=None),
            _good("0704.0005", authors=["A. Author"]),
            _good("0704.0006", versions=[{"version": "v1", "created": "yesterday"}]),
            _good("not-an-id"),
            _good("0704.0008", update_date="2008-13-45"),
            _good("0704.0009"),
        ],
    )
    results = list(iter_kaggle_records(path))
    assert [type(r).__name__ for r in results] == [
        "PaperRecord",
        "PaperRecord",
        "RejectedRecord",
        "RejectedRecord",
        "RejectedRecord",
        "RejectedRecord",
        "RejectedRecord",
        "RejectedRecord",
        "PaperRecord",
    ]
    rejected = {r.location: r for r in results if isinstance(r, RejectedRecord)}
    assert all(r.location_kind == "line" and r.source == str(path) for r in rejected.values())
    assert rejected[3].arxiv_id is None and "invalid JSON" in rejected[3].reason
    assert "'id'" in rejected[4].reason
    assert rejected[5].arxiv_id == "0704.0005"
    assert "'authors'" in rejected[5].reason and "['A. Author']" in rejected[5].reason
    assert "versions[0].created" in rejected[6].reason and "'yesterday'" in rejected[6].reason
    assert "not-an-id" in rejected[7].reason
    assert "update_date" in rejected[8].reason
    good = [r for r in results if isinstance(r, PaperRecord)]
    assert [r.location for r in good] == [1, 2, 9]
    assert good[0].authors[1].affiliations == ("Somewhere",)
    assert good[0].abstract == "An abstract."


def test_gzip_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.jsonl.gz"
    path.write_bytes(gzip.compress(f"{_good('0704.0001')}\n\n{_good('0704.0002')}\n".encode()))
    results = list(iter_kaggle_records(path))
    assert [(r.arxiv_id, r.location) for r in results] == [("0704.0001", 1), ("0704.0002", 3)]


def test_truncated_gzip_keeps_complete_lines(tmp_path: Path) -> None:
    data = gzip.compress("".join(_good(f"0704.{n:04d}") + "\n" for n in range(1, 200)).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    results = list(iter_kaggle_records(path))
    assert isinstance(results[-1], RejectedRecord)
    assert "ends or breaks" in results[-1].reason
    parsed = [r for r in results if isinstance(r, PaperRecord)]
    assert parsed and [r.location for r in parsed] == list(range(1, len(parsed) + 1))
