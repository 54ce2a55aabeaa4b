"""Reading the read model for the pages and the API. Authorisation is the caller's job (`autorisatie.py`):
these functions return everything and the web layer filters and masks before anything leaves the server;
only the case page's reads (`zaakpagina`) take a municipality, so that its pages and counts are its own."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from asyncpg import Record

from services.console import kpi
from services.console.autorisatie import zaak_voor_gemeente
from services.console.lijsten import Pagina
from services.console.opslag import SANCTIE_TYPES
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
        "kerncijfers": kpi.kerncijfers(
            await kerncijfer_tellingen(conn, vandaag.year),
            policy.value("kpi_interventiedekking_pct", vandaag),
            policy.value("kpi_sancties_nulmeting", vandaag),
            policy.value("stillegging_herhaling_wetten", vandaag),
            policy.version,
        ),
    }


async def kerncijfer_tellingen(conn: Conn, jaar: int) -> kpi.Tellingen:
    """The counts behind the SER key figures for one calendar year (UTC), in one query. Distinct per employer,
    per stoppage (inspection, law, code) and per fine id, so an event sent again under a new id counts once."""
    rij = await conn.fetchrow(
        """WITH jaar AS (SELECT type, kvk, inspectie_id, boete_id, data FROM gebeurtenis
                         WHERE type = ANY($3::text[] || ARRAY[$4, $5, $6]) AND tijd >= $1 AND tijd < $2),
                signaal AS (SELECT DISTINCT unnest(kvk) AS kvk FROM jaar WHERE type = ANY($3::text[])),
                geinspecteerd AS (SELECT DISTINCT unnest(kvk) AS kvk FROM jaar WHERE type = $4),
                vervallen AS (SELECT DISTINCT boete_id FROM gebeurtenis WHERE type = $7 AND boete_id IS NOT NULL),
                boete AS (SELECT DISTINCT ON (boete_id) boete_id, data->>'wet' AS wet FROM jaar
                          WHERE type = $6 AND boete_id IS NOT NULL AND boete_id NOT IN (SELECT boete_id FROM vervallen))
           SELECT (SELECT count(*) FROM signaal) AS met_signaal,
                  (SELECT count(*) FROM signaal JOIN geinspecteerd USING (kvk)) AS geinspecteerd,
                  (SELECT count(DISTINCT (inspectie_id, data->>'wet', data->>'code')) FROM jaar WHERE type = $5)
                      AS stilleggingen,
                  (SELECT coalesce(jsonb_object_agg(wet, n), '{}') FROM
                       (SELECT wet, count(*) AS n FROM boete WHERE wet IS NOT NULL GROUP BY wet) w) AS boetes""",
        datetime(jaar, 1, 1, tzinfo=UTC),
        datetime(jaar + 1, 1, 1, tzinfo=UTC),
        list(kpi.SIGNAAL_TYPEN),
        kpi.INSPECTIE_UITGEVOERD,
        kpi.STILLEGGING,
        kpi.BOETE_OPGELEGD,
        kpi.BOETE_VERVALLEN,
    )
    assert rij is not None
    boetes = rij["boetes"]
    return kpi.Tellingen(
        jaar=jaar,
        werkgevers_met_signaal=int(rij["met_signaal"]),
        waarvan_geinspecteerd=int(rij["geinspecteerd"]),
        stilleggingen=int(rij["stilleggingen"]),
        boetes_per_wet=json.loads(boetes) if isinstance(boetes, str) else dict(boetes),
    )


async def zaak_bestaat(conn: Conn, zaak_id: str) -> bool:
    if await conn.fetchval("SELECT true FROM zaak WHERE zaak_id = $1", zaak_id):
        return True
    return bool(await conn.fetchval("SELECT true FROM gebeurtenis WHERE zaak_ids @> ARRAY[$1] LIMIT 1", zaak_id))


async def zaak_gemeenten(conn: Conn, zaak_ids: list[str]) -> dict[str, set[str]]:
    """Per case, every municipality it concerns: where one of its reports was made, and where its
    employer had a housing check or a stoppage (cases merge per employer across municipalities)."""
    rijen = await conn.fetch(
        """SELECT z.zaak_id, g.gemeentecode FROM unnest($1::text[]) AS z(zaak_id)
           JOIN gebeurtenis g ON g.gemeentecode IS NOT NULL AND g.zaak_ids @> ARRAY[z.zaak_id]
                             AND g.type LIKE 'nl.waardigwerk.melding.%'
           UNION
           SELECT z.zaak_id, g.gemeentecode FROM zaak z
           JOIN gebeurtenis g ON g.gemeentecode IS NOT NULL AND z.kvk IS NOT NULL AND g.kvk @> ARRAY[z.kvk]
                             AND (g.type LIKE 'nl.waardigwerk.huisvesting.%'
                                  OR g.type = 'nl.waardigwerk.inspectie.stillegging_bevolen')
           WHERE z.zaak_id = ANY($1)
           UNION
           SELECT zaak_id, gemeentecode FROM zaak WHERE zaak_id = ANY($1) AND gemeentecode IS NOT NULL""",
        zaak_ids,
    )
    uit: dict[str, set[str]] = {z: set() for z in zaak_ids}
    for r in rijen:
        uit[r["zaak_id"]].add(r["gemeentecode"])
    return uit


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
        "risico": [_risico(e) for e in events if isinstance(e["data"].get("risico"), dict)],
        "berekeningen": [_berekening(e) for e in events if isinstance(e["data"].get("berekening"), list)],
        "beleid": sorted({e["beleid"] for e in events if e["beleid"]}),
        "sancties": await sancties(conn, rij["kvk"]) if rij and rij["kvk"] else [],
    }


def _risico(e: Mapping[str, Any]) -> dict[str, Any]:
    """An event's risk score as the case page lists it."""
    return {"inspectie_id": e["inspectie_id"], "type": e["type"], "beleid": e["beleid"], **e["data"]["risico"]}


