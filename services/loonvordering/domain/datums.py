"""Calendar arithmetic for claim periods and terms counted in months."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def plus_maanden(dag: date, maanden: int) -> date:
    """The same day `maanden` months later, clipped to the end of a shorter month (01-31 + 1 = 02-28)."""
    jaar, maand = divmod(dag.month - 1 + maanden, 12)
    jaar, maand = dag.year + jaar, maand + 1
    return date(jaar, maand, min(dag.day, calendar.monthrange(jaar, maand)[1]))


def dagen(van: date, tot: date) -> list[date]:
    """Every calendar day from `van` up to and including `tot`."""
    return [van + timedelta(days=i) for i in range((tot - van).days + 1)]


def maand_van(dag: date) -> tuple[date, date]:
    """The first and last day of the calendar month `dag` falls in."""
    return dag.replace(day=1), dag.replace(day=calendar.monthrange(dag.year, dag.month)[1])


def volle_kalendermaanden(van: date, tot: date) -> int:
    """How many whole calendar months (the 1st to the last day) lie inside van..tot."""
    aantal, eerste = 0, van if van.day == 1 else maand_van(van)[1] + timedelta(days=1)
    while (laatste := maand_van(eerste)[1]) <= tot:
        aantal, eerste = aantal + 1, laatste + timedelta(days=1)
    return aantal
