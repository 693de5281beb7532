import gzip
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from loaders.oai import OaiError, iter_oai_records, parse_list_records_page
from loaders.records import PaperRecord, RejectedRecord
from loaders.taxonomy import load_taxonomy

PAGES = "oai_arxiv_recommender"
RAW_FIXTURES = "oai_fixtures_arxivoaiharvester"
PAPERHIVE = "oai_fixtures_paperhive"


def _records(path: Path) -> list[PaperRecord]:
    results = list(iter_oai_records(path))
    assert [r for r in results if isinstance(r, RejectedRecord)] == []
    return [r for r in results if isinstance(r, PaperRecord)]


@pytest.mark.sample
def test_every_page_parses_completely(arxiv_data_dir: Path) -> None:
    pages = sorted((arxiv_data_dir / PAGES).glob("*.xml.gz"))
    assert len(pages) == 10
    for page in pages:
        text = gzip.decompress(page.read_bytes()).decode("utf-8")
        expected = len(re.findall(r"<record>", text))
        records = _records(page)
        assert len(records) == expected == 1000, page.name
        assert [r.location for r in records] == list(range(1, expected + 1))
        assert len({r.arxiv_id for r in records}) == expected


@pytest.mark.sample
def test_arxiv_format_record_field_by_field(arxiv_data_dir: Path) -> None:
    records = {
        r.arxiv_id: r for r in _records(arxiv_data_dir / PAGES / "listrecords_arXiv_page00.xml.gz")
    }
    first = records["0704.0001"]
    assert [a.name for a in first.authors] == [
        "C. Balázs",
        "E. L. Berger",
        "P. M. Nadolsky",
        "C.-P. Yuan",
    ]
    assert first.categories == ("hep-ph",)
    assert (first.first_submitted, first.last_updated, first.year) == (
        date(2007, 4, 2),
        date(2007, 7, 24),
        2007,
    )
    assert first.datestamp == date(2008, 11, 26)
    assert first.versions == ()
    assert first.dois == ("10.1103/PhysRevD.76.013009",)
    assert first.title.endswith("at Tevatron and LHC energies")
    sparse = records["0704.0002"]
    assert sparse.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert sparse.dois == () and sparse.journal_ref is None
    # <updated> missing: never revised, so last update is the creation date.
    assert records["0704.0025"].last_updated == records["0704.0025"].first_submitted
    assert records["0704.0025"].authors[1].affiliations == (
        "CREST, Japan Science and Technology Agency",
        "The University of Tokyo",
    )
    belle = records["0704.1000"].authors[1]
    assert belle.is_collaboration and belle.name == "The Belle Collaboration"
    evans = records["0704.0009"].authors
    assert any(a.suffix == "II" and a.name == "Neal J. Evans II" for a in evans)
    sudha = records["0704.0147"].authors[0]
    assert sudha.forenames is None and sudha.keyname == "Sudha"


@pytest.mark.sample
def test_affiliation_and_forename_counts_match_the_xml(arxiv_data_dir: Path) -> None:
    affiliations = 0
    for page in sorted((arxiv_data_dir / PAGES).glob("*.xml.gz")):
        affiliations += sum(len(a.affiliations) for r in _records(page) for a in r.authors)
    # SOURCES.md counts 4,937 <affiliation> elements; a few repeat within one author.
    assert 4900 <= affiliations <= 4937


@pytest.mark.sample
def test_resumption_token_of_a_page(arxiv_data_dir: Path) -> None:
    data = gzip.decompress(
        (arxiv_data_dir / PAGES / "listrecords_arXiv_page00.xml.gz").read_bytes()
    )
    records, token = parse_list_records_page(data, "page00")
    assert len(records) == 1000
    assert token is not None
    assert (token.token, token.complete_list_size, token.cursor) == ("2752941|1001", 1405437, 0)
    assert not token.is_final


