"""Writing the read model: domain events (a batch of them in a few statements) and dead letters, idempotently.

Every write is an insert-if-new or an upsert that only fills in what the event knows, so a
redelivered record, a rebuild from the topics, or an event shape with fewer fields never
destroys what an earlier event recorded.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asyncpg import Record

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
    "werkgever_wet",
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


Nieuw = tuple[CloudEvent, Sleutels]


async def projecteer(conn: Conn, event: CloudEvent, s: Sleutels) -> None:
    """Update the projection of the service the event comes from (an event logged for the first time,
    with the keys `log_gebeurtenissen` returned for it)."""
    await projecteer_alle(conn, [(event, s)])


async def bewaar_gebeurtenis(conn: Conn, topic: str, event: CloudEvent) -> bool:
    """Log one event and update the projections; False when it was already there."""
    s = (await log_gebeurtenissen(conn, [(topic, event)])).get(event.id)
    if s is None:
        return False
    await projecteer(conn, event, s)
    return True


async def projecteer_alle(conn: Conn, nieuw: Sequence[Nieuw]) -> None:
    """Update the projections for events logged for the first time, with exactly the result of
    projecting them one by one in the given order, in a number of statements that does not grow
    with their number.

    Each projection statement takes arrays (unnest) and runs once per round: round k holds the
    k-th event of each row it writes (an upsert cannot touch one row twice in one statement), so
    every row sees its own events in order. The tables go in a fixed order: the laws of the batch's
    sanctions per employer (`werkgever_wet`, which a new case starts with), the cases (melding),
    then what inspections write (the inspection, and the laws and planned day of cases), claims,
    housing checks. Only an inspection reads cases, and it is told which of them did not exist yet,
    or had no employer yet, at its own position (`_Zaakstand`)."""
    per_dienst: dict[str, list[tuple[int, CloudEvent, Sleutels]]] = {}
    for positie, (event, s) in enumerate(nieuw):
        per_dienst.setdefault(dienst_van(event.type), []).append((positie, event, s))
    await _werkgever_wetten(conn, per_dienst.get("inspectie", []))
    stand = await _zaken(conn, per_dienst.get("melding", []))
    await _inspecties(conn, per_dienst.get("inspectie", []), stand)
    for dienst, sql, rij_van in (
        ("loonvordering", _VORDERING, _vordering),
        ("huisvesting", _HUISVESTING, _huisvesting),
    ):
        rijen = (rij for _, event, s in per_dienst.get(dienst, []) if (rij := rij_van(event, s)) is not None)
        await _per_ronde(conn, sql, rijen)


Rij = tuple[Any, ...]


def _rondes(rijen: Iterable[tuple[str, Rij]]) -> list[list[Rij]]:
    """(target key, parameter row) in record order, as rounds: round k holds the k-th row of each key."""
    rondes: list[list[Rij]] = []
    gezien: Counter[str] = Counter()
    for sleutel, rij in rijen:
        k = gezien[sleutel]
        gezien[sleutel] += 1
        if k == len(rondes):
            rondes.append([])
        rondes[k].append(rij)
    return rondes


def _kolommen(rijen: Sequence[Rij]) -> list[list[Any]]:
    """Parameter rows as one array per parameter (the columns of an unnest)."""
    return [list(kolom) for kolom in zip(*rijen, strict=True)]


async def _per_ronde(conn: Conn, sql: str, rijen: Iterable[tuple[str, Rij]], *vast: Any) -> list[Record]:
    """Run `sql` once per round of the rows (`_rondes`), each row's parameters as arrays, then the
    parameters every round shares; returns what the first round returned."""
    eerste: list[Record] = []
    for k, ronde in enumerate(_rondes(rijen)):
        teruggegeven = await conn.fetch(sql, *_kolommen(ronde), *vast)
        if k == 0:
            eerste = teruggegeven
    return eerste


@dataclass(frozen=True)
class _Zaakstand:
    """What the cases' upserts of this batch changed that an inspection event's statement reads: the
    cases the batch created, at the position of their first event, and the cases whose employer it
    set (an upsert keeps the first kvk), at that position with that kvk. An inspection event at an
    earlier position did not see them so, one by one, and its statement leaves them out."""

    aangemaakt: dict[str, int]
    kvk_gezet: dict[str, tuple[int, str]]


ZAAK = """
WITH vooraf AS MATERIALIZED (SELECT zaak_id, kvk FROM zaak WHERE zaak_id IN (SELECT unnest($1::text[])))
INSERT INTO zaak (zaak_id, status, kvk, gemeentecode, postcode, referenties, uiterlijk_inspectie_op, gepland_op,
                  termijn_overschreden, bijgewerkt, werkgever_naam, omschrijving, beleidsvariant, wetten)
