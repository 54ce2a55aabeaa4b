"""The console projects a batch set-based: a constant number of statements per batch, and the same
read model as projecting its records one by one, on the stack's PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

import pytest
from aiokafka import ConsumerRecord

from services.console.lezer import MIGRATIONS, ConsoleService, projecteer_batch
from shared.settings import Settings
from tests.handler.test_batch_apply import Statements

pytestmark = pytest.mark.stack
BEGIN = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
Record: TypeAlias = ConsumerRecord[bytes, bytes]
Maker = Callable[[], Awaitable[tuple[ConsoleService, Statements]]]


def record(offset: int, ce_type: str, data: dict[str, Any]) -> Record:
    dienst = ce_type.split(".")[2]
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_source", f"urn:nld:waardigwerk:{dienst}".encode()),
        ("ce_type", ce_type.encode()),
        ("ce_time", (BEGIN + timedelta(seconds=offset)).isoformat().encode()),
        ("content-type", b"application/json"),
    ]
    value = json.dumps(data).encode()
    return ConsumerRecord(
        topic=f"waardigwerk.intern.{dienst}", partition=0, offset=offset, timestamp=0, timestamp_type=0, key=b"k",
        value=value, checksum=None, serialized_key_size=1, serialized_value_size=len(value), headers=headers,
    )  # fmt: skip


def groep(g: int) -> list[tuple[str, dict[str, Any]]]:
    """Twenty-two events of one employer: three and four events for one case, inspection or claim,
    a planning for a case whose report comes later, a fine before the case's employer is known, a
    fine without a law and a case reported after both sanctions (its laws come from them)."""
    k = f"4100{g:04d}"
    werkgever = {"kvk_nummer": k}
    za, zb, zc, zd, ze, i1, i2, v1, h1 = (
        f"{x}-{g}" for x in ("Z-A", "Z-B", "Z-C", "Z-D", "Z-E", "I-1", "I-2", "V-1", "H-1")
    )
    boete_wet = "WML" if g % 2 == 0 else "Waadi"  # employers' laws differ
    adres = {"postcode": "2671 ab", "gemeentecode": "GM1783"}
    m, i, lv, hv = (f"nl.waardigwerk.{d}." for d in ("melding", "inspectie", "loonvordering", "huisvesting"))

    def melding(zaak: str, **kw: Any) -> dict[str, Any]:
        return {"zaak_id": zaak, "melder_referentie": f"R-{zaak}", "werkgever": werkgever, "adres": adres, **kw}

    def plan(inspectie: str, zaken: Sequence[str], **kw: Any) -> dict[str, Any]:
        aanleidingen = [{"soort": "melding", "id": z} for z in zaken]
        return {"inspectie_id": inspectie, "werkgever": werkgever, "aanleidingen": aanleidingen, **kw}

    vordering = {"vordering_id": v1, "indiener_referentie": f"FNV-{g}", "werkgever": werkgever}
    huis = {"contract_referentie": h1, "werkgever": werkgever}
    return [
        (i + "gepland", plan(i1, [zc], gepland_op="2027-03-10", regio="Noord", soort="regulier")),
        (m + "ontvangen", melding(za, uiterlijk_inspectie_op="2027-03-15", werkgever_naam="Bouw BV", beleid="ser@1")),
        (m + "ontvangen", melding(zb, uiterlijk_inspectie_op="2027-03-16", omschrijving="te lange dagen")),
        (m + "huisvesting_signaal", {"zaak_id": zd, "melder_referentie": f"R-{zd}"}),
        (i + "gepland", plan(i2, [za], gepland_op="2027-03-11", regio="West", risico={"score": 7})),
        (m + "status_gewijzigd", {"zaak_id": za, "status": "in_behandeling"}),
        (lv + "ingediend", {**vordering, "bedrag_eur": 1234.5, "aansprakelijk": [werkgever], "werknemer_ref": "W1"}),
        (m + "ontvangen", melding(zc, uiterlijk_inspectie_op="2027-03-17")),
        (hv + "gecontroleerd", {**huis, "oordeel": "tekortkomingen", "bevindingen": ["vocht"], "adres": adres}),
        (i + "herpland", plan(i2, [za], gepland_op="2027-03-12")),
        (i + "boete_opgelegd", {"boete_id": f"B-{g}", "werkgever": werkgever, "wet": boete_wet}),
        (lv + "betaling_verwerkt", {**vordering, "bedrag_eur": 100}),
        (m + "status_gewijzigd", {"zaak_id": zb, "status": "gesloten"}),
        (m + "status_gewijzigd", {"zaak_id": zd, "status": "in_behandeling", "werkgever": werkgever}),
        (i + "afgerond", plan(i2, [za])),
        (i + "gepland", plan(i2, [za, zb], gepland_op="2027-03-20", regio="Zuid")),
        (lv + "aansprakelijke_gewijzigd", {**vordering, "aansprakelijk": [werkgever, {"kvk_nummer": "999"}]}),
        (hv + "gecontroleerd", {"contract_referentie": h1, "oordeel": "in_orde", "adres": {"postcode": "1234 AB"}}),
        (i + "stillegging_bevolen", plan(i1, [], wet="Arbowet")),
        (m + "ontvangen", {**melding(za), "melder_referentie": f"R2-{za}"}),
        (i + "boete_opgelegd", {"boete_id": f"B2-{g}", "werkgever": werkgever, "wet": " "}),
        (m + "ontvangen", melding(ze, uiterlijk_inspectie_op="2027-03-18")),
    ]


def batch(groepen: range) -> list[Record]:
    """The groups' events interleaved (event n of every group, then event n + 1), offsets in that order."""
    per_groep = [groep(g) for g in groepen]
    events = [e for rij in zip(*per_groep, strict=True) for e in rij]
    return [record(n, ce_type, data) for n, (ce_type, data) in enumerate(events)]


