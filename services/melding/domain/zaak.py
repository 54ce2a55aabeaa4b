"""The case's statuses, in order; a case only moves forward, and closes only with a result."""

from __future__ import annotations

STATUSSEN = ("ontvangen", "inspectie_gepland", "geinspecteerd", "uitkomst", "gesloten")


class OngeldigeOvergang(ValueError):
    pass


def overgang(van: str, naar: str, resultaat: str | None) -> str | None:
    """The new status, or None when nothing changes (the same status again: idempotent).

    Raises OngeldigeOvergang for a step backwards or for closing without a result.
    """
    if van == naar:
        return None
    if STATUSSEN.index(naar) < STATUSSEN.index(van):
        raise OngeldigeOvergang(f"een zaak gaat niet terug van {van} naar {naar}")
    if naar == "gesloten" and not resultaat:
        raise OngeldigeOvergang("een zaak sluit alleen met een resultaat")
    return naar