def _berekening(e: Mapping[str, Any]) -> dict[str, Any]:
    """An event's computation (of a fine or claim) as the case page lists it."""
    return {
        "type": e["type"],
        "id": e["boete_id"] or e["vordering_id"] or e["id"],
        "bedrag_eur": e["data"].get("bedrag_eur"),
        "beleid": e["beleid"],
        "berekening": e["data"]["berekening"],
    }


async def sancties(conn: Conn, kvk: str) -> list[dict[str, Any]]:
    """Every fine and stoppage of the employer, also from inspections this case did not lead to."""
    rijen = await conn.fetch(
        """SELECT id, type, tijd, inspectie_id, boete_id, gemeentecode, beleid, data FROM gebeurtenis
           WHERE kvk @> ARRAY[$1] AND type = ANY($2) ORDER BY tijd, volgnummer""",
        kvk,
        list(SANCTIE_TYPES),
    )
    return [_rij(r) for r in rijen]


def _stappen(rondes: int) -> str:
    """The events of `_keten` in SQL: round n's links are followed from the events found up to round n - 1
    (the set only grows, so `keten_<rondes>` is what `_keten` finds); events about other cases only left out."""
    stappen = [
        "keten_1 AS (SELECT id, correlationid, inspectie_id, vordering_id FROM gebeurtenis WHERE zaak_ids @> ARRAY[$1])"
    ]
    for n in range(2, rondes + 1):
        v = f"keten_{n - 1}"
        stappen.append(
            f"""keten_{n} AS (SELECT id, correlationid, inspectie_id, vordering_id FROM gebeurtenis
               WHERE (zaak_ids @> ARRAY[$1] OR correlationid IN (SELECT correlationid FROM {v})
                      OR inspectie_id IN (SELECT inspectie_id FROM {v})
                      OR vordering_id IN (SELECT vordering_id FROM {v})
                      OR causationid IN (SELECT id FROM {v}))
                 AND (cardinality(zaak_ids) = 0 OR zaak_ids @> ARRAY[$1]))"""
        )
    return ",\n".join(stappen)


