"""SQL for claims, chain facts, payments and the BSN vault (loonvordering's own schema)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from services.loonvordering.domain.betaling import Betaling
from services.loonvordering.domain.keten import (
    Aanzegging,
    Ketenfeiten,
    PartijStatus,
    Schakel,
    beantwoord,
    geordende_keten,
)
from shared.db import Conn
from shared.envelope import dumps


class MeerdereVorderingen(Exception):
    """A filer's reference that claims of more than one organisation have: only the vordering_id
    tells them apart."""


class VorderingRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def vordering(self, sleutel: str) -> dict[str, Any] | None:
        """By vordering_id, or by the filer's own reference (the contract accepts both). A reference
        is unique per organisation only: one that two organisations use raises `MeerdereVorderingen`."""
        rows = await self.conn.fetch(
            "SELECT * FROM vordering WHERE vordering_id = $1 OR indiener_referentie = $1 "
            "ORDER BY vordering_id = $1 DESC, vordering_id LIMIT 2 FOR UPDATE",
            sleutel,
        )
        if not rows:
            return None
        if rows[0]["vordering_id"] != sleutel and len(rows) > 1:
            raise MeerdereVorderingen(sleutel)
        v = dict(rows[0])
        for veld in ("invoer", "berekening", "aansprakelijk", "volgende_termijn"):
            v[veld] = json.loads(v[veld]) if v[veld] is not None else None
        return v

    async def bestaat(self, vordering_id: str) -> bool:
        """A claim with this id exists (by id alone: another filer's reference may equal it)."""
        return bool(
            await self.conn.fetchval("SELECT EXISTS (SELECT 1 FROM vordering WHERE vordering_id = $1)", vordering_id)
        )

    async def bewaar(self, v: dict[str, Any]) -> None:
        await self.conn.execute(
            """INSERT INTO vordering (vordering_id, indiener_organisatie, indiener_referentie, werkgever_kvk,
                 werknemer_ref, invoer, ingediend_op, bedrag_eur, berekening, aansprakelijk, status, beleid)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""",
            v["vordering_id"],
            v["indiener_organisatie"],
            v["indiener_referentie"],
            v["werkgever_kvk"],
            v["werknemer_ref"],
            dumps(v["invoer"]).decode(),
            v["ingediend_op"],
            v["bedrag_eur"],
            dumps(v["berekening"]).decode(),
            dumps(v["aansprakelijk"]).decode(),
            v["status"],
            v["beleid"],
        )

    async def zet(self, vordering_id: str, **velden: Any) -> None:
        for veld, waarde in velden.items():
            if veld not in {"aansprakelijk", "volgende_termijn", "status"}:
                raise ValueError(veld)
            await self.conn.execute(
                f"UPDATE vordering SET {veld} = $2 WHERE vordering_id = $1",
                vordering_id,
                waarde if veld == "status" else dumps(waarde).decode(),
            )

    async def bewaar_bsn(self, vordering_id: str, bsn: str) -> None:
        await self.conn.execute(
            "INSERT INTO bsn_kluis (vordering_id, bsn) VALUES ($1, $2) ON CONFLICT DO NOTHING", vordering_id, bsn
        )

    async def feit(self, vordering_id: str, soort: str, kvk: str, datum: date, waarde: Any = None) -> None:
        await self.conn.execute(
            "INSERT INTO ketenfeit (vordering_id, soort, kvk_nummer, datum, waarde) VALUES ($1, $2, $3, $4, $5)",
            vordering_id,
            soort,
            kvk,
            datum,
            None if waarde is None else json.dumps(waarde),
        )

    async def partijen(self, v: dict[str, Any]) -> set[str]:
        """The parties of the claim's chain: as filed, and every party an answer added."""
        rows = await self.conn.fetch(
            "SELECT kvk_nummer FROM ketenfeit WHERE vordering_id = $1 AND soort = 'schakel'", v["vordering_id"]
        )
        gemeld = {p["kvk_nummer"] for p in v["invoer"].get("keten", [])}
        return (gemeld | {r["kvk_nummer"] for r in rows}) - {v["werkgever_kvk"]}

    async def ketenfeiten(self, v: dict[str, Any], snelle_route: bool) -> Ketenfeiten:
        """The chain as filed, extended by chain information received and put in hiring order, with
        every fact recorded and the amount established with the payments against it."""
        rows = await self.conn.fetch("SELECT * FROM ketenfeit WHERE vordering_id = $1 ORDER BY id", v["vordering_id"])
        keten = [Schakel(p["kvk_nummer"], p["rol"], bool(p.get("keurmerk"))) for p in v["invoer"].get("keten", [])]
        lijnen = [(v["werkgever_kvk"], *(s.kvk_nummer for s in keten))]
        statussen: list[PartijStatus] = []
        aanzeggingen: list[Aanzegging] = []
        verzoeken: set[tuple[str, date]] = set()
        antwoorden: dict[str, list[date]] = {}
        for r in rows:
            if r["soort"] == "status":
                statussen.append(PartijStatus(r["kvk_nummer"], json.loads(r["waarde"]), r["datum"]))
            elif r["soort"] == "aanzegging":
                aanzeggingen.append(Aanzegging(r["kvk_nummer"], r["datum"]))
            elif r["soort"] == "verzoek":
                verzoeken.add((r["kvk_nummer"], r["datum"]))
            elif r["soort"] == "antwoord":
                antwoorden.setdefault(r["kvk_nummer"], []).append(r["datum"])
                if r["waarde"] is not None:  # the parties it named, upward (answers recorded before: none)
                    lijnen.append((r["kvk_nummer"], *json.loads(r["waarde"])["keten"]))
            elif r["soort"] == "schakel" and r["kvk_nummer"] not in {s.kvk_nummer for s in keten}:
                p = json.loads(r["waarde"])
                keten.append(Schakel(r["kvk_nummer"], p["rol"], bool(p.get("keurmerk"))))
        geordend = geordende_keten(v["werkgever_kvk"], keten, lijnen)
        return Ketenfeiten(
            werkgever_kvk=v["werkgever_kvk"],
            keten=geordend.schakels,
            los=geordend.los,
            ingediend_op=v["ingediend_op"],
            bedrag_eur=Decimal(str(v["bedrag_eur"])),
            betalingen=tuple(await self.betalingen(v["vordering_id"])),
            statussen=tuple(statussen),
            aanzeggingen=tuple(aanzeggingen),
            informatieverzoeken=tuple(beantwoord(sorted(verzoeken), antwoorden)),
            snelle_route=snelle_route,
        )

    async def bewaar_betaling(self, event_id: str, vordering_id: str, kvk: str, bedrag: Decimal, op: date) -> None:
        await self.conn.execute(
            "INSERT INTO betaling (event_id, vordering_id, kvk_nummer, bedrag_eur, betaald_op) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            event_id,
            vordering_id,
            kvk,
            bedrag,
            op,
        )

    async def betalingen(self, vordering_id: str) -> list[Betaling]:
        rows = await self.conn.fetch(
            "SELECT kvk_nummer, bedrag_eur, betaald_op FROM betaling WHERE vordering_id = $1 ORDER BY betaald_op",
            vordering_id,
        )
        return [Betaling(r["kvk_nummer"], r["bedrag_eur"], r["betaald_op"]) for r in rows]

    async def in_periode(self, van: date, tot: date) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT vordering_id FROM vordering WHERE ingediend_op BETWEEN $1 AND $2 ORDER BY vordering_id", van, tot
        )
        return [r["vordering_id"] for r in rows]
