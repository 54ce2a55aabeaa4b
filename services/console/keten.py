"""The chain of liability of a wage claim as a drawing: the employer, then each party of the chain upward,
each with whether, since when and on which article it is liable, and the next term with what it sets off.

Pure: `teken` turns a claim of the read model into boxes and arrows; `templates/keten.html` draws them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

BREEDTE, HOOGTE, TUSSEN = 200.0, 92.0, 44.0

# What a term on each article sets off when it passes (the articles the loonvordering service uses).
GEVOLG_VAN_TERMIJN = {
    "BW 7:616e": "wie de keten niet op tijd noemde, is vanaf die dag zelf aansprakelijk",
    "BW 7:616b lid 4": "de wachttermijn van de hoogste opdrachtgever loopt af; die wordt aansprakelijk",
    "BW 7:616b lid 5": "de verkorte wachttermijn van de hoogste opdrachtgever loopt af; die wordt aansprakelijk",
    "BW 7:616b lid 2": "de partij erboven wordt aansprakelijk als de lagere partijen niet betalen",
}


@dataclass(frozen=True)
class Partij:
    kvk_nummer: str
    naam: str | None
    rol: str
    sinds: str | None  # ISO date liability starts (None: not liable on what is known today)
    grond: str | None
    nu: bool  # liable today
    x: float
    y: float

    @property
    def staat(self) -> str:
        if self.nu:
            return "aansprakelijk"
        return "later aansprakelijk" if self.sinds else "niet aansprakelijk"


@dataclass(frozen=True)
class Tekening:
    partijen: tuple[Partij, ...]
    pijlen: tuple[tuple[float, float, float, float], ...]
    breedte: float
    hoogte: float
    termijn: Mapping[str, str] | None  # datum, soort, gevolg


def _kvk(p: Any) -> str | None:
    return p.get("kvk_nummer") if isinstance(p, Mapping) and isinstance(p.get("kvk_nummer"), str) else None


def teken(vordering: Mapping[str, Any], vandaag: date, namen: Mapping[str, str] | None = None) -> Tekening:
    """The employer first, then the chain in its order (from the direct client upward), then any liable
    party the chain does not list; boxes left to right with an arrow to the party above."""
    namen = namen or {}
    aansprakelijk = {k: a for a in vordering.get("aansprakelijk") or [] if (k := _kvk(a))}
    volgorde: list[tuple[str, str]] = []
    werkgever = vordering.get("kvk")
    if isinstance(werkgever, str):
        volgorde.append((werkgever, "werkgever"))
    for p in [*(vordering.get("keten") or []), *aansprakelijk.values()]:
        k = _kvk(p)
        if k and k not in {v for v, _ in volgorde}:
            volgorde.append((k, str(p.get("rol") or "-")))
    partijen = []
    for i, (k, rol) in enumerate(volgorde):
        a = aansprakelijk.get(k, {})
        sinds = str(a["sinds"]) if a.get("sinds") else None
        partijen.append(
            Partij(
                k,
                namen.get(k),
                str(a.get("rol") or rol),
                sinds,
                str(a["grond"]) if a.get("grond") else None,
                sinds is not None and sinds <= vandaag.isoformat(),
                10 + i * (BREEDTE + TUSSEN),
                10,
            )
        )
    pijlen = tuple(
        (p.x + BREEDTE, p.y + HOOGTE / 2, p.x + BREEDTE + TUSSEN - 4, p.y + HOOGTE / 2) for p in partijen[:-1]
    )
    ruw = vordering.get("volgende_termijn")
    termijn = None
    if isinstance(ruw, Mapping) and ruw.get("datum"):
        soort = str(ruw.get("soort") or "-")
        termijn = {
            "datum": str(ruw["datum"]),
            "soort": soort,
            "gevolg": GEVOLG_VAN_TERMIJN.get(soort, "de aansprakelijkheid wordt opnieuw bepaald"),
        }
    breedte = 20 + max(len(partijen), 1) * (BREEDTE + TUSSEN) - TUSSEN
    return Tekening(tuple(partijen), pijlen, breedte, HOOGTE + 20, termijn)
