"""The trust snapshot: a transparent score from listed signals (docs/trust.md).

Every signal is listed with its value and its contribution, so a page can explain the score
and an analyst can recompute it from the graph. The score is the sum of contributions,
rounded to one decimal, between 0 and 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

LEVEL_POINTS = {1: 0.0, 2: 30.0, 3: 45.0}
LABELS = {1: "UNVERIFIED", 2: "CLAIMED", 3: "VERIFIED"}


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    value: float
    contribution: float
    explanation: str


@dataclass(frozen=True, slots=True)
class TrustInputs:
    verification_level: int
    claimed: bool
    works: int
    collaborators: int
    first_year: int | None
    last_year: int | None
    account_created: date | None = None  # of the approved claimant, if any
    orcid_verified: bool = False


@dataclass(frozen=True, slots=True)
class Trust:
    score: float
    label: str
    verification_level: int
    claimed: bool
    signals: tuple[Signal, ...]


def compute_trust(inputs: TrustInputs, today: date | None = None) -> Trust:
    level = inputs.verification_level if inputs.verification_level in LEVEL_POINTS else 1
    today = today or date.today()
    span = (
        inputs.last_year - inputs.first_year + 1
        if inputs.first_year is not None and inputs.last_year is not None
        else 0
    )
    account_years = (
        (today - inputs.account_created).days / 365.25 if inputs.account_created else 0.0
    )
    signals = (
        Signal(
            "verificationLevel",
            float(level),
            LEVEL_POINTS[level],
            "L1 public record only: 0; L2 approved claim: 30; L3 claim + verified ORCID: 45",
        ),
        Signal(
            "works",
            float(inputs.works),
            round(min(20.0, 5.0 * math.log2(1 + inputs.works)), 1),
            "5 × log2(1 + works), at most 20",
        ),
        Signal(
            "collaborators",
            float(inputs.collaborators),
            round(min(15.0, 3.0 * math.log2(1 + inputs.collaborators)), 1),
            "3 × log2(1 + distinct co-authors), at most 15",
        ),
        Signal(
            "activeYears",
            float(span),
            float(min(10, span)),
            "years from first to last work, 1 point each, at most 10",
        ),
        Signal(
            "accountAgeYears",
            round(account_years, 2),
            round(min(10.0, 2.0 * account_years), 1),
            "age of the claimant's account: 2 points a year, at most 10 (claimed only)",
        ),
    )
    score = round(min(100.0, sum(s.contribution for s in signals)), 1)
    return Trust(score, LABELS[level], level, inputs.claimed, signals)