# One page of the case's timeline in causal order (as `causale_volgorde`: a depth-first walk of the causation
# tree, siblings by time and then by arrival, each path of ranks sorting before its children's), and its newest
# risk scores and computations, with their counts: the database returns at most a page per list. Page $2 of $3
# rows holds the last rows of the timeline (page 1 the newest), as `inzage.begrens` cuts it. With a
# municipality ($4), only what `autorisatie.zaak_voor_gemeente` leaves of the case: the same rule, in SQL.
_ZAAKPAGINA = (
    "WITH RECURSIVE "
    + _stappen(KOPPEL_RONDES)
    + f""",
    basis AS MATERIALIZED (
        SELECT id, causationid, type, beleid, inspectie_id, gemeentecode, referentie,
               jsonb_typeof(data->'risico') = 'object' AS met_risico,
               CASE WHEN data->'risico' ? 'inspectie_id' THEN CASE WHEN jsonb_typeof(data->'risico'->'inspectie_id')
                    = 'string' THEN data->'risico'->>'inspectie_id' END ELSE inspectie_id END AS risico_inspectie,
               jsonb_typeof(data->'berekening') = 'array' AS met_berekening,
               jsonb_typeof(data) = 'object' AND data ? 'berekening' AS noemt_berekening,
               cardinality(werknemer_refs) > 0 AS noemt_werknemer,
               row_number() OVER (ORDER BY tijd, volgnummer) AS rang
        FROM gebeurtenis WHERE id IN (SELECT id FROM keten_{KOPPEL_RONDES})),
    eigen_referenties AS (SELECT referentie FROM basis WHERE gemeentecode = $4 AND referentie <> ''),
    keten AS MATERIALIZED (
        SELECT *, CASE WHEN $4::text IS NULL THEN true
                       WHEN gemeentecode IS NOT NULL THEN gemeentecode = $4
                       ELSE cardinality(string_to_array(type, '.')) > 3
                            AND split_part(type, '.', 3) IN ('melding', 'inspectie')
                            AND (referentie IS NULL OR referentie IN (SELECT referentie FROM eigen_referenties))
                            AND NOT noemt_berekening AND NOT noemt_werknemer END AS zichtbaar
        FROM basis),
    zichtbare_inspecties AS (SELECT inspectie_id FROM keten WHERE zichtbaar AND inspectie_id <> ''),
    boom (id, pad) AS (
        SELECT id, ARRAY[rang] FROM keten
        WHERE causationid IS NULL OR causationid = id OR causationid NOT IN (SELECT id FROM keten)
        UNION ALL
        SELECT k.id, b.pad || k.rang FROM boom b JOIN keten k ON k.causationid = b.id AND k.id <> b.id),
    geordend AS (SELECT b.id, cardinality(b.pad) - 1 AS diepte, row_number() OVER (ORDER BY b.pad) AS plek
                 FROM boom b JOIN keten k USING (id) WHERE k.zichtbaar),
    risico AS (SELECT id, rang FROM keten WHERE met_risico
               AND ($4::text IS NULL OR risico_inspectie IN (SELECT inspectie_id FROM zichtbare_inspecties))),
    berekeningen AS (SELECT id, rang FROM keten WHERE met_berekening AND $4::text IS NULL),
    tel AS (SELECT count(*) FILTER (WHERE zichtbaar) AS alle, count(*) AS in_keten,
                   (SELECT count(*) FROM boom) AS in_boom, (SELECT count(*) FROM risico) AS aantal_risico,
                   (SELECT count(*) FROM berekeningen) AS aantal_berekeningen,
                   coalesce(array_agg(DISTINCT beleid) FILTER (WHERE zichtbaar AND beleid <> ''), '{{}}')
                       AS beleidsversies,
                   array(SELECT u.r FROM zaak z, unnest(z.referenties) WITH ORDINALITY AS u(r, i)
                         WHERE z.zaak_id = $1 AND u.r IN (SELECT referentie FROM eigen_referenties) ORDER BY u.i)
                       AS eigen_zaakreferenties
            FROM keten),
    nummer AS (SELECT least($2, greatest(1, (alle + $3 - 1) / $3)) AS tijdlijn_nummer FROM tel),
    regels AS (
        SELECT 'tijdlijn' AS lijst, o.id, o.plek AS volgorde, o.diepte FROM geordend o, tel, nummer
        WHERE o.plek > greatest(0, tel.alle - tijdlijn_nummer * $3) AND o.plek <= tel.alle - (tijdlijn_nummer - 1) * $3
        UNION ALL
        (SELECT 'risico', id, rang, NULL FROM risico ORDER BY rang DESC LIMIT $3)
        UNION ALL
        (SELECT 'berekeningen', id, rang, NULL FROM berekeningen ORDER BY rang DESC LIMIT $3))
    SELECT tel.*, nummer.*, r.lijst, r.volgorde, r.diepte, c.type AS oorzaak_type, g.*
    FROM tel CROSS JOIN nummer LEFT JOIN regels r ON true LEFT JOIN gebeurtenis g ON g.id = r.id
    LEFT JOIN keten c ON c.id = g.causationid
    ORDER BY r.lijst, r.volgorde"""
)
# The columns of `_ZAAKPAGINA` that are no column of the event shown (ontvangen_op is never shown).
_ZAAKPAGINA_VELDEN = frozenset(
    {"alle", "in_keten", "in_boom", "aantal_risico", "aantal_berekeningen", "beleidsversies", "tijdlijn_nummer"}
    | {"eigen_zaakreferenties"}
    | {"lijst", "volgorde", "diepte", "oorzaak_type", "ontvangen_op"}
)

