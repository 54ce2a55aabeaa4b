"""The ser2025 guarantee window's last day for every start day: the window runs for whole calendar
months, and a start day the last month does not have (29, 30, 31) covers that month to its end."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.loonvordering.domain.berekening import Stap
from services.loonvordering.domain.garantie import garantievenster
from services.loonvordering.domain.invoer import Vordering
from shared.maanden import laatste_dag_na
from shared.policy import Policy

D = Decimal


def venster_tot(start: date, policy: Policy) -> date | None:
    claim = Vordering(
        start,
        start + timedelta(days=20),
        D(100),
        D("100.00"),
        30,
        eerste_werkdag=start,
        eerste_tewerkstelling_in_nl=True,
        is_uitzendonderneming=True,
    )
    venster = garantievenster(claim, D("100.00"), policy, [])
    return None if venster is None else venster.tot


def maand_na(start: date, maanden: int) -> tuple[int, int]:
    jaar, index = divmod(start.month - 1 + maanden, 12)
    return start.year + jaar, index + 1


@pytest.mark.parametrize(
    ("start", "tot"),
    [
        pytest.param(date(2026, 3, 1), date(2026, 4, 30), id="first-of-month"),
        pytest.param(date(2025, 7, 31), date(2025, 9, 30), id="31st-into-a-30-day-month"),
        pytest.param(date(2025, 7, 30), date(2025, 9, 29), id="30th-into-a-30-day-month"),
        pytest.param(date(2025, 10, 31), date(2025, 12, 30), id="31st-into-a-31-day-month"),
        pytest.param(date(2024, 12, 31), date(2025, 2, 28), id="31st-into-february"),
        pytest.param(date(2024, 12, 29), date(2025, 2, 28), id="29th-into-a-short-february"),
        pytest.param(date(2025, 12, 29), date(2026, 2, 28), id="29th-into-february-2026"),
        pytest.param(date(2024, 2, 29), date(2024, 4, 28), id="leap-day-start"),
    ],
)
def test_window_end_for_month_end_starts(ser2025: Policy, start: date, tot: date) -> None:
    assert venster_tot(start, ser2025) == tot


def verwacht_einde(start: date, maanden: int) -> date:
    """The rule spelled out by calendar: in the month `maanden` on, the day before the start's day
    number; when that month has no such day, its last day; a start on the 1st ends the month before."""
    jaar, maand = maand_na(start, maanden)
    laatste = calendar.monthrange(jaar, maand)[1]
    if start.day == 1:
        return date(jaar, maand, 1) - timedelta(days=1)
    if start.day > laatste:
        return date(jaar, maand, laatste)
    return date(jaar, maand, start.day - 1)


def test_window_end_for_every_start_day_2024_to_2026(ser2025: Policy) -> None:
    """Over every start day the policy can price (leap year 2024 included), the window of the
    policy's months ends as the calendar says, and never earlier for a later start."""
    maanden = int(ser2025.value("inkomensgarantie_maanden", date(2024, 1, 1)))
    vorige: date | None = None
    dag = date(2024, 1, 1)
    while dag <= date(2026, 4, 30):
        tot = venster_tot(dag, ser2025)
        assert tot == verwacht_einde(dag, maanden), f"start {dag}"
        assert 28 * maanden <= (tot - dag).days + 1 <= 31 * maanden, f"start {dag}"
        if vorige is not None:
            assert tot >= vorige, f"start {dag} ends before the window of the day before"
        vorige, dag = tot, dag + timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "maanden", "tot"),
    [
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="31st-into-a-leap-february"),
        pytest.param(date(2024, 1, 30), 1, date(2024, 2, 29), id="30th-into-a-leap-february"),
        pytest.param(date(2024, 1, 29), 1, date(2024, 2, 28), id="29th-into-a-leap-february"),
        pytest.param(date(2023, 1, 29), 1, date(2023, 2, 28), id="29th-into-a-short-february"),
        pytest.param(date(2024, 2, 29), 12, date(2025, 2, 28), id="leap-day-for-a-year"),
        pytest.param(date(2023, 12, 31), 2, date(2024, 2, 29), id="over-new-year-into-a-leap-february"),
        pytest.param(date(2026, 5, 31), 0, date(2026, 5, 30), id="no-months-is-empty"),
    ],
)
def test_window_end_in_leap_years_and_other_lengths(start: date, maanden: int, tot: date) -> None:
    assert laatste_dag_na(start, maanden) == tot


def test_window_end_for_every_start_day_and_length_2023_to_2029() -> None:
    """Each length from 1 to 25 months, every start day over two leap years: the end the calendar
    gives, and one month more always ends later."""
    dag = date(2023, 1, 1)
    while dag <= date(2029, 12, 31):
        for maanden in range(1, 26):
            tot = laatste_dag_na(dag, maanden)
            assert tot == verwacht_einde(dag, maanden), f"start {dag}, {maanden} months"
            assert 28 * maanden <= (tot - dag).days + 1 <= 31 * maanden, f"start {dag}, {maanden} months"
            assert laatste_dag_na(dag, maanden - 1) < tot
        dag += timedelta(days=1)


def test_seasonal_contract_one_day_short_of_the_window_is_shorter_than_two_months(ser2025: Policy) -> None:
    """A seasonal contract of 07-31 to 09-29 (61 days) is shorter than the two months 07-31..09-30
    (62 days): with full-time pay the exception takes it out of the guarantee."""
    start = date(2025, 7, 31)
    claim = Vordering(
        start,
        date(2025, 9, 29),
        D(100),
        D("10000.00"),
        30,
        eerste_werkdag=start,
        seizoenswerk=True,
        contract_duur_dagen=61,
        eerste_tewerkstelling_in_nl=True,
        is_uitzendonderneming=True,
    )
    stappen: list[Stap] = []
    assert garantievenster(claim, D("10000.00"), ser2025, stappen) is None
    assert [s.waarde for s in stappen if s.stap == "LV-GARANTIE"] == [
        "seizoenswerk met een contract korter dan 2 maanden en ten minste het voltijds minimumloon"
    ]
    volle_twee_maanden = dataclasses.replace(claim, contract_duur_dagen=62)
    assert garantievenster(volle_twee_maanden, D("10000.00"), ser2025, []) is not None
