import gzip
import json
from pathlib import Path

import pytest

from loaders.apijson import iter_apijson_records
from loaders.records import PaperRecord, RejectedRecord

STARS = "api_json_dmarx_stars/arxiv_metadata.json.gz"


@pytest.mark.sample
def test_every_member_parses(arxiv_data_dir: Path) -> None:
    path = arxiv_data_dir / STARS
    expected = json.loads(gzip.decompress(path.read_bytes()))
    results = list(iter_apijson_records(path))
    assert [r for r in results if isinstance(r, RejectedRecord)] == []
    assert len(results) == len(expected) == 2100
    assert [r.location for r in results] == list(range(1, 2101))
    keys = [key.split("v")[0] for key in expected]
    assert [r.arxiv_id for r in results] == keys


@pytest.mark.sample
def test_both_schema_generations(arxiv_data_dir: Path) -> None:
    records = {
        r.arxiv_id: r
        for r in iter_apijson_records(arxiv_data_dir / STARS)
        if isinstance(r, PaperRecord)
    }
    dict_style = records["2303.11436"]  # categories as {"@term": ...}
    assert dict_style.categories == ("cs.CL", "cs.AI")
    assert dict_style.authors[0].name == "Sifatkaur Dhingra"
    assert [v.version for v in dict_style.versions] == ["v1", "v2"]
    list_style = records["2103.14659"]  # key with version suffix, primary_category field
    assert list_style.categories == ("cs.AI", "cs.LG")
    assert list_style.title == "Alignment of Language Agents"
    assert all(
        r.categories and all("." in c or "-" in c for c in r.categories) for r in records.values()
    )
    codes = {c for r in records.values() for c in r.categories}
    assert not {"I.2.7", "68T07"} & codes


def test_streaming_quarantine_and_truncation(tmp_path: Path) -> None:
    good = {
        "id": "http://arxiv.org/abs/2101.00001v1",
        "title": "T",
        "authors": ["A B"],
        "abstract": "x",
        "categories": ["cs.LG", "I.2.7", "68T45, 68T07"],
        "published": "2021-01-01T00:00:00Z",
        "updated": "2021-01-01T00:00:00Z",
        "doi": None,
    }
    body = {
        "2101.00001v1": good,
        "2101.00002": {**good, "id": "2101.00002", "authors": "A B"},
        "2101.00003": {**good, "id": "2101.00003", "published": "soon"},
        "2101.00004": {**good, "id": "2101.00004", "title": "x" * 200_000},  # spans chunks
    }
    text = json.dumps(body, indent=1)
    path = tmp_path / "stars.json"
    path.write_text(text, encoding="utf-8")
    first, second, third, fourth = iter_apijson_records(path)
    assert isinstance(first, PaperRecord) and first.categories == ("cs.LG",)
    assert isinstance(second, RejectedRecord) and "'authors'" in second.reason
    assert isinstance(third, RejectedRecord) and "'published'" in third.reason
    assert third.arxiv_id == "2101.00003" and third.location == 3
    assert isinstance(fourth, PaperRecord) and len(fourth.title) == 200_000
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gzip.compress(text[: text.index('"2101.00003"') + 40].encode()))
    results = list(iter_apijson_records(cut))
    assert [type(r).__name__ for r in results] == [
        "PaperRecord",
        "RejectedRecord",
        "RejectedRecord",
    ]
    broken = results[-1]
    assert isinstance(broken, RejectedRecord)
    assert broken.location == 3 and "ends or breaks" in broken.reason
