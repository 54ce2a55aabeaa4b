"""The overview's arithmetic: deadlines at risk or breached, capacity use per region, throughput per minute.

Pure: "today" and "now" are parameters (the console follows the test clock like the services do).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# Statuses of a case in which the inspection has not been carried out yet (the deadline still runs).
OPEN_ZAAK_STATUSSEN = frozenset({"ontvangen", "gekoppeld", "inspectie_gepland"})


@dataclass(frozen=True)
class Termijn:
    zaak_id: str
    uiterlijk: date
    gepland_op: date | None
    gemeentecode: str | None
    oordeel: str  # "overschreden" | "risico"
    reden: str


def termijn_oordeel(zaak: Mapping[str, Any], vandaag: date) -> Termijn | None:
    """Breached: the deadline passed (or melding reported the breach) without an inspection.
    At risk: still open and no inspection planned on or before the deadline."""
    uiterlijk: date | None = zaak.get("uiterlijk_inspectie_op")
    if uiterlijk is None or zaak.get("status") not in OPEN_ZAAK_STATUSSEN:
        return None
    gepland: date | None = zaak.get("gepland_op")

    def termijn(oordeel: str, reden: str) -> Termijn:
        return Termijn(zaak["zaak_id"], uiterlijk, gepland, zaak.get("gemeentecode"), oordeel, reden)

    if zaak.get("termijn_overschreden") or uiterlijk < vandaag:
        return termijn("overschreden", f"uiterlijk {uiterlijk.isoformat()} verstreken zonder inspectie")
    if gepland is None:
        return termijn("risico", "nog geen inspectie gepland")
    if gepland > uiterlijk:
        return termijn("risico", f"gepland op {gepland.isoformat()}, na de uiterste datum")
    return None


@dataclass(frozen=True)
class Capaciteit:
    regio: str
    gepland: int
    beschikbaar: int

    @property
    def pct(self) -> Decimal:
        if self.beschikbaar == 0:
            return Decimal(0)
        return (Decimal(100) * self.gepland / self.beschikbaar).quantize(Decimal(1), ROUND_HALF_UP)


def capaciteitsgebruik(
    gepland_per_regio: Mapping[str, int], capaciteit_per_dag: Mapping[str, int], werkdagen: int
) -> list[Capaciteit]:
    """Planned inspections against the capacity of the planning horizon, per region (every region shown)."""
    regios = sorted(set(capaciteit_per_dag) | set(gepland_per_regio))
    return [
        Capaciteit(r, int(gepland_per_regio.get(r, 0)), int(capaciteit_per_dag.get(r, 0)) * werkdagen) for r in regios
    ]


def doorvoer_per_minuut(tijden: Sequence[tuple[datetime, int]], nu: datetime, minuten: int) -> list[int]:
    """Counts per minute for the last `minuten` minutes, oldest first; input is (minute start, count)."""
    begin = nu.replace(second=0, microsecond=0) - timedelta(minutes=minuten - 1)
    bakken = [0] * minuten
    for minuut, aantal in tijden:
        index = int((minuut.replace(second=0, microsecond=0) - begin).total_seconds() // 60)
        if 0 <= index < minuten:
            bakken[index] += aantal
    return bakken
