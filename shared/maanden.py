"""Calendar-month arithmetic, the one implementation every service uses for terms and periods
counted in months (wait terms, warnings, recidive look-backs, lease terms, claim periods).

`plus_maanden` follows dateutil's `relativedelta`: the same day N months later (or earlier),
clipped to the last day of a shorter month (2026-01-31 + 1 month = 2026-02-28). A period of N
months from a start ends on `laatste_dag_na(start, N)`, and `kalendermaanden` counts by the same
rule, so a window and its length in months agree.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta


def plus_maanden(dag: date, maanden: int) -> date:
    """The same day `maanden` calendar months later (negative: earlier), clipped to the month's end."""
    result: date = dag + relativedelta(months=maanden)
    return result


def laatste_dag_na(start: date, maanden: int) -> date:
    """The last day of `maanden` calendar months counted from `start` (inclusive): the day before
    the start's day number `maanden` months on or, when that month has no such day, its last day
    (2025-07-31 + 2 months ends 2025-09-30, 2026-03-01 + 2 months ends 2026-04-30)."""
    zelfde_dag = plus_maanden(start, maanden)
    return zelfde_dag if zelfde_dag.day < start.day else zelfde_dag - timedelta(days=1)


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


def kalendermaanden(van: date, tot: date) -> Decimal:
    """Length of van..tot (inclusive) in calendar months: whole months counted from `van` (each
    ending as `laatste_dag_na` says), plus the remaining days as a fraction of the month they start
    in. 2026-03-01..2026-04-30 and 2025-07-31..2025-09-30 are exactly 2."""
    maanden = 0
    while laatste_dag_na(van, maanden + 1) <= tot:
        maanden += 1
    cursor = laatste_dag_na(van, maanden) + timedelta(days=1) if maanden else van
    rest = (tot - cursor).days + 1
    dagen_in_maand = calendar.monthrange(cursor.year, cursor.month)[1]
    return Decimal(maanden) + Decimal(rest) / Decimal(dagen_in_maand)
