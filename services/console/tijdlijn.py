"""One case's timeline in causal order: every event after the event that caused it.

Events arrive from four topics in any interleaving, so ordering by time alone can show an effect
before its cause (equal timestamps under the test clock, clock skew between services). The
timeline is a depth-first walk of the causation tree, siblings by time and then by arrival.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Regel:
    """One line of the timeline: the event and how deep it sits in its causal chain."""

    event: Mapping[str, Any]
    diepte: int
    oorzaak_bekend: bool  # the causing event is itself in the timeline (else: an inbound or timer event)


def causale_volgorde(events: Sequence[Mapping[str, Any]]) -> list[Regel]:
    """Events (with id, causationid, tijd, volgnummer) in causal order; each exactly once."""
    ids = {e["id"] for e in events}
    kinderen: dict[str | None, list[Mapping[str, Any]]] = {}
    for e in events:
        ouder = e.get("causationid") if e.get("causationid") in ids and e.get("causationid") != e["id"] else None
        kinderen.setdefault(ouder, []).append(e)
    for lijst in kinderen.values():
        lijst.sort(key=lambda e: (e["tijd"], e.get("volgnummer") or 0))
    uit: list[Regel] = []
    gezien: set[str] = set()

    def bezoek(e: Mapping[str, Any], diepte: int) -> None:
        if e["id"] in gezien:
            return
        gezien.add(e["id"])
        uit.append(Regel(e, diepte, e.get("causationid") in ids))
        for kind in kinderen.get(e["id"], []):
            bezoek(kind, diepte + 1)

    for wortel in kinderen.get(None, []):
        bezoek(wortel, 0)
    for e in sorted(events, key=lambda e: (e["tijd"], e.get("volgnummer") or 0)):  # cycles: never lose an event
        bezoek(e, 0)
    return uit


def hoort_bij_zaak(zaak_id: str, event: Mapping[str, Any]) -> bool:
    """An event about other cases only (e.g. another case closed by the same inspection) is left out."""
    zaken = event.get("zaak_ids") or []
    return not zaken or zaak_id in zaken
