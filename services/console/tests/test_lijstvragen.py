"""The lists in PostgreSQL: the deadline state as the overview judges it, a municipal officer's cases as the
case page allows them, filters, sorting, pages and prefix search, names and descriptions from the events."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.console import lijstvragen, vragen
from services.console.autorisatie import Gebruiker, Rol, mag_zaak
from services.console.lijsten import lees_vraag
from services.console.overzicht import termijn_oordeel
from services.console.tests.conftest import Console

pytestmark = pytest.mark.stack
VANDAAG = date(2026, 12, 3)
ONTVANGEN = "nl.waardigwerk.melding.ontvangen"


def ontvangen(zaak_id: str, kvk: str, gemeente: str, **extra: Any) -> dict[str, Any]:
    return {
        "zaak_id": zaak_id,
        "melder_organisatie": "fnv",
        "melder_referentie": f"FNV-{zaak_id}",
        "werkgever": {"kvk_nummer": kvk},
        "werklocatie": {"postcode": "1011AB", "huisnummer": "1", "gemeentecode": gemeente},
        "uiterlijk_inspectie_op": "2026-12-20",
        "beleid": "huidig@2026.12.1#abc",
        **extra,
    }


async def zaken(console: Console, params: dict[str, str], gemeente: str | None = None) -> tuple[list[str], int]:
    async with console.service.pool.acquire() as conn:
        rijen, totaal = await lijstvragen.zaken(conn, lees_vraag(params, lijstvragen.ZAKEN), VANDAAG, gemeente)
    return [r["zaak_id"] for r in rijen], totaal


async def test_termijnstaat_in_sql_is_het_oordeel_van_het_overzicht(console: Console) -> None:
    """Every combination of status, deadline, planned day and breach flag: the list's deadline filter puts
    each case where `termijn_oordeel` (the overview's warnings) puts it."""
    statussen = ["ontvangen", "gekoppeld", "inspectie_gepland", "afgesloten"]
    uiterlijk = [None, VANDAAG - timedelta(days=1), VANDAAG, VANDAAG + timedelta(days=5)]
    gepland = [None, VANDAAG + timedelta(days=2), VANDAAG + timedelta(days=9)]
    verwacht: dict[str, str] = {}
    for i, (status, u, g, breuk) in enumerate(itertools.product(statussen, uiterlijk, gepland, [False, True])):
        zaak = {
            "zaak_id": f"Z-{i:03d}",
            "status": status,
            "uiterlijk_inspectie_op": u,
            "gepland_op": g,
            "termijn_overschreden": breuk,
            "gemeentecode": None,
        }
        await console.service.pool.execute(
            """INSERT INTO zaak (zaak_id, status, uiterlijk_inspectie_op, gepland_op, termijn_overschreden, bijgewerkt)
               VALUES ($1, $2, $3, $4, $5, now())""",
            zaak["zaak_id"],
            status,
            u,
            g,
            breuk,
        )
        oordeel = termijn_oordeel(zaak, VANDAAG)
        verwacht[str(zaak["zaak_id"])] = (
            oordeel.oordeel if oordeel else ("geen_termijn" if u is None or status == "afgesloten" else "op_schema")
        )
    gevonden: dict[str, str] = {}
    for staat in lijstvragen.TERMIJNSTATEN:
        ids, totaal = await zaken(console, {"termijn": staat, "per_pagina": "200"})
        assert totaal == len(ids)
        gevonden |= dict.fromkeys(ids, staat)
    assert gevonden == verwacht
    assert {"overschreden", "risico", "op_schema", "geen_termijn"} == set(verwacht.values())


async def test_een_gemeente_ziet_in_de_lijst_precies_de_zaken_die_zij_mag_openen(console: Console) -> None:
    await console.event(ONTVANGEN, ontvangen("Z-AMS", "51000001", "GM0363"))
    await console.event(ONTVANGEN, ontvangen("Z-RDAM", "51000002", "GM0599"))
    await console.event(ONTVANGEN, ontvangen("Z-BEIDE", "51000003", "GM0599"))
    await console.event(ONTVANGEN, ontvangen("Z-BEIDE", "51000003", "GM0363", melder_referentie="FNV-2"))
    await console.event(  # a stoppage in Amsterdam of Rotterdam's employer: Amsterdam may open that case
        "nl.waardigwerk.inspectie.stillegging_bevolen",
        {
            "inspectie_id": "I-9",
            "werkgever": {"kvk_nummer": "51000002"},
            "werklocatie": {"gemeentecode": "GM0363"},
            "wet": "Arbowet",
        },
    )
    await console.event(  # a housing check in Utrecht of Amsterdam's employer
        "nl.waardigwerk.huisvesting.gecontroleerd",
        {
            "contract_referentie": "HC-1",
            "werkgever": {"kvk_nummer": "51000001"},
            "adres": {"postcode": "3511AA", "huisnummer": "1", "gemeentecode": "GM0344"},
            "oordeel": "voldoet",
        },
    )
    alle = ["Z-AMS", "Z-BEIDE", "Z-RDAM"]
    async with console.service.pool.acquire() as conn:
        gemeenten = await vragen.zaak_gemeenten(conn, alle)
    for gemeente in ("GM0363", "GM0599", "GM0344", "GM0772"):
        ids, totaal = await zaken(console, {"sorteer": "zaak", "richting": "op"}, gemeente)
        mag = [z for z in alle if mag_zaak(Gebruiker("g", Rol.GEMEENTE, gemeente), gemeenten[z])]
        assert (ids, totaal) == (mag, len(mag)), gemeente
    assert (await zaken(console, {"sorteer": "zaak", "richting": "op"}, "GM0363"))[0] == alle


async def test_filters_sorteren_paginas_en_zoeken_op_naam(console: Console) -> None:
    for i in range(12):
        await console.event(
            ONTVANGEN,
            ontvangen(
                f"Z-{i:02d}",
                f"6100{i:04d}",
                "GM0363" if i % 2 else "GM0599",
                werkgever_naam=f"{'Kwekerij' if i < 4 else 'Bouw'} {chr(ord('A') + i)} BV",
                omschrijving=f"melding {i}",
                beleid="ser2025@2026.1#x" if i == 5 else "huidig@2026.12.1#abc",
            ),
            time=datetime(2026, 12, 1, tzinfo=UTC) + timedelta(hours=i),
        )
    await console.event(
        "nl.waardigwerk.inspectie.gepland",
        {
            "inspectie_id": "I-1",
            "werkgever": {"kvk_nummer": "61000003"},
            "regio": "West",
            "gepland_op": "2026-12-10",
            "aanleidingen": [{"soort": "melding", "id": "Z-03"}],
            "soort": "melding",
        },
    )
    await console.event(  # a fine before the employer's case exists, and one after
        "nl.waardigwerk.inspectie.boete_opgelegd",
        {"boete_id": "B-1", "werkgever": {"kvk_nummer": "61000099"}, "wet": "WML", "bedrag_eur": 1000},
    )
    await console.event(ONTVANGEN, ontvangen("Z-99", "61000099", "GM0363", werkgever_naam="Late BV"))
    await console.event(
        "nl.waardigwerk.inspectie.boete_opgelegd",
        {"boete_id": "B-2", "werkgever": {"kvk_nummer": "61000007"}, "wet": "Wav", "bedrag_eur": 8000},
    )

    assert await zaken(console, {"q": "kwekerij", "sorteer": "werkgever", "richting": "op"}) == (
        ["Z-00", "Z-01", "Z-02", "Z-03"],
        4,
    )
    assert await zaken(console, {"q": "6100000"}) == (
        ["Z-09", "Z-08", "Z-07", "Z-06", "Z-05", "Z-04", "Z-03", "Z-02", "Z-01", "Z-00"],
        10,
    )
    assert (await zaken(console, {"q": "%"}))[1] == 0, "a % in the search is a character, not a wildcard"
    assert await zaken(console, {"regio": "West"}) == (["Z-03"], 1)
    assert await zaken(console, {"wet": "WML"}) == (["Z-99"], 1)
    assert await zaken(console, {"wet": "Wav"}) == (["Z-07"], 1)
    assert await zaken(console, {"variant": "ser2025"}) == (["Z-05"], 1)
    assert (await zaken(console, {"gemeente": "GM0599", "per_pagina": "200"}))[1] == 6
    eerste, totaal = await zaken(console, {"per_pagina": "10", "sorteer": "bijgewerkt", "richting": "af"})
    tweede, _ = await zaken(console, {"per_pagina": "10", "sorteer": "bijgewerkt", "richting": "af", "pagina": "2"})
    assert totaal == 13 and len(eerste) == 10 and len(tweede) == 3 and not set(eerste) & set(tweede)
    assert eerste[:2] == ["Z-99", "Z-11"], "newest first (a fine does not touch the case's time)"
    async with console.service.pool.acquire() as conn:
        (rij,), _ = await lijstvragen.zaken(conn, lees_vraag({"q": "Z-04"}, lijstvragen.ZAKEN), VANDAAG, None)
    assert (rij["werkgever_naam"], rij["omschrijving"], rij["beleidsvariant"]) == ("Bouw E BV", "melding 4", "huidig")
