"""BW 7:616b lid 5 (and the ser2025 wider group): when the top client's shorter wait applies."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import pytest

from services.loonvordering.domain.invoer import Blok, Vordering
from services.loonvordering.domain.snelle_route import snelle_route
from shared.policy import Policy

D = Decimal
# 160 h a month in 2025's first half: 160 x 14.06 = 2,249.60 WML a month; 70 % of it is 1,574.72.
LAAG, GOED = D("1000.00"), D("2000.00")


def maanden(*betaald: Decimal, maand_nummers: tuple[int, ...] | None = None) -> Vordering:
    nummers = maand_nummers or tuple(range(1, len(betaald) + 1))
    blokken = tuple(
        Blok(date(2025, m, 1), date(2025, m, calendar.monthrange(2025, m)[1]), D(160), b)
        for m, b in zip(nummers, betaald, strict=True)
    )
    return Vordering(
        blokken[0].van, blokken[-1].tot, D(160 * len(blokken)), sum(betaald, D(0)), leeftijd=30, per_maand=blokken
    )


def totaal(van: date, tot: date, uren: int, betaald: str) -> Vordering:
    return Vordering(van, tot, D(uren), D(betaald), leeftijd=30)


def test_chain_example_totals_cover_three_full_months(huidig: Policy) -> None:
    assert snelle_route(totaal(date(2025, 1, 1), date(2025, 3, 31), 512, "3072.00"), huidig)


@pytest.mark.parametrize(("betaald", "snel"), [("5039.10", True), ("5039.11", False)])
def test_totals_are_tested_against_70_percent_of_the_wml(huidig: Policy, betaald: str, snel: bool) -> None:
    """512 x 14.06 = 7,198.72; 70 % = 5,039.104: strictly below it qualifies."""
    assert snelle_route(totaal(date(2025, 1, 1), date(2025, 3, 31), 512, betaald), huidig) is snel


def test_totals_over_fewer_than_three_full_months_are_not_tested(huidig: Policy, ser2025: Policy) -> None:
    """2025-01-15..04-14 holds only February and March whole: lid 5 cannot be shown from totals;
    ser2025's wage <= 130 % WML group still covers it."""
    claim = totaal(date(2025, 1, 15), date(2025, 4, 14), 480, "1000.00")
    assert not snelle_route(claim, huidig)
    assert snelle_route(claim, ser2025)


def test_per_maand_needs_three_consecutive_low_months(huidig: Policy) -> None:
    assert snelle_route(maanden(GOED, LAAG, LAAG, LAAG), huidig)
    assert not snelle_route(maanden(LAAG, GOED, LAAG, LAAG), huidig)
    assert not snelle_route(maanden(LAAG, LAAG, LAAG, maand_nummers=(1, 2, 4)), huidig)


def test_per_maand_boundary_is_70_percent_of_the_months_wml(huidig: Policy) -> None:
    assert snelle_route(maanden(D("1574.71"), D("1574.71"), D("1574.71")), huidig)
    assert not snelle_route(maanden(D("1574.71"), D("1574.72"), D("1574.71")), huidig)


@pytest.mark.parametrize(("betaald", "snel"), [("2924.48", True), ("2924.49", False)])
def test_ser2025_wage_up_to_130_percent_of_the_wml(ser2025: Policy, huidig: Policy, betaald: str, snel: bool) -> None:
    """One month, 160 h: 130 % of 2,249.60 = 2,924.48. Current law knows no such group."""
    claim = totaal(date(2025, 1, 1), date(2025, 1, 31), 160, betaald)
    assert snelle_route(claim, ser2025) is snel
    assert not snelle_route(claim, huidig)


def _maanden_2026(van: date, tot: date, betaald: Decimal) -> Vordering:
    """`per_maand` for van..tot in 2026, each month clipped to the period, 8 h a day, paid `betaald`."""
    blokken, maand = [], van.month
    while maand <= tot.month:
        eerste = max(van, date(2026, maand, 1))
        laatste = min(tot, date(2026, maand, calendar.monthrange(2026, maand)[1]))
        blokken.append(Blok(eerste, laatste, D(8 * ((laatste - eerste).days + 1)), betaald))
        maand += 1
    return Vordering(
        van,
        tot,
        sum((b.uren for b in blokken), D(0)),
        sum((b.betaald for b in blokken), D(0)),
        leeftijd=30,
        per_maand=tuple(blokken),
    )


@pytest.mark.parametrize(
    ("van", "tot", "snel"),
    [
        # The review's example: 39 days over three calendar months, only February whole.
        pytest.param(date(2026, 1, 26), date(2026, 3, 5), False, id="defect-3-39-days-over-3-months"),
        pytest.param(date(2026, 1, 1), date(2026, 3, 31), True, id="defect-3-three-full-months"),
        pytest.param(date(2026, 1, 2), date(2026, 3, 31), False, id="defect-3-january-a-day-short"),
        pytest.param(date(2026, 1, 1), date(2026, 3, 30), False, id="defect-3-march-a-day-short"),
        pytest.param(date(2026, 1, 15), date(2026, 5, 14), True, id="defect-3-three-full-months-inside"),
    ],
)
def test_defect_3_per_maand_counts_only_full_calendar_months(huidig: Policy, van: date, tot: date, snel: bool) -> None:
    """Defect 3 (BW 7:616b lid 5): 3 consecutive *full* months below the threshold; a month the
    period covers only in part is no month of lid 5 (nothing is paid here, so every month is low)."""
    assert snelle_route(_maanden_2026(van, tot, D(0)), huidig) is snel
