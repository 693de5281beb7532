"""A researcher as every mention of one needs it: one projection for every query that lists them.

The profile lookup (`graphdb.researchers`) and the authors of papers (`graphdb.papers`) return
the same map, so an author list arrives complete with its paper and needs no second lookup.
Counts and rankings live in `graphdb.researchers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

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
    claimant_since: datetime | None = None  # when that user's account was created
    orcid_verified: bool = False  # the claimant's ORCID iD is verified (level 3)
    trust_updated_at: datetime | None = None  # when `trustScore` was last stored


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
        claimant_since=from_epoch_millis(row["claimantSince"]),
        orcid_verified=bool(row["orcidVerified"]),
        trust_updated_at=from_epoch_millis(row["trustUpdatedAt"]),
    )