@pytest.mark.sample
def test_arxiv_raw_fixtures(arxiv_data_dir: Path) -> None:
    listed = _records(arxiv_data_dir / RAW_FIXTURES / "ListRecordsResponse.xml")
    assert len(listed) == 6
    shetty = listed[0]
    assert shetty.arxiv_id == "0704.0471"
    assert [a.name for a in shetty.authors] == ["D. V. Shetty", "S. J. Yennello", "G. A. Souliotis"]
    assert shetty.dois == ("10.1103/PhysRevC.76.024606", "10.1103/PhysRevC.76.039902")
    assert shetty.submitter == "Dinesh Shetty"
    assert shetty.first_submitted == date(2007, 4, 3)
    (single,) = _records(arxiv_data_dir / RAW_FIXTURES / "GetRecordResponse.xml")
    assert single.arxiv_id == "1302.2146"
    assert [v.version for v in single.versions] == ["v1", "v2"]
    assert single.versions[1].created == datetime(2013, 4, 2, 1, 50, 8, tzinfo=UTC)
    assert single.first_submitted == date(2013, 2, 8)
    # 01:50 GMT on 2 April is still 1 April in arXiv's Eastern calendar.
    assert single.last_updated == date(2013, 4, 1)
    assert [a.name for a in single.authors][-1] == "Philip Tanedo"
    assert single.categories == ("hep-ph", "hep-ex")


@pytest.mark.sample
def test_paperhive_fixtures_use_the_arxiv_namespace(arxiv_data_dir: Path) -> None:
    (record,) = _records(arxiv_data_dir / PAPERHIVE / "oaipmh-getrecord---should-get-a-record.xml")
    assert record.arxiv_id == "1412.8544"
    assert [a.affiliations for a in record.authors] == [("Radboud Universiteit",)] * 2
    assert record.categories == ("cs.DM",)
    assert (
        len(
            _records(
                arxiv_data_dir
                / PAPERHIVE
                / "oaipmh-listrecords---should-list-identifiers-from-arxiv.xml"
            )
        )
        == 2
    )
    assert (
        _records(
            arxiv_data_dir
            / PAPERHIVE
            / "oaipmh-listidentifiers---should-list-identifiers-from-arxiv.xml"
        )
        == []
    )


OAI_DC = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2024-01-01T00:00:00Z</responseDate>
<request verb="ListRecords" metadataPrefix="oai_dc">http://export.arxiv.org/oai2</request>
<ListRecords>
<record>
<header><identifier>oai:arXiv.org:0704.0001</identifier><datestamp>2008-11-26</datestamp>
<setSpec>physics:hep-ph</setSpec></header>
<metadata>
<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>Calculation of prompt diphoton production cross sections at Tevatron and
  LHC energies</dc:title>
