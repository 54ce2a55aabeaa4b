"""The overview's charts: deadlines per week, planned inspections against capacity per region and week,
dead letters by reason and the dead timers of the services. Queries here, arithmetic pure below them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from services.console.lijstvragen import TERMIJNSTAAT_SQL
from services.console.vragen import _rij
from shared.db import Conn
from shared.policy import Policy
from shared.service import TIMER_DOOD, TIMER_HERSTELD, TIMER_NIET_HERSTELD
from shared.werkdagen import is_werkdag

WEKEN_TERUG, WEKEN_VOORUIT = 8, 8
CAPACITEIT_WEKEN = 6
TERMIJN_REEKSEN = ("overschreden", "risico", "op_schema")


def maandag(dag: date) -> date:
    return dag - timedelta(days=dag.weekday())


def weken(vanaf: date, aantal: int) -> list[date]:
    """The Mondays of `aantal` weeks starting with the week of `vanaf`."""
    return [maandag(vanaf) + timedelta(weeks=i) for i in range(aantal)]


def weeklabel(week: date) -> str:
    return f"wk {week.isocalendar().week}"


async def termijnen_per_week(conn: Conn, vandaag: date) -> dict[str, Any]:
    """Open cases by the week their deadline falls in (8 weeks back, 8 ahead), by deadline state."""
    kolommen = weken(vandaag - timedelta(weeks=WEKEN_TERUG), WEKEN_TERUG + WEKEN_VOORUIT)
    rijen = await conn.fetch(
        f"""SELECT date_trunc('week', z.uiterlijk_inspectie_op)::date AS week, {TERMIJNSTAAT_SQL} AS staat,
                   count(*) AS n
            FROM zaak z WHERE z.uiterlijk_inspectie_op >= $2 AND z.uiterlijk_inspectie_op < $3 GROUP BY 1, 2""",
        vandaag,
        kolommen[0],
        kolommen[-1] + timedelta(weeks=1),
    )
    return per_week(kolommen, [(r["week"], r["staat"], int(r["n"])) for r in rijen])


def per_week(kolommen: Sequence[date], tellingen: Sequence[tuple[date, str, int]]) -> dict[str, Any]:
    """Counts (week, state, n) as one series per deadline state over the weeks (missing weeks are 0)."""
    index = {w: i for i, w in enumerate(kolommen)}
    reeksen = {s: [0] * len(kolommen) for s in TERMIJN_REEKSEN}
    for week, staat, n in tellingen:
        if staat in reeksen and week in index:
            reeksen[staat][index[week]] += n
    return {"weken": [w.isoformat() for w in kolommen], "labels": [weeklabel(w) for w in kolommen], "reeksen": reeksen}


@dataclass(frozen=True)
class Weekcapaciteit:
    regio: str
    week: date
    gepland: int
    beschikbaar: int

    @property
    def pct(self) -> int:
        return 0 if self.beschikbaar == 0 else round(100 * self.gepland / self.beschikbaar)


def capaciteit_per_week(
    gepland: Mapping[tuple[str, date], int], per_werkdag: Mapping[str, int], kolommen: Sequence[date]
) -> list[list[Weekcapaciteit]]:
    """Per region (every region with capacity or plans), per week: planned against the week's working
    days times the region's daily capacity (holidays have no capacity)."""
    regios = sorted(set(per_werkdag) | {r for r, _ in gepland})
    return [
        [
            Weekcapaciteit(
                regio,
                week,
                int(gepland.get((regio, week), 0)),
                int(per_werkdag.get(regio, 0)) * sum(is_werkdag(week + timedelta(days=d)) for d in range(7)),
            )
            for week in kolommen
        ]
        for regio in regios
    ]


async def capaciteit(conn: Conn, vandaag: date, policy: Policy) -> dict[str, Any]:
    kolommen = weken(vandaag, CAPACITEIT_WEKEN)
    rijen = await conn.fetch(
        """SELECT regio, date_trunc('week', gepland_op)::date AS week, count(*) AS n FROM inspectie
           WHERE status = 'gepland' AND regio IS NOT NULL AND gepland_op >= $1 AND gepland_op < $2 GROUP BY 1, 2""",
        kolommen[0],
        kolommen[-1] + timedelta(weeks=1),
    )
    per_werkdag = policy.value("inspectie_capaciteit_per_werkdag", vandaag)
    tabel = capaciteit_per_week({(r["regio"], r["week"]): int(r["n"]) for r in rijen}, per_werkdag, kolommen)
    return {"labels": [weeklabel(w) for w in kolommen], "weken": kolommen, "regios": tabel}


async def dode_timers(conn: Conn) -> list[dict[str, Any]]:
    """Every timer a service gave up on (`nl.waardigwerk.timer.dood`) and has not revived since
    (`timer.hersteld`, or a later `dood` of the same timer), newest first, each with its latest
    retry command from the console and the answer when it changed nothing (`timer.niet_hersteld`)."""
    rijen = await conn.fetch(
        """SELECT d.id, d.tijd, d.bron, d.data, o.opdracht, o.door, o.tijd AS gevraagd,
                  n.data->>'reden' AS niet_hersteld
           FROM gebeurtenis d
           LEFT JOIN LATERAL (SELECT * FROM timer_opdracht o WHERE o.dood_id = d.id ORDER BY o.tijd DESC LIMIT 1) o
                  ON true
           LEFT JOIN LATERAL (SELECT data FROM gebeurtenis n WHERE n.type = $3 AND n.data->>'opdracht' = o.opdracht
                              LIMIT 1) n ON true
           WHERE d.type = $1 AND NOT EXISTS (
               SELECT 1 FROM gebeurtenis h WHERE h.type IN ($1, $2) AND h.volgnummer > d.volgnummer
                 AND h.data->>'dienst' = d.data->>'dienst' AND h.data->>'soort' = d.data->>'soort'
                 AND h.data->>'sleutel' = d.data->>'sleutel')
           ORDER BY d.tijd DESC, d.volgnummer DESC LIMIT 100""",
        TIMER_DOOD,
        TIMER_HERSTELD,
        TIMER_NIET_HERSTELD,
    )
    return [{**_rij(r), "nieuwe_opdracht": uuid.uuid4().hex} for r in rijen]
