"""Dutch working days for every term counted in working days.

Monday to Friday, except the days the Algemene termijnenwet (art. 3) treats as public holidays:
New Year's Day, Good Friday, Easter Monday, King's Day (26 April when the 27th is a Sunday),
5 May (every year, not only in lustrum years), Ascension Day, Whit Monday, Christmas and
Boxing Day. The maintained `holidays` package supplies the movable feasts; this module narrows
its Dutch calendar to exactly that set.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

_KEEP = {
    "New Year's Day": "Nieuwjaarsdag",
    "Good Friday": "Goede Vrijdag",
    "Easter Monday": "Tweede Paasdag",
    "King's Day": "Koningsdag",
    "Ascension Day": "Hemelvaartsdag",
    "Pentecost Monday": "Tweede Pinksterdag",
    "Whit Monday": "Tweede Pinksterdag",
    "Christmas Day": "Eerste Kerstdag",
    "Second Day of Christmas": "Tweede Kerstdag",
}


@cache
def feestdagen(jaar: int) -> dict[date, str]:
    """The holidays of the Algemene termijnenwet in `jaar` (also those that fall in a weekend)."""
    kalender = holidays.country_holidays("NL", years=jaar, language="en_US")
    result = {dag: _KEEP[naam] for dag, naam in kalender.items() if naam in _KEEP}
    result[date(jaar, 5, 5)] = "Bevrijdingsdag"
    return dict(sorted(result.items()))


def is_werkdag(dag: date) -> bool:
    return dag.weekday() < 5 and dag not in feestdagen(dag.year)


def werkdagen_na(start: date, n: int) -> date:
    """The n-th working day after `start` (the day of `start` itself does not count)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    dag, geteld = start, 0
    while geteld < n:
        dag += timedelta(days=1)
        if is_werkdag(dag):
            geteld += 1
    return dag


def volgende_werkdagen(start: date, n: int) -> list[date]:
    """`start` itself if it is a working day, and the working days after it: n days in all."""
    dagen: list[date] = []
    dag = start
    while len(dagen) < n:
        if is_werkdag(dag):
            dagen.append(dag)
        dag += timedelta(days=1)
    return dagen
