"""Calendar arithmetic for terms counted in months and years (warnings, stoppages, recidive)."""

from __future__ import annotations

import calendar
from datetime import date


def plus_maanden(dag: date, maanden: int) -> date:
    """The same day `maanden` months later (or earlier), clipped to the end of a shorter month."""
    jaar, maand = divmod(dag.month - 1 + maanden, 12)
    jaar, maand = dag.year + jaar, maand + 1
    return date(jaar, maand, min(dag.day, calendar.monthrange(jaar, maand)[1]))
