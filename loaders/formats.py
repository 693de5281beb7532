"""Which parser reads a file: format sniffing from the first bytes, and path expansion."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal, get_args

from loaders.apijson import iter_apijson_records
from loaders.atom import iter_atom_records
from loaders.identifiers import InvalidArxivIdError, normalise_arxiv_id
from loaders.kaggle import iter_kaggle_records
from loaders.oai import iter_oai_records
from loaders.records import PaperRecord, RejectedRecord
from loaders.streams import read_head
from loaders.taxonomy import Taxonomy

Format = Literal["kaggle-jsonl", "oai-pmh", "atom", "arxiv-api-json"]
FORMATS: tuple[Format, ...] = get_args(Format)
_DATA_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".xml"})
_FIRST_MEMBER = re.compile(r'^\{\s*"((?:[^"\\]|\\.)*)"\s*:\s*(\S)')
_XML_ROOT = re.compile(rb"<(?![?!])(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


class UnknownFormatError(ValueError):
    """The file does not look like any supported arXiv metadata format."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        super().__init__(f"{path}: not a supported arXiv metadata file ({detail})")


def detect_format(path: Path) -> Format:
    """Sniff the first decompressed bytes; gzip is recognised by its magic number."""
    head = read_head(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise UnknownFormatError(path, "empty or unreadable")
    if head.startswith(b"<"):
        root = _XML_ROOT.search(head)
        name = root.group(1).decode("ascii", "replace") if root else ""
        if name == "OAI-PMH":
            return "oai-pmh"
        if name == "feed":
            return "atom"
        raise UnknownFormatError(path, f"XML root element {name or '?'!r}")
    if head.startswith(b"{"):
        return _json_kind(path, head)
    raise UnknownFormatError(path, f"starts with {head[:20]!r}")


def _json_kind(path: Path, head: bytes) -> Format:
    # A broken first line must not hide a JSON-lines file: look at the lines the head holds,
    # and trust a .jsonl/.ndjson name, so the bad lines are quarantined, not the whole file.
    for line in head.split(b"\n")[:50]:
        try:
            first = json.loads(line)
        except ValueError:
            continue
        if isinstance(first, dict) and "id" in first and ("title" in first or "authors" in first):
            return "kaggle-jsonl"
    suffixes = [s for s in path.suffixes if s != ".gz"]
    if suffixes and suffixes[-1] in (".jsonl", ".ndjson"):
        return "kaggle-jsonl"
    member = _FIRST_MEMBER.match(head.decode("utf-8", "replace"))
    if member is not None and member.group(2) == "{":
        try:
            normalise_arxiv_id(member.group(1))
        except InvalidArxivIdError:
            pass
        else:
            return "arxiv-api-json"
    raise UnknownFormatError(path, "JSON that is neither Kaggle lines nor an object keyed by id")


def iter_records(
    path: Path, taxonomy: Taxonomy | None = None
) -> Iterator[PaperRecord | RejectedRecord]:
    """Stream the records of one file; `taxonomy` is only needed for oai_dc subjects."""
    kind = detect_format(path)
    if kind == "kaggle-jsonl":
        return iter_kaggle_records(path)
    if kind == "oai-pmh":
        return iter_oai_records(path, taxonomy)
    if kind == "atom":
        return iter_atom_records(path)
    return iter_apijson_records(path)


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files given explicitly are kept; folders are walked recursively, sorted.

    Inside folders only .json/.jsonl/.ndjson/.xml files (optionally .gz) are taken, and of
    those only the ones whose format is recognised, so README/SOURCES.md files, taxonomy
    tables and ROR dumps living next to the metadata are skipped.
    """
    expanded: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            expanded.extend(p for p in sorted(path.rglob("*")) if _is_data_file(p))
        else:
            expanded.append(path)
    return list(dict.fromkeys(expanded))


def _is_data_file(path: Path) -> bool:
    if not path.is_file() or any(part.startswith(".") for part in path.parts[-1:]):
        return False
    suffixes = path.suffixes[-2:] if path.suffix == ".gz" else path.suffixes[-1:]
    if not suffixes or suffixes[0] not in _DATA_SUFFIXES:
        return False
    try:
        detect_format(path)
    except UnknownFormatError:
        return False
    return True
