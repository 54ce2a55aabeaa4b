"""The most that may be deducted from the minimum wage for housing (art. 13 WML; art. 2a Besluit
WML, Stb. 2016, 419), the one computation housing checks (HUIS-005) and wage computations (claims,
WML fines) share: an unlawful deduction does not count as wage paid (domain-rules §2 step 3).

The cap of a month is `huis_inhouding_max_pct_wml` % of the worker's own monthly minimum wage in
that month: the hourly WML in force on the month's first day for the worker's age (youth bands
lower it) x hours a week x 52 / 12 (`shared.wml`). Hours a week unknown: the policy's full-time
week (`fulltime_week_uren`). Age unknown: the adult rate [A].

Raises what `shared.wml.minimumuurloon` raises: `UnknownPolicyValue` for a month whose WML is not
published yet, `GeenMinimumloon` below the youngest age band.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared import wml
from shared.policy import Policy

_HONDERD = Decimal(100)


@dataclass(frozen=True)
class MaximaleInhouding:
    """A month's cap and how it was computed (at full precision; round only when reporting)."""

    maand: date
    """The first day of the month (the lookup date of the WML)."""
    tarief: wml.Tarief
    uren_per_week: Decimal
    uren_uit_beleid: bool
    maandloon: Decimal
    pct: Decimal
    bedrag: Decimal


def maximale_inhouding(
    maand: date, leeftijd: int | None, uren_per_week: Decimal | None, policy: Policy, *, bbl: bool = False
) -> MaximaleInhouding:
    """The most that may come off the minimum wage for housing in the calendar month of `maand`."""
    eerste = maand.replace(day=1)
    tarief = wml.minimumuurloon(eerste, leeftijd, policy, bbl=bbl)
    uren = uren_per_week if uren_per_week is not None else policy.decimal("fulltime_week_uren", eerste)
    pct = policy.decimal("huis_inhouding_max_pct_wml", eerste)
    maandloon = wml.maandloon(tarief.bedrag, uren)
    return MaximaleInhouding(
        maand=eerste,
        tarief=tarief,
        uren_per_week=uren,
        uren_uit_beleid=uren_per_week is None,
        maandloon=maandloon,
        pct=pct,
        bedrag=maandloon * pct / _HONDERD,
    )


def niet_als_loon_per_maand(
    inhouding: Decimal,
    maand: date,
    leeftijd: int | None,
    uren_per_week: Decimal | None,
    policy: Policy,
    *,
    voorwaarden_voldaan: bool,
) -> Decimal:
    """The part of a month's housing deduction that does not count as wage paid: all of it when a
    condition other than the cap is broken (no written authorisation, uncertified housing, a posted
    worker), otherwise what exceeds the month's cap ("voor zover", art. 13 WML) [A]."""
    if not voorwaarden_voldaan:
        return inhouding
    try:
        maximum = maximale_inhouding(maand, leeftijd, uren_per_week, policy).bedrag
    except wml.GeenMinimumloon:
        return Decimal(0)  # no minimum wage, so nothing is deducted from it
    return max(Decimal(0), inhouding - maximum)
