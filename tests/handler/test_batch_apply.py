"""Handler tier: a batch is the unit of I/O (shared/batch.py), on the real PostgreSQL.

melding's intake is driven with batches of hand-made records, as the broker would deliver them
over several partitions: the statements a batch costs do not grow with its size, reports of one
batch about one employer see each other, and the failure paths (a repeat inside the batch, a
rejection in the middle) undo exactly the one record's buffered writes."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import asyncpg
import pytest
from aiokafka import ConsumerRecord

from services.melding.app import service as melding_app
from shared import db
from shared.envelope import OWN_SOURCE_PREFIX
from shared.service import AMSTERDAM, Service
from shared.settings import Settings
from shared.topics import IN_MELDINGEN, intern

pytestmark = pytest.mark.stack


class Statements:
    """Every statement the service's connections send (asyncpg's query logger; COPY is not logged)."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def __call__(self, logged: Any) -> None:
        self.queries.append(logged.query)

    async def pool(self, database_url: str, schema: str, max_size: int = 2) -> asyncpg.Pool:
        """A pool as the services make it (`shared.db.create_pool`) whose connections log here."""

        async def log_queries(conn: asyncpg.Connection) -> None:
            conn.add_query_logger(self)

        return await db.create_pool(database_url, schema, max_size=max_size, init=log_queries)

    def writes_and_reads(self) -> list[str]:
        """Without the transaction's own BEGIN/COMMIT/SAVEPOINT statements."""
        return [
            q for q in self.queries if not q.lstrip().upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
        ]


@pytest.fixture
async def service(stack_env: dict[str, str]) -> AsyncIterator[tuple[Service, Statements]]:
    svc = Service(
        "melding", migrations=melding_app.migrations, settings=Settings(database_url=stack_env["DATABASE_URL"])
    )
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    svc.routes, svc.timer_handlers = dict(melding_app.routes), dict(melding_app.timer_handlers)
    svc.batch_locks, svc.batch_state = melding_app.batch_locks, melding_app.batch_state
    svc.clock.apply(datetime(2027, 3, 1, 9, 0, tzinfo=AMSTERDAM))
    await svc.open_storage()
    await svc.pool.close()
    statements = Statements()
    svc._pool = await statements.pool(stack_env["DATABASE_URL"], svc.schema)
    yield svc, statements
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


def report(ref: str, kvk: str, organisatie: str = "fnv") -> dict[str, Any]:
    return {
        "melder": {"soort": "vakbond", "organisatie": organisatie, "referentie": ref},
        "werkgever": {"kvk_nummer": kvk},
        "werklocatie": {"postcode": "2671AB", "huisnummer": "12", "gemeentecode": "GM1783"},
        "categorieen": ["onderbetaling"],
        "omschrijving": "Minder dan het minimumloon.",
    }


def record(
    offset: int,
    data: dict[str, Any],
    *,
    ce_id: str | None = None,
    source: str = "urn:nld:vakbond:fnv:meldpunt",
    ce_type: str = "nl.waardigwerk.melding.ingediend",
    topic: str = IN_MELDINGEN,
) -> Any:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", (ce_id or str(uuid.uuid4())).encode()),
        ("ce_source", source.encode()),
        ("ce_type", ce_type.encode()),
        ("ce_time", b"2027-03-01T09:00:00+01:00"),
        ("content-type", b"application/json"),
    ]
    value = json.dumps(data).encode()
    return ConsumerRecord(
        topic=topic,
        partition=offset % 3,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=value,
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=len(value),
        headers=headers,
    )


def reports(n: int, employers: int) -> tuple[Any, ...]:
    """n reports about `employers` employers, round robin; each report of an employer from another union."""
    return tuple(
        record(i, report(f"R-{uuid.uuid4().hex[:10]}", f"{41_000_000 + i % employers}", f"bond{i // employers}"))
        for i in range(n)
    )


async def outbox_types(svc: Service) -> list[str]:
    return [r["event_type"] for r in await svc.pool.fetch("SELECT event_type FROM outbox ORDER BY id")]


async def test_the_statements_of_a_batch_do_not_grow_with_its_size(service: tuple[Service, Statements]) -> None:
    svc, statements = service
    await svc.consume(reports(5, employers=5))  # the first use of a type makes asyncpg read its codec once
    counts = []
    for n in (20, 80):
        statements.queries.clear()
        await svc.consume(reports(n, employers=n))  # every report a new case
        counts.append(len(statements.writes_and_reads()))
    assert await svc.pool.fetchval("SELECT count(*) FROM melding") == 105, "every report filed"
    print("statements of the last batch:", *statements.writes_and_reads(), sep="\n  ")
    assert counts[0] == counts[1], f"statements per batch: {counts} for 20 and 80 reports"


async def test_a_batch_logs_one_line_with_what_its_records_did(
    service: tuple[Service, Statements], log_lines: list[Any]
) -> None:
    """Four reports filed and one without a reporter dead-lettered: one line for the batch with
    those counts; a record's own line is DEBUG."""
    svc, _ = service
    zonder_melder = {k: v for k, v in report("R-X", "41000099").items() if k != "melder"}
    await svc.consume((*reports(4, employers=2), record(9, zonder_melder)))
    lines = [
        (r["records"], r["handled"], r["dead_lettered"], r["types"]) for r in log_lines if r["event"] == "batch_applied"
    ]
    assert lines == [(5, 4, 1, {"nl.waardigwerk.melding.ingediend": 4})]
    assert not [r for r in log_lines if r["event"] == "handled" and r["log_level"] != "debug"], "was one per record"


