"""The trust snapshot: a transparent score from listed signals (docs/trust.md).

The formula lives next to the graph it is stored in (`graphdb.trust`), so the API and the
stored `Researcher.trustScore` are computed by one function; resolvers use it from here.
"""

from __future__ import annotations

from graphdb.trust import (
    LABELS,
    LEVEL_POINTS,
    Signal,
    Trust,
    TrustInputs,
    compute_trust,
    verification_level,
)

__all__ = [
    "LABELS",
    "LEVEL_POINTS",
    "Signal",
    "Trust",
    "TrustInputs",
    "compute_trust",
    "verification_level",
]
