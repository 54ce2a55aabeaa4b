"""Capacity-aware planning: per region a number of inspections per working day.

Reports from unions and works councils come first, earliest deadline first, each on the
earliest free working day; risk-selected inspections fill what is left, highest score first.
Planning never exceeds capacity. A request whose deadline cannot be met is reported at once as a
shortage (it is still planned on its earliest free day, never dropped).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from shared.policy import Policy
from shared.werkdagen import is_werkdag

Bezetting = Counter[tuple[str, date]]


@dataclass(frozen=True)
class Verzoek:
    id: str
    regio: str
    soort: str  # "melding" | "risico" | "steekproef"
    uiterlijk_op: date | None
    score: Decimal = Decimal(0)


@dataclass(frozen=True)
class Planning:
    data: dict[str, date | None]  # None: no free day within the horizon
    tekort: tuple[str, ...]  # ids whose deadline cannot be met


def regio_van(gemeentecode: str | None, op: date, policy: Policy) -> str:
    per_gemeente: dict[str, str] = policy.value("regio_per_gemeente", op)
    return per_gemeente.get(gemeentecode or "", str(policy.value("regio_standaard", op)))


def capaciteit(regio: str, op: date, policy: Policy) -> int:
    return int(policy.value("inspectie_capaciteit_per_werkdag", op)[regio])


def vroegste_vrije_dag(
    regio: str,
    bezetting: Mapping[tuple[str, date], int],
    vanaf: date,
    horizon: int,
    cap: Callable[[str, date], int],
    werkdag: Callable[[date], bool] = is_werkdag,
) -> date | None:
    """The first working day from `vanaf` on with room in the region, within `horizon` working days."""
    dag, gezien = vanaf, 0
    while gezien < horizon:
        if werkdag(dag):
            gezien += 1
            if bezetting.get((regio, dag), 0) < cap(regio, dag):
                return dag
        dag += timedelta(days=1)
    return None


def volgorde(verzoeken: Iterable[Verzoek]) -> list[Verzoek]:
    """Reports earliest deadline first, then the rest by score (highest first); ties by id."""

    def sleutel(v: Verzoek) -> tuple[int, date, Decimal, str]:
        if v.soort == "melding":
            return (0, v.uiterlijk_op or date.max, Decimal(0), v.id)
        return (1, date.max, -v.score, v.id)

    return sorted(verzoeken, key=sleutel)


def plan(
    verzoeken: Iterable[Verzoek],
    bezetting: Mapping[tuple[str, date], int],
    vanaf: date,
    horizon: int,
    cap: Callable[[str, date], int],
    werkdag: Callable[[date], bool] = is_werkdag,
) -> Planning:
    bezet: Bezetting = Counter(bezetting)
    data: dict[str, date | None] = {}
    tekort: list[str] = []
    for v in volgorde(verzoeken):
        dag = vroegste_vrije_dag(v.regio, bezet, vanaf, horizon, cap, werkdag)
        if dag is None and v.soort == "melding":
            dag = vroegste_vrije_dag(v.regio, bezet, vanaf, 10 * horizon, cap, werkdag)  # never drop a report
        data[v.id] = dag
        if dag is not None:
            bezet[(v.regio, dag)] += 1
        if v.uiterlijk_op is not None and (dag is None or dag > v.uiterlijk_op):
            tekort.append(v.id)
    return Planning(data=data, tekort=tuple(tekort))
