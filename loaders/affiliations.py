"""Institution names from affiliation strings, and exact matching to ROR identifiers.

Matching is deliberately exact on a normalised key: a wrong institution link is worse for
the graph than a missing one, so nothing fuzzy happens here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from loaders.names import ascii_fold, decode_tex, normalise_whitespace

_ABBREVIATIONS = (
    (re.compile(r"\bUniv\b\.?", re.IGNORECASE), "University"),
    (re.compile(r"\bInst\b\.?", re.IGNORECASE), "Institute"),
    (re.compile(r"\bDept\b\.?", re.IGNORECASE), "Department"),
    (re.compile(r"\bLab\b\.?", re.IGNORECASE), "Laboratory"),
    (re.compile(r"\bNatl\b\.?", re.IGNORECASE), "National"),
)
_HTML_ENTITY = re.compile(r"&#x([0-9a-fA-F]+);|&#(\d+);|&amp;")
_TRAILING = " \t,;:.-/"
_ROR_NAME_TYPES = frozenset({"ror_display", "label", "alias"})


def normalise_institution_name(raw: str) -> str:
    """Display form: TeX and HTML entities decoded, abbreviations spelled out, tidy edges."""
    text = normalise_whitespace(_decode_entities(decode_tex(raw)))
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return text.strip(_TRAILING).strip("()[]{} ").strip(_TRAILING)


def institution_key(raw: str) -> str:
    """Dedup key: the normalised name ascii-folded, lowercased, punctuation removed."""
    folded = ascii_fold(normalise_institution_name(raw)).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def _decode_entities(text: str) -> str:
    # Crossref strings carry HTML numeric entities ("&#x0026;"); arXiv ones do not.
    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return chr(int(match.group(1), 16))
        if match.group(2):
            return chr(int(match.group(2)))
        return "&"

    return _HTML_ENTITY.sub(replace, text) if "&" in text else text


@dataclass(frozen=True, slots=True)
class RorMatch:
    """A ROR organisation; `name` is its ROR display name when the org record is loaded,
    otherwise the normalised affiliation string that linked to it."""

    ror_id: str
    name: str


class RorIndex:
    """Exact normalised-key lookup from affiliation strings to ROR organisations."""

    def __init__(self, ids_by_key: Mapping[str, Iterable[str]], names: Mapping[str, str]) -> None:
        self._ids_by_key = {key: tuple(dict.fromkeys(ids)) for key, ids in ids_by_key.items()}
        self._names = dict(names)

    def __len__(self) -> int:
        return len(self._ids_by_key)

    @classmethod
    def load(cls, directory: Path) -> RorIndex:
        """Read `dataset_affiliations_*.json` pairs and `*_es7_v2.json` org records."""
        ids_by_key: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for path in sorted(directory.glob("*_es7_v2.json")):
            for org in _es_organisations(json.loads(path.read_text(encoding="utf-8"))):
                ror_id = str(org["id"])
                for entry in _list(org.get("names")):
                    types = set(_list(entry.get("types"))) if isinstance(entry, dict) else set()
                    if not isinstance(entry, dict) or not _ROR_NAME_TYPES & types:
                        continue
                    value = str(entry.get("value", ""))
                    if "ror_display" in types:
                        names[ror_id] = value
                    ids_by_key.setdefault(institution_key(value), []).append(ror_id)
        for path in sorted(directory.glob("dataset_affiliations_*.json")):
            for row in json.loads(path.read_text(encoding="utf-8")):
                ror_ids = row.get("ror_ids") or []
                if isinstance(row.get("affiliation"), str) and ror_ids:
                    ids_by_key.setdefault(institution_key(row["affiliation"]), []).extend(
                        str(r) for r in ror_ids
                    )
        return cls(ids_by_key, names)

    def match(self, raw_affiliation: str) -> RorMatch | None:
        """The one organisation this exact affiliation names; None if unknown or ambiguous."""
        found = self.match_all(raw_affiliation)
        return found[0] if len(found) == 1 else None

    def match_all(self, raw_affiliation: str) -> list[RorMatch]:
        """Every organisation linked to this affiliation (several for joint affiliations)."""
        ids = self._ids_by_key.get(institution_key(raw_affiliation), ())
        fallback = normalise_institution_name(raw_affiliation)
        return [RorMatch(ror_id, self._names.get(ror_id, fallback)) for ror_id in ids]


def _es_organisations(response: object) -> list[dict[str, object]]:
    # Elasticsearch response: {"hits": {"hits": [{"_source": {ROR v2 record}}]}}.
    if not isinstance(response, dict):
        return []
    hits = response.get("hits", {})
    rows = hits.get("hits", []) if isinstance(hits, dict) else []
    sources = (row.get("_source") for row in rows if isinstance(row, dict))
    return [s for s in sources if isinstance(s, dict) and "id" in s]


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