@pytest.fixture
async def consoles(stack_env: dict[str, str]) -> AsyncIterator[Maker]:
    """Makes console services, each on a schema of its own, whose connections log every statement."""
    made: list[ConsoleService] = []

    async def make() -> tuple[ConsoleService, Statements]:
        service = ConsoleService(
            "console", migrations=MIGRATIONS, settings=Settings(database_url=stack_env["DATABASE_URL"])
        )
        service.schema = f"test_console_{uuid.uuid4().hex[:10]}"
        await service.open_storage()
        await service.pool.close()
        statements = Statements()
        service._pool = await statements.pool(stack_env["DATABASE_URL"], service.schema)
        made.append(service)
        return service, statements

    yield make
    for service in made:
        await service.pool.execute(f'DROP SCHEMA "{service.schema}" CASCADE')
        await service.pool.close()


async def statements_of(service: ConsoleService, statements: Statements, records: Sequence[Record]) -> int:
    """The statements one batch's projection runs (its transaction's own statements left out)."""
    statements.queries.clear()
    async with service.pool.acquire() as conn, conn.transaction():
        await projecteer_batch(conn, records, False, Counter(), 3)
    return len(statements.writes_and_reads())


async def test_the_statements_of_a_batch_do_not_grow_with_the_batch(consoles: Maker) -> None:
    """22 and 88 events of the same mix (several for one case, inspection, claim and housing check
    each) run the same number of statements."""
    klein, groot = batch(range(1)), batch(range(1, 5))
    service, statements = await consoles()
    await statements_of(service, statements, batch(range(9, 10)))  # asyncpg's first look at the types
    n20 = await statements_of(service, statements, klein)
    n80 = await statements_of(service, statements, groot)
    print(f"statements: {n20} for 22 events, {n80} for 88 events ({n80 / 88:.2f} per event)")
    assert await service.pool.fetchval("SELECT count(*) FROM gebeurtenis") == 132
    assert n80 == n20, f"{n20} statements for 22 events, {n80} for 88"


LEESMODEL = {
    "zaak": "zaak_id",
    "werkgever_wet": "kvk, wet",
    "inspectie": "inspectie_id",
    "vordering": "vordering_id",
    "huisvesting": "contract_referentie",
}


async def leesmodel(service: ConsoleService) -> dict[str, list[dict[str, Any]]]:
    return {
        tabel: [dict(r) for r in await service.pool.fetch(f"SELECT * FROM {tabel} ORDER BY {sleutel}")]
        for tabel, sleutel in LEESMODEL.items()
    }


async def test_a_batch_gives_the_read_model_of_its_records_one_by_one(consoles: Maker) -> None:
    """The same 88 events as one batch, as two batches of 44 (the second updating rows of the first)
    and as 88 batches of one record give the same rows, every column."""
    records = batch(range(4))
    een, twee, los = [(await consoles())[0] for _ in range(3)]
    await een.consume(tuple(records))
    await twee.consume(tuple(records[:44]))
    await twee.consume(tuple(records[44:]))
    for r in records:
        await los.consume((r,))
    verwacht = await leesmodel(los)
    assert [len(verwacht[t]) for t in LEESMODEL] == [20, 8, 8, 4, 4]
    assert await leesmodel(een) == verwacht
    assert await leesmodel(twee) == verwacht
    zaken = {z["zaak_id"]: z for z in verwacht["zaak"]}
    # planned before its report was read: the planning found no case then, and does not now
    assert (zaken["Z-C-0"]["gepland_op"], zaken["Z-C-0"]["regio"]) == (None, None)
    assert (str(zaken["Z-A-0"]["gepland_op"]), zaken["Z-A-0"]["regio"]) == ("2027-03-20", "Zuid")
    # the fine came before the case's employer was known, the stoppage after
    assert (zaken["Z-A-0"]["wetten"], zaken["Z-D-0"]["wetten"]) == (["Arbowet", "WML"], ["Arbowet"])
    # reported after both sanctions (and one without a law): a new case starts with its employer's laws
    assert (zaken["Z-E-0"]["wetten"], zaken["Z-E-1"]["wetten"]) == (["Arbowet", "WML"], ["Arbowet", "Waadi"])
    assert zaken["Z-A-0"]["referenties"] == ["R-Z-A-0", "R2-Z-A-0"]
    # a later report on a case, a payment, a check without findings: each keeps what it does not say
    assert (zaken["Z-A-0"]["status"], zaken["Z-B-0"]["status"], zaken["Z-D-0"]["kvk"]) == (
        "in_behandeling",
        "gesloten",
        "41000000",
    )
    inspectie, vordering, huis = (verwacht[t][0] for t in ("inspectie", "vordering", "huisvesting"))
    assert (inspectie["inspectie_id"], inspectie["status"], inspectie["regio"]) == ("I-1-0", "stillegging", "Noord")
    assert [r["status"] for r in verwacht["inspectie"][4:]] == ["uitgevoerd"] * 4  # planned again after it was done
    assert (vordering["status"], vordering["bedrag_eur"], len(json.loads(vordering["aansprakelijk"]))) == (
        "ingediend",
        1234.5,
        2,
    )
    assert (huis["status"], json.loads(huis["bevindingen"]), huis["postcode"]) == ("in_orde", ["vocht"], "1234AB")
