"""SQL for signals, inspections, fines, proofs of back pay and warnings (inspectie's own schema)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import structlog

from services.inspectie.domain.boetes import EerdereBoete
from services.inspectie.domain.inhoudingen import OnrechtmatigeInhouding
from services.inspectie.domain.planning import Tekort
from services.inspectie.domain.risico import Signaal
from services.inspectie.domain.sancties import Waarschuwing, tijdige_bewijzen
from shared import locks
from shared.contract.inspectie import Betaalbewijs
from shared.db import Conn
from shared.envelope import dumps

log = structlog.get_logger()
LOGGED_IDS = 20  # of a region's shortages in one line: the first so many ids, and how many there are


def log_tekorten(tekorten: Sequence[Tekort]) -> None:
    """One warning per region for the shortages written together: those a batch's planning state
    writes at once (at its end, or before a full planning round), or one of a full round. A
    region that stays short says so about once per batch, not once per report (each shortage is
    an event of its own). The line is about the region: it carries no record's ids, whichever
    record's handling wrote it."""
    per_regio: defaultdict[str, list[Tekort]] = defaultdict(list)
    for tekort in tekorten:
        per_regio[tekort.regio].append(tekort)
    bound = structlog.contextvars.get_contextvars()
    record_ids = {k: bound[k] for k in ("event_id", "correlation_id", "ce_type") if k in bound}
    structlog.contextvars.unbind_contextvars(*record_ids)
    try:
        for regio, lijst in sorted(per_regio.items()):
            eerst_mogelijk = [t.gepland_op for t in lijst if t.gepland_op is not None]
            log.warning(
                "capacity_shortage",
                regio=regio,
                inspecties=len(lijst),
                inspectie_ids=[t.verzoek_id for t in lijst[:LOGGED_IDS]],
                vroegst_uiterlijk_op=min(t.uiterlijk_op for t in lijst).isoformat(),
                eerst_mogelijk=min(eerst_mogelijk).isoformat() if eerst_mogelijk else None,
            )
    finally:
        structlog.contextvars.bind_contextvars(**record_ids)


OPEN = ("gepland", "wachtend")
# the predicate of the partial indexes on open inspections as SQL: a planner only uses such an
# index for a statement that repeats its predicate, not for `status = ANY($n)`
IS_OPEN = "status IN ({})".format(", ".join(f"'{status}'" for status in OPEN))
# a batch's keys as `IN (SELECT unnest($n))` (docs/runtime.md, "Batch reads")
REGIOS = f"""
SELECT regio FROM inspectie WHERE werkgever_kvk IN (SELECT unnest($1::text[])) AND {IS_OPEN}
UNION
SELECT regio FROM inspectie WHERE inspectie_id IN (SELECT unnest($2::text[]))
"""
OPEN_IN_REGIO = f"SELECT * FROM inspectie WHERE regio = $1 AND {IS_OPEN} ORDER BY inspectie_id"


def planning_key(regio: str) -> str:
    return f"planning:{regio}"


def _json(value: Any) -> str | None:
    return None if value is None else dumps(value).decode()


def inspectie_uit_rij(row: Any) -> dict[str, Any]:
    i = dict(row)
    for veld in ("werklocatie", "aanleidingen", "risico"):
        i[veld] = json.loads(i[veld]) if i[veld] else None
    i["scope"] = list(i["scope"])
    return i


class InspectieRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    # -- signals
    async def bewaar_signaal(self, s: Signaal, kvk: str, aanleiding: dict[str, str] | None) -> bool:
        inserted = await self.conn.fetchval(
            """INSERT INTO signaal (bron_event_id, werkgever_kvk, soort, waargenomen_op, sterkte, wetten, aanleiding)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING true""",
            s.bron_event_id,
            kvk,
            s.soort,
            s.waargenomen_op,
            s.sterkte,
            list(s.wetten),
            _json(aanleiding),
        )
        return bool(inserted)

    async def verplaats_melding_signaal(
        self, kvk: str, bron_event_id: str, soort: str, aanleiding: dict[str, str], verplaatst_uit: str
    ) -> bool | None:
        """The signal of a report melding moved from case `verplaatst_uit`: its reason becomes the new
        case. True when it changed, False when it names that case already, None when there is none.

        A signal stored before reports were keyed by their `melding_id` is under the id of the
        acknowledgement; one such open signal of the same kind with the old case as its reason is the
        report's (melding moves all of a case's unanswered reports to one new case, so which of them
        does not matter) and takes the report's key."""
        bestaand = await self.conn.fetchrow("SELECT aanleiding FROM signaal WHERE bron_event_id = $1", bron_event_id)
        if bestaand is not None:
            if bestaand["aanleiding"] and json.loads(bestaand["aanleiding"]) == aanleiding:
                return False
            await self.conn.execute(
                "UPDATE signaal SET aanleiding = $2 WHERE bron_event_id = $1", bron_event_id, _json(aanleiding)
            )
            return True
        geclaimd = await self.conn.fetchval(
            """UPDATE signaal SET bron_event_id = $1, aanleiding = $2
               WHERE bron_event_id = (
                 SELECT bron_event_id FROM signaal
                 WHERE werkgever_kvk = $3 AND open AND soort = $4 AND bron_event_id NOT LIKE 'melding:%'
                   AND aanleiding->>'soort' = 'melding' AND aanleiding->>'id' = $5
                 ORDER BY waargenomen_op, bron_event_id COLLATE "C" LIMIT 1)
               RETURNING true""",
            bron_event_id,
            _json(aanleiding),
            kvk,
            soort,
            verplaatst_uit,
        )
        return True if geclaimd else None

    async def sluit_signalen(self, kvk: str, tot_en_met: date) -> None:
        await self.conn.execute(
            "UPDATE signaal SET open = false WHERE werkgever_kvk = $1 AND waargenomen_op <= $2", kvk, tot_en_met
        )

    # -- inspections
    async def vergrendel_planning(self, regio: str) -> None:
        """One planning round per region at a time (until the transaction ends); a no-op when the
        batch took it already (`handlers.sloten_per_batch`, in sorted order with the others)."""
        await locks.lock(self.conn, planning_key(regio))

    async def regios(self, kvks: list[str], inspectie_ids: list[str]) -> set[str]:
        """The regions of these employers' open inspections and of these inspections."""
        rows = await self.conn.fetch(REGIOS, kvks, inspectie_ids)
        return {r["regio"] for r in rows}

    async def open_inspecties(self, regio: str) -> list[dict[str, Any]]:
        """The region's open inspections, for a planning round of the whole region."""
        await self.vergrendel_planning(regio)
        rows = await self.conn.fetch(OPEN_IN_REGIO, regio)
        return [inspectie_uit_rij(r) for r in rows]

    async def tekort_gemeld(self, tekort: Tekort) -> None:
        await self.conn.execute("UPDATE inspectie SET tekort_gemeld = true WHERE inspectie_id = $1", tekort.verzoek_id)
        log_tekorten([tekort])

    async def inspectie(self, inspectie_id: str) -> dict[str, Any] | None:
        row = await self.conn.fetchrow("SELECT * FROM inspectie WHERE inspectie_id = $1 FOR UPDATE", inspectie_id)
        return inspectie_uit_rij(row) if row else None

    async def bewaar_inspectie(self, i: dict[str, Any]) -> None:
        await self.conn.execute(
            """INSERT INTO inspectie (inspectie_id, werkgever_kvk, werklocatie, regio, gepland_op, soort, uiterlijk_op,
                                      scope, aanleidingen, risico, status, tekort_gemeld, uitgevoerd_op)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
               ON CONFLICT (inspectie_id) DO UPDATE SET werklocatie = excluded.werklocatie, regio = excluded.regio,
                 gepland_op = excluded.gepland_op, soort = excluded.soort, uiterlijk_op = excluded.uiterlijk_op,
                 scope = excluded.scope, aanleidingen = excluded.aanleidingen, risico = excluded.risico,
                 status = excluded.status, tekort_gemeld = excluded.tekort_gemeld,
                 uitgevoerd_op = excluded.uitgevoerd_op""",
            i["inspectie_id"],
            i["werkgever_kvk"],
            _json(i.get("werklocatie")),
            i["regio"],
            i.get("gepland_op"),
            i["soort"],
            i.get("uiterlijk_op"),
            i["scope"],
            _json(i["aanleidingen"]),
            _json(i.get("risico")),
            i["status"],
            i.get("tekort_gemeld", False),
            i.get("uitgevoerd_op"),
        )

    # -- employer facts
    async def omzet(self, kvk: str) -> Decimal | None:
        value: Decimal | None = await self.conn.fetchval("SELECT omzet_eur FROM werkgever WHERE kvk_nummer = $1", kvk)
        return value

    async def bewaar_omzet(self, kvk: str, boekjaar: int, omzet: Decimal) -> None:
        await self.conn.execute(
            """INSERT INTO werkgever (kvk_nummer, omzet_eur, omzet_boekjaar) VALUES ($1, $2, $3)
               ON CONFLICT (kvk_nummer) DO UPDATE SET omzet_eur = excluded.omzet_eur,
                 omzet_boekjaar = excluded.omzet_boekjaar
               WHERE werkgever.omzet_boekjaar IS NULL OR werkgever.omzet_boekjaar <= excluded.omzet_boekjaar""",
            kvk,
            omzet,
            boekjaar,
        )

    async def aantal_werknemers(self, kvk: str) -> int | None:
        """The headcount of the employer's latest payroll return (None: no return seen)."""
        value: int | None = await self.conn.fetchval(
            "SELECT aantal_werknemers FROM werkgever WHERE kvk_nummer = $1", kvk
        )
        return value

    async def bewaar_aantal_werknemers(self, kvk: str, tijdvak: str, aantal: int) -> None:
        """Keep the headcount of the latest payroll month; a return for an earlier month changes nothing."""
        await self.conn.execute(
            """INSERT INTO werkgever (kvk_nummer, aantal_werknemers, aantal_werknemers_tijdvak) VALUES ($1, $2, $3)
               ON CONFLICT (kvk_nummer) DO UPDATE SET aantal_werknemers = excluded.aantal_werknemers,
                 aantal_werknemers_tijdvak = excluded.aantal_werknemers_tijdvak
               WHERE werkgever.aantal_werknemers_tijdvak IS NULL
                  OR werkgever.aantal_werknemers_tijdvak <= excluded.aantal_werknemers_tijdvak""",
            kvk,
            aantal,
            tijdvak,
        )

    async def bewaar_uitzendonderneming(self, kvk: str, ja: bool, bron_event_id: str, op: date) -> bool:
        """Whether the employer is a temporary-work agency, as the latest source says; False when a
        later source is stored already (then nothing changed)."""
        return bool(
            await self.conn.fetchval(
                """INSERT INTO werkgever
                 (kvk_nummer, uitzendonderneming, uitzendonderneming_bron, uitzendonderneming_op)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (kvk_nummer) DO UPDATE SET uitzendonderneming = excluded.uitzendonderneming,
                 uitzendonderneming_bron = excluded.uitzendonderneming_bron,
                 uitzendonderneming_op = excluded.uitzendonderneming_op
               WHERE werkgever.uitzendonderneming_op IS NULL
                  OR werkgever.uitzendonderneming_op <= excluded.uitzendonderneming_op
               RETURNING true""",
                kvk,
                ja,
                bron_event_id,
                op,
            )
        )

    # -- unlawful housing deductions (HUIS-005)
    async def bewaar_inhouding(
        self, kvk: str, contract_referentie: str, i: OnrechtmatigeInhouding | None, peildatum: date
    ) -> None:
        """The latest check of a contract decides: its unlawful deduction, or none any more."""
        if i is None:
            await self.conn.execute(
                "DELETE FROM onrechtmatige_inhouding WHERE werkgever_kvk = $1 AND contract_referentie = $2 "
                "AND peildatum <= $3",
                kvk,
                contract_referentie,
                peildatum,
            )
            return
        await self.conn.execute(
            """INSERT INTO onrechtmatige_inhouding (werkgever_kvk, contract_referentie, werknemer_ref, van, tot,
                 per_maand_eur, voorwaarden_voldaan, uren_per_week, leeftijd, peildatum)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               ON CONFLICT (werkgever_kvk, contract_referentie) DO UPDATE SET werknemer_ref = excluded.werknemer_ref,
                 van = excluded.van, tot = excluded.tot, per_maand_eur = excluded.per_maand_eur,
                 voorwaarden_voldaan = excluded.voorwaarden_voldaan, uren_per_week = excluded.uren_per_week,
                 leeftijd = excluded.leeftijd, peildatum = excluded.peildatum
               WHERE onrechtmatige_inhouding.peildatum <= excluded.peildatum""",
            kvk,
            contract_referentie,
            i.werknemer_ref,
            i.van,
            i.tot,
            i.per_maand_eur,
            i.voorwaarden_voldaan,
            i.uren_per_week,
            i.leeftijd,
            peildatum,
        )

    async def onrechtmatige_inhoudingen(self, kvk: str) -> list[OnrechtmatigeInhouding]:
        rows = await self.conn.fetch(
            "SELECT * FROM onrechtmatige_inhouding WHERE werkgever_kvk = $1 ORDER BY contract_referentie", kvk
        )
        return [
            OnrechtmatigeInhouding(
                r["werknemer_ref"],
                r["van"],
                r["tot"],
                r["per_maand_eur"],
                r["voorwaarden_voldaan"],
                r["uren_per_week"],
                r["leeftijd"],
            )
            for r in rows
        ]

    # -- fines
    async def eerdere_boetes(self, kvk: str) -> list[EerdereBoete]:
        rows = await self.conn.fetch(
            "SELECT wet, code, onherroepelijk_op, ernstig FROM boete WHERE werkgever_kvk = $1 "
            "AND status = 'onherroepelijk'",
            kvk,
        )
        return [EerdereBoete(r["wet"], r["code"], r["onherroepelijk_op"], r["ernstig"]) for r in rows]

    async def bewaar_boete(self, b: dict[str, Any]) -> None:
        await self.conn.execute(
            """INSERT INTO boete (boete_id, inspectie_id, werkgever_kvk, wet, code, ernstig, bedrag_eur, nabetaling_eur,
                                  berekening, status, herstel_tot_en_met, opgelegd_op, onherroepelijk_op, beleid)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)""",
            b["boete_id"],
            b["inspectie_id"],
            b["werkgever_kvk"],
            b["wet"],
            b["code"],
            b["ernstig"],
            b["bedrag_eur"],
            b["nabetaling_eur"],
            _json(b["berekening"]),
            b["status"],
            b["herstel_tot_en_met"],
            b["opgelegd_op"],
            b["onherroepelijk_op"],
            b["beleid"],
        )

    async def boete(self, boete_id: str) -> dict[str, Any] | None:
        row = await self.conn.fetchrow("SELECT * FROM boete WHERE boete_id = $1 FOR UPDATE", boete_id)
        return dict(row) if row else None

    async def aangehouden_boetes(self, inspectie_id: str) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            "SELECT * FROM boete WHERE inspectie_id = $1 AND status = 'in_afwachting_herstel' ORDER BY boete_id "
            "FOR UPDATE",
            inspectie_id,
        )
        return [dict(r) for r in rows]

    async def herstel_verschuldigd(self, inspectie_id: str) -> dict[str, Decimal]:
        """Per fine of the inspection that owes back pay (held or not, whatever its status now): the
        back pay owed. A proof names the inspection, not a fine, so all this back pay shares its
        proofs: money paid for a fine that was not held (a repeat offence) is not paid again for one
        that is."""
        rows = await self.conn.fetch(
            "SELECT boete_id, nabetaling_eur FROM boete WHERE inspectie_id = $1 AND nabetaling_eur > 0",
            inspectie_id,
        )
        return {r["boete_id"]: r["nabetaling_eur"] for r in rows}

    async def zet_boete(self, boete_id: str, status: str, op: date) -> None:
        await self.conn.execute(
            "UPDATE boete SET status = $2, onherroepelijk_op = CASE WHEN $2 = 'onherroepelijk' THEN $3::date END "
            "WHERE boete_id = $1",
            boete_id,
            status,
            op,
        )

    async def werkgever_van(self, inspectie_id: str) -> str | None:
        """The employer of an inspection as known here (planned, or by its fines), else None."""
        kvk: str | None = await self.conn.fetchval(
            """SELECT werkgever_kvk FROM inspectie WHERE inspectie_id = $1
               UNION ALL SELECT werkgever_kvk FROM boete WHERE inspectie_id = $1 LIMIT 1""",
            inspectie_id,
        )
        return kvk

    async def bewaar_betaalbewijs(self, event_id: str, b: Betaalbewijs, ontvangen_op: date) -> None:
        await self.conn.execute(
            "INSERT INTO betaalbewijs (event_id, inspectie_id, werkgever_kvk, bedrag_eur, betaald_op, ontvangen_op) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            event_id,
            b.inspectie_id,
            b.werkgever.kvk_nummer,
            b.bedrag_eur,
            b.betaald_op,
            ontvangen_op,
        )

    async def betaalbewijzen(self, inspectie_id: str, werkgever_kvk: str, tot_en_met: date) -> list[Betaalbewijs]:
        """The employer's proofs for the inspection that count for a window ending on `tot_en_met`
        (`sancties.tijdige_bewijzen`: paid and received within it). A proof stored before the
        inspection's employer was known may name another one: it counts for nothing."""
        rows = await self.conn.fetch(
            "SELECT * FROM betaalbewijs WHERE inspectie_id = $1 AND werkgever_kvk = $2 AND betaald_op <= $3 "
            "ORDER BY betaald_op, event_id",
            inspectie_id,
            werkgever_kvk,
            tot_en_met,
        )
        gelezen = [
            (
                Betaalbewijs.model_validate(
                    {
                        "inspectie_id": r["inspectie_id"],
                        "werkgever": {"kvk_nummer": r["werkgever_kvk"]},
                        "bedrag_eur": r["bedrag_eur"],
                        "betaald_op": r["betaald_op"],
                    },
                    strict=False,
                ),
                r["ontvangen_op"],
            )
            for r in rows
        ]
        return tijdige_bewijzen(gelezen, tot_en_met)

    # -- warnings
    async def waarschuwingen(self, kvk: str) -> list[Waarschuwing]:
        rows = await self.conn.fetch(
            "SELECT wet, code, inspectie_id, gegeven_op, geldig_tot_en_met, boete_id, ingetrokken_op "
            "FROM waarschuwing WHERE werkgever_kvk = $1",
            kvk,
        )
        return [
            Waarschuwing(
                r["wet"],
                r["code"],
                r["inspectie_id"],
                r["gegeven_op"],
                r["geldig_tot_en_met"],
                boete_id=r["boete_id"],
                ingetrokken_op=r["ingetrokken_op"],
            )
            for r in rows
        ]

    async def trek_waarschuwing_in(self, boete_id: str, op: date) -> None:
        """Withdraw the warning given with a fine that lapsed (a lapsed fine is no prior offence)."""
        await self.conn.execute(
            "UPDATE waarschuwing SET ingetrokken_op = $2 WHERE boete_id = $1 AND ingetrokken_op IS NULL", boete_id, op
        )

    async def waarschuw(self, kvk: str, w: Waarschuwing) -> None:
        await self.conn.execute(
            "INSERT INTO waarschuwing (werkgever_kvk, wet, code, gegeven_op, geldig_tot_en_met, inspectie_id, "
            "boete_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            kvk,
            w.wet,
            w.code,
            w.gegeven_op,
            w.geldig_tot_en_met,
            w.inspectie_id,
            w.boete_id,
        )
