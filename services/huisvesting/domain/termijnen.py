"""Calendar arithmetic for lease terms: months, full years, and month terms expressed in days."""

from __future__ import annotations

from datetime import date

from shared.maanden import plus_maanden

__all__ = ["dagen_inclusief", "langste_maanden_in_dagen", "plus_maanden", "volle_jaren"]

LANGSTE_MAAND_DAGEN = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
"""The most days each calendar month can have (February in a leap year)."""


def volle_jaren(van: date, tot: date) -> int:
    """Completed years from `van` up to and including `tot` (0 when `tot` is before `van`)."""
    jaren = tot.year - van.year
    if plus_maanden(van, 12 * jaren) > tot:
        jaren -= 1
    return max(0, jaren)


def dagen_inclusief(van: date, tot: date) -> int:
    """Calendar days from `van` to `tot`, both included (a lease from the 1st to the 30th lasts 30 days)."""
    return (tot - van).days + 1


def langste_maanden_in_dagen(maanden: int) -> int:
    """The most days that `maanden` consecutive calendar months can span.

    A term written in days meets a statutory term in months, whatever day notice is given, only if
    it is at least this long: 3 months span 89 to 92 days, so a 90-day notice falls short when given
    on 1 July. Judging against the longest span keeps the verdict independent of the check date.
    """
    return max(sum(LANGSTE_MAAND_DAGEN[(start + i) % 12] for i in range(maanden)) for start in range(12))
