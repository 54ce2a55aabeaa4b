"""The case page reads a page per list from the database, not an employer's whole history: every statement
behind it returns at most a page of rows per list, and what it shows is what cutting the whole history
to that page shows (`inzage.begrens` over `vragen.zaak`)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from services.console import inzage, opslag, vragen
from services.console.autorisatie import Gebruiker, Rol, zaak_voor_gemeente
from services.console.inzage import ZAAK_RIJEN
from services.console.tests.conftest import Console
from shared.envelope import CloudEvent

pytestmark = pytest.mark.stack
KVK = "41000088"
GEMEENTE = "GM0599"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
VANDAAG = date(2026, 6, 1)


class TellendeVerbinding(asyncpg.Connection):
    """A plain asyncpg connection that notes how many rows each statement returned to the client."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rijen: list[tuple[str, int]] = []

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> list[Any]:
        rijen: list[Any] = await super().fetch(query, *args, **kwargs)
        self.rijen.append((query, len(rijen)))
        return rijen

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        rij = await super().fetchrow(query, *args, **kwargs)
        self.rijen.append((query, int(rij is not None)))
        return rij

    async def fetchval(self, query: str, *args: Any, **kwargs: Any) -> Any:
        waarde = await super().fetchval(query, *args, **kwargs)
        self.rijen.append((query, 1))
        return waarde


