"""Writing the read model: one domain event or one dead letter at a time, idempotently.

Every write is an insert-if-new or an upsert that only fills in what the event knows, so a
redelivered record, a rebuild from the topics, or an event shape with fewer fields never
destroys what an earlier event recorded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from services.console.projectie import (
    Sleutels,
    aggregaat_status,
    dienst_van,
    gebeurtenis_naam,
    inspectie_status,
    sleutels,
    zaak_status,
)
from shared.db import Conn
from shared.envelope import CloudEvent, dumps
from shared.service import REPLAY_HEADER

DLQ_HEADERS = ("dlq_reden", "dlq_details", "dlq_topic", "dlq_partitie", "dlq_offset", "dlq_tijd", "dlq_dienst")
LEESMODEL_TABELLEN = (
    "gebeurtenis",
    "zaak",
    "inspectie",
    "vordering",
    "huisvesting",
    "dode_letter",
    "dode_letter_poging",
    "inbox",
)


def _json(waarde: Any) -> str | None:
    return None if waarde is None else dumps(waarde).decode()


_LOG = """
INSERT INTO gebeurtenis (id, type, tijd, bron, correlationid, causationid, topic, zaak_ids, inspectie_id,
                         vordering_id, contract_referentie, boete_id, kvk, gemeentecode, postcode,
                         referentie, beleid, data, werknemer_refs)
SELECT id, type, tijd, bron, correlationid, causationid, topic, string_to_array(zaak_ids, chr(31)), inspectie_id,
       vordering_id, contract_referentie, boete_id, string_to_array(kvk, chr(31)), gemeentecode, postcode,
       referentie, beleid, data, string_to_array(werknemer_refs, chr(31))
FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
            $17::text[], $18::jsonb[], $19::text[])
     AS t(id, type, tijd, bron, correlationid, causationid, topic, zaak_ids, inspectie_id, vordering_id,
          contract_referentie, boete_id, kvk, gemeentecode, postcode, referentie, beleid, data, werknemer_refs)
