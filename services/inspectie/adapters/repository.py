"""SQL for signals, inspections, fines and warnings (inspectie's own schema)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from services.inspectie.domain.risico import Signaal
from shared.db import Conn
from shared.envelope import dumps


class InspectieRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def bewaar_signaal(
        self,
        bron_event_id: str,
        kvk: str,
        soort: str,
        op: date,
        wetten: list[str],
        aanleiding: dict[str, str] | None = None,
        sterkte: Decimal = Decimal(1),
    ) -> bool:
        inserted = await self.conn.fetchval(
            """INSERT INTO signaal (bron_event_id, werkgever_kvk, soort, waargenomen_op, sterkte, wetten, aanleiding)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING true""",
            bron_event_id,
            kvk,
            soort,
            op,
            sterkte,
            wetten,
            json.dumps(aanleiding) if aanleiding else None,
        )
        return bool(inserted)

    async def open_signalen(self, kvk: str) -> list[tuple[Signaal, list[str], dict[str, str] | None]]:
        rows = await self.conn.fetch(
            "SELECT * FROM signaal WHERE werkgever_kvk = $1 AND open ORDER BY waargenomen_op, bron_event_id", kvk
        )
        return [
            (
                Signaal(r["soort"], r["bron_event_id"], r["waargenomen_op"], r["sterkte"]),
                list(r["wetten"]),
                json.loads(r["aanleiding"]) if r["aanleiding"] else None,
            )
            for r in rows
        ]

    async def sluit_signalen(self, kvk: str, tot_en_met: date) -> None:
        await self.conn.execute(
            "UPDATE signaal SET open = false WHERE werkgever_kvk = $1 AND waargenomen_op <= $2", kvk, tot_en_met
        )

    async def open_inspectie(self, kvk: str) -> dict[str, Any] | None:
        row = await self.conn.fetchrow(
            "SELECT * FROM inspectie WHERE werkgever_kvk = $1 AND status = 'gepland' "
            "ORDER BY gepland_op NULLS LAST LIMIT 1 FOR UPDATE",
            kvk,
        )
        return _inspectie(row) if row else None

    async def inspectie(self, inspectie_id: str) -> dict[str, Any] | None:
        row = await self.conn.fetchrow("SELECT * FROM inspectie WHERE inspectie_id = $1 FOR UPDATE", inspectie_id)
        return _inspectie(row) if row else None

    async def bezetting(self, regio: str, vanaf: date) -> Counter[tuple[str, date]]:
        """Planned inspections per (region, day); the region's rows are locked so plans don't race."""
        await self.conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"planning:{regio}")
        rows = await self.conn.fetch(
            "SELECT gepland_op, count(*) AS n FROM inspectie WHERE regio = $1 AND status = 'gepland' "
            "AND gepland_op >= $2 GROUP BY gepland_op",
            regio,
            vanaf,
        )
        return Counter({(regio, r["gepland_op"]): r["n"] for r in rows})

    async def verdringbare(self, regio: str, vanaf: date, tot: date) -> dict[str, Any] | None:
        """The risk-selected inspection in the window that a report may take the place of (latest, lowest score)."""
        row = await self.conn.fetchrow(
            """SELECT * FROM inspectie WHERE regio = $1 AND status = 'gepland' AND soort <> 'melding'
               AND gepland_op BETWEEN $2 AND $3
               ORDER BY gepland_op DESC, (risico->>'score')::numeric ASC NULLS FIRST LIMIT 1 FOR UPDATE""",
            regio,
            vanaf,
            tot,
        )
        return _inspectie(row) if row else None

    async def bewaar_inspectie(self, i: dict[str, Any]) -> None:
        await self.conn.execute(
            """INSERT INTO inspectie (inspectie_id, werkgever_kvk, werklocatie, regio, gepland_op, soort, uiterlijk_op,
                                      scope, aanleidingen, risico, status, uitgevoerd_op)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
               ON CONFLICT (inspectie_id) DO UPDATE SET werklocatie = excluded.werklocatie, regio = excluded.regio,
                 gepland_op = excluded.gepland_op, soort = excluded.soort, uiterlijk_op = excluded.uiterlijk_op,
                 scope = excluded.scope, aanleidingen = excluded.aanleidingen, risico = excluded.risico,
                 status = excluded.status, uitgevoerd_op = excluded.uitgevoerd_op""",
            i["inspectie_id"],
            i["werkgever_kvk"],
            dumps(i.get("werklocatie")).decode(),
            i["regio"],
            i.get("gepland_op"),
            i["soort"],
            i.get("uiterlijk_op"),
            i["scope"],
            dumps(i["aanleidingen"]).decode(),
            dumps(i.get("risico")).decode(),
            i["status"],
            i.get("uitgevoerd_op"),
        )

    async def omzet(self, kvk: str) -> Decimal | None:
        value: Decimal | None = await self.conn.fetchval("SELECT omzet_eur FROM werkgever WHERE kvk_nummer = $1", kvk)
        return value

    async def bewaar_omzet(self, kvk: str, boekjaar: int, omzet: Decimal) -> None:
        await self.conn.execute(
            """INSERT INTO werkgever (kvk_nummer, omzet_eur, omzet_boekjaar) VALUES ($1, $2, $3)
               ON CONFLICT (kvk_nummer) DO UPDATE SET omzet_eur = excluded.omzet_eur,
                 omzet_boekjaar = excluded.omzet_boekjaar WHERE werkgever.omzet_boekjaar IS NULL
                 OR werkgever.omzet_boekjaar <= excluded.omzet_boekjaar""",
            kvk,
            omzet,
            boekjaar,
        )

    async def eerdere_definitieve_boetes(self, kvk: str, wet: str, sinds: date) -> int:
        n: int = await self.conn.fetchval(
            "SELECT count(*) FROM boete WHERE werkgever_kvk = $1 AND wet = $2 AND status = 'definitief' "
            "AND opgelegd_op >= $3",
            kvk,
            wet,
            sinds,
        )
        return n

    async def bewaar_boete(self, b: dict[str, Any]) -> None:
        await self.conn.execute(
            """INSERT INTO boete (boete_id, inspectie_id, werkgever_kvk, wet, code, werknemer_ref, bedrag_eur,
                                  verschuldigd_eur, berekening, status, herstel_uiterlijk_op, opgelegd_op, beleid)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)""",
            b["boete_id"],
            b["inspectie_id"],
            b["werkgever_kvk"],
            b["wet"],
            b["code"],
            b.get("werknemer_ref"),
            b["bedrag_eur"],
            b["verschuldigd_eur"],
            dumps(b["berekening"]).decode(),
            b["status"],
            b.get("herstel_uiterlijk_op"),
            b["opgelegd_op"],
            b["beleid"],
        )

    async def boete(self, boete_id: str) -> dict[str, Any] | None:
        row = await self.conn.fetchrow("SELECT * FROM boete WHERE boete_id = $1 FOR UPDATE", boete_id)
        return dict(row) if row else None

    async def wachtende_boetes(self, inspectie_id: str) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            "SELECT * FROM boete WHERE inspectie_id = $1 AND status = 'in_afwachting_herstel' ORDER BY boete_id "
            "FOR UPDATE",
            inspectie_id,
        )
        return [dict(r) for r in rows]

    async def zet_boete(self, boete_id: str, status: str, betaald: Decimal | None = None) -> None:
        await self.conn.execute(
            "UPDATE boete SET status = $2, betaald_eur = coalesce($3, betaald_eur) WHERE boete_id = $1",
            boete_id,
            status,
            betaald,
        )

    async def geldige_waarschuwing(self, kvk: str, wet: str, op: date) -> bool:
        return bool(
            await self.conn.fetchval(
                "SELECT true FROM waarschuwing WHERE werkgever_kvk = $1 AND wet = $2 AND gegeven_op < $3 "
                "AND geldig_tot >= $3 LIMIT 1",
                kvk,
                wet,
                op,
            )
        )

    async def waarschuw(self, kvk: str, wet: str, op: date, geldig_tot: date, inspectie_id: str) -> None:
        await self.conn.execute(
            "INSERT INTO waarschuwing (werkgever_kvk, wet, gegeven_op, geldig_tot, inspectie_id) "
            "VALUES ($1, $2, $3, $4, $5)",
            kvk,
            wet,
            op,
            geldig_tot,
            inspectie_id,
        )


def _inspectie(row: Any) -> dict[str, Any]:
    i = dict(row)
    for veld in ("werklocatie", "aanleidingen", "risico"):
        i[veld] = json.loads(i[veld]) if i[veld] else None
    i["scope"] = list(i["scope"])
    return i
