"""ROR organisation records: ids, names and mail domains, for linking Institution nodes.

Reads ROR v2 records as ROR publishes them (the data dump's JSON array, one record, or an
Elasticsearch response of the ROR API as in the sample) from files read in place. Each
organisation gives the normalised keys of its names (display name, labels, aliases; the same
`institution_key` as ingestion) and its mail domains: ROR's `domains` field, and the hosts of
its `website` links without `www.` (ROR v2 `domains` is often empty; a university's web host
is nearly always its mail domain, e.g. monash.edu). Acronyms are kept but never matched on:
"UC" or "VU" name many institutions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from loaders.affiliations import institution_key

DOMAIN = re.compile(
    r"^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)
NAME_TYPES = frozenset({"ror_display", "label", "alias"})


@dataclass(frozen=True, slots=True)
class RorOrganisation:
    ror_id: str  # https://ror.org/02bfwt286
    name: str  # the ROR display name
    name_keys: tuple[str, ...]
    acronyms: tuple[str, ...]
    domains: tuple[str, ...]
    status: str


def read_ror_files(paths: Iterable[Path]) -> list[RorOrganisation]:
    """Every organisation in the files (folders: their `*.json`), first record of an id wins."""
    found: dict[str, RorOrganisation] = {}
    for path in _json_files(paths):
        for record in ror_records(json.loads(path.read_text(encoding="utf-8"))):
            organisation = parse_organisation(record)
            if organisation is not None:
                found.setdefault(organisation.ror_id, organisation)
    return list(found.values())


def _json_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("*.json"))
        else:
            yield path


def ror_records(document: object) -> list[dict[str, object]]:
    """The ROR records of a dump (a list), one record, or an Elasticsearch response."""
    if isinstance(document, list):
        candidates: list[object] = document
    elif isinstance(document, dict) and isinstance(document.get("hits"), dict):
        hits = document["hits"].get("hits", [])
        candidates = [h.get("_source") for h in hits if isinstance(h, dict)]
    else:
        candidates = [document]
    # Other JSON in the folder (affiliation → ROR id pairs) has no `id` and `names`.
    return [c for c in candidates if isinstance(c, dict) and "id" in c and "names" in c]


def parse_organisation(record: dict[str, object]) -> RorOrganisation | None:
    ror_id = str(record["id"])
    if not ror_id.startswith("https://ror.org/"):
        return None
    display = ""
    keys: dict[str, None] = {}
    acronyms: dict[str, None] = {}
    for entry in _list(record.get("names")):
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
            continue
        types = set(_list(entry.get("types")))
        value = entry["value"].strip()
        if "ror_display" in types:
            display = value
        if NAME_TYPES & types and institution_key(value):
            keys[institution_key(value)] = None
        if "acronym" in types:
            acronyms[value] = None
    domains: dict[str, None] = {}
    for raw in _list(record.get("domains")):
        domain = clean_domain(str(raw))
        if domain:
            domains[domain] = None
    for link in _list(record.get("links")):
        if isinstance(link, dict) and link.get("type") == "website":
            domain = clean_domain(urlsplit(str(link.get("value", ""))).hostname or "")
            if domain:
                domains[domain] = None
    return RorOrganisation(
        ror_id=ror_id,
        name=display or next(iter(keys), ""),
        name_keys=tuple(keys),
        acronyms=tuple(acronyms),
        domains=tuple(domains),
        status=str(record.get("status") or "active"),
    )


def clean_domain(raw: str) -> str | None:
    domain = raw.strip().lower().rstrip(".")
    domain = domain.removeprefix("www.")
    return domain if DOMAIN.match(domain) else None


def unambiguous(organisations: Iterable[RorOrganisation]) -> list[RorOrganisation]:
    """Drop name keys that two organisations share: such a name cannot pick one of them."""
    organisations = list(organisations)
    owners: dict[str, set[str]] = {}
    for org in organisations:
        for key in org.name_keys:
            owners.setdefault(key, set()).add(org.ror_id)
    return [
        RorOrganisation(
            ror_id=org.ror_id,
            name=org.name,
            name_keys=tuple(k for k in org.name_keys if len(owners[k]) == 1),
            acronyms=org.acronyms,
            domains=org.domains,
            status=org.status,
        )
        for org in organisations
    ]


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