# One page of the employer's fines and stoppages, oldest to newest within the page (page 1 the newest),
# with how many there are; with a municipality ($5) those located there.
_SANCTIEPAGINA = """
    WITH s AS (SELECT id, row_number() OVER (ORDER BY tijd, volgnummer) AS plek FROM gebeurtenis
               WHERE kvk @> ARRAY[$1] AND type = ANY($2) AND ($5::text IS NULL OR gemeentecode = $5)),
         tel AS (SELECT count(*) AS totaal FROM s),
         nummer AS (SELECT totaal, least($3, greatest(1, (totaal + $4 - 1) / $4)) AS nummer FROM tel)
    SELECT nummer.*, g.id, g.type, g.tijd, g.inspectie_id, g.boete_id, g.gemeentecode, g.beleid, g.data
    FROM nummer LEFT JOIN s ON s.plek > greatest(0, totaal - nummer * $4) AND s.plek <= totaal - (nummer - 1) * $4
    LEFT JOIN gebeurtenis g ON g.id = s.id
    ORDER BY s.plek"""


def _zonder(rij: dict[str, Any], velden: Collection[str]) -> dict[str, Any]:
    return {k: v for k, v in rij.items() if k not in velden}


def _pagina(nummer: int, grootte: int, totaal: int) -> tuple[Pagina, int]:
    """The page and how many rows come before it (page 1 holds the last rows)."""
    pagina = Pagina(nummer, grootte, totaal)
    return pagina, max(0, totaal - pagina.laatste_rij)


async def sanctiepagina(
    conn: Conn, kvk: str, nummer: int, grootte: int, gemeente: str | None = None
) -> tuple[list[dict[str, Any]], Pagina, int]:
    """A page of `sancties` (with `gemeente`, those located there): its rows, where it sits, and how many rows
    come before it."""
    rijen = await conn.fetch(_SANCTIEPAGINA, kvk, list(SANCTIE_TYPES), nummer, grootte, gemeente)
    pagina, vanaf = _pagina(int(rijen[0]["nummer"]), grootte, int(rijen[0]["totaal"]))
    return [_zonder(_rij(r), ("nummer", "totaal")) for r in rijen if r["id"] is not None], pagina, vanaf