SELECT t.zaak_id, coalesce(t.status, 'ontvangen'), t.kvk, t.gemeentecode, t.postcode,
       CASE WHEN t.referentie IS NULL THEN '{}' ELSE ARRAY[t.referentie] END, t.uiterlijk_inspectie_op::date,
       t.gepland_op::date, t.termijn_overschreden, t.bijgewerkt, t.werkgever_naam, t.omschrijving, t.beleidsvariant,
       coalesce(w.wetten, '{}')
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::boolean[], $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::text[])
     AS t(zaak_id, status, kvk, gemeentecode, postcode, referentie, uiterlijk_inspectie_op, gepland_op,
          termijn_overschreden, bijgewerkt, status_zet, werkgever_naam, omschrijving, beleidsvariant)
LEFT JOIN (SELECT kvk, array_agg(wet ORDER BY wet) AS wetten FROM werkgever_wet
           WHERE kvk IN (SELECT unnest($3::text[])) GROUP BY kvk) w ON w.kvk = t.kvk
ON CONFLICT (zaak_id) DO UPDATE SET
    werkgever_naam = coalesce(zaak.werkgever_naam, excluded.werkgever_naam),
    omschrijving = coalesce(zaak.omschrijving, excluded.omschrijving),
    beleidsvariant = coalesce(excluded.beleidsvariant, zaak.beleidsvariant),
    status = coalesce(($11::text[])[array_position($1::text[], excluded.zaak_id)], zaak.status),
    kvk = coalesce(zaak.kvk, excluded.kvk),
    gemeentecode = coalesce(zaak.gemeentecode, excluded.gemeentecode),
    postcode = coalesce(zaak.postcode, excluded.postcode),
    referenties = (SELECT coalesce(array_agg(DISTINCT r), '{}')
                   FROM unnest(zaak.referenties || excluded.referenties) r),
    uiterlijk_inspectie_op = coalesce(excluded.uiterlijk_inspectie_op, zaak.uiterlijk_inspectie_op),
    gepland_op = coalesce(zaak.gepland_op, excluded.gepland_op),
    termijn_overschreden = zaak.termijn_overschreden OR excluded.termijn_overschreden,
    bijgewerkt = excluded.bijgewerkt
