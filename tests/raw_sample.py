"""An independent reading of the raw sample files, for checking what the graph says.

Deliberately not our parsers: regular expressions and ElementTree over the files as they are,
so a bug in `loaders` cannot hide itself in the expectation.
"""

from __future__ import annotations

import gzip
import html
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


@dataclass(frozen=True)
class RawRecord:
    arxiv_id: str
    title: str
    authors: tuple[tuple[str, str], ...]  # (keyname, forenames) or (display name, "")
    categories: tuple[str, ...]  # primary first


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", html.unescape(text))
    return "".join(c for c in decomposed.lower() if c.isalnum())


def oai_records(folder: Path) -> dict[str, RawRecord]:
    records: dict[str, RawRecord] = {}
    for page in sorted(folder.glob("*.xml.gz")):
        text = gzip.decompress(page.read_bytes()).decode()
        for body in re.findall(r"<record>(.*?)</record>", text, re.S):
            arxiv_id = _group(r"<id>(.*?)</id>", body)
            authors = []
            for author in re.findall(r"<author>(.*?)</author>", body, re.S):
                keyname = re.search(r"<keyname>(.*?)</keyname>", author, re.S)
                forenames = re.search(r"<forenames>(.*?)</forenames>", author, re.S)
                authors.append(
                    (
                        html.unescape(keyname.group(1).strip()) if keyname else "",
                        html.unescape(forenames.group(1).strip()) if forenames else "",
                    )
                )
            records[arxiv_id] = RawRecord(
                arxiv_id=arxiv_id,
                title=" ".join(html.unescape(_group(r"<title>(.*?)</title>", body)).split()),
                authors=tuple(authors),
                categories=tuple(_group(r"<categories>(.*?)</categories>", body).split()),
            )
    return records


def atom_records(folder: Path) -> dict[str, RawRecord]:
    records: dict[str, RawRecord] = {}
    for path in sorted(folder.glob("*.xml")):
        for entry in ET.parse(path).getroot().iter(f"{ATOM}entry"):
            raw_id = (entry.findtext(f"{ATOM}id") or "").rsplit("/abs/", 1)[-1]
            arxiv_id = re.sub(r"v\d+$", "", raw_id)
            if not arxiv_id:
                continue
            primary = entry.find(f"{ARXIV}primary_category")
            codes = [c.get("term", "") for c in entry.iter(f"{ATOM}category")]
            first = primary.get("term", "") if primary is not None else codes[0]
            records[arxiv_id] = RawRecord(
                arxiv_id=arxiv_id,
                title=" ".join((entry.findtext(f"{ATOM}title") or "").split()),
                authors=tuple(
                    ((a.findtext(f"{ATOM}name") or "").strip(), "")
                    for a in entry.iter(f"{ATOM}author")
                ),
                categories=tuple(dict.fromkeys([first, *codes])),
            )
    return records


def _group(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.S)
    return match.group(1) if match else ""
