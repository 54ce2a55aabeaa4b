from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.huisvesting.domain.termijnen import dagen_inclusief, langste_maanden_in_dagen, plus_maanden, volle_jaren


@pytest.mark.parametrize(
    ("dag", "maanden", "verwacht"),
    [
        (date(2026, 3, 1), 3, date(2026, 6, 1)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 15), 4, date(2027, 3, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_plus_maanden_keeps_the_day_or_takes_the_last_day_of_the_month(dag: date, maanden: int, verwacht: date) -> None:
    assert plus_maanden(dag, maanden) == verwacht


@pytest.mark.parametrize(
    ("tot", "jaren"),
    [
        (date(2027, 2, 28), 0),
        (date(2027, 3, 1), 1),
        (date(2029, 2, 28), 2),
        (date(2029, 3, 1), 3),
        (date(2025, 1, 1), 0),
    ],
)
def test_volle_jaren_counts_completed_years(tot: date, jaren: int) -> None:
    assert volle_jaren(date(2026, 3, 1), tot) == jaren


def test_dagen_inclusief_counts_first_and_last_day() -> None:
    assert dagen_inclusief(date(2026, 3, 1), date(2026, 3, 30)) == 30
    assert dagen_inclusief(date(2026, 3, 1), date(2026, 3, 1)) == 1


@pytest.mark.parametrize(("maanden", "dagen"), [(1, 31), (3, 92), (4, 123), (5, 153), (6, 184), (12, 366)])
def test_langste_maanden_in_dagen(maanden: int, dagen: int) -> None:
    assert langste_maanden_in_dagen(maanden) == dagen


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(min_value=1, max_value=12))
def test_a_notice_of_the_longest_span_reaches_the_months_from_any_day(dag: date, maanden: int) -> None:
    assert (plus_maanden(dag, maanden) - dag).days <= langste_maanden_in_dagen(maanden)