RETURNING zaak_id, (SELECT v.kvk IS NOT NULL FROM vooraf v WHERE v.zaak_id = zaak.zaak_id) AS kvk_vooraf
"""


async def _zaken(conn: Conn, events: Sequence[tuple[int, CloudEvent, Sleutels]]) -> _Zaakstand:
    """The cases' upserts (melding events with a `zaak_id`); the first round also tells which cases
    existed before it and which had an employer (`kvk_vooraf`: null where the case was new)."""
    rijen: list[tuple[str, Rij]] = []
    eerste: dict[str, int] = {}
    eerste_kvk: dict[str, tuple[int, str]] = {}
    for positie, event, s in events:
        zaak_id = event.data.get("zaak_id")
        if not isinstance(zaak_id, str):
            continue
        naam = gebeurtenis_naam(event.type)
        status = zaak_status(event.type, event.data)
        kvk = s.kvk[0] if s.kvk else None
        eerste.setdefault(zaak_id, positie)
        if kvk is not None:
            eerste_kvk.setdefault(zaak_id, (positie, kvk))
        rij = (
            zaak_id,
            status,
            kvk,
            s.gemeentecode,
            s.postcode,
            s.referentie,
            event.data.get("uiterlijk_inspectie_op"),
            event.data.get("gepland_op"),
            naam == "termijn_overschreden",
            event.time,
            None if naam == "ontvangen" else status,  # a report linked to an existing case does not move it back
            _tekst(event.data.get("werkgever_naam")),
            _tekst(event.data.get("omschrijving")),
            beleidsvariant(s.beleid),
        )
        rijen.append((zaak_id, rij))
    vooraf = {r["zaak_id"]: r["kvk_vooraf"] for r in await _per_ronde(conn, ZAAK, rijen)}
    return _Zaakstand(
        aangemaakt={z: p for z, p in eerste.items() if vooraf.get(z) is None},
        kvk_gezet={z: pk for z, pk in eerste_kvk.items() if not vooraf.get(z)},
    )


SANCTIE_TYPES = ("nl.waardigwerk.inspectie.boete_opgelegd", "nl.waardigwerk.inspectie.stillegging_bevolen")


def beleidsvariant(beleid: str | None) -> str | None:
    """`ser2025@2026-01` -> `ser2025`: the variant of the policy, without its version."""
    return beleid.split("@", 1)[0] or None if beleid else None


def _tekst(waarde: Any) -> str | None:
    return waarde if isinstance(waarde, str) and waarde.strip() else None


# the laws an employer was fined or stopped under, which a new case of it starts with
_WERKGEVER_WET = """
INSERT INTO werkgever_wet (kvk, wet)
SELECT DISTINCT k.kvk, t.wet
FROM unnest($1::text[], $2::text[]) AS t(kvks, wet), unnest(string_to_array(t.kvks, chr(31))) AS k(kvk)
ON CONFLICT DO NOTHING
"""


def _sanctie(event: CloudEvent, s: Sleutels) -> tuple[str, str] | None:
    """A fine's or stoppage's employers and law (None for any other event)."""
    wet = _tekst(event.data.get("wet"))
    return (_lijst(s.kvk), wet) if event.type in SANCTIE_TYPES and wet and s.kvk else None


async def _werkgever_wetten(conn: Conn, events: Sequence[tuple[int, CloudEvent, Sleutels]]) -> None:
    """The laws of the batch's sanctions, before its cases: a case the batch creates reads them, as
    one by one it reads those of the sanctions before it, and the later ones add theirs to it."""
    rijen = [rij for _, event, s in events if (rij := _sanctie(event, s)) is not None]
    if rijen:
        await conn.execute(_WERKGEVER_WET, *_kolommen(rijen))


# the laws an employer was fined or stopped under, on each of its cases (the list filters on them): per
# case the laws of every sanction for one of its employers, but for the cases a sanction left out
_WETTEN = """
UPDATE zaak SET wetten = (SELECT array_agg(DISTINCT w ORDER BY w) FROM unnest(zaak.wetten || n.wetten) w)
FROM (SELECT z.zaak_id, array_agg(t.wet) AS wetten
      FROM unnest($1::text[], $2::text[], $3::text[]) AS t(kvk, wet, uitgesloten)
      JOIN zaak z ON z.kvk = ANY(string_to_array(t.kvk, chr(31)))
                 AND NOT z.zaak_id = ANY(string_to_array(t.uitgesloten, chr(31)))
      GROUP BY z.zaak_id) n
WHERE zaak.zaak_id = n.zaak_id AND NOT n.wetten <@ zaak.wetten
"""

_INSPECTIE = """
INSERT INTO inspectie (inspectie_id, status, kvk, regio, soort, gepland_op, uiterlijk_op, gemeentecode, zaak_ids,
                       risico, bijgewerkt)