ON CONFLICT (id) DO NOTHING RETURNING id
"""


def _lijst(waarden: Sequence[str]) -> str:
    """A text array as one text (unit separator between the items): unnest takes no arrays of arrays."""
    return "\x1f".join(waarden)


async def log_gebeurtenissen(conn: Conn, events: Sequence[tuple[str, CloudEvent]]) -> dict[str, Sleutels]:
    """Log a batch of (topic, event) in one statement; returns the ids that were new, each with the
    keys it was logged under, which its projection uses too (the same id twice: the first is logged)."""
    if not events:
        return {}
    rijen = []
    per_id: dict[str, Sleutels] = {}
    for topic, event in events:
        s = per_id.setdefault(event.id, sleutels(event.data))
        rijen.append(
            (
                event.id,
                event.type,
                event.time,
                event.source,
                event.chain_id,
                event.causationid,
                topic,
                _lijst(s.zaak_ids),
                s.inspectie_id,
                s.vordering_id,
                s.contract_referentie,
                s.boete_id,
                _lijst(s.kvk),
                s.gemeentecode,
                s.postcode,
                s.referentie,
                s.beleid,
                _json(event.data),
                _lijst(s.werknemer_refs),
            )
        )
    return {r["id"]: per_id[r["id"]] for r in await conn.fetch(_LOG, *map(list, zip(*rijen, strict=True)))}


async def projecteer(conn: Conn, event: CloudEvent, s: Sleutels) -> None:
    """Update the projection of the service the event comes from (an event logged for the first time,
    with the keys `log_gebeurtenissen` returned for it)."""
    project = PROJECTIES.get(dienst_van(event.type))
    if project is not None:
        await project(conn, event, s)


async def bewaar_gebeurtenis(conn: Conn, topic: str, event: CloudEvent) -> bool:
    """Log one event and update the projections; False when it was already there."""
    s = (await log_gebeurtenissen(conn, [(topic, event)])).get(event.id)
    if s is None:
        return False
    await projecteer(conn, event, s)
    return True


async def _zaak(conn: Conn, event: CloudEvent, s: Sleutels) -> None:
    zaak_id = event.data.get("zaak_id")
    if not isinstance(zaak_id, str):
        return
    status = zaak_status(event.type, event.data)
    naam = gebeurtenis_naam(event.type)
    await conn.execute(
        """INSERT INTO zaak (zaak_id, status, kvk, gemeentecode, postcode, referenties, uiterlijk_inspectie_op,
                             gepland_op, termijn_overschreden, bijgewerkt, werkgever_naam, omschrijving,
                             beleidsvariant, wetten)
           VALUES ($1, coalesce($2, 'ontvangen'), $3, $4, $5, $6, $7::text::date, $8::text::date, $9, $10, $12, $13,
                   $14, (SELECT coalesce(array_agg(DISTINCT data->>'wet' ORDER BY data->>'wet'), '{}') FROM gebeurtenis
                         WHERE kvk @> ARRAY[$3::text] AND type = ANY($15::text[]) AND data->>'wet' IS NOT NULL))
           ON CONFLICT (zaak_id) DO UPDATE SET
               werkgever_naam = coalesce(zaak.werkgever_naam, excluded.werkgever_naam),
               omschrijving = coalesce(zaak.omschrijving, excluded.omschrijving),
               beleidsvariant = coalesce(excluded.beleidsvariant, zaak.beleidsvariant),
               status = CASE WHEN $11 THEN zaak.status ELSE coalesce($2, zaak.status) END,
               kvk = coalesce(zaak.kvk, excluded.kvk),
               gemeentecode = coalesce(zaak.gemeentecode, excluded.gemeentecode),
               postcode = coalesce(zaak.postcode, excluded.postcode),
               referenties = (SELECT coalesce(array_agg(DISTINCT r), '{}') FROM unnest(zaak.referenties || $6) r),
               uiterlijk_inspectie_op = coalesce(excluded.uiterlijk_inspectie_op, zaak.uiterlijk_inspectie_op),
               gepland_op = coalesce(zaak.gepland_op, excluded.gepland_op),
               termijn_overschreden = zaak.termijn_overschreden OR excluded.termijn_overschreden,
               bijgewerkt = excluded.bijgewerkt""",
        zaak_id,
        status,
        s.kvk[0] if s.kvk else None,
        s.gemeentecode,
        s.postcode,
        [s.referentie] if s.referentie else [],
        event.data.get("uiterlijk_inspectie_op"),
        event.data.get("gepland_op"),
        naam == "termijn_overschreden",
        event.time,
        naam == "ontvangen",  # a report linked to an existing case does not move it back
        _tekst(event.data.get("werkgever_naam")),
        _tekst(event.data.get("omschrijving")),
        beleidsvariant(s.beleid),
        list(SANCTIE_TYPES),
    )


SANCTIE_TYPES = ("nl.waardigwerk.inspectie.boete_opgelegd", "nl.waardigwerk.inspectie.stillegging_bevolen")


def beleidsvariant(beleid: str | None) -> str | None:
    """`ser2025@2026-01` -> `ser2025`: the variant of the policy, without its version."""
    return beleid.split("@", 1)[0] or None if beleid else None


def _tekst(waarde: Any) -> str | None:
    return waarde if isinstance(waarde, str) and waarde.strip() else None


async def _inspectie(conn: Conn, event: CloudEvent, s: Sleutels) -> None:
    wet = _tekst(event.data.get("wet"))
    if event.type in SANCTIE_TYPES and wet and s.kvk:
        # the laws an employer was fined or stopped under, on each of its cases (the list filters on them)
        await conn.execute(
            """UPDATE zaak SET wetten = (SELECT array_agg(DISTINCT w ORDER BY w) FROM unnest(wetten || $2::text) w)
               WHERE kvk = ANY($1) AND NOT $2 = ANY(wetten)""",
            list(s.kvk),
            wet,
        )
    status = inspectie_status(event.type)
    if s.inspectie_id is None or status is None:
        return
    await conn.execute(
        """INSERT INTO inspectie (inspectie_id, status, kvk, regio, soort, gepland_op, uiterlijk_op, gemeentecode,
                                  zaak_ids, risico, bijgewerkt)
           VALUES ($1, $2, $3, $4, $5, $6::text::date, $7::text::date, $8, $9, $10::jsonb, $11)
           ON CONFLICT (inspectie_id) DO UPDATE SET
               status = CASE WHEN inspectie.status = 'uitgevoerd' AND excluded.status = 'gepland'
                             THEN inspectie.status ELSE excluded.status END,
               kvk = coalesce(excluded.kvk, inspectie.kvk),
               regio = coalesce(excluded.regio, inspectie.regio),
               soort = coalesce(excluded.soort, inspectie.soort),
               gepland_op = coalesce(excluded.gepland_op, inspectie.gepland_op),
               uiterlijk_op = coalesce(excluded.uiterlijk_op, inspectie.uiterlijk_op),
               gemeentecode = coalesce(excluded.gemeentecode, inspectie.gemeentecode),
               zaak_ids = CASE WHEN cardinality(excluded.zaak_ids) > 0 THEN excluded.zaak_ids
                               ELSE inspectie.zaak_ids END,
               risico = coalesce(excluded.risico, inspectie.risico),
               bijgewerkt = excluded.bijgewerkt""",
        s.inspectie_id,
        status,
        s.kvk[0] if s.kvk else None,
        event.data.get("regio"),
        event.data.get("soort"),
        event.data.get("gepland_op"),
        event.data.get("uiterlijk_op"),
        s.gemeentecode,
        list(s.zaak_ids),
        _json(event.data.get("risico")),
        event.time,
    )
    if gebeurtenis_naam(event.type) in ("gepland", "herpland") and s.zaak_ids and event.data.get("gepland_op"):
        # The day the inspection behind these cases is planned on, also when it was moved (`herpland`).
        await conn.execute(
            "UPDATE zaak SET gepland_op = $2::text::date, regio = coalesce($3, regio) WHERE zaak_id = ANY($1)",
            list(s.zaak_ids),
            str(event.data["gepland_op"]),
            _tekst(event.data.get("regio")),
        )


async def _vordering(conn: Conn, event: CloudEvent, s: Sleutels) -> None:
    if s.vordering_id is None:
        return
    d = event.data
    await conn.execute(
        """INSERT INTO vordering (vordering_id, status, kvk, referentie, bedrag_eur, aansprakelijk, keten,
                                  volgende_termijn, beleid, bijgewerkt, werknemer_ref)
           VALUES ($1, $2, $3, $4, $5::text::numeric, coalesce($6::jsonb, '[]'), $7::jsonb, $8::jsonb, $9, $10, $12)
           ON CONFLICT (vordering_id) DO UPDATE SET
               status = CASE WHEN $11 THEN vordering.status ELSE excluded.status END,
               kvk = coalesce(vordering.kvk, excluded.kvk),
               referentie = coalesce(vordering.referentie, excluded.referentie),
               bedrag_eur = coalesce(vordering.bedrag_eur, excluded.bedrag_eur),
               aansprakelijk = CASE WHEN $6::jsonb IS NULL THEN vordering.aansprakelijk ELSE excluded.aansprakelijk END,
               keten = coalesce(excluded.keten, vordering.keten),
               volgende_termijn = coalesce(excluded.volgende_termijn, vordering.volgende_termijn),
               beleid = coalesce(excluded.beleid, vordering.beleid),
               werknemer_ref = coalesce(vordering.werknemer_ref, excluded.werknemer_ref),
               bijgewerkt = excluded.bijgewerkt""",
        s.vordering_id,
        aggregaat_status(event.type, d),
        _werkgever(d),
        s.referentie,
        None if d.get("bedrag_eur") is None else str(d["bedrag_eur"]),
        _json(d.get("aansprakelijk")) if isinstance(d.get("aansprakelijk"), list) else None,
        _json(d.get("keten")) if isinstance(d.get("keten"), list) else None,
        _json(d.get("volgende_termijn")),
        s.beleid,
        event.time,
        # a payment or a change of the liable parties is an episode, not the claim's status
        gebeurtenis_naam(event.type) in ("betaling_verwerkt", "aansprakelijke_gewijzigd"),
        s.werknemer_refs[0] if s.werknemer_refs else None,
    )


async def _huisvesting(conn: Conn, event: CloudEvent, s: Sleutels) -> None:
    if s.contract_referentie is None:
        return
    d = event.data
    await conn.execute(
        """INSERT INTO huisvesting (contract_referentie, status, gemeentecode, postcode, kvk, oordeel, bevindingen,
                                    beleid, bijgewerkt)
           VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::jsonb, '[]'), $8, $9)
           ON CONFLICT (contract_referentie) DO UPDATE SET
               status = excluded.status,
               gemeentecode = coalesce(excluded.gemeentecode, huisvesting.gemeentecode),
               postcode = coalesce(excluded.postcode, huisvesting.postcode),
               kvk = coalesce(excluded.kvk, huisvesting.kvk),
               oordeel = coalesce(excluded.oordeel, huisvesting.oordeel),
               bevindingen = CASE WHEN $7::jsonb IS NULL THEN huisvesting.bevindingen ELSE excluded.bevindingen END,
               beleid = coalesce(excluded.beleid, huisvesting.beleid),
               bijgewerkt = excluded.bijgewerkt""",
        s.contract_referentie,
        aggregaat_status(event.type, {"status": d.get("oordeel")}),
        s.gemeentecode,
        s.postcode,
        _werkgever(d),
        d.get("oordeel") if isinstance(d.get("oordeel"), str) else None,
        _json(d.get("bevindingen")) if isinstance(d.get("bevindingen"), list) else None,
        s.beleid,
        event.time,
    )


def _werkgever(data: Mapping[str, Any]) -> str | None:
    werkgever = data.get("werkgever")
    kvk = werkgever.get("kvk_nummer") if isinstance(werkgever, Mapping) else None
    return kvk if isinstance(kvk, str) else None


PROJECTIES = {"melding": _zaak, "inspectie": _inspectie, "loonvordering": _vordering, "huisvesting": _huisvesting}


def als_tekst(ruw: bytes | str) -> str:
    """Bytes (or a header name) as text PostgreSQL can store: invalid UTF-8 and NUL as `\\xNN` escapes.

    A dead letter may hold anything a producer sent; the exact bytes of its key and value are kept
    beside this text (`sleutel_ruw`, `waarde`)."""
    ruwe_bytes = ruw if isinstance(ruw, bytes) else ruw.encode("utf-8", "surrogatepass")
    return ruwe_bytes.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")


def splits_headers(headers: Sequence[tuple[str, bytes | None]]) -> tuple[list[list[str]], dict[str, str]]:
    """The original record's headers (in order) and the reason headers the runtime added, as storable text."""
    origineel: list[list[str]] = []
    reden: dict[str, str] = {}
    for ruwe_naam, waarde in headers:
        naam, tekst = als_tekst(ruwe_naam), als_tekst(waarde or b"")
        if naam in DLQ_HEADERS or naam.startswith("dlq_"):
            reden[naam] = tekst
        else:
            origineel.append([naam, tekst])
    return origineel, reden


