"""Reading the read model for the pages and the API. Authorisation is the caller's job (`autorisatie.py`):
these functions return everything and the web layer filters and masks before anything leaves the server."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from asyncpg import Record

from services.console.overzicht import capaciteitsgebruik, doorvoer_per_minuut, termijn_oordeel
from services.console.projectie import normaliseer_postcode
from services.console.tijdlijn import causale_volgorde, hoort_bij_zaak
from shared import outbox
from shared.db import Conn
from shared.policy import Policy
from shared.service import REPLAY_HEADER
from shared.werkdagen import volgende_werkdagen

DOORVOER_MINUTEN = 60
# How far the timeline follows links (case -> inspection -> its fines -> claims started by them).
KOPPEL_RONDES = 4
JSON_VELDEN = ("data", "risico", "aansprakelijk", "keten", "volgende_termijn", "bevindingen", "headers")


def _rij(record: Record) -> dict[str, Any]:
    """A row as plain data: jsonb decoded, dates and numbers as they are (the JSON encoder handles them)."""
    rij = dict(record)
    for veld in JSON_VELDEN:
        if isinstance(rij.get(veld), str):
            rij[veld] = json.loads(rij[veld])
    return rij


async def overzicht(conn: Conn, vandaag: date, nu: datetime, policy: Policy) -> dict[str, Any]:
    statussen: dict[str, dict[str, int]] = {}
    for r in await conn.fetch(
        """SELECT 'melding' AS dienst, status, count(*) AS n FROM zaak GROUP BY status
           UNION ALL SELECT 'inspectie', status, count(*) FROM inspectie GROUP BY status
           UNION ALL SELECT 'loonvordering', status, count(*) FROM vordering GROUP BY status
           UNION ALL SELECT 'huisvesting', status, count(*) FROM huisvesting GROUP BY status"""
    ):
        statussen.setdefault(r["dienst"], {})[r["status"]] = r["n"]
    per_minuut = await conn.fetch(
        """SELECT date_trunc('minute', ontvangen_op) AS minuut, count(*) AS n FROM gebeurtenis
           WHERE ontvangen_op > now() - make_interval(mins => $1) GROUP BY 1""",
        DOORVOER_MINUTEN,
    )
    termijnen = [
        t
        for r in await conn.fetch("SELECT * FROM zaak WHERE uiterlijk_inspectie_op IS NOT NULL ORDER BY 1")
        if (t := termijn_oordeel(dict(r), vandaag)) is not None
    ]
    horizon = volgende_werkdagen(vandaag, int(policy.value("planning_horizon_werkdagen", vandaag)))
    gepland = await conn.fetch(
        """SELECT regio, count(*) AS n FROM inspectie
           WHERE status = 'gepland' AND gepland_op BETWEEN $1 AND $2 GROUP BY regio""",
        horizon[0],
        horizon[-1],
    )
    capaciteit = capaciteitsgebruik(
        {r["regio"]: r["n"] for r in gepland if r["regio"]},
        policy.value("inspectie_capaciteit_per_werkdag", vandaag),
        len(horizon),
    )
    totalen = await conn.fetchrow(
        """SELECT (SELECT count(*) FROM gebeurtenis) AS gebeurtenissen,
                  (SELECT count(*) FROM dode_letter) AS dode_letters"""
    )
    assert totalen is not None
    return {
        "nu": nu,
        "statussen": statussen,
        "doorvoer": doorvoer_per_minuut(
            [(r["minuut"], r["n"]) for r in per_minuut], datetime.now(UTC), DOORVOER_MINUTEN
        ),
        "termijnen": termijnen,
        "capaciteit": capaciteit,
        "horizon": (horizon[0], horizon[-1]),
        "gebeurtenissen": totalen["gebeurtenissen"],
        "dode_letters": totalen["dode_letters"],
    }


async def zaak_gemeente(conn: Conn, zaak_id: str) -> tuple[bool, str | None]:
    """Does the case exist, and in which municipality (for the object-level check before anything else)."""
    rij = await conn.fetchrow("SELECT gemeentecode FROM zaak WHERE zaak_id = $1", zaak_id)
    if rij is not None:
        return True, rij["gemeentecode"]
    bestaat = await conn.fetchval("SELECT true FROM gebeurtenis WHERE zaak_ids @> ARRAY[$1] LIMIT 1", zaak_id)
    return bool(bestaat), None


async def zaak(conn: Conn, zaak_id: str) -> dict[str, Any]:
    """The case with its whole timeline across the services, in causal order."""
    rij = await conn.fetchrow("SELECT * FROM zaak WHERE zaak_id = $1", zaak_id)
    events = await _keten(conn, zaak_id)
    regels = causale_volgorde(events)
    types = {e["id"]: e["type"] for e in events}
    tijdlijn = [
        {
            **{k: v for k, v in r.event.items() if k != "ontvangen_op"},
            "diepte": r.diepte,
            "oorzaak_type": types.get(r.event.get("causationid") or ""),
        }
        for r in regels
    ]
    return {
        "zaak": _rij(rij) if rij else {"zaak_id": zaak_id},
        "tijdlijn": tijdlijn,
        "risico": [
            {"inspectie_id": e["inspectie_id"], "type": e["type"], "beleid": e["beleid"], **e["data"]["risico"]}
            for e in events
            if isinstance(e["data"].get("risico"), dict)
        ],
        "berekeningen": [
            {
                "type": e["type"],
                "id": e["boete_id"] or e["vordering_id"] or e["id"],
                "bedrag_eur": e["data"].get("bedrag_eur"),
                "beleid": e["beleid"],
                "berekening": e["data"]["berekening"],
            }
            for e in events
            if isinstance(e["data"].get("berekening"), list)
        ],
        "beleid": sorted({e["beleid"] for e in events if e["beleid"]}),
    }


async def _keten(conn: Conn, zaak_id: str) -> list[dict[str, Any]]:
    """Events about the case, those sharing their correlation, and those about the inspections,
    fines and claims they lead to: followed until nothing new turns up."""
    gevonden: dict[str, dict[str, Any]] = {}
    correlaties: set[str] = set()
    inspecties: set[str] = set()
    vorderingen: set[str] = set()
    for _ in range(KOPPEL_RONDES):
        rijen = await conn.fetch(
            """SELECT * FROM gebeurtenis
               WHERE zaak_ids @> ARRAY[$1] OR correlationid = ANY($2) OR inspectie_id = ANY($3)
                  OR vordering_id = ANY($4) OR causationid = ANY($5)""",
            zaak_id,
            list(correlaties),
            list(inspecties),
            list(vorderingen),
            list(gevonden),
        )
        nieuw = [e for e in map(_rij, rijen) if e["id"] not in gevonden and hoort_bij_zaak(zaak_id, e)]
        if not nieuw:
            break
        for e in nieuw:
            gevonden[e["id"]] = e
            correlaties.add(e["correlationid"])
            if e["inspectie_id"]:
                inspecties.add(e["inspectie_id"])
            if e["vordering_id"]:
                vorderingen.add(e["vordering_id"])
    return list(gevonden.values())


async def planning(conn: Conn) -> list[dict[str, Any]]:
    rijen = await conn.fetch("SELECT * FROM inspectie ORDER BY gepland_op NULLS LAST, inspectie_id")
    return [_rij(r) for r in rijen]


async def vorderingen(conn: Conn) -> list[dict[str, Any]]:
    return [_rij(r) for r in await conn.fetch("SELECT * FROM vordering ORDER BY bijgewerkt DESC")]


async def huisvesting(conn: Conn) -> list[dict[str, Any]]:
    return [_rij(r) for r in await conn.fetch("SELECT * FROM huisvesting ORDER BY gemeentecode, bijgewerkt")]


async def dode_letters(conn: Conn) -> list[dict[str, Any]]:
    rijen = await conn.fetch(
        """SELECT d.*, (SELECT max(tijd) FROM replay_audit a
                         WHERE a.dlq_topic = d.dlq_topic AND a.partitie = d.partitie AND a.positie = d.positie)
                      AS laatst_gereplayed
           FROM dode_letter d ORDER BY d.id DESC"""
    )
    return [_rij(r) for r in rijen]


async def replay_audit(conn: Conn) -> list[dict[str, Any]]:
    return [_rij(r) for r in await conn.fetch("SELECT * FROM replay_audit ORDER BY id DESC LIMIT 200")]


async def replay(conn: Conn, ids: list[int] | None, door: str) -> int:
    """Re-publish dead letters unchanged (headers without the reason headers, key, value) to their
    original topic, through the outbox, and audit each in the same transaction. None: all of them.

    One header is added: a replay marker, so the consuming service processes the record again
    instead of treating it as a duplicate of the record it dead-lettered."""
    rijen = await conn.fetch(
        "SELECT * FROM dode_letter WHERE $1::bigint[] IS NULL OR id = ANY($1) ORDER BY id",
        ids,
    )
    for r in rijen:
        headers = [(k, v.encode()) for k, v in json.loads(r["headers"]) if k != REPLAY_HEADER]
        headers.append((REPLAY_HEADER, str(uuid.uuid4()).encode()))
        await outbox.put(
            conn, r["origineel_topic"], r["sleutel"], headers, r["waarde"], event_id=r["ce_id"], event_type="replay"
        )
        await conn.execute(
            """INSERT INTO replay_audit (door, dlq_topic, partitie, positie, naar_topic, ce_id, ce_type, reden)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
            door,
            r["dlq_topic"],
            r["partitie"],
            r["positie"],
            r["origineel_topic"],
            r["ce_id"],
            r["ce_type"],
            r["reden"],
        )
    return len(rijen)