async def zaakpagina(
    conn: Conn, zaak_id: str, paginas: Mapping[str, int], grootte: int, gemeente: str | None = None
) -> dict[str, Any] | None:
    """What `zaak` returns as the case page shows it (`inzage.begrens`), read a page at a time: the timeline's
    page `paginas["tijdlijn"]` and the fines' page `paginas["sancties"]` of `grootte` rows, the newest
    `grootte` risk scores and computations, each with its count. With `gemeente`, what
    `autorisatie.zaak_voor_gemeente` leaves of `zaak` for that municipality, cut the same way. None if the
    case's causation has a cycle (the timeline's order then needs every event, as `causale_volgorde` walks it)."""
    rij = await conn.fetchrow("SELECT * FROM zaak WHERE zaak_id = $1", zaak_id)
    regels = await conn.fetch(_ZAAKPAGINA, zaak_id, paginas.get("tijdlijn", 1), grootte, gemeente)
    tel = regels[0]
    if tel["in_boom"] != tel["in_keten"]:
        return None
    lijsten: dict[str, list[dict[str, Any]]] = {"tijdlijn": [], "risico": [], "berekeningen": []}
    for r in regels:
        if r["lijst"] is not None:
            lijsten[r["lijst"]].append(_rij(r))
    tijdlijn = [
        {**_zonder(e, _ZAAKPAGINA_VELDEN), "diepte": e["diepte"], "oorzaak_type": e["oorzaak_type"]}
        for e in lijsten["tijdlijn"]
    ]
    tijdlijn_pagina, tijdlijn_vanaf = _pagina(int(tel["tijdlijn_nummer"]), grootte, int(tel["alle"]))
    if rij and rij["kvk"]:
        sancties_, sancties_pagina, sancties_vanaf = await sanctiepagina(
            conn, rij["kvk"], paginas.get("sancties", 1), grootte, gemeente
        )
    else:
        sancties_, (sancties_pagina, sancties_vanaf) = [], _pagina(1, grootte, 0)
    zaak_: dict[str, Any] = _rij(rij) if rij else {"zaak_id": zaak_id}
    if gemeente is not None:  # its own references, place and description: the case as its events there show it
        eigen = [{"gemeentecode": gemeente, "referentie": r} for r in tel["eigen_zaakreferenties"]]
        zaak_ = zaak_voor_gemeente({"zaak": zaak_, "tijdlijn": eigen}, gemeente)["zaak"]
    return {
        "zaak": zaak_,
        "tijdlijn": tijdlijn,
        "risico": [_risico(e) for e in lijsten["risico"]],
        "berekeningen": [_berekening(e) for e in lijsten["berekeningen"]],
        "beleid": sorted(tel["beleidsversies"]),
        "sancties": sancties_,
        "tijdlijn_pagina": tijdlijn_pagina,
        "tijdlijn_vanaf": tijdlijn_vanaf,
        "sancties_pagina": sancties_pagina,
        "sancties_vanaf": sancties_vanaf,
        "risico_totaal": int(tel["aantal_risico"]),
        "berekeningen_totaal": int(tel["aantal_berekeningen"]),
    }


async def _keten(conn: Conn, zaak_id: str) -> list[dict[str, Any]]:
    """Events about the case, those sharing their correlation, and those about the inspections,
    fines and claims they lead to: followed until nothing new turns up. Oldest first (time, then arrival)."""
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
    return sorted(gevonden.values(), key=lambda e: (e["tijd"], e["volgnummer"]))


@dataclass(frozen=True)
class Selectie:
    """Which dead letters: by original topic, reason and service (None: any); `id`: one item."""

    topic: str | None = None
    reden: str | None = None
    dienst: str | None = None
    id: int | None = None
    alleen_open: bool = False  # only items whose latest attempt was not replayed yet

    def leeg(self) -> bool:
        return self.topic is None and self.reden is None and self.dienst is None and self.id is None


_LAATSTE_POGING = """
    FROM dode_letter d
    JOIN LATERAL (SELECT * FROM dode_letter_poging p WHERE p.dode_letter_id = d.id ORDER BY p.id DESC LIMIT 1) p
      ON true
    LEFT JOIN replay_poging r ON (r.dlq_topic, r.partitie, r.positie) = (p.dlq_topic, p.partitie, p.positie)
    WHERE ($1::text IS NULL OR d.origineel_topic = $1) AND ($2::text IS NULL OR d.reden = $2)
      AND ($3::text IS NULL OR d.dienst = $3) AND ($4::bigint IS NULL OR d.id = $4)
      AND (NOT $5 OR r.positie IS NULL)"""


def _selectie_args(s: Selectie) -> tuple[object, ...]:
    return (s.topic, s.reden, s.dienst, s.id, s.alleen_open)


