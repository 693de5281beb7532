"""A researcher as every mention of one needs it: one projection for every query that lists them.

The profile lookup (`graphdb.researchers`) and the authors of papers (`graphdb.papers`) return
the same map, so an author list arrives complete with its paper and needs no second lookup. A
works page whose client asks nothing claim-related of the authors brings the lighter `Mention`
instead. Counts and rankings live in `graphdb.researchers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString, NamedTuple

from graphdb.values import from_epoch_millis


@dataclass(frozen=True, slots=True)
class Researcher:
    """What every mention of a researcher needs; counts live in `ResearcherStats`."""

    id: str
    requested_id: str  # the id asked for: differs from `id` when it was merged into this one
    name: str
    name_variants: tuple[str, ...]
    field: str | None
    is_collaboration: bool
    open_to_collaborate: bool
    claimed: bool
    verification_level: int
    claimant_id: str | None = None  # the user holding the approved claim (docs/accounts.md)
    claimant_since_ms: int | None = None  # when that user's account was created (epoch ms)
    orcid_verified: bool = False  # the claimant's ORCID iD is verified (level 3)
    trust_updated_ms: int | None = None  # when `trustScore` was last stored (epoch ms)

    # Converted when asked (the trust snapshot): most mentions are a name in an author list,
    # and a datetime per mention was a measured part of a works page's CPU.
    @property
    def claimant_since(self) -> datetime | None:
        return from_epoch_millis(self.claimant_since_ms)

    @property
    def trust_updated_at(self) -> datetime | None:
        return from_epoch_millis(self.trust_updated_ms)


# Binds `u`, the user holding the approved claim on `r` (or null). The approved claim carries
# `approvedFor` (unique, indexed): at most one claimant.
CLAIMANT_MATCH: LiteralString = "OPTIONAL MATCH (u:User)-[:SUBMITTED]->(:Claim {approvedFor: r.id})"

# The fields of a map projection over `r` and `u` (after CLAIMANT_MATCH). Timestamps travel as
# epoch milliseconds: the driver's temporal hydration costs more than the query on long lists.
RESEARCHER_FIELDS: LiteralString = """
  id: r.id, name: r.name, nameVariants: r.nameVariants, field: r.field,
  isCollaboration: r.isCollaboration,
  openToCollaborate: u IS NOT NULL AND coalesce(r.openToCollaborate, false),
  claimed: u IS NOT NULL,
  claimantId: u.id, claimantSince: u.createdAt.epochMillis,
  orcidVerified: coalesce(u.orcidVerified, false),
  verificationLevel: CASE WHEN u IS NULL THEN 1 WHEN u.orcidVerified THEN 3 ELSE 2 END,
  trustUpdatedAt: r.trustUpdatedAt.epochMillis
"""


class Mention(NamedTuple):
    """A researcher as an author list shows one: what the node itself holds, no claimant.

    Brought by a works page whose selection asks nothing of the authors that depends on a
    claim (`Researcher.claimed`, `verificationLevel`, `openToCollaborate`, `trust`); those
    fields load the complete `Researcher` when asked anyway. Half the cost of a complete
    mention on a page of 100 works (docs/benchmarks.md).
    """

    id: str
    name: str
    name_variants: tuple[str, ...]
    field: str | None
    is_collaboration: bool


# A list over `r`, in `Mention` order.
MENTION_FIELDS: LiteralString = """[r.id, coalesce(r.name, ''), coalesce(r.nameVariants, []),
  r.field, coalesce(r.isCollaboration, false)]"""


def mention_from_list(row: list[Any]) -> Mention:
    return Mention(row[0], row[1], tuple(row[2]), row[3], bool(row[4]))


def researcher_from_map(row: dict[str, Any], requested: str | None = None) -> Researcher:
    return Researcher(
        id=row["id"],
        requested_id=requested if requested is not None else row["id"],
        name=row["name"] or "",
        name_variants=tuple(row["nameVariants"] or ()),
        field=row["field"],
        is_collaboration=bool(row["isCollaboration"]),
        open_to_collaborate=bool(row["openToCollaborate"]),
        claimed=bool(row["claimed"]),
        verification_level=int(row["verificationLevel"]),
        claimant_id=row["claimantId"],
        claimant_since_ms=row["claimantSince"],
        orcid_verified=bool(row["orcidVerified"]),
        trust_updated_ms=row["trustUpdatedAt"],
    )
