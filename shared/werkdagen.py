"""Dutch working days, for every term the system counts in working days.

A working day is Monday to Friday, except the days the Algemene termijnenwet (art. 3) treats as
public holidays: New Year's Day, Good Friday, Easter Monday, King's Day (27 April, or 26 April
when the 27th is a Sunday; Queen's Day before 2014), 5 May (every year), Ascension Day, Whit
Monday, Christmas Day and Boxing Day.

The maintained `holidays` package computes the movable feasts. Its Dutch calendar is not the
termijnenwet's set: it also lists Easter and Whit Sunday and lists 5 May only in lustrum years.
So this module keeps only the named days above from it and adds 5 May itself. If a future
version of the package renamed or dropped one of those days, `feestdagen` raises instead of
silently counting a holiday as a working day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

# The `holidays` package's English names (language en_US) -> the Dutch name the law uses.
_TERMIJNENWET: dict[str, str] = {
    "New Year's Day": "Nieuwjaarsdag",
    "Good Friday": "Goede Vrijdag",
    "Easter Monday": "Tweede Paasdag",
    "King's Day": "Koningsdag",
    "Queen's Day": "Koningsdag",
    "Ascension Day": "Hemelvaartsdag",
    "Pentecost Monday": "Tweede Pinksterdag",
    "Christmas Day": "Eerste Kerstdag",
    "Second Day of Christmas": "Tweede Kerstdag",
}
_BEVRIJDINGSDAG = "Bevrijdingsdag"


@cache
def _feestdagen(jaar: int) -> tuple[tuple[date, str], ...]:
    """Computed once per year; immutable so the cache can be shared safely.

    Two holidays can fall on one date (Ascension Day was on 5 May in 2005 and 2016); the date
    then carries both names.
    """
    kalender = holidays.country_holidays("NL", years=jaar, language="en_US")
    dagen: dict[date, list[str]] = {}
    for dag in sorted(kalender):
        for naam in kalender.get_list(dag):  # the package joins names of one date; take them apart
            if naam in _TERMIJNENWET:
                dagen.setdefault(dag, []).append(_TERMIJNENWET[naam])
    dagen.setdefault(date(jaar, 5, 5), []).append(_BEVRIJDINGSDAG)
    gevonden = {naam for namen in dagen.values() for naam in namen}
    ontbrekend = sorted({*_TERMIJNENWET.values(), _BEVRIJDINGSDAG} - gevonden)
    if ontbrekend:
        raise ValueError(f"the holiday calendar for {jaar} lacks termijnenwet days: {', '.join(ontbrekend)}")
    return tuple((dag, " en ".join(namen)) for dag, namen in sorted(dagen.items()))


def feestdagen(jaar: int) -> dict[date, str]:
    """The termijnenwet holidays of `jaar` with their Dutch names, also those that fall in a weekend."""
    return dict(_feestdagen(jaar))


@cache
def _feestdag_set(jaar: int) -> frozenset[date]:
    return frozenset(dag for dag, _ in _feestdagen(jaar))


def is_werkdag(dag: date) -> bool:
    return dag.weekday() < 5 and dag not in _feestdag_set(dag.year)


def volgende_werkdagen(start: date, n: int) -> list[date]:
    """The first `n` working days after `start` (`start` itself never counts), in order.

    The last one is `werkdagen_na(start, n)`; planning uses the list to look for free capacity.
    """
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    dagen: list[date] = []
    dag = start
    while len(dagen) < n:
        dag += timedelta(days=1)
        if is_werkdag(dag):
            dagen.append(dag)
    return dagen


def werkdagen_na(start: date, n: int) -> date:
    """The n-th working day after `start`: a term of n working days received on `start` ends then.

    The day of receipt does not count, whether or not it is a working day itself.
    """
    if n < 1:
        raise ValueError(f"a term counts at least 1 working day, got {n}")
    return volgende_werkdagen(start, n)[-1]


def werkdagen_tussen(a: date, b: date) -> int:
    """How many working days lie after `a` up to and including `b` (0 when b <= a).

    The inverse of `werkdagen_na`: `werkdagen_tussen(a, werkdagen_na(a, n)) == n`.
    """
    return sum(1 for i in range(1, (b - a).days + 1) if is_werkdag(a + timedelta(days=i)))