async def dode_letters(conn: Conn, selectie: Selectie, limiet: int, vanaf: int) -> tuple[list[dict[str, Any]], int]:
    """Dead-letter items (newest first) with their attempts; and how many match the selection."""
    totaal = int(await conn.fetchval("SELECT count(*)" + _LAATSTE_POGING, *_selectie_args(selectie)))
    rijen = await conn.fetch(
        """SELECT d.*, p.dlq_topic AS poging_topic, p.partitie AS poging_partitie, p.positie AS poging_positie,
                  r.tijd AS laatst_gereplayed, r.door AS gereplayed_door,
                  (SELECT max(e.tijd) FROM dode_letter_poging q
                   JOIN replay_poging e ON (e.dlq_topic, e.partitie, e.positie) = (q.dlq_topic, q.partitie, q.positie)
                   WHERE q.dode_letter_id = d.id) AS eerder_gereplayed,
                  (SELECT count(*) FROM dode_letter_poging q WHERE q.dode_letter_id = d.id) AS pogingen"""
        + _LAATSTE_POGING
        + " ORDER BY d.id DESC LIMIT $6 OFFSET $7",
        *_selectie_args(selectie),
        limiet,
        vanaf,
    )
    items = [_rij(r) for r in rijen]
    pogingen = await conn.fetch(
        """SELECT p.*, r.tijd AS gereplayed, r.door AS gereplayed_door FROM dode_letter_poging p
           LEFT JOIN replay_poging r ON (r.dlq_topic, r.partitie, r.positie) = (p.dlq_topic, p.partitie, p.positie)
           WHERE p.dode_letter_id = ANY($1) ORDER BY p.id""",
        [i["id"] for i in items],
    )
    per_item: dict[int, list[dict[str, Any]]] = {}
    for p in pogingen:
        per_item.setdefault(p["dode_letter_id"], []).append(dict(p))
    for i in items:
        i["geschiedenis"] = per_item.get(i["id"], [])
    return items, totaal


async def dode_letter_keuzes(conn: Conn) -> dict[str, list[str]]:
    """The values the selection can filter on."""
    rij = await conn.fetchrow(
        """SELECT array(SELECT DISTINCT origineel_topic FROM dode_letter ORDER BY 1) AS topics,
                  array(SELECT DISTINCT reden FROM dode_letter WHERE reden IS NOT NULL ORDER BY 1) AS redenen,
                  array(SELECT DISTINCT dienst FROM dode_letter WHERE dienst IS NOT NULL ORDER BY 1) AS diensten"""
    )
    assert rij is not None
    return {"topics": list(rij["topics"]), "redenen": list(rij["redenen"]), "diensten": list(rij["diensten"])}


async def dode_letters_per_reden(conn: Conn) -> list[dict[str, Any]]:
    rijen = await conn.fetch("SELECT coalesce(reden, 'onbekend') AS reden, count(*) AS n FROM dode_letter GROUP BY 1")
    return sorted((dict(r) for r in rijen), key=lambda r: (-r["n"], r["reden"]))


async def replay_audit(conn: Conn) -> list[dict[str, Any]]:
    return [_rij(r) for r in await conn.fetch("SELECT * FROM replay_audit ORDER BY id DESC LIMIT 200")]


def replay_marker(poging_topic: str, partitie: int, positie: int) -> str:
    """The attempt a replay comes from: the same attempt is never offered twice, and a service that
    dead-letters the replay again marks the new attempt with it."""
    return f"{poging_topic}/{partitie}/{positie}"


