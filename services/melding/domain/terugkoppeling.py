"""What a reporter hears back about its own report (art. 24 lid 7 Arbowet: the requester is informed).

Each builder returns the event type and data for one step. A builder takes only what that step
may tell, so a fine amount, a worker or another reporter cannot end up in the feedback by
accident: the outcome is reduced to whether a violation was found, and a linked case is named
only by its zaak id. `melder_organisatie` routes the event to the reporter's own topic
(`waardigwerk.uit.melder.<organisatie>`); the data-sharing egress decides which fields leave.

Statuses the reporter sees, in order: ontvangen, gekoppeld (only when the report joined an
existing case), inspectie_gepland, geinspecteerd, uitkomst, gesloten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.melding.domain.zaak import GEINSPECTEERD, GESLOTEN, INSPECTIE_GEPLAND, UITKOMST

ONTVANGEN_TYPE = "nl.waardigwerk.melding.ontvangen"
STATUS_GEWIJZIGD_TYPE = "nl.waardigwerk.melding.status_gewijzigd"
GEKOPPELD = "gekoppeld"


@dataclass(frozen=True)
class MelderRef:
    """Who gets the feedback: the reporting organisation and its own reference for the report."""

    organisatie: str
    referentie: str


@dataclass(frozen=True)
class Terugkoppeling:
    type: str
    data: dict[str, Any]


def ontvangen(
    melder: MelderRef, zaak_id: str, ontvangen_op: date, uiterlijk_inspectie_op: date, *, gekoppeld: bool
) -> Terugkoppeling:
    """The acknowledgement (CONTRACT §3 minimum) plus whether the report joined an existing case."""
    return Terugkoppeling(
        ONTVANGEN_TYPE,
        {
            "melder_organisatie": melder.organisatie,
            "melder_referentie": melder.referentie,
            "zaak_id": zaak_id,
            "ontvangen_op": ontvangen_op.isoformat(),
            "uiterlijk_inspectie_op": uiterlijk_inspectie_op.isoformat(),
            "gekoppeld": gekoppeld,
        },
    )


def _status(melder: MelderRef, zaak_id: str, status: str, **details: Any) -> Terugkoppeling:
    data = {
        "melder_organisatie": melder.organisatie,
        "melder_referentie": melder.referentie,
        "zaak_id": zaak_id,
        "status": status,
    }
    return Terugkoppeling(STATUS_GEWIJZIGD_TYPE, data | details)


def gekoppeld(melder: MelderRef, zaak_id: str) -> Terugkoppeling:
    """The report joined the existing case `zaak_id` (other reporters of that case stay unnamed)."""
    return _status(melder, zaak_id, GEKOPPELD)


def inspectie_gepland(melder: MelderRef, zaak_id: str, gepland_op: date) -> Terugkoppeling:
    """Only the date: the region, inspectors and the risk score stay with the inspectorate."""
    return _status(melder, zaak_id, INSPECTIE_GEPLAND, gepland_op=gepland_op.isoformat())


def geinspecteerd(melder: MelderRef, zaak_id: str, uitgevoerd_op: date) -> Terugkoppeling:
    return _status(melder, zaak_id, GEINSPECTEERD, uitgevoerd_op=uitgevoerd_op.isoformat())


def uitkomst(melder: MelderRef, zaak_id: str, *, overtreding_vastgesteld: bool) -> Terugkoppeling:
    """Whether a violation was found, nothing more: fines and findings are not the reporter's to see."""
    return _status(melder, zaak_id, UITKOMST, overtreding_vastgesteld=overtreding_vastgesteld)


def gesloten(melder: MelderRef, zaak_id: str) -> Terugkoppeling:
    return _status(melder, zaak_id, GESLOTEN)
