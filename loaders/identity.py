"""Researcher identity: a deterministic, order-independent policy (docs/identity.md).

arXiv gives author *strings*, not people. At write time each author occurrence gets a key:

* a person with a written-out given name: (folded surname, folded first given name, field) —
  "Yong-Jin Liu" and "Yong-jin Liu" are one key, "Yi Wang" and "Yan Wang" are two;
* a person known by initials only: (folded surname, first initial, field), flagged
  `initialsOnly` — "C. Balázs";
* a collaboration: its folded full name, in any field.

`field` is the paper's primary category folded into a coarse research field (below), so
namesakes in unrelated fields ("Y. Wang" in astro-ph and in cs.LG) stay apart while a person
cross-listing into a neighbouring archive keeps one identity. Ids are hashes of keys: they do
not depend on load order, so re-loading, resuming or reordering never renumbers anyone.

Initials-only researchers ("H. M. Lee", keyed by all initials) are then merged into a
full-name one of the same block (surname, first initial, field) whose initials are compatible
("Hyung Mok Lee", not "Hyun Soo Lee") by `graphdb.identities` when the evidence agrees: the
block has exactly one such candidate, or one shares strictly more co-authors than any other.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

from loaders.names import ascii_fold, name_key
from loaders.records import Author

# arXiv archive → coarse research field used to keep namesakes apart.
FIELD_OF_ARCHIVE = MappingProxyType(
    {
        "astro-ph": "astro",
        "cond-mat": "condmat",
        "supr-con": "condmat",
        "mtrl-th": "condmat",
        "hep-ex": "hep",
        "hep-lat": "hep",
        "hep-ph": "hep",
        "hep-th": "hep",
        "gr-qc": "hep",
        "nucl-ex": "hep",
        "nucl-th": "hep",
        "quant-ph": "quant",
        "math-ph": "math",
        "math": "math",
        "alg-geom": "math",
        "dg-ga": "math",
        "funct-an": "math",
        "q-alg": "math",
        "cs": "info",
        "cmp-lg": "info",
        "eess": "info",
        "stat": "info",
        "q-bio": "bio",
        "q-fin": "econ",
        "econ": "econ",
        "nlin": "physics",
        "physics": "physics",
        "chao-dyn": "physics",
        "solv-int": "physics",
        "patt-sol": "physics",
        "adap-org": "physics",
        "comp-gas": "physics",
        "acc-phys": "physics",
        "ao-sci": "physics",
        "atom-ph": "physics",
        "chem-ph": "physics",
        "plasm-ph": "physics",
        "bayes-an": "info",
    }
)


@dataclass(frozen=True, slots=True)
class ResearcherIdentity:
    id: str
    name_key: str  # "balazs|c": surname and initial, the block shared by all name variants
    field: str
    initials_only: bool
    initials: str  # "hm" for "Hyung Mok" or "H. M.": decides which merges are compatible

    @property
    def block(self) -> str:
        return f"{self.name_key}|{self.field}"


def field_of(primary_category: str | None) -> str:
    if not primary_category:
        return "unknown"
    archive = primary_category.split(".", 1)[0]
    return FIELD_OF_ARCHIVE.get(archive, archive)


def given_name(forenames: str | None) -> str | None:
    """The folded first given name, or None when only initials are known ("C.", "C.-P.")."""
    if not forenames:
        return None
    first = forenames.split()[0]
    if "." in first or len(first) == 1:
        return None
    folded = _fold(first)
    return folded if len(folded) > 1 else None


def initials_of(forenames: str | None) -> str:
    """ "hm" for "Hyung Mok", "H. M." or "H.-M."; "" when there are no forenames."""
    parts = re.split(r"[\s.\-‐]+", ascii_fold(forenames or "").lower())
    return "".join(part[0] for part in parts if part and part[0].isalnum())


def identify(author: Author, primary_category: str | None) -> ResearcherIdentity:
    surname, initial = name_key(author)
    if author.is_collaboration:
        key = f"collab|{surname}"
        return ResearcherIdentity(_hash_id(key), key, "any", False, "")
    field = field_of(primary_category)
    block = f"{surname}|{initial}"
    initials = initials_of(author.forenames)
    given = given_name(author.forenames)
    if given is None:
        # "H. M. Lee" and "H. S. Lee" are different people; only all initials make the key.
        key = f"{surname}|{initials}|{field}"
        return ResearcherIdentity(_hash_id(key), block, field, True, initials)
    key = f"{surname}|{given}|{field}"
    return ResearcherIdentity(_hash_id(key), block, field, False, initials)


def identify_authors(
    authors: Sequence[Author], primary_category: str | None
) -> list[ResearcherIdentity | None]:
    """Identities for one paper's author list, in order.

    One person does not sign a paper twice, so two author slots that share a key are two
    people: both are then keyed by all their folded forenames ("wang|yj|info" and
    "wang|yq|info" for "Y. J. Wang" and "Y. Q. Wang"). A slot identical to an earlier one
    even so (the same full name twice, a source glitch) gets None and is not linked again.
    """
    identities = [identify(author, primary_category) for author in authors]
    counts = Counter(identity.id for identity in identities)
    result: list[ResearcherIdentity | None] = []
    seen: set[str] = set()
    for author, identity in zip(authors, identities, strict=True):
        if counts[identity.id] > 1 and not author.is_collaboration:
            surname = identity.name_key.split("|", 1)[0]
            key = f"{surname}|{_fold(author.forenames or '')}|{identity.field}"
            identity = ResearcherIdentity(
                _hash_id(key),
                identity.name_key,
                identity.field,
                identity.initials_only,
                identity.initials,
            )
        if identity.id in seen:
            result.append(None)
            continue
        seen.add(identity.id)
        result.append(identity)
    return result


def _fold(text: str) -> str:
    return "".join(c for c in ascii_fold(text).lower() if c.isalnum())


def _hash_id(key: str) -> str:
    return "r-" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