async def replay(conn: Conn, selectie: Selectie, door: str, batch: str) -> tuple[int, int]:
    """Re-publish the latest attempt of each selected dead letter unchanged (headers without the reason
    headers, key, value) to its original topic, through the outbox, audited in the same transaction.

    Idempotent per attempt: an attempt already replayed is not offered again (a failed replay comes
    back as the item's next attempt, which can be replayed in its turn). Returns (offered, skipped).
    One header is added: the replay marker, so the consuming service processes the record again
    instead of treating it as a duplicate of the record it dead-lettered."""
    rijen = await conn.fetch(
        """SELECT d.*, p.dlq_topic AS poging_topic, p.partitie AS poging_partitie, p.positie AS poging_positie,
                  p.reden AS poging_reden, r.positie IS NOT NULL AS al_gereplayed"""
        + _LAATSTE_POGING
        + " ORDER BY d.id FOR UPDATE OF d",
        *_selectie_args(Selectie(selectie.topic, selectie.reden, selectie.dienst, selectie.id)),
    )
    aangeboden = 0
    for r in rijen:
        if r["al_gereplayed"]:
            continue
        nieuw = await conn.fetchval(
            """INSERT INTO replay_poging (dlq_topic, partitie, positie, door, batch) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT DO NOTHING RETURNING true""",
            r["poging_topic"],
            r["poging_partitie"],
            r["poging_positie"],
            door,
            batch,
        )
        if not nieuw:
            continue
        marker = replay_marker(r["poging_topic"], r["poging_partitie"], r["poging_positie"])
        headers = [(k, v.encode()) for k, v in json.loads(r["headers"]) if k != REPLAY_HEADER]
        headers.append((REPLAY_HEADER, marker.encode()))
        sleutel = r["sleutel_ruw"] if r["sleutel_ruw"] is not None else r["sleutel"]
        replay = outbox.row(
            r["origineel_topic"], sleutel, headers, r["waarde"], event_id=r["ce_id"], event_type="replay"
        )
        await outbox.put(conn, replay)
        await conn.execute(
            """INSERT INTO replay_audit (door, dlq_topic, partitie, positie, naar_topic, ce_id, ce_type, reden, batch)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
            door,
            r["poging_topic"],
            r["poging_partitie"],
            r["poging_positie"],
            r["origineel_topic"],
            r["ce_id"],
            r["ce_type"],
            r["poging_reden"],
            batch,
        )
        aangeboden += 1
    return aangeboden, len(rijen) - aangeboden


async def replay_voortgang(conn: Conn, batch: str) -> dict[str, Any] | None:
    """How a replay is doing: offered, sent to the broker by the outbox, and back as a dead letter again."""
    rij = await conn.fetchrow(
        """SELECT count(*) AS aangeboden, min(r.tijd) AS tijd, min(r.door) AS door,
                  count(*) FILTER (WHERE EXISTS (
                      SELECT 1 FROM dode_letter_poging p
                      WHERE p.replay_van = r.dlq_topic || '/' || r.partitie || '/' || r.positie)) AS opnieuw_mislukt
           FROM replay_poging r WHERE r.batch = $1""",
        batch,
    )
    if rij is None or rij["aangeboden"] == 0:
        return None
    onderweg = await conn.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'replay' AND sent_at IS NULL")
    return {"batch": batch, **dict(rij), "onderweg": onderweg}


async def zoeken(
    conn: Conn, q: str, *, persoonsgegevens: bool, gemeente: str | None = None, limiet: int = 100
) -> dict[str, list[dict[str, Any]]]:
    """By case id, KvK number, reporter/submitter reference, inspection/claim/contract id or postcode.

    Without `persoonsgegevens`, a value that embeds a worker reference (an inspectorate claim's
    reference `INS-1:W-7`) is never matched. With `gemeente`, references and postcodes match only
    events in that municipality (the municipality filter of the results is the caller's)."""
    q = q.strip()
    postcode = normaliseer_postcode(q)
    zaken = await conn.fetch(
        """SELECT * FROM zaak WHERE zaak_id = $1 OR kvk = $1
              OR (($1 = ANY(referenties) OR postcode = $2) AND ($4::text IS NULL OR gemeentecode = $4))
              OR zaak_id IN (SELECT unnest(zaak_ids) FROM gebeurtenis
                             WHERE (kvk @> ARRAY[$1] OR inspectie_id = $1
                                    OR ((referentie = $1 OR postcode = $2) AND ($4::text IS NULL OR gemeentecode = $4)))
                               AND ($3 OR referentie IS DISTINCT FROM $1
                                    OR NOT EXISTS (SELECT 1 FROM unnest(werknemer_refs) w WHERE strpos($1, w) > 0)))
           ORDER BY bijgewerkt DESC LIMIT $5""",
        q,
        postcode,
        persoonsgegevens,
        gemeente,
        limiet,
    )
    inspecties = await conn.fetch(
        "SELECT * FROM inspectie WHERE inspectie_id = $1 OR kvk = $1 OR $1 = ANY(zaak_ids) LIMIT $2", q, limiet
    )
    vorderingen_ = await conn.fetch(
        """SELECT * FROM vordering WHERE vordering_id = $1 OR kvk = $1
              OR (referentie = $1 AND ($2 OR werknemer_ref IS NULL OR strpos(referentie, werknemer_ref) = 0))
              OR aansprakelijk @> jsonb_build_array(jsonb_build_object('kvk_nummer', $1::text)) LIMIT $3""",
        q,
        persoonsgegevens,
        limiet,
    )
    controles = await conn.fetch(
        "SELECT * FROM huisvesting WHERE contract_referentie = $1 OR kvk = $1 OR postcode = $2 LIMIT $3",
        q,
        postcode,
        limiet,
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