def identiteit(origineel_topic: str, ce_id: str | None, waarde: bytes | None) -> str:
    """One dead-letter item per record: its topic, event id and content (a replay sends them unchanged)."""
    return hashlib.sha256(f"{origineel_topic}\x1f{ce_id or ''}\x1f".encode() + (waarde or b"")).hexdigest()


async def bewaar_dode_letter(
    conn: Conn,
    dlq_topic: str,
    partitie: int,
    positie: int,
    sleutel: bytes | None,
    headers: Sequence[tuple[str, bytes | None]],
    waarde: bytes | None,
) -> bool:
    """Record one arrival on a dead-letter topic: a new item, or the next attempt of the item it repeats."""
    origineel, reden = splits_headers(headers)
    ce = {k[3:]: v for k, v in origineel if k.startswith("ce_")}
    replay_van = next((v for k, v in origineel if k == REPLAY_HEADER), None)
    origineel = [[k, v] for k, v in origineel if k != REPLAY_HEADER]
    origineel_topic = reden.get("dlq_topic") or dlq_topic.removesuffix(".dlq")
    ce_id = ce.get("id") or _structured_attr(headers, waarde, "id")
    item_id = await conn.fetchval(
        """INSERT INTO dode_letter (dlq_topic, partitie, positie, origineel_topic, reden, details, dienst, tijd,
                                    sleutel, headers, waarde, ce_id, ce_type, identiteit, sleutel_ruw)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15)
           ON CONFLICT (identiteit) DO UPDATE SET reden = excluded.reden, details = excluded.details,
                                                  dienst = excluded.dienst, tijd = excluded.tijd
           RETURNING id""",
        dlq_topic,
        partitie,
        positie,
        origineel_topic,
        reden.get("dlq_reden"),
        reden.get("dlq_details"),
        reden.get("dlq_dienst"),
        reden.get("dlq_tijd"),
        None if sleutel is None else als_tekst(sleutel),
        json.dumps(origineel),
        waarde,
        ce_id,
        ce.get("type") or _structured_attr(headers, waarde, "type"),
        identiteit(origineel_topic, ce_id, waarde),
        sleutel,
    )
    nieuw = await conn.fetchval(
        """INSERT INTO dode_letter_poging (dode_letter_id, dlq_topic, partitie, positie, reden, details, dienst, tijd,
                                           replay_van)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (dlq_topic, partitie, positie) DO NOTHING RETURNING true""",
        item_id,
        dlq_topic,
        partitie,
        positie,
        reden.get("dlq_reden"),
        reden.get("dlq_details"),
        reden.get("dlq_dienst"),
        reden.get("dlq_tijd"),
        replay_van,
    )
    return bool(nieuw)


def _structured_attr(headers: Sequence[tuple[str, bytes | None]], waarde: bytes | None, naam: str) -> str | None:
    """A structured-mode CloudEvent keeps its attributes in the value; a broken one has none."""
    if not waarde:
        return None
    try:
        body = json.loads(waarde)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return None
    attr = body.get(naam) if isinstance(body, dict) else None
    return als_tekst(str(attr)) if isinstance(attr, str | int) else None


async def leesmodel_legen(conn: Conn) -> int:
    """Empty the read model and start a new consumer-group generation; returns the new generation."""
    await conn.execute(f"TRUNCATE {', '.join(LEESMODEL_TABELLEN)}")
    return int(await conn.fetchval("UPDATE leesmodel SET generatie = generatie + 1 WHERE id = 1 RETURNING generatie"))


async def generatie(conn: Conn) -> int:
    return int(await conn.fetchval("SELECT generatie FROM leesmodel WHERE id = 1"))
