"""Inspection planning per region and working day (domain-rules §5 and §8).

Order of claims on capacity, per region:
1. requests with a deadline (reports: art. 24-7 Arbowet, service norm), earliest deadline first.
   Each takes the earliest free slot on or before its deadline; for unit-sized visits this meets
   as many deadlines as any plan could. A request whose deadline cannot be met is reported as
   `tekort` at once and still planned, on the earliest slot left: a report is never dropped.
2. risk-selected requests, by score (highest first), in what the deadlines and the random share
   leave over;
3. a share (`steekproef_aandeel_pct`) of the free capacity in the horizon for random selection,
   reserved ahead of the risk-selected requests and drawn deterministically from the seed, so the
   draw can be repeated and audited. A reservation without candidates goes to risk selection.
Capacity is never exceeded: `bezetting` holds the visits already planned per (region, day).
The planner looks `planning_horizon_werkdagen` ahead: a report with no slot left in that horizon is
a shortage without a date; risk and random requests that do not fit wait for the next round
(`niet_ingepland`). A region with no capacity entry is a configuration error.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, get_args

from services.inspectie.domain.detachering import DetacheringSignaal
from shared.policy import Period, Policy
from shared.werkdagen import is_werkdag

VerzoekSoort = Literal["melding", "risico", "steekproef"]


@dataclass(frozen=True)
class Verzoek:
    id: str
    werkgever: str
    regio: str
    soort: VerzoekSoort
    uiterlijk_op: date | None = None
    score: Decimal = Decimal(0)


@dataclass(frozen=True)
class Inplanning:
    verzoek_id: str
    werkgever: str
    regio: str
    soort: VerzoekSoort
    gepland_op: date
    uiterlijk_op: date | None


@dataclass(frozen=True)
class Tekort:
    """A deadline that capacity cannot meet; `gepland_op` is the late slot (None: none in the horizon)."""

    verzoek_id: str
    regio: str
    uiterlijk_op: date
    gepland_op: date | None


@dataclass(frozen=True)
class NietIngepland:
    verzoek_id: str
    reden: Literal["geen_capaciteit", "niet_geloot"]


@dataclass(frozen=True)
class Planning:
    ingepland: tuple[Inplanning, ...]
    tekort: tuple[Tekort, ...]
    niet_ingepland: tuple[NietIngepland, ...]
    beleid: str


@dataclass(frozen=True)
class Herplanning:
    verzoek_id: str
    van: date
    naar: date


def regio_voor(gemeentecode: str | None, op: date, policy: Policy) -> str:
    """The region that serves a municipality; unknown municipalities go to the default region."""
    regio_per_gemeente: dict[str, str] = policy.value("regio_per_gemeente", op)
    if gemeentecode is not None and gemeentecode in regio_per_gemeente:
        return regio_per_gemeente[gemeentecode]
    return str(policy.value("regio_standaard", op))


def plan(
    verzoeken: Iterable[Verzoek],
    bezetting: Mapping[tuple[str, date], int],
    vanaf: date,
    policy: Policy,
    werkdag: Callable[[date], bool] = is_werkdag,
    seed: int = 0,
) -> Planning:
    """Plan the requests from `vanaf` on; see the module docstring for the order of claims."""
    per_regio: dict[str, list[Verzoek]] = {}
    for verzoek in verzoeken:
        per_regio.setdefault(verzoek.regio, []).append(verzoek)
    ingepland: list[Inplanning] = []
    tekort: list[Tekort] = []
    niet: list[NietIngepland] = []
    for regio in sorted(per_regio):
        slots = _vrije_slots(regio, bezetting, vanaf, policy, werkdag)
        resultaat = _plan_regio(per_regio[regio], slots, vanaf, policy, random.Random(f"{seed}:{regio}"))
        ingepland += resultaat.ingepland
        tekort += resultaat.tekort
        niet += resultaat.niet_ingepland
    return Planning(tuple(ingepland), tuple(tekort), tuple(niet), policy.version)


def herplanningen(vorige: Mapping[str, date], planning: Planning) -> list[Herplanning]:
    """Existing plans (verzoek id -> planned date) whose date the new planning changes."""
    return [
        Herplanning(item.verzoek_id, vorige[item.verzoek_id], item.gepland_op)
        for item in planning.ingepland
        if item.verzoek_id in vorige and vorige[item.verzoek_id] != item.gepland_op
    ]


def _vrije_slots(
    regio: str, bezetting: Mapping[tuple[str, date], int], vanaf: date, policy: Policy, werkdag: Callable[[date], bool]
) -> list[date]:
    """Every free slot in the horizon, in date order (a day appears once per free visit)."""
    horizon = int(policy.value("planning_horizon_werkdagen", vanaf))
    slots: list[date] = []
    dag, dagen = vanaf, 0
    geldig: Period | None = None  # the capacity's period in force, asked again only when a day leaves it
    per_dag = 0
    while dagen < horizon:
        if werkdag(dag):
            if geldig is None or not geldig.covers(dag):
                geldig = policy.in_force("inspectie_capaciteit_per_werkdag", dag)
                if regio not in geldig.waarde:
                    raise ValueError(f"region {regio!r} has no capacity in policy {policy.version}")
                per_dag = int(geldig.waarde[regio])
            if (vrij := per_dag - bezetting.get((regio, dag), 0)) > 0:
                slots += [dag] * vrij
            dagen += 1
        dag += timedelta(days=1)
    return slots


def _plan_regio(
    verzoeken: Sequence[Verzoek], slots: list[date], vanaf: date, policy: Policy, loting: random.Random
) -> Planning:
    """`slots` are the region's free slots in date order; they are used up from the front."""
    reserveerbaar = len(slots)
    met_termijn = sorted(
        ((v.uiterlijk_op, v) for v in verzoeken if v.uiterlijk_op is not None), key=lambda paar: (paar[0], paar[1].id)
    )
    ingepland: list[Inplanning] = []
    te_laat: list[tuple[date, Verzoek]] = []
    for uiterlijk_op, verzoek in met_termijn:
        if slots and slots[0] <= uiterlijk_op:
            ingepland.append(_inplanning(verzoek, slots.pop(0)))
        else:
            te_laat.append((uiterlijk_op, verzoek))
    tekort: list[Tekort] = []
    for uiterlijk_op, verzoek in te_laat:
        slot = slots.pop(0) if slots else None
        if slot is not None:
            ingepland.append(_inplanning(verzoek, slot))
        tekort.append(Tekort(verzoek.id, verzoek.regio, uiterlijk_op, slot))

    zonder_termijn = [v for v in verzoeken if v.uiterlijk_op is None]
    risico = sorted((v for v in zonder_termijn if v.soort != "steekproef"), key=lambda v: (-v.score, v.id))
    kandidaten = sorted((v for v in zonder_termijn if v.soort == "steekproef"), key=lambda v: v.id)
    aandeel = policy.decimal("steekproef_aandeel_pct", vanaf) / Decimal(100)
    gereserveerd = int((aandeel * reserveerbaar).to_integral_value(rounding=ROUND_HALF_UP))
    geloot = sorted(loting.sample(kandidaten, min(gereserveerd, len(kandidaten), len(slots))), key=lambda v: v.id)
    geloot_ids = {v.id for v in geloot}
    voor_risico = len(slots) - len(geloot)
    niet = [NietIngepland(v.id, "geen_capaciteit") for v in risico[voor_risico:]]
    niet += [NietIngepland(v.id, "niet_geloot") for v in kandidaten if v.id not in geloot_ids]
    for verzoek in risico[:voor_risico] + geloot:
        ingepland.append(_inplanning(verzoek, slots.pop(0)))
    return Planning(tuple(ingepland), tuple(tekort), tuple(niet), policy.version)


