"""Researcher identity: a deterministic, order-independent policy.

arXiv gives author *strings*, not people. We block on what reliably stays the same across a
person's papers and name variants, and on what separates namesakes:

    identity key = (folded surname, first forename initial, research field)

* "C. Balázs", "Csaba Balázs" and "C. Balazs" on hep-ph papers share the key
  (`balazs`, `c`, `hep`) and so are one researcher whose `nameVariants` lists every spelling;
* "Y. Wang" on an astro-ph paper and "Y. Wang" on a cs.LG paper differ in field (`astro` vs
  `info`) and stay two researchers;
* a collaboration ("The BaBar Collaboration") is keyed by its folded full name, in any field.

The field is the *primary* category's archive folded into a coarse field (below), so a person
cross-listing into neighbouring archives keeps one identity. The id is a hash of the key: it
never depends on load order, so re-loading, resuming or loading in another order never
renumbers anyone. Known limits, documented for analysts: two namesakes with the same initial in
the same field are merged; a person who changes field gets one identity per field.
"""

from __future__ import annotations

import hashlib
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
    name_key: str  # "balazs|c": the field-free part, indexed for look-ups
    field: str


def field_of(primary_category: str | None) -> str:
    if not primary_category:
        return "unknown"
    archive = primary_category.split(".", 1)[0]
    return FIELD_OF_ARCHIVE.get(archive, archive)


def identify(author: Author, primary_category: str | None) -> ResearcherIdentity:
    surname, initial = name_key(author)
    if author.is_collaboration:
        key = f"collab|{surname}"
        return ResearcherIdentity(_hash_id(key), key, "any")
    field = field_of(primary_category)
    base = f"{surname}|{initial}"
    return ResearcherIdentity(_hash_id(f"{base}|{field}"), base, field)


def identify_authors(
    authors: Sequence[Author], primary_category: str | None
) -> list[ResearcherIdentity | None]:
    """Identities for one paper's author list, in order.

    One person does not sign a paper twice, so two author slots that share a key are two
    people: both are then keyed by their full folded forenames ("wang|yi|info" and
    "wang|yan|info"). A slot identical to an earlier one even so (the same full name twice, a
    source glitch) gets None and is not linked again.
    """
    identities = [identify(author, primary_category) for author in authors]
    counts = Counter(identity.id for identity in identities)
    result: list[ResearcherIdentity | None] = []
    seen: set[str] = set()
    for author, identity in zip(authors, identities, strict=True):
        if counts[identity.id] > 1 and not author.is_collaboration:
            forenames = "".join(
                c for c in ascii_fold(author.forenames or "").lower() if c.isalnum()
            )
            base = f"{identity.name_key.split('|', 1)[0]}|{forenames}"
            identity = ResearcherIdentity(
                _hash_id(f"{base}|{identity.field}"), identity.name_key, identity.field
            )
        if identity.id in seen:
            result.append(None)
            continue
        seen.add(identity.id)
        result.append(identity)
    return result


def _hash_id(key: str) -> str:
    return "r-" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
