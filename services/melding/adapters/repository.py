"""SQL for meldingen and zaken (the service's own schema)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.db import Conn


@dataclass(frozen=True)
class BestaandeMelding:
    melding_id: str
    zaak_id: str
    inhoud_hash: str
    ontvangen_op: date
    uiterlijk_inspectie_op: date


@dataclass(frozen=True)
class OpenZaak:
    zaak_id: str
    status: str
    categorieen: tuple[str, ...]
    laatste_melding_op: date
    organisaties: tuple[str, ...]


class MeldingRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def melding_met_referentie(self, organisatie: str, referentie: str) -> BestaandeMelding | None:
        row = await self.conn.fetchrow(
            "SELECT melding_id, zaak_id, inhoud_hash, ontvangen_op, uiterlijk_inspectie_op FROM melding "
            "WHERE organisatie = $1 AND referentie = $2",
            organisatie,
            referentie,
        )
        return BestaandeMelding(**dict(row)) if row else None

    async def open_zaken(self, werkgever_kvk: str) -> list[OpenZaak]:
        rows = await self.conn.fetch(
            """SELECT z.zaak_id, z.status, z.categorieen, z.laatste_melding_op,
                      array_agg(DISTINCT m.organisatie) AS organisaties
               FROM zaak z JOIN melding m USING (zaak_id)
               WHERE z.werkgever_kvk = $1 AND z.status <> 'gesloten'
               GROUP BY z.zaak_id""",
            werkgever_kvk,
        )
        return [
            OpenZaak(
                zaak_id=r["zaak_id"],
                status=r["status"],
                categorieen=tuple(r["categorieen"]),
                laatste_melding_op=r["laatste_melding_op"],
                organisaties=tuple(r["organisaties"]),
            )
            for r in rows
        ]

    async def open_zaak(
        self,
        zaak_id: str,
        werkgever_kvk: str,
        status: str,
        categorieen: list[str],
        scope: list[str],
        gemeentecode: str | None,
        ontvangen_op: date,
        uiterlijk_inspectie_op: date,
    ) -> None:
        await self.conn.execute(
            """INSERT INTO zaak (zaak_id, werkgever_kvk, status, categorieen, scope, gemeentecode,
                                 geopend_op, laatste_melding_op, uiterlijk_inspectie_op)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)""",
            zaak_id,
            werkgever_kvk,
            status,
            categorieen,
            scope,
            gemeentecode,
            ontvangen_op,
            uiterlijk_inspectie_op,
        )

    async def voeg_toe_aan_zaak(self, zaak_id: str, categorieen: list[str], scope: list[str], op: date) -> None:
        """A linked report widens the case: categories and scope grow, the latest report date moves."""
        await self.conn.execute(
            """UPDATE zaak SET categorieen = ARRAY(SELECT DISTINCT unnest(categorieen || $2::text[]) ORDER BY 1),
                               scope = ARRAY(SELECT DISTINCT unnest(scope || $3::text[]) ORDER BY 1),
                               laatste_melding_op = greatest(laatste_melding_op, $4)
               WHERE zaak_id = $1""",
            zaak_id,
            categorieen,
            scope,
            op,
        )

    async def bewaar_melding(
        self,
        melding_id: str,
        organisatie: str,
        referentie: str,
        melder_soort: str,
        zaak_id: str,
        inhoud_hash: str,
        categorieen: list[str],
        ontvangen_op: date,
        uiterlijk_inspectie_op: date,
        data: dict[str, Any],
    ) -> None:
        await self.conn.execute(
            """INSERT INTO melding (melding_id, organisatie, referentie, melder_soort, zaak_id, inhoud_hash,
                                    categorieen, ontvangen_op, uiterlijk_inspectie_op, data)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
            melding_id,
            organisatie,
            referentie,
            melder_soort,
            zaak_id,
            inhoud_hash,
            categorieen,
            ontvangen_op,
            uiterlijk_inspectie_op,
            json.dumps(data),
        )

    async def zaak_status(self, zaak_id: str) -> tuple[str, str | None] | None:
        row = await self.conn.fetchrow("SELECT status, resultaat FROM zaak WHERE zaak_id = $1 FOR UPDATE", zaak_id)
        return (row["status"], row["resultaat"]) if row else None

    async def zet_status(
        self,
        zaak_id: str,
        van: str | None,
        naar: str,
        omschrijving: str,
        tijd: datetime,
        event_id: str,
        resultaat: str | None = None,
    ) -> None:
        await self.conn.execute(
            "UPDATE zaak SET status = $2, resultaat = coalesce($3, resultaat) WHERE zaak_id = $1",
            zaak_id,
            naar,
            resultaat,
        )
        await self.audit(zaak_id, van, naar, omschrijving, tijd, event_id)

    async def audit(
        self, zaak_id: str, van: str | None, naar: str, omschrijving: str, tijd: datetime, event_id: str
    ) -> None:
        await self.conn.execute(
            "INSERT INTO zaak_audit (zaak_id, tijd, van_status, naar_status, omschrijving, event_id) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            zaak_id,
            tijd,
            van,
            naar,
            omschrijving,
            event_id,
        )

    async def melders_van_zaak(self, zaak_id: str) -> list[tuple[str, str]]:
        """(organisatie, referentie) of every report in the case, for feedback to each reporter."""
        rows = await self.conn.fetch(
            "SELECT organisatie, referentie FROM melding WHERE zaak_id = $1 ORDER BY ontvangen_op, melding_id", zaak_id
        )
        return [(r["organisatie"], r["referentie"]) for r in rows]

    async def open_zaken_ontvangen_voor(self, werkgever_kvk: str, op: date) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT zaak_id FROM zaak WHERE werkgever_kvk = $1 AND status <> 'gesloten' AND geopend_op <= $2",
            werkgever_kvk,
            op,
        )
        return [r["zaak_id"] for r in rows]

    async def markeer_geinspecteerd(self, zaak_id: str, op: date) -> list[str]:
        """Record the visit; returns the ids of the case's reports whose deadline timer can stop."""
        await self.conn.execute("UPDATE zaak SET geinspecteerd_op = $2 WHERE zaak_id = $1", zaak_id, op)
        rows = await self.conn.fetch(
            "SELECT melding_id FROM melding WHERE zaak_id = $1 AND ontvangen_op <= $2", zaak_id, op
        )
        return [r["melding_id"] for r in rows]

    async def termijn_info(self, melding_id: str) -> dict[str, Any] | None:
        row = await self.conn.fetchrow(
            """SELECT m.melding_id, m.zaak_id, m.ontvangen_op, m.uiterlijk_inspectie_op, m.termijn_overschreden,
                      z.werkgever_kvk, z.geinspecteerd_op, z.scope, z.gemeentecode
               FROM melding m JOIN zaak z USING (zaak_id) WHERE m.melding_id = $1 FOR UPDATE OF m""",
            melding_id,
        )
        return dict(row) if row else None

    async def markeer_termijn_overschreden(self, melding_id: str) -> None:
        await self.conn.execute("UPDATE melding SET termijn_overschreden = true WHERE melding_id = $1", melding_id)
