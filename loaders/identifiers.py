"""arXiv identifiers and DOIs: recognise the many spellings, return one canonical form."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Prefixes seen in OAI headers, Atom ids, dmarx keys and citations.
_PREFIX = re.compile(
    r"^(?:oai:arxiv\.org:|arxiv:|https?://(?:export\.|www\.)?arxiv\.org/(?:abs|pdf)/)",
    re.IGNORECASE,
)
# New style (April 2007 on): YYMM.NNNN until 1412, YYMM.NNNNN from 1501.
_NEW_STYLE = re.compile(r"^(?P<yymm>\d{4})\.(?P<num>\d{4,5})(?:v(?P<version>\d+))?$")
# Old style: archive[.SUBJ]/YYMMNNN; the subject class is not part of the canonical id.
_OLD_STYLE = re.compile(
    r"^(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[A-Z]{2})?/(?P<num>\d{7})(?:v(?P<version>\d+))?$"
)
_DOI_PREFIX = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_DOI_SEPARATORS = re.compile(r"[\s,;]+")


class InvalidArxivIdError(ValueError):
    """The text is not an arXiv identifier in any known spelling."""

    def __init__(self, raw: str, detail: str) -> None:
        self.raw = raw
        super().__init__(f"invalid arXiv id {raw!r}: {detail}")


def normalise_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Return (canonical id without version, version number or None).

    Accepts "0704.0001", "2104.12255v1", "hep-th/9901001v2", "math.GT/0309136",
    "oai:arXiv.org:0704.0001", "http://arxiv.org/abs/2202.12139v1", "arXiv:2104.12255".
    """
    text = _PREFIX.sub("", raw.strip())
    if text.endswith(".pdf"):
        text = text[:-4]
    match = _NEW_STYLE.match(text)
    if match is not None:
        yymm, num = match["yymm"], match["num"]
        month = int(yymm[2:])
        if not 1 <= month <= 12:
            raise InvalidArxivIdError(raw, f"month {yymm[2:]} out of range 01-12")
        expected_digits = 5 if int(yymm) >= 1501 else 4
        if len(num) != expected_digits:
            raise InvalidArxivIdError(
                raw, f"ids from {yymm} have {expected_digits} digits after the dot"
            )
        return f"{yymm}.{num}", _version(match["version"])
    match = _OLD_STYLE.match(text)
    if match is not None:
        return f"{match['archive']}/{match['num']}", _version(match["version"])
    raise InvalidArxivIdError(raw, "expected YYMM.NNNN[N][vN] or archive/YYMMNNN[vN]")


def _version(text: str | None) -> int | None:
    return int(text) if text is not None else None


def split_dois(raw: str | None) -> tuple[str, ...]:
    """Split a DOI field that may hold several DOIs (space, comma or semicolon separated).

    Tokens that do not start with "10." after removing "doi:"/resolver prefixes are dropped,
    since arXiv DOI fields occasionally carry stray words; duplicates are removed.
    """
    if not raw:
        return ()
    return _unique(
        doi
        for token in _DOI_SEPARATORS.split(raw)
        if (doi := _DOI_PREFIX.sub("", token).rstrip(".")).startswith("10.") and "/" in doi
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
