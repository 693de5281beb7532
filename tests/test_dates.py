"""RFC 2822 dates: arXiv's own form takes a quick path that must agree with the email parser."""

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from loaders.dates import parse_rfc2822
from loaders.records import FieldError

KAGGLE_FILES = ("kaggle_neo4j_graph_builder/arxiv-metadata.jsonl",)


def _by_email(text: str) -> datetime:
    parsed = parsedate_to_datetime(text)
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Mon, 2 Apr 2007 19:18:42 GMT",  # arXiv's form
        "Sat, 31 Dec 1994 23:59:59 GMT",
        "Tue, 29 Feb 2000 00:00:00 GMT",
        "Mon, 02 Apr 2007 19:18:42 GMT",  # zero-padded day
        "Mon, 2 Apr 2007 19:18:42 +0200",  # other forms go to the email parser
        "Mon, 2 Apr 2007 19:18:42 -0500",
        "2 Apr 2007 19:18:42 GMT",
        "Mon, 2 Apr 2007 19:18 GMT",
        "Mon, 2 Apr 07 19:18:42 GMT",
        "Mon, 2 Apr 0007 19:18:42 GMT",  # read as 2007
        "Mon, 2 Apr 0099 19:18:42 GMT",  # read as 1999
        "Mon,  2 Apr 2007   19:18:42 GMT",
        "Mon, ２ Apr 2007 19:18:42 GMT",  # a full-width digit, which the email parser reads
    ],
)
def test_agrees_with_the_email_parser(text: str) -> None:
    parsed = parse_rfc2822(text, "created")
    assert parsed == _by_email(text)
    assert parsed.utcoffset() is not None and parsed.utcoffset() == _by_email(text).utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "Mon, 31 Feb 2007 19:18:42 GMT",
        "Mon, 2 Apr 2007 25:18:42 GMT",
        "Mon, 2 Apr 2007 19:18:61 GMT",
        "Mon, 2 Foo 2007 19:18:42 GMT",
        "yesterday",
        "",
    ],
)
def test_bad_dates_are_field_errors(text: str) -> None:
    with pytest.raises(FieldError, match="created"):
        parse_rfc2822(text, "created")


@pytest.mark.sample
def test_every_version_date_of_the_sample(arxiv_data_dir: Path) -> None:
    texts = [
        version["created"]
        for name in KAGGLE_FILES
        for line in (arxiv_data_dir / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
        for version in json.loads(line).get("versions") or []
        if version.get("created")
    ]
    assert len(texts) > 1000
    assert [parse_rfc2822(t, "created") for t in texts] == [_by_email(t) for t in texts]