<dc:creator>Balázs, C.</dc:creator>
<dc:creator>Berger, E. L.</dc:creator>
<dc:creator>Nadolsky, P. M.</dc:creator>
<dc:creator>Yuan, C. -P.</dc:creator>
<dc:subject>High Energy Physics - Phenomenology</dc:subject>
<dc:subject>Mathematics - Combinatorics</dc:subject>
<dc:description>  A fully differential calculation in perturbative quantum chromodynamics is
presented.</dc:description>
<dc:description>Comment: 37 pages, 15 figures; published version</dc:description>
<dc:date>2007-04-02</dc:date>
<dc:date>2007-07-24</dc:date>
<dc:type>text</dc:type>
<dc:identifier>http://arxiv.org/abs/0704.0001</dc:identifier>
<dc:identifier>Phys.Rev.D76:013009,2007</dc:identifier>
<dc:identifier>doi:10.1103/PhysRevD.76.013009</dc:identifier>
</oai_dc:dc>
</metadata>
</record>
<record><header status="deleted"><identifier>oai:arXiv.org:0704.0002</identifier>
<datestamp>2010-01-01</datestamp></header></record>
<resumptionToken cursor="0" completeListSize="2"></resumptionToken>
</ListRecords>
</OAI-PMH>
"""


@pytest.mark.sample
def test_oai_dc_record_and_deleted_header(arxiv_data_dir: Path) -> None:
    taxonomy = load_taxonomy(arxiv_data_dir / "taxonomy_arxiv_base")
    records, token = parse_list_records_page(OAI_DC.encode(), "dc", taxonomy)
    assert token is not None and token.is_final and token.complete_list_size == 2
    (record,) = records  # the deleted record is skipped, not rejected
    assert isinstance(record, PaperRecord)
    assert record.arxiv_id == "0704.0001"
    assert [a.name for a in record.authors] == [
        "C. Balázs",
        "E. L. Berger",
        "P. M. Nadolsky",
        "C.-P. Yuan",
    ]
    assert record.categories == ("hep-ph", "math.CO")
    assert (
        record.title
        == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert (
        record.abstract
        == "A fully differential calculation in perturbative quantum chromodynamics is presented."
    )
    assert record.comments == "37 pages, 15 figures; published version"
    assert (record.first_submitted, record.last_updated) == (date(2007, 4, 2), date(2007, 7, 24))
    assert record.dois == ("10.1103/PhysRevD.76.013009",)
    assert record.journal_ref == "Phys.Rev.D76:013009,2007"
    assert record.datestamp == date(2008, 11, 26)


def test_oai_error_response_raises() -> None:
    body = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><request>x</request>'
        b'<error code="noRecordsMatch">No records match</error></OAI-PMH>'
    )
    with pytest.raises(OaiError) as caught:
        parse_list_records_page(body, "page")
    assert (caught.value.code, caught.value.message) == ("noRecordsMatch", "No records match")


def _page(count: int) -> bytes:
    records = "".join(
        f"<record><header><identifier>oai:arXiv.org:0704.{n:04d}</identifier></header>"
        f"<metadata><arXiv><id>0704.{n:04d}</id><created>2007-04-02</created>"
        f"<authors><author><keyname>Smith</keyname><forenames>J.</forenames></author></authors>"
        f"<title>Paper {n}</title><categories>hep-ph</categories><abstract>Text {n}</abstract>"
        f"</arXiv></metadata></record>\n"
        for n in range(1, count + 1)
    )
    return f'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>{records}</ListRecords></OAI-PMH>'.encode()


@pytest.mark.parametrize("compressed", [False, True])
def test_truncated_xml_yields_records_then_the_break(tmp_path: Path, compressed: bool) -> None:
    data = _page(50)
    cut = data[: data.index(b"<title>Paper 31</title>")]
    path = tmp_path / ("cut.xml.gz" if compressed else "cut.xml")
    path.write_bytes(gzip.compress(cut)[:-12] if compressed else cut)
    results = list(iter_oai_records(path))
    papers = [r for r in results if isinstance(r, PaperRecord)]
    assert [r.arxiv_id for r in papers] == [f"0704.{n:04d}" for n in range(1, 31)]
    broken = results[-1]
    assert isinstance(broken, RejectedRecord)
    assert (broken.location, broken.location_kind) == (31, "record")
    assert "record 31" in broken.reason and "30 complete records" in broken.reason


def test_bad_field_rejects_only_that_record(tmp_path: Path) -> None:
    data = _page(3).replace(b"<created>2007-04-02</created>", b"<created>2007-02-31</created>", 1)
    data = data.replace(b"<title>Paper 3</title>", b"")
    path = tmp_path / "page.xml"
    path.write_bytes(data)
    results = list(iter_oai_records(path))
    assert [type(r).__name__ for r in results] == [
        "RejectedRecord",
        "PaperRecord",
        "RejectedRecord",
    ]
    first, _, third = results
    assert isinstance(first, RejectedRecord) and isinstance(third, RejectedRecord)
    assert (
        first.arxiv_id == "0704.0001"
        and "'created'" in first.reason
        and "2007-02-31" in first.reason
    )
    assert third.location == 3 and "'title'" in third.reason
