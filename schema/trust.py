"""GraphQL types for the trust snapshot."""

from __future__ import annotations

from enum import Enum

import strawberry

from resolvers.trust import Trust


@strawberry.enum(description="UNVERIFIED: L1; CLAIMED: L2; VERIFIED: L3.")
class TrustLabel(Enum):
    UNVERIFIED = "UNVERIFIED"
    CLAIMED = "CLAIMED"
    VERIFIED = "VERIFIED"


@strawberry.type(description="One input of the trust score and what it contributed.")
class TrustSignal:
    name: str
    value: float
    contribution: float
    explanation: str


@strawberry.type(
    description=(
        "A transparent trust score (0-100): the sum of the listed signals' contributions. "
        "A researcher known only from arXiv and not claimed is UNVERIFIED, level 1."
    )
)
class TrustSnapshot:
    score: float
    label: TrustLabel
    verification_level: int = strawberry.field(
        description="1: public record only; 2: approved claim; 3: claim + verified ORCID iD."
    )
    claimed: bool
    signals: list[TrustSignal]

    @classmethod
    def from_trust(cls, trust: Trust) -> TrustSnapshot:
        return cls(
            score=trust.score,
            label=TrustLabel(trust.label),
            verification_level=trust.verification_level,
            claimed=trust.claimed,
            signals=[
                TrustSignal(
                    name=s.name,
                    value=s.value,
                    contribution=s.contribution,
                    explanation=s.explanation,
                )
                for s in trust.signals
            ],
        )
