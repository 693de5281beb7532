import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from loaders.atom import atom_versions, iter_atom_records
from loaders.records import PaperRecord, RejectedRecord, Version

ATOM = "atom_arxiv_py"


def _records(path: Path) -> list[PaperRecord]:
    results = list(iter_atom_records(path))
    assert [r for r in results if isinstance(r, RejectedRecord)] == []
    return [r for r in results if isinstance(r, PaperRecord)]


@pytest.mark.sample
def test_entry_counts_match_the_files(arxiv_data_dir: Path) -> None:
    total = 0
    ids: set[str] = set()
    for path in sorted((arxiv_data_dir / ATOM).glob("*.xml")):
        expected = len(re.findall(r"<entry>", path.read_text(encoding="utf-8")))
        records = _records(path)
        assert len(records) == expected, path.name
        total += expected
        ids.update(r.arxiv_id for r in records)
    assert (total, len(ids)) == (245, 117)


@pytest.mark.sample
def test_2016_generation(arxiv_data_dir: Path) -> None:
    (record,) = _records(arxiv_data_dir / ATOM / "2016_id_list=1111.2011v2.xml")
    assert record.arxiv_id == "1111.2011"
    assert record.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert [a.name for a in record.authors] == [
        "James M. Murray",
        "Adrian Del Maestro",
        "Zlatko Tesanovic",
    ]
    assert record.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert record.dois == ("10.1103/PhysRevB.85.115117",)
    assert record.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert record.comments == "8 pages, 3 figures. Published version"
    assert record.first_submitted == date(2011, 11, 8)
    assert record.last_updated == date(2012, 4, 2)
    assert record.versions == (
        Version("v1", datetime(2011, 11, 8, 18, 48, 36, tzinfo=UTC)),
        Version("v2", datetime(2012, 4, 2, 12, 38, 54, tzinfo=UTC)),
    )


@pytest.mark.sample
def test_2026_generation_and_old_style_ids(arxiv_data_dir: Path) -> None:
    (record,) = _records(arxiv_data_dir / ATOM / "id_2104.12255v1_s0_m100_6ae69987ffe1.xml")
    assert (record.arxiv_id, record.title, record.categories) == ("2104.12255", "0", ("cs.CR",))
    assert [a.name for a in record.authors] == ["Quan Thoi Minh Nguyen"]
    assert [v.version for v in record.versions] == ["v1"]
    (old,) = _records(arxiv_data_dir / ATOM / "id_astro-ph_0601001_s0_m100_3150dca9dc76.xml")
    assert old.arxiv_id == "astro-ph/0601001"
    assert [a.affiliations for a in old.authors] == [
        ("Ohio State",),
        ("Ohio State",),
        ("CfA",),
        ("Warsaw University Observatory",),
    ]
    assert old.year == 2006
    assert _records(arxiv_data_dir / ATOM / "id_0000.0000_s0_m100_8b51d9633a68.xml") == []


def test_versions_only_as_far_as_known() -> None:
    published = datetime(2020, 1, 1, tzinfo=UTC)
    updated = datetime(2021, 1, 1, tzinfo=UTC)
    assert atom_versions(3, published, updated) == (
        Version("v1", published),
        Version("v2", None),
        Version("v3", updated),
    )
    assert atom_versions(None, published, updated) == ()


def test_error_entry_and_truncation(tmp_path: Path) -> None:
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        "<id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id><title>Error</title>"
        "<summary>incorrect id format for 1234</summary></entry>"
        "<entry><id>http://arxiv.org/abs/2104.12255v2</id><title>T</title>"
        "<published>2021-04-20T16:07:14Z</published><updated>2021-05-01T00:00:00Z</updated>"
        "<author><name>A. B</name></author></entry><entry><id>http://arxiv.org/abs/21"
    )
    path = tmp_path / "feed.xml"
    path.write_text(feed, encoding="utf-8")
    error, record, broken = iter_atom_records(path)
    assert isinstance(error, RejectedRecord) and "incorrect id format for 1234" in error.reason
    assert isinstance(record, PaperRecord) and record.location == 2
    assert [v.version for v in record.versions] == ["v1", "v2"]
    assert isinstance(broken, RejectedRecord) and broken.location == 3
