"""The console's lists in SQL: one page of cases, inspections, claims or housing checks, filtered and sorted
in the database (indexes in migration 0004), with the number of matching rows.

Like `vragen.py` this returns what matches; the caller (`inzage.py`) authorises and masks. A municipal
officer's restriction is part of the query (`gemeente`), so the count and the pages are theirs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.console.lijsten import Lijst, Vraag, order_by, prefix_patroon
from services.console.overzicht import OPEN_ZAAK_STATUSSEN
from services.console.vragen import _rij
from shared.db import Conn

# The deadline state of a case, as `overzicht.termijn_oordeel` judges it ($1 is today).
TERMIJNSTATEN = ("overschreden", "risico", "op_schema", "geen_termijn")
_OPEN = ", ".join(f"'{s}'" for s in sorted(OPEN_ZAAK_STATUSSEN))
TERMIJNSTAAT_SQL = f"""CASE
    WHEN z.uiterlijk_inspectie_op IS NULL OR z.status <> ALL(ARRAY[{_OPEN}]) THEN 'geen_termijn'
    WHEN z.termijn_overschreden OR z.uiterlijk_inspectie_op < $1::date THEN 'overschreden'
    WHEN z.gepland_op IS NULL OR z.gepland_op > z.uiterlijk_inspectie_op THEN 'risico'
    ELSE 'op_schema' END"""

# The cases a municipality may see (as `vragen.zaak_gemeenten`): a report made there, or a housing check
# or a stoppage of the case's employer there. `$2` is the municipality, NULL for the inspectorate.
GEMEENTE_ZAKEN_SQL = """($2::text IS NULL OR z.gemeentecode = $2
    OR z.zaak_id IN (SELECT unnest(g.zaak_ids) FROM gebeurtenis g
                     WHERE g.gemeentecode = $2 AND g.type LIKE 'nl.waardigwerk.melding.%')
    OR z.kvk IN (SELECT unnest(g.kvk) FROM gebeurtenis g
                 WHERE g.gemeentecode = $2 AND (g.type LIKE 'nl.waardigwerk.huisvesting.%'
                                                OR g.type = 'nl.waardigwerk.inspectie.stillegging_bevolen')))"""

ZAKEN = Lijst(
    sorteerbaar={
        "bijgewerkt": "z.bijgewerkt",
        "uiterlijk": "z.uiterlijk_inspectie_op",
        "gepland": "z.gepland_op",
        "werkgever": "lower(z.werkgever_naam)",
        "status": "z.status",
        "gemeente": "z.gemeentecode",
        "regio": "z.regio",
        "zaak": "z.zaak_id",
    },
    standaard="bijgewerkt",
    standaard_oplopend=False,
    filters=("status", "regio", "gemeente", "wet", "termijn", "variant"),
    sleutel="z.zaak_id",
)


async def zaken(conn: Conn, vraag: Vraag, vandaag: date, gemeente: str | None) -> tuple[list[dict[str, Any]], int]:
    """One page of cases and how many match. Search: a prefix of the case id, the KvK number or the
    employer's name (case-insensitive). The count is a query of its own, so the page can stop at its
    last row (an index in the list's order) instead of sorting every match."""
    waar = f"""WHERE {GEMEENTE_ZAKEN_SQL}
              AND ($3::text IS NULL OR z.status = $3) AND ($4::text IS NULL OR z.regio = $4)
              AND ($5::text IS NULL OR z.gemeentecode = $5) AND ($6::text IS NULL OR z.wetten @> ARRAY[$6])
              AND ($7::text IS NULL OR {TERMIJNSTAAT_SQL} = $7) AND ($8::text IS NULL OR z.beleidsvariant = $8)
              AND ($9::text IS NULL OR z.zaak_id LIKE $9 OR z.kvk LIKE $9 OR lower(z.werkgever_naam) LIKE lower($9))"""
    args = (
        vandaag,
        gemeente,
        vraag.filter("status"),
        vraag.filter("regio"),
        vraag.filter("gemeente"),
        vraag.filter("wet"),
        vraag.filter("termijn"),
        vraag.filter("variant"),
        prefix_patroon(vraag.zoek),
    )
    totaal = int(await conn.fetchval(f"SELECT count(*) FROM zaak z {waar}", *args))
    rijen = await conn.fetch(
        f"""SELECT z.*, {TERMIJNSTAAT_SQL} AS termijnstaat FROM zaak z {waar}
            {order_by(vraag, ZAKEN)} LIMIT $10 OFFSET $11""",
        *args,
        vraag.grootte,
        vraag.vanaf,
    )
    return [_rij(r) for r in rijen], totaal


def _pagina(rijen: list[Any]) -> tuple[list[dict[str, Any]], int]:
    """Rows without their window count, and the count (0 past the last page: the count needs a row)."""
    totaal = int(rijen[0]["totaal"]) if rijen else 0
    uit = []
    for r in rijen:
        rij = _rij(r)
        rij.pop("totaal", None)
        uit.append(rij)
    return uit, totaal


async def _keuzes(conn: Conn, sql: str, *args: object) -> dict[str, list[str]]:
    """The values a list's filters offer: one array column per filter."""
    rij = await conn.fetchrow(sql, *args)
    assert rij is not None
    return {k: list(v) for k, v in rij.items()}


async def zaak_keuzes(conn: Conn, gemeente: str | None) -> dict[str, list[str]]:
    """The values the case filters offer (of the cases this user may see)."""
    return await _keuzes(
        conn,
        f"""WITH z AS (SELECT * FROM zaak z WHERE {GEMEENTE_ZAKEN_SQL.replace("$2", "$1")})
            SELECT array(SELECT DISTINCT status FROM z ORDER BY 1) AS status,
                   array(SELECT DISTINCT regio FROM z WHERE regio IS NOT NULL ORDER BY 1) AS regio,
                   array(SELECT DISTINCT gemeentecode FROM z WHERE gemeentecode IS NOT NULL ORDER BY 1) AS gemeente,
                   array(SELECT DISTINCT unnest(wetten) FROM z ORDER BY 1) AS wet,
                   array(SELECT DISTINCT beleidsvariant FROM z WHERE beleidsvariant IS NOT NULL ORDER BY 1)
                       AS variant""",
        gemeente,
    ) | {"termijn": list(TERMIJNSTATEN)}


# The employer's name, as the reports named it (the other services' events carry only the KvK number).
WERKGEVER_NAAM_SQL = """(SELECT n.werkgever_naam FROM zaak n WHERE n.kvk = {kvk} AND n.werkgever_naam IS NOT NULL
                         ORDER BY n.bijgewerkt DESC LIMIT 1)"""

INSPECTIES = Lijst(
    sorteerbaar={
        "gepland": "i.gepland_op",
        "uiterlijk": "i.uiterlijk_op",
        "regio": "i.regio",
        "status": "i.status",
        "score": "(i.risico->>'score')::numeric",
        "inspectie": "i.inspectie_id",
    },
    standaard="gepland",
    standaard_oplopend=True,
    filters=("status", "regio", "soort", "gemeente"),
    sleutel="i.inspectie_id",
)


async def inspecties(conn: Conn, vraag: Vraag) -> tuple[list[dict[str, Any]], int]:
    """One page of inspections. Search: a prefix of the inspection id, the KvK number or the employer's name."""
    rijen = await conn.fetch(
        f"""SELECT i.*, {WERKGEVER_NAAM_SQL.format(kvk="i.kvk")} AS werkgever_naam, count(*) OVER () AS totaal
            FROM inspectie i
            WHERE ($1::text IS NULL OR i.status = $1) AND ($2::text IS NULL OR i.regio = $2)
              AND ($3::text IS NULL OR i.soort = $3) AND ($4::text IS NULL OR i.gemeentecode = $4)
              AND ($5::text IS NULL OR i.inspectie_id LIKE $5 OR i.kvk LIKE $5
                   OR i.kvk IN (SELECT kvk FROM zaak WHERE lower(werkgever_naam) LIKE lower($5)))
            {order_by(vraag, INSPECTIES)} LIMIT $6 OFFSET $7""",
        vraag.filter("status"),
        vraag.filter("regio"),
        vraag.filter("soort"),
        vraag.filter("gemeente"),
        prefix_patroon(vraag.zoek),
        vraag.grootte,
        vraag.vanaf,
    )
    return _pagina(rijen)


async def inspectie_keuzes(conn: Conn) -> dict[str, list[str]]:
    return await _keuzes(
        conn,
        """SELECT array(SELECT DISTINCT status FROM inspectie ORDER BY 1) AS status,
                  array(SELECT DISTINCT regio FROM inspectie WHERE regio IS NOT NULL ORDER BY 1) AS regio,
                  array(SELECT DISTINCT soort FROM inspectie WHERE soort IS NOT NULL ORDER BY 1) AS soort,
                  array(SELECT DISTINCT gemeentecode FROM inspectie WHERE gemeentecode IS NOT NULL ORDER BY 1)
                      AS gemeente""",
    )


VORDERINGEN = Lijst(
    sorteerbaar={
        "bijgewerkt": "v.bijgewerkt",
        "bedrag": "v.bedrag_eur",
        "status": "v.status",
        "vordering": "v.vordering_id",
    },
    standaard="bijgewerkt",
    standaard_oplopend=False,
    filters=("status", "variant"),
    sleutel="v.vordering_id",
    grootte=25,
)


async def vorderingen(conn: Conn, vraag: Vraag, kvk: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """One page of claims (`kvk`: only those of one employer, as a party of the chain or as the employer)."""
    rijen = await conn.fetch(
        f"""SELECT v.*, {WERKGEVER_NAAM_SQL.format(kvk="v.kvk")} AS werkgever_naam, count(*) OVER () AS totaal
            FROM vordering v
            WHERE ($1::text IS NULL OR v.status = $1) AND ($2::text IS NULL OR split_part(v.beleid, '@', 1) = $2)
              AND ($3::text IS NULL OR v.vordering_id LIKE $3 OR v.kvk LIKE $3
                   OR v.kvk IN (SELECT kvk FROM zaak WHERE lower(werkgever_naam) LIKE lower($3)))
              AND ($4::text IS NULL OR v.kvk = $4
                   OR v.aansprakelijk @> jsonb_build_array(jsonb_build_object('kvk_nummer', $4::text)))
            {order_by(vraag, VORDERINGEN)} LIMIT $5 OFFSET $6""",
        vraag.filter("status"),
        vraag.filter("variant"),
        prefix_patroon(vraag.zoek),
        kvk,
        vraag.grootte,
        vraag.vanaf,
    )
    return _pagina(rijen)


async def vordering_keuzes(conn: Conn) -> dict[str, list[str]]:
    return await _keuzes(
        conn,
        """SELECT array(SELECT DISTINCT status FROM vordering ORDER BY 1) AS status,
                  array(SELECT DISTINCT split_part(beleid, '@', 1) FROM vordering WHERE beleid IS NOT NULL ORDER BY 1)
                      AS variant""",
    )


HUISVESTING = Lijst(
    sorteerbaar={
        "bijgewerkt": "h.bijgewerkt",
        "gemeente": "h.gemeentecode",
        "oordeel": "h.oordeel",
        "contract": "h.contract_referentie",
    },
    standaard="bijgewerkt",
    standaard_oplopend=False,
    filters=("gemeente", "oordeel"),
    sleutel="h.contract_referentie",
)


async def huisvesting(conn: Conn, vraag: Vraag, gemeente: str | None) -> tuple[list[dict[str, Any]], int]:
    """One page of housing checks; `gemeente`: only that municipality's (a municipal officer)."""
    rijen = await conn.fetch(
        f"""SELECT h.*, {WERKGEVER_NAAM_SQL.format(kvk="h.kvk")} AS werkgever_naam, count(*) OVER () AS totaal
            FROM huisvesting h
            WHERE ($1::text IS NULL OR h.gemeentecode = $1) AND ($2::text IS NULL OR h.gemeentecode = $2)
              AND ($3::text IS NULL OR h.oordeel = $3)
              AND ($4::text IS NULL OR h.contract_referentie LIKE $4 OR h.postcode LIKE upper(replace($4, ' ', '')))
            {order_by(vraag, HUISVESTING)} LIMIT $5 OFFSET $6""",
        gemeente,
        vraag.filter("gemeente"),
        vraag.filter("oordeel"),
        prefix_patroon(vraag.zoek),
        vraag.grootte,
        vraag.vanaf,
    )
    return _pagina(rijen)


async def huisvesting_keuzes(conn: Conn, gemeente: str | None) -> dict[str, list[str]]:
    return await _keuzes(
        conn,
        """SELECT array(SELECT DISTINCT gemeentecode FROM huisvesting
                        WHERE gemeentecode IS NOT NULL AND ($1::text IS NULL OR gemeentecode = $1) ORDER BY 1)
                      AS gemeente,
                  array(SELECT DISTINCT oordeel FROM huisvesting
                        WHERE oordeel IS NOT NULL AND ($1::text IS NULL OR gemeentecode = $1) ORDER BY 1) AS oordeel""",
        gemeente,
    )


async def bevindingen_per_gemeente(conn: Conn, gemeente: str | None) -> dict[str, dict[str, int]]:
    """Housing findings counted by municipality and rule code over every check the user may see."""
    rijen = await conn.fetch(
        """SELECT coalesce(h.gemeentecode, 'onbekend') AS gemeente, b->>'code' AS code, count(*) AS n
           FROM huisvesting h, jsonb_array_elements(h.bevindingen) b
           WHERE ($1::text IS NULL OR h.gemeentecode = $1) AND jsonb_typeof(b) = 'object' AND b->>'code' IS NOT NULL
           GROUP BY 1, 2 ORDER BY 1, 2""",
        gemeente,
    )
    uit: dict[str, dict[str, int]] = {}
    for r in rijen:
        uit.setdefault(r["gemeente"], {})[r["code"]] = int(r["n"])
    return uit
