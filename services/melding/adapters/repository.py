"""SQL for meldingen and zaken (the service's own schema)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.melding.domain.bezoek import Afsplitsing
from shared.db import Conn


@dataclass(frozen=True)
class BestaandeMelding:
    melding_id: str
    zaak_id: str
    inhoud_hash: str
    ontvangen_op: date
    uiterlijk_inspectie_op: date


@dataclass(frozen=True)
class BeantwoordeMelding:
    """A report a visit answered, with what judging its deadline needs."""

    melding_id: str
    ontvangen_op: date
    uiterlijk_inspectie_op: date


@dataclass(frozen=True)
class OpenZaak:
    zaak_id: str
    status: str
    categorieen: tuple[str, ...]
    laatste_melding_op: date
    organisaties: tuple[str, ...]


@dataclass
class ZaakStand:
    """A case's status and result, and who reported to it (organisatie, referentie), in report order."""

    status: str
    resultaat: str | None
    melders: list[tuple[str, str]]


STATUS_EN_MELDERS = """
WITH z AS (SELECT zaak_id, status, resultaat FROM zaak WHERE zaak_id IN (SELECT unnest($1::text[]))
           ORDER BY zaak_id FOR UPDATE)
SELECT z.zaak_id, z.status, z.resultaat,
       coalesce(array_agg(m.organisatie ORDER BY m.ontvangen_op, m.melding_id) FILTER (WHERE m.melding_id IS NOT NULL),
                '{}') AS organisaties,
       coalesce(array_agg(m.referentie ORDER BY m.ontvangen_op, m.melding_id) FILTER (WHERE m.melding_id IS NOT NULL),
                '{}') AS referenties
FROM z LEFT JOIN melding m USING (zaak_id) GROUP BY z.zaak_id, z.status, z.resultaat
"""


class MeldingRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def status_en_melders(self, zaak_ids: Sequence[str]) -> dict[str, ZaakStand]:
        """The cases' status and result, row-locked, with (organisatie, referentie) of their reports."""
        rows = await self.conn.fetch(STATUS_EN_MELDERS, list(zaak_ids))
        return {
            r["zaak_id"]: ZaakStand(
                r["status"], r["resultaat"], list(zip(r["organisaties"], r["referenties"], strict=True))
            )
            for r in rows
        }

    async def open_zaken_ontvangen_voor(self, werkgever_kvk: str, op: date) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT zaak_id FROM zaak WHERE werkgever_kvk = $1 AND status <> 'gesloten' AND geopend_op <= $2",
            werkgever_kvk,
            op,
        )
        return [r["zaak_id"] for r in rows]

    async def meldingen_van(self, zaak_id: str) -> list[dict[str, Any]]:
        """The case's reports with what a split needs (`domain.bezoek`) and their data as sent."""
        rows = await self.conn.fetch(
            """SELECT m.melding_id, m.organisatie, m.referentie, m.ontvangen_op, m.uiterlijk_inspectie_op,
                      m.categorieen, m.data, z.status
               FROM melding m JOIN zaak z USING (zaak_id) WHERE m.zaak_id = $1
               ORDER BY m.ontvangen_op, m.melding_id""",
            zaak_id,
        )
        return [dict(r) for r in rows]

    async def splits_af(self, van_zaak_id: str, zaak_id: str, werkgever_kvk: str, nieuw: Afsplitsing) -> None:
        """Open the case `zaak_id` for the reports of `nieuw` and move them into it from `van_zaak_id`."""
        await self.conn.execute(
            """INSERT INTO zaak (zaak_id, werkgever_kvk, status, categorieen, scope, gemeentecode, geopend_op,
                                 laatste_melding_op, uiterlijk_inspectie_op)
               VALUES ($1, $2, 'ontvangen', $3, $4, $5, $6, $7, $8)""",
            zaak_id,
            werkgever_kvk,
            nieuw.categorieen,
            nieuw.scope,
            nieuw.gemeentecode,
            nieuw.geopend_op,
            nieuw.laatste_melding_op,
            nieuw.uiterlijk_inspectie_op,
        )
        await self.conn.execute(
            "UPDATE melding SET zaak_id = $1 WHERE zaak_id = $2 AND melding_id = ANY($3::text[])",
            zaak_id,
            van_zaak_id,
            [m.melding_id for m in nieuw.meldingen],
        )

    async def markeer_geinspecteerd(self, zaak_id: str, op: date) -> list[BeantwoordeMelding]:
        """Record the visit; returns the case's reports it answered (received by its day), whose
        deadline timer can stop."""
        await self.conn.execute("UPDATE zaak SET geinspecteerd_op = $2 WHERE zaak_id = $1", zaak_id, op)
        rows = await self.conn.fetch(
            """SELECT melding_id, ontvangen_op, uiterlijk_inspectie_op FROM melding
               WHERE zaak_id = $1 AND ontvangen_op <= $2 ORDER BY ontvangen_op, melding_id""",
            zaak_id,
            op,
        )
        return [BeantwoordeMelding(r["melding_id"], r["ontvangen_op"], r["uiterlijk_inspectie_op"]) for r in rows]

    async def termijn_info(self, melding_id: str, *, vergrendel: bool = True) -> dict[str, Any] | None:
        """What a report's deadline timer judges, its row locked (`vergrendel`) or only read;
        `laatste_bezoek` is the employer's latest visit over all its cases, `bezoeken` the days of
        the employer's visits on or after the report's day of receipt (each case is visited once)."""
        row = await self.conn.fetchrow(
            """SELECT m.melding_id, m.zaak_id, m.ontvangen_op, m.uiterlijk_inspectie_op, m.termijn_overschreden,
                      z.werkgever_kvk, z.status, z.geinspecteerd_op, z.scope, z.gemeentecode,
                      (SELECT max(z2.geinspecteerd_op) FROM zaak z2 WHERE z2.werkgever_kvk = z.werkgever_kvk)
                          AS laatste_bezoek,
                      ARRAY(SELECT DISTINCT z2.geinspecteerd_op FROM zaak z2
                            WHERE z2.werkgever_kvk = z.werkgever_kvk AND z2.geinspecteerd_op >= m.ontvangen_op
                            ORDER BY 1) AS bezoeken
               FROM melding m JOIN zaak z USING (zaak_id) WHERE m.melding_id = $1"""
            + (" FOR UPDATE OF m" if vergrendel else ""),
            melding_id,
        )
        return dict(row) if row else None

    async def markeer_termijn_overschreden(self, melding_id: str) -> None:
        await self.conn.execute("UPDATE melding SET termijn_overschreden = true WHERE melding_id = $1", melding_id)
