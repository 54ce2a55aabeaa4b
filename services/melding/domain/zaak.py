"""The statuses of a case (zaak) and the one rule for moving between them.

A case only moves forward: what a reporter has been told (planned, inspected, outcome) must never
be taken back by a late or replayed event. Steps may be skipped (an unplanned visit goes from
`ontvangen` straight to `geinspecteerd`). The same status again is a no-op, so a redelivered event
has no second effect. A case closes only with a result, so every closed case can be explained.
"""

from __future__ import annotations

from dataclasses import dataclass

ONTVANGEN = "ontvangen"
INSPECTIE_GEPLAND = "inspectie_gepland"
GEINSPECTEERD = "geinspecteerd"
UITKOMST = "uitkomst"
GESLOTEN = "gesloten"
STATUSSEN = (ONTVANGEN, INSPECTIE_GEPLAND, GEINSPECTEERD, UITKOMST, GESLOTEN)

_WAT_ER_GEBEURDE = {
    INSPECTIE_GEPLAND: "inspectie gepland",
    GEINSPECTEERD: "inspectie uitgevoerd",
    UITKOMST: "uitkomst van de inspectie vastgesteld",
    GESLOTEN: "zaak gesloten",
}


class OngeldigeOvergang(ValueError):
    """The requested status change is not allowed; the case keeps its status."""


@dataclass(frozen=True)
class Statuswijziging:
    """An allowed status change and the sentence for the case's audit trail."""

    van: str
    naar: str
    omschrijving: str


def _positie(status: str) -> int:
    try:
        return STATUSSEN.index(status)
    except ValueError:
        raise OngeldigeOvergang(f"onbekende zaakstatus {status!r}; bekend zijn {', '.join(STATUSSEN)}") from None


def overgang(van: str, naar: str, resultaat: str | None) -> Statuswijziging | None:
    """The change from `van` to `naar`, or None when the case already has status `naar`.

    `resultaat` is the case's result (needed to close it). Raises OngeldigeOvergang for a step
    backwards, an unknown status, or closing without a result.
    """
    positie_van, positie_naar = _positie(van), _positie(naar)
    if positie_naar == positie_van:
        return None
    if positie_naar < positie_van:
        raise OngeldigeOvergang(f"een zaak gaat niet terug van {van} naar {naar}")
    resultaat = (resultaat or "").strip()
    if naar == GESLOTEN and not resultaat:
        raise OngeldigeOvergang("een zaak sluit alleen met een resultaat")
    omschrijving = f"{van} -> {naar}: {_WAT_ER_GEBEURDE[naar]}"
    if naar == GESLOTEN:
        omschrijving += f" met resultaat {resultaat}"
    overgeslagen = STATUSSEN[positie_van + 1 : positie_naar]
    if overgeslagen:
        omschrijving += f" (overgeslagen: {', '.join(overgeslagen)})"
    return Statuswijziging(van=van, naar=naar, omschrijving=omschrijving)
