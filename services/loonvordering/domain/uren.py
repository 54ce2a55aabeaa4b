"""The WML wage of hours worked (rule LV-WML): hours x the hourly WML in force, per stretch of days
with one rate. Hours without a date are spread evenly over the working days of their block (the
period, or one month of `per_maand`); the rate is the worker's own (age, BBL track) via `shared.wml`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.loonvordering.domain.invoer import Blok, Vordering
from shared.maanden import dagen
from shared.policy import Policy
from shared.werkdagen import is_werkdag
from shared.wml import minimumuurloon

# Parameters whose change dates split a period: each stretch is priced at the values in force on it.
_TARIEF_SLEUTELS = ("wml_uurloon_21plus", "wml_jeugd_pct", "wml_bbl_pct", "mvb_pct")

Werkdag = Callable[[date], bool]


@dataclass(frozen=True)
class Segment:
    """A stretch of one block with one hourly rate: its share of the block's hours and their WML."""

    van: date
    tot: date
    werkdagen: int
    uren: Decimal
    tarief: Decimal
    tariefgroep: str
    mvb_pct: Decimal

    @property
    def wml_loon(self) -> Decimal:
        return self.uren * self.tarief


def segmenten(
    blok: Blok, vordering: Vordering, policy: Policy, werkdag: Werkdag = is_werkdag, grenzen: Sequence[date] = ()
) -> list[Segment]:
    """Split `blok` at every rate change (and at `grenzen`) and give each stretch its hours.

    A block without a single working day (a weekend) spreads its hours over its calendar days.
    Hours are multiplied before they are divided, so a stretch covering the whole block gets
    exactly the block's hours.
    """
    alle_dagen = dagen(blok.van, blok.tot)
    werk = [dag for dag in alle_dagen if werkdag(dag)] or alle_dagen
    splitsing = {g for sleutel in _TARIEF_SLEUTELS for g in policy.change_dates(sleutel)} | set(grenzen)
    starts = [blok.van, *sorted(g for g in splitsing if blok.van < g <= blok.tot)]
    eindes = [start - timedelta(days=1) for start in starts[1:]] + [blok.tot]
    result = []
    for van, tot in zip(starts, eindes, strict=True):
        n = sum(1 for dag in werk if van <= dag <= tot)
        tarief = minimumuurloon(van, vordering.leeftijd, policy, bbl=vordering.bbl)
        result.append(
            Segment(
                van=van,
                tot=tot,
                werkdagen=n,
                uren=blok.uren * n / len(werk),
                tarief=tarief.bedrag,
                tariefgroep=tarief.groep,
                mvb_pct=policy.decimal("mvb_pct", van),
            )
        )
    return result


def wml_loon(blok: Blok, vordering: Vordering, policy: Policy, werkdag: Werkdag = is_werkdag) -> Decimal:
    """The WML wage of a block's hours, before any guarantee: sum of hours x rate in force."""
    return sum((s.wml_loon for s in segmenten(blok, vordering, policy, werkdag)), Decimal(0))