SELECT inspectie_id, status, kvk, regio, soort, gepland_op::date, uiterlijk_op::date, gemeentecode,
       string_to_array(zaak_ids, chr(31)), risico, bijgewerkt
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::jsonb[], $11::timestamptz[])
     AS t(inspectie_id, status, kvk, regio, soort, gepland_op, uiterlijk_op, gemeentecode, zaak_ids, risico, bijgewerkt)
ON CONFLICT (inspectie_id) DO UPDATE SET
    status = CASE WHEN inspectie.status = 'uitgevoerd' AND excluded.status = 'gepland'
                  THEN inspectie.status ELSE excluded.status END,
    kvk = coalesce(excluded.kvk, inspectie.kvk),
    regio = coalesce(excluded.regio, inspectie.regio),
    soort = coalesce(excluded.soort, inspectie.soort),
    gepland_op = coalesce(excluded.gepland_op, inspectie.gepland_op),
    uiterlijk_op = coalesce(excluded.uiterlijk_op, inspectie.uiterlijk_op),
    gemeentecode = coalesce(excluded.gemeentecode, inspectie.gemeentecode),
    zaak_ids = CASE WHEN cardinality(excluded.zaak_ids) > 0 THEN excluded.zaak_ids ELSE inspectie.zaak_ids END,
    risico = coalesce(excluded.risico, inspectie.risico),
    bijgewerkt = excluded.bijgewerkt
"""

# The day the inspection behind these cases is planned on, also when it was moved (`herpland`).
_GEPLAND = """
UPDATE zaak SET gepland_op = t.gepland_op::date, regio = coalesce(t.regio, zaak.regio)
FROM unnest($1::text[], $2::text[], $3::text[]) AS t(zaak_id, gepland_op, regio)
WHERE zaak.zaak_id = t.zaak_id
"""


async def _inspecties(conn: Conn, events: Sequence[tuple[int, CloudEvent, Sleutels]], stand: _Zaakstand) -> None:
    """Inspection events: the laws of sanctions on the employer's cases, the inspection's upsert and
    the planned day on its cases. One by one, an event reads the cases as the events before it left
    them, so a sanction leaves out the cases whose employer a later event of the batch set and a
    planning the cases a later event created (the case would not have been found then: its
    `gepland_op` stays as its own events set it); every other case is the same whether the
    planning or sanction comes before or after the cases' upserts, which only fill in an unknown
    `gepland_op`, never change `wetten` or `regio`, and set `kvk` once."""
    wetten: list[Rij] = []
    inspecties: list[tuple[str, Rij]] = []
    geplande_zaken: list[tuple[str, Rij]] = []
    for positie, event, s in events:
        if (sanctie := _sanctie(event, s)) is not None:
            later = [z for z, (p, kvk) in stand.kvk_gezet.items() if p > positie and kvk in s.kvk]
            wetten.append((*sanctie, _lijst(later)))
        status = inspectie_status(event.type)
        if s.inspectie_id is None or status is None:
            continue
        rij = (
            s.inspectie_id,
            status,
            s.kvk[0] if s.kvk else None,
            event.data.get("regio"),
            event.data.get("soort"),
            event.data.get("gepland_op"),
            event.data.get("uiterlijk_op"),
            s.gemeentecode,
            _lijst(s.zaak_ids),
            _json(event.data.get("risico")),
            event.time,
        )
        inspecties.append((s.inspectie_id, rij))
        if gebeurtenis_naam(event.type) in ("gepland", "herpland") and s.zaak_ids and event.data.get("gepland_op"):
            gepland_op, regio = str(event.data["gepland_op"]), _tekst(event.data.get("regio"))
            for zaak_id in s.zaak_ids:
                if stand.aangemaakt.get(zaak_id, -1) < positie:
                    geplande_zaken.append((zaak_id, (zaak_id, gepland_op, regio)))
    if wetten:
        await conn.execute(_WETTEN, *_kolommen(wetten))
    await _per_ronde(conn, _INSPECTIE, inspecties)
    await _per_ronde(conn, _GEPLAND, geplande_zaken)


_VORDERING = """
INSERT INTO vordering (vordering_id, status, kvk, referentie, bedrag_eur, aansprakelijk, keten, volgende_termijn,
                       beleid, bijgewerkt, werknemer_ref)
