"""Handler tier: inspectie plans a batch on a state read once per batch (adapters/planning.py), on
the real PostgreSQL.

Batches of `melding.ontvangen` are applied as the broker would deliver them: the statements a
batch costs do not grow with its size, two reports of one batch about one employer share one
inspection, a region's capacity holds within the batch, and the outcome (inspections, events) is
the one applying the same records one at a time gives, also when a record in the middle fails."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime
from typing import Any

import pytest
from aiokafka import ConsumerRecord

from services.inspectie import handlers as h
from services.inspectie.app import service as inspectie_app
from shared.service import AMSTERDAM, Service
from shared.settings import Settings
from shared.topics import intern
from shared.werkdagen import werkdagen_na
from tests.handler.test_batch_apply import Statements

pytestmark = pytest.mark.stack
VANDAAG = date(2027, 3, 1)  # a Monday
GEMEENTEN = ("GM0363", "GM0518", "GM0599", "GM0344", "GM9999")  # one in each region
OVERMORGEN = werkdagen_na(VANDAAG, 2)


Maker = Callable[[], Awaitable[tuple[Service, Statements]]]


@pytest.fixture
async def services(stack_env: dict[str, str]) -> AsyncIterator[Maker]:
    """Makes inspectie services, each on a schema of its own, as app.py declares it."""
    made: list[Service] = []

    async def make() -> tuple[Service, Statements]:
        settings = Settings(database_url=stack_env["DATABASE_URL"], waardigwerk_record_pogingen=1)
        svc = Service("inspectie", migrations=inspectie_app.migrations, settings=settings)
        svc.schema = f"test_{uuid.uuid4().hex[:10]}"
        svc.routes, svc.timer_handlers = dict(inspectie_app.routes), dict(inspectie_app.timer_handlers)
        svc.batch_locks, svc.batch_state = inspectie_app.batch_locks, inspectie_app.batch_state
        svc.clock.apply(datetime(2027, 3, 1, 9, 0, tzinfo=AMSTERDAM))
        await svc.open_storage()
        await svc.pool.close()
        statements = Statements()
        svc._pool = await statements.pool(stack_env["DATABASE_URL"], svc.schema)
        made.append(svc)
        return svc, statements

    yield make
    for svc in made:
        await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
        await svc.pool.close()


def ontvangen(offset: int, kvk: str, gemeentecode: str, uiterlijk_op: date, melding_id: str | None = None) -> Any:
    """A report as melding announces it (`melding.ontvangen`), one a record."""
    data = {
        "melding_id": melding_id or f"M-{uuid.uuid4().hex[:8]}",
        "zaak_id": f"Z-{kvk}",
        "werkgever": {"kvk_nummer": kvk},
        "melder_soort": "vakbond",
        "werklocatie": {"postcode": "1011AB", "huisnummer": "1", "gemeentecode": gemeentecode},
        "scope": ["WML"],
        "uiterlijk_inspectie_op": uiterlijk_op.isoformat(),
    }
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_source", b"urn:nld:waardigwerk:melding"),
        ("ce_type", b"nl.waardigwerk.melding.ontvangen"),
        ("ce_time", b"2027-03-01T09:00:00+01:00"),
        ("content-type", b"application/json"),
    ]
    value = json.dumps(data).encode()
    return ConsumerRecord(
        topic=intern("melding"),
        partition=offset % 3,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=kvk.encode(),
        value=value,
        checksum=None,
        serialized_key_size=len(kvk),
        serialized_value_size=len(value),
        headers=headers,
    )


def meldingen(n: int, uiterlijk_op: date, start: int = 0) -> tuple[Any, ...]:
    """n reports about n new employers, spread over the five regions."""
    return tuple(
        ontvangen(start + i, f"{50_000_000 + start + i}", GEMEENTEN[i % len(GEMEENTEN)], uiterlijk_op) for i in range(n)
    )


async def uitgaand(svc: Service) -> list[tuple[str, dict[str, Any]]]:
    rows = await svc.pool.fetch("SELECT event_type, value FROM outbox WHERE event_type <> 'dlq' ORDER BY id")
    return [(r["event_type"], json.loads(r["value"])) for r in rows]


async def inspecties(svc: Service) -> list[tuple[Any, ...]]:
    rows = await svc.pool.fetch(
        "SELECT inspectie_id, werkgever_kvk, regio, gepland_op, status, soort, uiterlijk_op, scope, aanleidingen, "
        "risico, tekort_gemeld FROM inspectie ORDER BY inspectie_id"
    )
    return [tuple(r.values()) for r in rows]


async def test_the_statements_of_a_batch_do_not_grow_with_its_size(services: Maker) -> None:
    svc, statements = await services()
    uiterlijk = werkdagen_na(VANDAAG, 10)
    await svc.consume(meldingen(5, uiterlijk))  # the first use of a type makes asyncpg read its codec once
    counts = []
    for start, n in ((100, 20), (1000, 80)):
        statements.queries.clear()
        await svc.consume(meldingen(n, uiterlijk, start))
        counts.append(len(statements.writes_and_reads()))
    assert await svc.pool.fetchval("SELECT count(*) FROM inspectie") == 105, "an inspection for every employer"
    assert await svc.pool.fetchval("SELECT count(*) FROM signaal") == 105, "a signal for every report"
    print("statements of the last batch:", *statements.writes_and_reads(), sep="\n  ")
    assert counts[0] == counts[1], f"statements per batch: {counts} for 20 and 80 reports"


async def test_two_reports_of_one_batch_about_one_employer_share_one_inspection(services: Maker) -> None:
    svc, _ = await services()
    batch = (
        ontvangen(0, "60000001", "GM0518", werkdagen_na(VANDAAG, 8)),
        ontvangen(1, "60000002", "GM0518", werkdagen_na(VANDAAG, 8)),
        ontvangen(2, "60000001", "GM0518", werkdagen_na(VANDAAG, 5)),
    )
    await svc.consume(batch)
    rows = await svc.pool.fetch("SELECT werkgever_kvk, uiterlijk_op, aanleidingen FROM inspectie ORDER BY 1")
    assert [r["werkgever_kvk"] for r in rows] == ["60000001", "60000002"], "one inspection per employer"
    assert rows[0]["uiterlijk_op"] == werkdagen_na(VANDAAG, 5), "the second report's earlier deadline counts"
    assert len(json.loads(rows[0]["aanleidingen"])) == 1, "both reports are one case (zaak) of that employer"
    events = [(t, d["werkgever"]["kvk_nummer"]) for t, d in await uitgaand(svc)]
    assert events == [(h.GEPLAND, "60000001"), (h.GEPLAND, "60000002"), (h.HERPLAND, "60000001")]


async def test_capacity_holds_within_a_batch_as_it_does_one_record_at_a_time(services: Maker) -> None:
    """Ten reports due the day after tomorrow in Landelijk (two visits a day): four are planned in
    time, six are short of capacity; the batch decides exactly what ten single records decide."""
    batch_svc, _ = await services()
    single_svc, _ = await services()
    records = tuple(ontvangen(i, f"{70_000_000 + i}", "GM9999", OVERMORGEN) for i in range(10))
    await batch_svc.consume(records)
    for record in records:
        await single_svc.consume((record,))
    per_dag = await batch_svc.pool.fetch(
        "SELECT gepland_op, count(*) AS n FROM inspectie WHERE status = 'gepland' GROUP BY 1 ORDER BY 1"
    )
    assert max(r["n"] for r in per_dag) == 2, "never more than the region's two visits a day"
    events = await uitgaand(batch_svc)
    on_time = [d for t, d in events if t == h.GEPLAND and date.fromisoformat(d["gepland_op"]) <= OVERMORGEN]
    assert len(on_time) == 4
    assert len([d for t, d in events if t == h.TEKORT]) == 6
    assert await inspecties(batch_svc) == await inspecties(single_svc)
    assert events == await uitgaand(single_svc)


async def test_a_batch_logs_its_shortages_once_per_region(services: Maker, log_lines: list[Any]) -> None:
    """Every shortage is an event of its own; the log says per region and batch how many there
    were (a region that stays short would otherwise write a warning per report)."""
    svc, _ = await services()
    batch = (
        *(ontvangen(i, f"{71_000_000 + i}", "GM9999", OVERMORGEN) for i in range(10)),  # Landelijk: 2 a day
        *(ontvangen(10 + i, f"{72_000_000 + i}", "GM0344", OVERMORGEN) for i in range(9)),  # Midden: 3 a day
    )
    await svc.consume(batch)
    tekorten = [d for t, d in await uitgaand(svc) if t == h.TEKORT]
    lines = [r for r in log_lines if r["event"] == "capacity_shortage"]
    assert [(r["regio"], r["inspecties"]) for r in lines] == [("Landelijk", 6), ("Midden", 3)]
    assert sorted(i for r in lines for i in r["inspectie_ids"]) == sorted(d["inspectie_id"] for d in tekorten)
    assert {r["vroegst_uiterlijk_op"] for r in lines} == {OVERMORGEN.isoformat()}


async def test_a_failing_record_in_the_middle_leaves_the_others_planned_as_without_it(services: Maker) -> None:
    """The careful path (a savepoint per record, the state read per record) plans the same."""
    with_bad, _ = await services()
    without, _ = await services()
    good = meldingen(12, OVERMORGEN)
    bad = ontvangen(99, "69999999", "GM0518", OVERMORGEN)
    bad_value = json.loads(bad.value)
    bad_value["uiterlijk_inspectie_op"] = "geen datum"
    bad = dataclasses.replace(bad, value=json.dumps(bad_value).encode())
    await with_bad.consume((*good[:6], bad, *good[6:]))
    await without.consume(good)
    assert await with_bad.pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'dlq'") == 1
    assert await inspecties(with_bad) == await inspecties(without)
    assert await uitgaand(with_bad) == await uitgaand(without)


async def test_a_planning_batch_takes_its_region_locks_once(services: Maker) -> None:
    """The batch's locks (employers and regions, one statement) hold the regions it plans: the
    planning round asks the database for none of them again."""
    svc, statements = await services()
    records = tuple(ontvangen(i, f"{71_000_000 + i}", gemeente, OVERMORGEN) for i, gemeente in enumerate(GEMEENTEN))
    await svc.consume(records)
    assert await svc.pool.fetchval("SELECT count(*) FROM inspectie") == len(GEMEENTEN), "each report planned"
    batch_lock = [q for q in statements.queries if "count(pg_advisory_xact_lock(id))" in q]
    one_lock = [q for q in statements.queries if q.strip().startswith("SELECT pg_advisory_xact_lock(")]
    assert (len(batch_lock), one_lock) == (1, []), statements.queries