async def test_a_record_dead_lettered_after_its_handler_succeeded_is_not_counted_as_handled(
    service: tuple[Service, Statements], log_lines: list[Any]
) -> None:
    """Its handler succeeds every time, but writing what it buffered fails (a trigger refuses the
    row): after its attempts it is dead-lettered, and the batch's counts say so only once."""
    svc, _ = service
    svc.settings = svc.settings.model_copy(update={"waardigwerk_record_pogingen": 2})
    await svc.pool.execute(
        """CREATE FUNCTION weiger_r_stuk() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN IF NEW.referentie = 'R-STUK' THEN RAISE EXCEPTION 'kapot'; END IF; RETURN NEW; END $$;
           CREATE TRIGGER weiger_r_stuk BEFORE INSERT ON melding FOR EACH ROW EXECUTE FUNCTION weiger_r_stuk()"""
    )
    batch = (
        record(0, report("R-A", "41000020")),
        record(1, report("R-STUK", "41000021")),
        record(2, report("R-B", "41000022")),
    )
    await svc.consume(batch)
    assert [r["referentie"] for r in await svc.pool.fetch("SELECT referentie FROM melding ORDER BY 1")] == [
        "R-A",
        "R-B",
    ]
    lines = [(r["handled"], r["dead_lettered"]) for r in log_lines if r["event"] == "batch_applied"]
    assert lines == [(2, 1)]


async def test_reports_of_one_batch_about_one_employer_share_a_case(service: tuple[Service, Statements]) -> None:
    svc, _ = service
    await svc.consume(reports(40, employers=4))
    zaken = await svc.pool.fetch(
        "SELECT z.werkgever_kvk, count(m.*) AS n FROM zaak z JOIN melding m USING (zaak_id) GROUP BY z.zaak_id"
    )
    assert sorted((r["werkgever_kvk"], r["n"]) for r in zaken) == [(f"{41_000_000 + i}", 10) for i in range(4)]
    assert await svc.pool.fetchval("SELECT count(*) FROM timer WHERE soort = 'inspectietermijn'") == 40
    assert (await outbox_types(svc)).count("nl.waardigwerk.melding.ontvangen") == 40
    audit = await svc.pool.fetch("SELECT omschrijving, count(*) AS n FROM zaak_audit GROUP BY 1 ORDER BY 1")
    assert [(r["omschrijving"], r["n"]) for r in audit] == [
        ("melding gekoppeld aan de zaak", 36),
        ("zaak geopend op een melding", 4),
    ]


async def test_another_services_event_without_a_handler_here_leaves_no_inbox_row(
    service: tuple[Service, Statements],
) -> None:
    svc, statements = service
    statements.queries.clear()
    vreemd = record(
        0,
        {"x": 1},
        source=f"{OWN_SOURCE_PREFIX}inspectie",
        ce_type="nl.waardigwerk.inspectie.iets",
        topic=intern("inspectie"),
    )
    await svc.consume((vreemd,))
    sent = list(statements.queries)
    assert await svc.pool.fetchval("SELECT count(*) FROM inbox") == 0
    assert sent == [], "not even a transaction"


async def test_a_repeat_inside_the_batch_applies_once_and_a_reused_id_is_dead_lettered(
    service: tuple[Service, Statements],
) -> None:
    svc, _ = service
    ce_id = str(uuid.uuid4())
    first, other = report("R-EEN", "41000001"), report("R-TWEE", "41000001")
    await svc.consume((record(0, first, ce_id=ce_id), record(1, first, ce_id=ce_id), record(2, other, ce_id=ce_id)))
    assert [r["referentie"] for r in await svc.pool.fetch("SELECT referentie FROM melding")] == ["R-EEN"]
    dead = await svc.pool.fetch("SELECT headers FROM outbox WHERE topic = $1", f"{IN_MELDINGEN}.dlq")
    assert [dict(json.loads(r["headers"]))["dlq_reden"] for r in dead] == ["ce_id_hergebruikt"]


async def test_a_rejection_in_the_middle_undoes_only_that_reports_writes(service: tuple[Service, Statements]) -> None:
    """The reused reference is refused (melding's own rule); the reports around it are filed and
    acknowledged once each, and nothing the refused one buffered (a case, an acknowledgement, a
    timer) survives its savepoint."""
    svc, _ = service
    await svc.consume((record(0, report("R-OUD", "41000009")),))
    batch = (
        record(1, report("R-A", "41000010")),
        record(2, {**report("R-OUD", "41000011"), "omschrijving": "Andere inhoud onder dezelfde referentie."}),
        record(3, report("R-B", "41000012")),
    )
    await svc.consume(batch)
    rows = await svc.pool.fetch("SELECT referentie, zaak_id FROM melding ORDER BY referentie")
    assert [r["referentie"] for r in rows] == ["R-A", "R-B", "R-OUD"]
    assert await svc.pool.fetchval("SELECT count(*) FROM zaak WHERE werkgever_kvk = '41000011'") == 0
    assert await svc.pool.fetchval("SELECT count(*) FROM timer") == 3
    types = await outbox_types(svc)
    assert types.count("nl.waardigwerk.melding.ontvangen") == 3
    assert types.count("nl.waardigwerk.melding.afgewezen") == 1
    assert types.count("dlq") == 1