def _inplanning(verzoek: Verzoek, dag: date) -> Inplanning:
    return Inplanning(verzoek.id, verzoek.werkgever, verzoek.regio, verzoek.soort, dag, verzoek.uiterlijk_op)


WERKLOCATIE_AANLEIDINGEN = frozenset({"melding", *get_args(DetacheringSignaal)})
"""The reasons of an inspection that can carry a work location: a report, a posting."""


def werklocatie_na(
    opgeslagen: Mapping[str, Any] | None, aanleidingen: Sequence[Mapping[str, Any]], nieuw: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """The werklocatie of an open inspection after a signal with work location `nieuw` (or none).

    The stored one stays, except when it can only have come from a signal's address: before
    e70d73c an inspection planned on a municipality's or huisvesting's signal stored the housing
    address as its werklocatie. Such an inspection has stored reasons (`aanleidingen`) and none that
    can carry a work location; a report's or posting's work location then replaces it. With a report
    or posting among the reasons, or no reasons at all, where it came from cannot be told: it stays."""
    if opgeslagen is None:
        return nieuw
    uit_adres = bool(aanleidingen) and not any(a.get("soort") in WERKLOCATIE_AANLEIDINGEN for a in aanleidingen)
    return nieuw if uit_adres and nieuw is not None else opgeslagen