async def zoeken(conn: Conn, q: str) -> dict[str, list[dict[str, Any]]]:
    """By case id, KvK number, reporter/submitter reference, inspection/claim/contract id or postcode."""
    q = q.strip()
    postcode = normaliseer_postcode(q)
    zaken = await conn.fetch(
        """SELECT * FROM zaak WHERE zaak_id = $1 OR kvk = $1 OR $1 = ANY(referenties) OR postcode = $2
              OR zaak_id IN (SELECT unnest(zaak_ids) FROM gebeurtenis
                             WHERE kvk @> ARRAY[$1] OR referentie = $1 OR postcode = $2 OR inspectie_id = $1)
           ORDER BY bijgewerkt DESC LIMIT 100""",
        q,
        postcode,
    )
    inspecties = await conn.fetch(
        "SELECT * FROM inspectie WHERE inspectie_id = $1 OR kvk = $1 OR $1 = ANY(zaak_ids) LIMIT 100", q
    )
    vorderingen_ = await conn.fetch(
        """SELECT * FROM vordering WHERE vordering_id = $1 OR kvk = $1 OR referentie = $1
              OR aansprakelijk @> jsonb_build_array(jsonb_build_object('kvk_nummer', $1::text)) LIMIT 100""",
        q,
    )
    controles = await conn.fetch(
        "SELECT * FROM huisvesting WHERE contract_referentie = $1 OR kvk = $1 OR postcode = $2 LIMIT 100",
        q,
        postcode,
    )
    return {
        "zaken": [_rij(r) for r in zaken],
        "inspecties": [_rij(r) for r in inspecties],
        "vorderingen": [_rij(r) for r in vorderingen_],
        "huisvesting": [_rij(r) for r in controles],
    }


async def versie(conn: Conn) -> tuple[int, int]:
    """Changes since: the last event's sequence number and the number of dead letters (for live updates)."""
    rij = await conn.fetchrow(
        "SELECT coalesce(max(volgnummer), 0) AS v, (SELECT count(*) FROM dode_letter) AS d FROM gebeurtenis"
    )
    assert rij is not None
    return int(rij["v"]), int(rij["d"])
