"""One line of a decision's computation, so every outcome can be explained step by step.

`stap` is a stable rule code (it appears in the policy comments, the tests and the docs),
`omschrijving` says in Dutch what was computed, and `waarde` is the result of that step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def euro(bedrag: Decimal) -> Decimal:
    """A reported amount: rounded half-up to whole cents (domain-rules §1)."""
    return bedrag.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Stap:
    stap: str
    omschrijving: str
    waarde: Decimal | str


def getal(waarde: Decimal) -> Decimal:
    """A ratio for display: two decimals, trailing zeros dropped (2.00 -> 2)."""
    return waarde.quantize(CENT).normalize()
