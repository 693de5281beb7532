"""The arXiv subject taxonomy: category → archive → group, from arXiv's own tables.

`load_taxonomy` reads the arxiv-base test-data export (category_def, categories, archives,
archive_group, groups). `Taxonomy.builtin_fallback()` needs no files and knows codes only,
so a load never stops because the taxonomy is missing; `lookup` never fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

# Archive → group for every archive arXiv has had, including retired physics ones.
_ARCHIVE_GROUPS: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(
            (
                "acc-phys", "adap-org", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
                "chao-dyn", "chem-ph", "comp-gas", "cond-mat", "gr-qc", "hep-ex", "hep-lat",
                "hep-ph", "hep-th", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
                "patt-sol", "physics", "plasm-ph", "quant-ph", "solv-int", "supr-con",
            ),
            "physics",
        ),
        **dict.fromkeys(("math", "alg-geom", "dg-ga", "funct-an", "q-alg"), "math"),
        **dict.fromkeys(("cs", "cmp-lg"), "cs"),
        "q-bio": "q-bio",
        "q-fin": "q-fin",
        "stat": "stat",
        "eess": "eess",
        "econ": "econ",
    }
)  # fmt: skip
_GROUP_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "physics": "Physics",
        "math": "Mathematics",
        "cs": "Computer Science",
        "q-bio": "Quantitative Biology",
        "q-fin": "Quantitative Finance",
        "stat": "Statistics",
        "eess": "Electrical Engineering and Systems Science",
        "econ": "Economics",
    }
)
# archive or archive.SUBJECT; rejects ACM ("I.2.7") and MSC ("68T07", "14J60 (Primary)").
_CATEGORY_SHAPE = re.compile(r"^(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z][A-Za-z-]*)?$")


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: str
    archive: str
    group: str
    group_name: str
    active: bool


def is_arxiv_category(code: str) -> bool:
    """True for arXiv category codes ("hep-ph", "cs.LG", "physics.optics"), not ACM/MSC."""
    match = _CATEGORY_SHAPE.match(code)
    return match is not None and match["archive"] in _ARCHIVE_GROUPS


def clean_categories(codes: Iterable[str], primary: str | None = None) -> tuple[str, ...]:
    """arXiv codes only, primary first, duplicates removed, source order otherwise kept."""
    ordered = [primary, *codes] if primary else list(codes)
    return tuple(dict.fromkeys(c for c in (c.strip() for c in ordered) if is_arxiv_category(c)))


class Taxonomy:
    """Category lookup; unknown codes get a derived entry instead of an error."""

    def __init__(
        self, categories: Mapping[str, Category], archive_names: Mapping[str, str] | None = None
    ) -> None:
        self._categories = dict(categories)
        self._archive_names = {k: v.casefold() for k, v in (archive_names or {}).items()}
        self._by_name: dict[str, str] = {}
        for category in self._categories.values():
            # Aliases share a name (math-ph / math.MP); the first, older code wins.
            self._by_name.setdefault(category.name.casefold(), category.code)

    @classmethod
    def builtin_fallback(cls) -> Taxonomy:
        return cls({})

    def __len__(self) -> int:
        return len(self._categories)

    def categories(self) -> list[Category]:
        return sorted(self._categories.values(), key=lambda c: c.code)

    def lookup(self, code: str) -> Category:
        known = self._categories.get(code)
        return known if known is not None else _derived_category(code)

    def code_for_name(self, name: str) -> str | None:
        """Map a subject name as oai_dc writes it ("Physics - Optics") to its code."""
        text = " ".join(name.split()).casefold()
        code = self._by_name.get(text)
        if code is None and " - " in text:
            # oai_dc prefixes the archive name: "Mathematics - Combinatorics".
            archive_name, _, category_name = text.partition(" - ")
            code = next(
                (
                    c.code
                    for c in self._categories.values()
                    if c.name.casefold() == category_name
                    and archive_name
                    in {self._archive_names.get(c.archive), c.group_name.casefold()}
                ),
                None,
            )
        return code


def _derived_category(code: str) -> Category:
    archive = code.split(".", 1)[0]
    group = _ARCHIVE_GROUPS.get(archive, archive)
    return Category(code, code, archive, group, _GROUP_NAMES.get(group, group), True)


def load_taxonomy(directory: Path) -> Taxonomy:
    """Read arXiv_category_def.json (+ archives, archive_group, groups) from `directory`."""
    definitions = _read_rows(directory / "arXiv_category_def.json")
    archives = _optional_rows(directory / "arXiv_archives.json")
    archive_groups = _optional_rows(directory / "arXiv_archive_group.json")
    groups = _optional_rows(directory / "arXiv_groups.json")

    group_of = {str(r["archive_id"]): str(r["in_group"]) for r in archives}
    group_of.update({str(r["archive_id"]): str(r["group_id"]) for r in archive_groups})
    group_names = dict(_GROUP_NAMES) | {str(r["group_id"]): str(r["group_name"]) for r in groups}
    archive_names = {str(r["archive_id"]): str(r["archive_name"]) for r in archives}

    categories: dict[str, Category] = {}
    for row in definitions:
        code = str(row["category"])
        archive = code.split(".", 1)[0]
        group = group_of.get(archive) or _ARCHIVE_GROUPS.get(archive, archive)
        categories[code] = Category(
            code=code,
            name=str(row.get("name") or code),
            archive=archive,
            group=group,
            group_name=group_names.get(group, group),
            active=bool(row.get("active", 1)),
        )
    # Archive names resolve oai_dc subjects such as "Computer Science - Machine Learning".
    return Taxonomy(categories, archive_names)


def _read_rows(path: Path) -> list[dict[str, object]]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise ValueError(f"{path}: expected a JSON array of rows, found {type(rows).__name__}")
    return [row for row in rows if isinstance(row, dict)]


def _optional_rows(path: Path) -> list[dict[str, object]]:
    return _read_rows(path) if path.exists() else []
