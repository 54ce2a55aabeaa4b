"""Working days per the Algemene termijnenwet (domain-rules §5), on worked dates of 2025-2028."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.werkdagen import feestdagen, is_werkdag, volgende_werkdagen, werkdagen_na, werkdagen_tussen


def test_feestdagen_2026_are_exactly_the_termijnenwet_set() -> None:
    assert feestdagen(2026) == {
        date(2026, 1, 1): "Nieuwjaarsdag",
        date(2026, 4, 3): "Goede Vrijdag",
        date(2026, 4, 6): "Tweede Paasdag",
        date(2026, 4, 27): "Koningsdag",
        date(2026, 5, 5): "Bevrijdingsdag",
        date(2026, 5, 14): "Hemelvaartsdag",
        date(2026, 5, 25): "Tweede Pinksterdag",
        date(2026, 12, 25): "Eerste Kerstdag",
        date(2026, 12, 26): "Tweede Kerstdag",
    }


def test_easter_and_whit_sunday_are_not_in_the_set() -> None:
    assert date(2026, 4, 5) not in feestdagen(2026)  # Easter Sunday
    assert date(2026, 5, 24) not in feestdagen(2026)  # Whit Sunday


def test_liberation_day_counts_every_year_not_only_in_lustrum_years() -> None:
    assert feestdagen(2027)[date(2027, 5, 5)] == "Bevrijdingsdag"
    assert not is_werkdag(date(2027, 5, 5))  # a Wednesday


def test_kings_day_moves_to_26_april_when_the_27th_is_a_sunday() -> None:
    assert feestdagen(2025)[date(2025, 4, 26)] == "Koningsdag"
    assert date(2025, 4, 27) not in feestdagen(2025)
    assert feestdagen(2031)[date(2031, 4, 26)] == "Koningsdag"


def test_two_holidays_on_one_date_keep_both_names() -> None:
    assert feestdagen(2016)[date(2016, 5, 5)] == "Hemelvaartsdag en Bevrijdingsdag"
    assert feestdagen(2005)[date(2005, 5, 5)] == "Hemelvaartsdag en Bevrijdingsdag"  # a lustrum year


def test_feestdagen_returns_a_copy_so_the_cache_cannot_be_changed() -> None:
    feestdagen(2026).clear()
    assert len(feestdagen(2026)) == 9


def test_a_year_the_calendar_does_not_cover_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="lacks termijnenwet days"):
        feestdagen(1900)


@pytest.mark.parametrize(
    ("ontvangen", "uiterlijk", "waarom"),
    [
        (date(2026, 12, 3), date(2026, 12, 10), "plain week (domain-rules example)"),
        (date(2026, 12, 23), date(2026, 12, 31), "Christmas on Fri/Sat (domain-rules example)"),
        (date(2026, 12, 29), date(2027, 1, 6), "across the year end, New Year on a Friday"),
        (date(2027, 12, 22), date(2027, 12, 29), "Christmas 2027 on a weekend adds nothing"),
        (date(2027, 12, 28), date(2028, 1, 4), "across the year end, New Year on a Saturday"),
        (date(2026, 4, 2), date(2026, 4, 13), "Good Friday and Easter Monday 2026"),
        (date(2027, 3, 25), date(2027, 4, 5), "Good Friday and Easter Monday 2027"),
        (date(2026, 4, 24), date(2026, 5, 4), "King's Day 2026 on a Monday"),
        (date(2026, 4, 30), date(2026, 5, 8), "5 May 2026, not a lustrum year"),
        (date(2026, 5, 11), date(2026, 5, 19), "Ascension Day 2026"),
        (date(2026, 5, 20), date(2026, 5, 28), "Whit Monday 2026"),
        (date(2027, 5, 3), date(2027, 5, 12), "5 May and Ascension Day 2027 back to back"),
        (date(2027, 4, 23), date(2027, 5, 3), "King's Day 2027 on a Tuesday"),
        (date(2026, 12, 5), date(2026, 12, 11), "received on a Saturday: counting starts Monday"),
    ],
)
def test_five_working_days_after_receipt(ontvangen: date, uiterlijk: date, waarom: str) -> None:
    assert werkdagen_na(ontvangen, 5) == uiterlijk, waarom


def test_volgende_werkdagen_lists_the_days_in_between() -> None:
    assert volgende_werkdagen(date(2026, 12, 23), 5) == [
        date(2026, 12, 24),
        date(2026, 12, 28),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
    ]
    assert volgende_werkdagen(date(2026, 12, 23), 0) == []


def test_werkdagen_tussen_counts_after_a_up_to_and_including_b() -> None:
    assert werkdagen_tussen(date(2026, 12, 23), date(2026, 12, 31)) == 5
    assert werkdagen_tussen(date(2026, 12, 24), date(2026, 12, 27)) == 0
    assert werkdagen_tussen(date(2026, 12, 31), date(2026, 12, 23)) == 0


def test_a_term_of_zero_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        werkdagen_na(date(2026, 12, 3), 0)
    with pytest.raises(ValueError, match="negative"):
        volgende_werkdagen(date(2026, 12, 3), -1)


# Property tests over a century, counting independently of the functions under test.
dagen = st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31))
termijnen = st.integers(min_value=1, max_value=40)


def _werkdag(dag: date) -> bool:
    return dag.weekday() < 5 and dag not in feestdagen(dag.year)


@given(dagen, termijnen)
def test_a_term_never_ends_on_a_weekend_or_holiday(start: date, n: int) -> None:
    einde = werkdagen_na(start, n)
    assert einde.weekday() < 5
    assert einde not in feestdagen(einde.year)


@given(dagen, termijnen)
def test_exactly_n_working_days_lie_between_receipt_and_deadline(start: date, n: int) -> None:
    einde = werkdagen_na(start, n)
    tussen = [start + timedelta(days=i) for i in range(1, (einde - start).days + 1)]
    assert sum(map(_werkdag, tussen)) == n
    assert werkdagen_tussen(start, einde) == n
    assert volgende_werkdagen(start, n) == [d for d in tussen if _werkdag(d)]


@given(dagen, termijnen)
def test_a_longer_term_ends_later(start: date, n: int) -> None:
    assert werkdagen_na(start, n) < werkdagen_na(start, n + 1)


@given(dagen, dagen, termijnen)
def test_a_later_receipt_never_ends_earlier(a: date, b: date, n: int) -> None:
    eerst, later = sorted((a, b))
    assert werkdagen_na(eerst, n) <= werkdagen_na(later, n)
