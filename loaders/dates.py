"""Date parsing for the formats arXiv metadata uses (RFC 2822, ISO 8601 dates and times).

Every function raises `FieldError` naming the field, so a bad date quarantines its record
with a precise reason instead of crashing the load.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loaders.records import FieldError


def _arxiv_zone() -> tzinfo:
    try:
        return ZoneInfo("America/New_York")
    except ZoneInfoNotFoundError:
        # No tz database installed: Eastern Standard Time is right except near midnight in summer.
        return timezone(timedelta(hours=-5))


_ARXIV_ZONE = _arxiv_zone()


def arxiv_date(moment: datetime | None) -> date | None:
    """The calendar date arXiv itself gives a timestamp (US Eastern, where arXiv runs).

    OAI <created> is this date; the UTC date of the v1 timestamp differs for submissions
    made in the Eastern evening (77 of the 1,000 sample records), so every format derives
    its dates this way to agree with the others.
    """
    return moment.astimezone(_ARXIV_ZONE).date() if moment is not None else None


def parse_rfc2822(value: object, field: str) -> datetime:
    """Parse "Mon, 2 Apr 2007 19:18:42 GMT" (Kaggle versions, arXivRaw) to aware UTC."""
    if not isinstance(value, str):
        raise FieldError(field, "an RFC 2822 date string", value)
    quick = _canonical_rfc2822(value)
    if quick is not None:
        return quick
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError) as error:
        raise FieldError(
            field, "an RFC 2822 date like 'Mon, 2 Apr 2007 19:18:42 GMT'", value
        ) from error
    return _as_utc(parsed)


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}


def _canonical_rfc2822(text: str) -> datetime | None:
    """ "Mon, 2 Apr 2007 19:18:42 GMT", the form every Kaggle version date takes, without the
    email parser (a third of the time); None for anything else, which that parser then reads.
    """
    parts = text.split()
    if len(parts) != 6 or parts[5] != "GMT" or not parts[0].endswith(","):
        return None
    day, month_name, year, clock = parts[1:5]
    month = _MONTHS.get(month_name)
    numbers = [day, year, *clock.split(":")]
    if (
        month is None
        or len(year) != 4
        or year.startswith("0")  # the email parser reads "0007" as 2007
        or len(numbers) != 5
        or not all(n.isascii() and n.isdigit() for n in numbers)
    ):
        return None
    try:
        return datetime(
            int(year), month, int(day), int(numbers[2]), int(numbers[3]), int(numbers[4]),
            tzinfo=UTC,
        )  # fmt: skip
    except ValueError:
        return None


def parse_iso_datetime(value: object, field: str) -> datetime:
    """Parse "2021-03-26T18:01:48+00:00" / "2011-11-08T18:48:36Z" to aware UTC."""
    if not isinstance(value, str):
        raise FieldError(field, "an ISO 8601 timestamp string", value)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise FieldError(
            field, "an ISO 8601 timestamp like '2021-03-26T18:01:48Z'", value
        ) from error
    return _as_utc(parsed)


def parse_iso_date(value: object, field: str) -> date:
    """Parse "2008-11-26" (a timestamp is accepted too and cut to its UTC date)."""
    if not isinstance(value, str):
        raise FieldError(field, "an ISO 8601 date string", value)
    text = value.strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise FieldError(field, "an ISO 8601 date like '2008-11-26'", value) from error
    return parse_iso_datetime(text, field).date()


def _as_utc(moment: datetime) -> datetime:
    # Naive times in these feeds are UTC by arXiv convention ("GMT", "Z" or nothing).
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
