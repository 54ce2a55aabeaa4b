"""The line-by-line computation every decision carries, so an outcome can be explained later.

`stap` is a stable rule code (it appears in the policy comments, the tests and the docs),
`omschrijving` says in Dutch what was computed and `waarde` is the result of that step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HONDERD = Decimal(100)


def euro(bedrag: Decimal) -> Decimal:
    """A reported amount: rounded half-up to whole cents (domain-rules §1)."""
    return bedrag.quantize(CENT, rounding=ROUND_HALF_UP)


def getal(waarde: Decimal) -> str:
    """A quantity for a sentence: at most two decimals, no trailing zeros (88.00 -> 88)."""
    return f"{euro(waarde).normalize():f}"


@dataclass(frozen=True)
class Stap:
    stap: str
    omschrijving: str
    waarde: Decimal | str