async def log(console: Console, events: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> list[str]:
    """Events logged in one statement (the read model's log; no projection needed for the timeline)."""
    gemaakt = [
        CloudEvent(
            id=attrs.pop("id", str(uuid.uuid4())),
            source="urn:nld:waardigwerk:" + ce_type.split(".")[2],
            type=ce_type,
            time=attrs.pop("time"),
            data=data,
            **attrs,
        )
        for ce_type, data, attrs in events
    ]
    async with console.service.pool.acquire() as conn, conn.transaction():
        await opslag.log_gebeurtenissen(conn, [(f"waardigwerk.intern.{e.type.split('.')[2]}", e) for e in gemaakt])
    return [e.id for e in gemaakt]


def melding(zaak_id: str, i: int, **attrs: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    data = {"zaak_id": zaak_id, "melder_organisatie": "fnv", "melder_referentie": f"FNV-{zaak_id}-{i}"}
    return "nl.waardigwerk.melding.ontvangen", data | {"werkgever": {"kvk_nummer": KVK}}, attrs


def boete(inspectie_id: str, i: int, **attrs: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    data = {"boete_id": f"B-{inspectie_id}-{i}", "inspectie_id": inspectie_id, "werkgever": {"kvk_nummer": KVK}}
    berekening = [{"stap": 1, "omschrijving": "basis", "waarde": 100 + i}]
    return "nl.waardigwerk.inspectie.boete_opgelegd", data | {"bedrag_eur": 100 + i, "berekening": berekening}, attrs


def gepland(zaak_id: str, inspectie_id: str, i: int, **attrs: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    data = {"zaak_id": zaak_id, "inspectie_id": inspectie_id, "risico": {"score": i, "onderdelen": []}}
    return "nl.waardigwerk.inspectie.gepland", data | {"beleid": f"2026.{i % 3}"}, attrs


def in_gemeente(
    event: tuple[str, dict[str, Any], dict[str, Any]], gemeente: str = GEMEENTE
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return event[0], event[1] | {"gemeentecode": gemeente}, event[2]


async def test_the_case_page_reads_a_page_per_list_for_an_employer_with_thousands_of_events(
    console: Console, stack_env: dict[str, str]
) -> None:
    meldingen, risico, boetes, andere_boetes = 1100, 60, 110, 160
    type_, data, _ = in_gemeente(melding("Z-1", -1))
    await console.event(type_, data, time=T0)  # the case, with its employer
    await log(console, [in_gemeente(melding("Z-1", i, time=T0 + timedelta(seconds=i))) for i in range(meldingen)])
    await log(console, [gepland("Z-1", "I-Z", i, time=T0 + timedelta(minutes=i)) for i in range(risico)])
    await log(console, [boete("I-Z", i, time=T0 + timedelta(hours=i)) for i in range(boetes)])
    await log(console, [in_gemeente(boete(f"I-{i}", i, time=T0 + timedelta(hours=i))) for i in range(andere_boetes)])
    conn: TellendeVerbinding = await asyncpg.connect(
        stack_env["DATABASE_URL"],
        server_settings={"search_path": console.service.schema},
        connection_class=TellendeVerbinding,
    )
    # (user, timeline, fines, risk scores, computations): a municipality sees no computation (nor the fines
    # of the case's inspection, which hold one and have no place)
    verwacht = [
        (Gebruiker("op", Rol.OPERATOR), 1 + meldingen + risico + boetes, boetes + andere_boetes, risico, boetes),
        (Gebruiker("gm", Rol.GEMEENTE, GEMEENTE), 1 + meldingen + risico, andere_boetes, risico, 0),
    ]
    try:
        for gebruiker, tijdlijn, sancties, risicos, berekeningen in verwacht:
            for paginas in ({}, {"tijdlijn": 7, "sancties": 3}):
                conn.rijen.clear()
                pagina = await inzage.zaak(conn, gebruiker, "Z-1", VANDAAG, paginas)
                assert len(pagina["tijdlijn"]) == ZAAK_RIJEN and pagina["tijdlijn_pagina"].totaal == tijdlijn
                assert len(pagina["sancties"]) == ZAAK_RIJEN and pagina["sancties_pagina"].totaal == sancties
                assert len(pagina["risico"]) == ZAAK_RIJEN and pagina["risico_totaal"] == risicos
                assert len(pagina["berekeningen"]) == min(berekeningen, ZAAK_RIJEN)
                assert pagina["berekeningen_totaal"] == berekeningen
                meeste = max(conn.rijen, key=lambda r: r[1])
                # the timeline's statement returns its page with the risk scores' and computations' (three lists)
                assert meeste[1] <= 3 * ZAAK_RIJEN + 1, f"{meeste[1]} rows from one statement: {meeste[0][:300]}"
                assert sum(n for _, n in conn.rijen) <= 5 * ZAAK_RIJEN + 10, conn.rijen
    finally:
        await conn.close()


async def test_a_page_read_from_the_database_is_the_whole_history_cut_to_that_page(console: Console) -> None:
    """Causal chains across page boundaries (effects timed before their cause, equal times), events linked
    by correlation, inspection and claim only, an event about another case only, risk scores and
    computations over more than a page: every page equals the whole history cut by `begrens`."""
    wortel = (await log(console, [melding("Z-2", 0, time=T0)]))[0]
    await console.event(*melding("Z-2", 1)[:2], time=T0)
    keten: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    vorige = wortel
    for i in range(70):  # a chain: each caused by the one before, every third timed before its cause
        eid = str(uuid.uuid4())
        tijd = T0 + timedelta(minutes=i if i % 3 else i - 5)
        keten.append(melding("Z-2", 100 + i, id=eid, time=tijd, causationid=vorige, correlationid=wortel))
        vorige = eid if i % 20 else wortel  # and now and then a sibling of the root's children
    await log(console, keten)
    await log(
        console,
        [
            ("nl.waardigwerk.melding.doorgezet", {"x": i}, {"time": T0, "correlationid": wortel})  # correlation only
            for i in range(20)
        ]
        + [gepland("Z-2", "I-2", i, time=T0 + timedelta(minutes=i)) for i in range(55)]
        + [boete("I-2", i, time=T0 + timedelta(minutes=i)) for i in range(53)]  # by inspection only
        + [
            ("nl.waardigwerk.loonvordering.ingediend", {"vordering_id": "V-2", "inspectie_id": "I-2"}, {"time": T0}),
            ("nl.waardigwerk.loonvordering.betaald", {"vordering_id": "V-2"}, {"time": T0}),  # by claim only
            ("nl.waardigwerk.melding.ontvangen", {"zaak_id": "Z-9"}, {"time": T0, "correlationid": wortel}),
        ]
        + [boete(f"I-x{i}", i, time=T0 + timedelta(minutes=i)) for i in range(60)],  # the employer's, elsewhere
    )
    async with console.service.pool.acquire() as conn:
        heel = await vragen.zaak(conn, "Z-2")
        assert len(heel["tijdlijn"]) > 3 * ZAAK_RIJEN and len(heel["sancties"]) > 2 * ZAAK_RIJEN
        assert len(heel["risico"]) > ZAAK_RIJEN and len(heel["berekeningen"]) > ZAAK_RIJEN
        assert max(r["diepte"] for r in heel["tijdlijn"]) > 10
        for tijdlijn in range(1, 6):
            for sancties in (1, 2, 3, 9):
                paginas = {"tijdlijn": tijdlijn, "sancties": sancties}
                assert await vragen.zaakpagina(conn, "Z-2", paginas, ZAAK_RIJEN) == inzage.begrens(heel, paginas)
        leeg = await vragen.zaakpagina(conn, "Z-0", {}, ZAAK_RIJEN)
        assert leeg == inzage.begrens(await vragen.zaak(conn, "Z-0"), {})


async def test_a_cycle_in_the_causation_shows_the_page_from_the_whole_history(console: Console) -> None:
    a, b, c = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    await log(
        console,
        [
            in_gemeente(melding("Z-3", 0, id=a, time=T0, causationid=b)),
            in_gemeente(melding("Z-3", 1, id=b, time=T0, causationid=a)),
            in_gemeente(melding("Z-3", 2, id=c, time=T0, causationid=a), "GM0363"),
        ],
    )
    async with console.service.pool.acquire() as conn:
        assert await vragen.zaakpagina(conn, "Z-3", {}, ZAAK_RIJEN) is None
        assert await vragen.zaakpagina(conn, "Z-3", {}, ZAAK_RIJEN, GEMEENTE) is None
        pagina = await inzage.zaak(conn, Gebruiker("op", Rol.OPERATOR), "Z-3", VANDAAG, {})
        gemeente = await inzage.zaak(conn, Gebruiker("gm", Rol.GEMEENTE, GEMEENTE), "Z-3", VANDAAG, {})
    assert [e["id"] for e in pagina["tijdlijn"]] == [a, b, c] and pagina["tijdlijn_pagina"].totaal == 3
    assert [e["id"] for e in gemeente["tijdlijn"]] == [a, b] and gemeente["tijdlijn_pagina"].totaal == 2


async def test_a_municipality_s_page_read_from_the_database_is_its_part_of_the_whole_history(
    console: Console,
) -> None:
    """What a municipality sees of a case (`zaak_voor_gemeente`) over more than a page: events in its own and
    another municipality, events without a place (reports with its own, another's or no reference, inspection
    events, a computation, a worker, a claim), risk scores of inspections it does and does not see."""
    eigen, ander = "GM0599", "GM0363"
    for i, gemeente in enumerate((eigen, ander, eigen)):  # the case, with references from both
        type_, data, _ = melding("Z-4", i)
        await console.event(type_, data | {"gemeentecode": gemeente}, time=T0 + timedelta(seconds=i))
    wortel = (await log(console, [melding("Z-4", 9, time=T0)]))[0]
    events: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for i in range(160):
        type_, data, attrs = melding("Z-4", 10 + i % 7, time=T0 + timedelta(minutes=i % 40), causationid=wortel)
        soort = i % 8
        if soort == 0:
            data |= {"gemeentecode": eigen}
        elif soort == 1:
            data |= {"gemeentecode": ander, "melder_referentie": "FNV-Z-4-1"}
        elif soort == 2:
            data |= {"melder_referentie": "FNV-Z-4-0"}  # no place, its own reference
        elif soort == 3:
            data |= {"melder_referentie": "FNV-Z-4-1"}  # no place, another's reference
        elif soort == 4:
            type_, data = "nl.waardigwerk.inspectie.gepland", {"zaak_id": "Z-4", "inspectie_id": f"I-4{i % 3}"}
            if i % 3:
                data |= {"risico": {"score": i}}
            if i % 3 == 2:
                data |= {"gemeentecode": ander}
        elif soort == 5:
            type_, data = "nl.waardigwerk.inspectie.gepland", {"zaak_id": "Z-4", "risico": {"score": i}}
            data |= {"inspectie_id": "I-49", "berekening": []} if i % 2 else {"inspectie_id": "I-48"}
        elif soort == 6:
            data |= {"werknemer": {"werknemer_ref": f"W-{i}"}, "melder_referentie": None}
        else:
            type_, data = "nl.waardigwerk.loonvordering.ingediend", {"zaak_id": "Z-4", "vordering_id": f"V-{i}"}
        events.append((type_, data | {"beleid": f"2026.{i % 5}"}, attrs))
    await log(console, events)
    await log(
        console,
        [boete(f"I-g{i}", i, time=T0 + timedelta(minutes=i)) for i in range(40)]
        + [
            ("nl.waardigwerk.inspectie.boete_opgelegd", boete(f"I-h{i}", i)[1] | {"gemeentecode": g}, {"time": T0})
            for i in range(120)
            for g in [(eigen, ander)[i % 2]]
        ],
    )
    async with console.service.pool.acquire() as conn:
        heel = await vragen.zaak(conn, "Z-4")
        for gemeente in (eigen, ander, "GM0001"):
            deel = zaak_voor_gemeente(heel, gemeente)
            assert gemeente == "GM0001" or (len(deel["tijdlijn"]) > ZAAK_RIJEN and len(deel["sancties"]) > ZAAK_RIJEN)
            assert gemeente == "GM0001" or 0 < len(deel["risico"]) < len(heel["risico"])
            for tijdlijn in (1, 2, 4):
                for sancties in (1, 2):
                    paginas = {"tijdlijn": tijdlijn, "sancties": sancties}
                    gelezen = await vragen.zaakpagina(conn, "Z-4", paginas, ZAAK_RIJEN, gemeente)
                    assert gelezen == inzage.begrens(deel, paginas), (gemeente, paginas)