SELECT vordering_id, status, kvk, referentie, bedrag_eur::numeric, coalesce(aansprakelijk, '[]'), keten,
       volgende_termijn, beleid, bijgewerkt, werknemer_ref
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::jsonb[],
            $9::text[], $10::timestamptz[], $11::boolean[], $12::text[])
     AS t(vordering_id, status, kvk, referentie, bedrag_eur, aansprakelijk, keten, volgende_termijn, beleid,
          bijgewerkt, episode, werknemer_ref)
ON CONFLICT (vordering_id) DO UPDATE SET
    status = CASE WHEN ($11::boolean[])[array_position($1::text[], excluded.vordering_id)]
                  THEN vordering.status ELSE excluded.status END,
    kvk = coalesce(vordering.kvk, excluded.kvk),
    referentie = coalesce(vordering.referentie, excluded.referentie),
    bedrag_eur = coalesce(vordering.bedrag_eur, excluded.bedrag_eur),
    aansprakelijk = CASE WHEN ($6::jsonb[])[array_position($1::text[], excluded.vordering_id)] IS NULL
                         THEN vordering.aansprakelijk ELSE excluded.aansprakelijk END,
    keten = coalesce(excluded.keten, vordering.keten),
    volgende_termijn = coalesce(excluded.volgende_termijn, vordering.volgende_termijn),
    beleid = coalesce(excluded.beleid, vordering.beleid),
    werknemer_ref = coalesce(vordering.werknemer_ref, excluded.werknemer_ref),
    bijgewerkt = excluded.bijgewerkt
"""


def _vordering(event: CloudEvent, s: Sleutels) -> tuple[str, Rij] | None:
    """A claim's upsert row, for an event with a `vordering_id` (the row's own flags found by its key)."""
    if s.vordering_id is None:
        return None
    d = event.data
    return s.vordering_id, (
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


_HUISVESTING = """
INSERT INTO huisvesting (contract_referentie, status, gemeentecode, postcode, kvk, oordeel, bevindingen, beleid,
                         bijgewerkt)
SELECT contract_referentie, status, gemeentecode, postcode, kvk, oordeel, coalesce(bevindingen, '[]'), beleid,
       bijgewerkt
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[],
            $9::timestamptz[])
     AS t(contract_referentie, status, gemeentecode, postcode, kvk, oordeel, bevindingen, beleid, bijgewerkt)
ON CONFLICT (contract_referentie) DO UPDATE SET
    status = excluded.status,
    gemeentecode = coalesce(excluded.gemeentecode, huisvesting.gemeentecode),
    postcode = coalesce(excluded.postcode, huisvesting.postcode),
    kvk = coalesce(excluded.kvk, huisvesting.kvk),
    oordeel = coalesce(excluded.oordeel, huisvesting.oordeel),
    bevindingen = CASE WHEN ($7::jsonb[])[array_position($1::text[], excluded.contract_referentie)] IS NULL
                       THEN huisvesting.bevindingen ELSE excluded.bevindingen END,
    beleid = coalesce(excluded.beleid, huisvesting.beleid),
    bijgewerkt = excluded.bijgewerkt
"""


def _huisvesting(event: CloudEvent, s: Sleutels) -> tuple[str, Rij] | None:
    """A housing check's upsert row, for an event with a `contract_referentie`."""
    if s.contract_referentie is None:
        return None
    d = event.data
    return s.contract_referentie, (
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
