"""Handler tier: FastStream's in-memory TestKafkaBroker in front of a real PostgreSQL.

A small service declared the way the domain services are shows what the shared runtime
guarantees every handler: one effect per ce_id, bad input rolled back and dead-lettered with
its reasons (through the outbox, in the same transaction), the records behind it still applied,
and a rejection sent back to the sender."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread
import asyncpg
import pytest
from aiokafka import ConsumerRecord
from faststream.kafka import TestKafkaBroker

from shared import outbox as outbox_module
from shared import timers
from shared.contract.base import ContractModel, KvkNummer
from shared.service import REPLAY_HEADER, Context, Rejected, Service
from shared.settings import Settings
from tests.poison import BUG, CANARY, CONCURRENT, MISUSE, misuse_driver, poison_classes, use_concurrently

pytestmark = pytest.mark.stack
TOPIC = "waardigwerk.in.proef"


class Proef(ContractModel):
    kvk_nummer: KvkNummer
    aantal: int


async def registreer(ctx: Context, proef: Proef) -> None:
    if proef.aantal == BUG:
        raise KeyError("a bug in the handler")
    if proef.aantal == MISUSE:
        await misuse_driver(ctx.conn)
    if proef.aantal == CONCURRENT:
        await use_concurrently(ctx.conn)
    if proef.aantal < 0:
        raise Rejected([{"veld": "aantal", "melding": "aantal mag niet negatief zijn"}])
    await ctx.conn.execute("INSERT INTO proef (kvk, aantal) VALUES ($1, $2)", proef.kvk_nummer, proef.aantal)
    await ctx.emit("nl.waardigwerk.proef.geregistreerd", {"kvk_nummer": proef.kvk_nummer}, proef.kvk_nummer)
    await ctx.schedule("herinnering", proef.kvk_nummer, ctx.now + timedelta(days=1), {"kvk": proef.kvk_nummer})


async def afwijzen(ctx: Context, fouten: list[dict[str, str]]) -> None:
    await ctx.emit("nl.waardigwerk.proef.afgewezen", {"fouten": fouten}, "afgewezen")


async def herinner(ctx: Context, payload: dict[str, Any]) -> None:
    await ctx.emit("nl.waardigwerk.proef.herinnering", payload, payload["kvk"])


@pytest.fixture
async def service(stack_env: dict[str, str], tmp_path: Path) -> AsyncIterator[Service]:
    (tmp_path / "0001_proef.sql").write_text("CREATE TABLE proef (kvk text, aantal int);")
    svc = Service("proef", migrations=tmp_path, settings=Settings(database_url=stack_env["DATABASE_URL"]))
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    svc.handles(TOPIC, "nl.waardigwerk.proef.ingediend", model=Proef, reject=afwijzen)(registreer)
    svc.on_timer("herinnering")(herinner)
    svc.app()
    await svc.open_storage()
    yield svc
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


def headers(event_id: str, ce_type: str = "nl.waardigwerk.proef.ingediend") -> dict[str, str]:
    return {
        "ce_specversion": "1.0",
        "ce_id": event_id,
        "ce_source": "urn:nld:test:proef",
        "ce_type": ce_type,
        "ce_time": "2026-12-03T10:00:00+01:00",
        "content-type": "application/json",
    }


async def outbox(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    """The outbox rows, the key (stored as bytes) as text for comparison."""
    rows = await pool.fetch("SELECT topic, key, headers, value, event_type FROM outbox ORDER BY id")
    return [{**r, "key": None if r["key"] is None else r["key"].decode("utf-8", "replace")} for r in rows]


async def test_duplicate_delivery_has_one_effect(service: Service) -> None:
    event_id = str(uuid.uuid4())
    async with TestKafkaBroker(service.broker) as broker:
        for _ in range(2):
            await broker.publish(b'{"kvk_nummer": "12345678", "aantal": 3}', TOPIC, key=b"k", headers=headers(event_id))
    assert await service.pool.fetchval("SELECT count(*) FROM proef") == 1
    rows = await outbox(service.pool)
    assert [r["event_type"] for r in rows] == ["nl.waardigwerk.proef.geregistreerd"]
    sent = dict(json.loads(rows[0]["headers"]))
    assert sent["ce_causationid"] == event_id and sent["ce_correlationid"] == event_id
    assert rows[0]["topic"] == "waardigwerk.intern.proef"


async def test_a_batch_is_handled_without_a_worker_thread(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    """FastStream resolves a handler's context parameters (the message among them) in a worker
    thread, once per batch: a thread hop that a one-record batch pays in full."""
    hops: list[object] = []
    real = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(func)
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(b'{"kvk_nummer": "12345678", "aantal": 3}', TOPIC, key=b"k", headers=headers("h-1"))
    assert await service.pool.fetchval("SELECT count(*) FROM proef") == 1, "the batch was handled"
    assert hops == []


async def test_bad_input_is_dead_lettered_with_reasons_and_the_next_record_applies(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(
            b'{"kvk_nummer": "123", "aantal": "3", "extra": 1}', TOPIC, key=b"bad", headers=headers("bad-1")
        )
        await broker.publish(b'{"kvk_nummer": "12345678", "aantal": -1}', TOPIC, key=b"neg", headers=headers("neg-1"))
        await broker.publish(b"{}", TOPIC, key=b"type", headers=headers("type-1", "nl.waardigwerk.proef.onbekend"))
        await broker.publish(b"not json", TOPIC, key=b"junk", headers=headers("junk-1"))
        await broker.publish(b'{"kvk_nummer": "87654321", "aantal": 1}', TOPIC, key=b"ok", headers=headers("ok-1"))
    assert await service.pool.fetchval("SELECT array_agg(kvk) FROM proef") == ["87654321"]
    rows = await outbox(service.pool)
    dead = [r for r in rows if r["topic"] == f"{TOPIC}.dlq"]
    reasons = {r["key"]: dict(json.loads(r["headers"])) for r in dead}
    assert {k: h["dlq_reden"] for k, h in reasons.items()} == {
        "bad": "schema",
        "neg": "afgewezen",
        "type": "onbekend_type",
        "junk": "ongeldige_envelop",
    }
    assert "kvk_nummer" in reasons["bad"]["dlq_details"] and "extra" in reasons["bad"]["dlq_details"]
    assert reasons["bad"]["ce_id"] == "bad-1" and reasons["bad"]["dlq_topic"] == TOPIC
    assert next(r["value"] for r in dead if r["key"] == "junk") == b"not json", "the raw record is kept"
    rejections = [json.loads(r["value"]) for r in rows if r["event_type"] == "nl.waardigwerk.proef.afgewezen"]
    assert [len(r["fouten"]) for r in rejections] == [3, 1, 1, 1], "schema problems all named; the domain's one"
    assert [r["fouten"][0]["veld"] for r in rejections[2:]] == ["ce_type", "envelop"], "envelope errors told too"


async def test_a_timer_fires_once_when_its_time_comes(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(b'{"kvk_nummer": "12345678", "aantal": 3}', TOPIC, key=b"k", headers=headers("t-1"))
    assert await service.fire_due() == 0, "not due yet"
    service.clock.apply(datetime.now(UTC) + timedelta(days=2))
    assert await service.fire_due() == 1
    assert await service.fire_due() == 0, "a timer fires once"
    rows = [r for r in await outbox(service.pool) if r["event_type"] == "nl.waardigwerk.proef.herinnering"]
    assert len(rows) == 1 and dict(json.loads(rows[0]["headers"]))["ce_causationid"] == "t-1"


async def test_a_bad_record_twice_is_dead_lettered_once_but_a_replay_is_processed_again(service: Service) -> None:
    bad = b'{"kvk_nummer": "12345678", "aantal": -1}'
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(bad, TOPIC, key=b"neg", headers=headers("neg-2"))
        await broker.publish(bad, TOPIC, key=b"neg", headers=headers("neg-2"))
        assert len([r for r in await outbox(service.pool) if r["topic"] == f"{TOPIC}.dlq"]) == 1
        await broker.publish(bad, TOPIC, key=b"neg", headers={**headers("neg-2"), REPLAY_HEADER: "replay-1"})
    dead = [r for r in await outbox(service.pool) if r["topic"] == f"{TOPIC}.dlq"]
    assert len(dead) == 2, "the replayed record was processed (and, still bad, dead-lettered) again"


async def test_pruning_deletes_old_sent_outbox_rows_but_never_unsent_rows_or_deliveries(
    service: Service,
) -> None:
    await service.pool.execute(
        """INSERT INTO outbox (topic, key, headers, value, sent_at) VALUES
           ('t', 'oud'::bytea, '[]', NULL, now() - interval '8 days'),
           ('t', 'recent'::bytea, '[]', NULL, now() - interval '6 days'),
           ('t', 'onverzonden'::bytea, '[]', NULL, NULL);
           INSERT INTO inbox (consumer, event_id, received_at) VALUES
           ('c', 'oud', now() - interval '400 days')"""
    )
    assert await service.prune() == {"outbox": 1}
    assert await service.prune() == {"outbox": 0}
    assert [r["key"] for r in await outbox(service.pool)] == ["recent", "onverzonden"]
    assert await service.pool.fetchval("SELECT array_agg(event_id) FROM inbox") == ["oud"], "kept for good"


async def test_pruning_a_large_backlog_takes_short_statements(service: Service) -> None:
    """A week of sent rows (or more, after downtime) is deleted a chunk a statement, so no single
    statement scans and deletes it all and runs into the statement timeout."""
    await service.pool.execute(
        """INSERT INTO outbox (topic, key, headers, value, sent_at)
           SELECT 't', NULL, '[]', NULL, now() - interval '8 days' FROM generate_series(1, 2500);
           INSERT INTO outbox (topic, key, headers, value, sent_at) VALUES ('t', NULL, '[]', NULL, now())"""
    )
    deletes: list[str] = []
    async with service.pool.acquire() as conn:
        conn.add_query_logger(lambda q: deletes.append(q.query) if q.query.lstrip().startswith("DELETE") else None)
        assert await outbox_module.prune(conn, 7, chunk=1000) == 2500
    assert len(deletes) == 3, deletes
    assert await service.pool.fetchval("SELECT count(*) FROM outbox") == 1, "the recent row stays"


# -- poison and timers ------------------------------------------------------------------------


def record(offset: int, headers: list[tuple[str, bytes | None]], value: bytes | None, key: bytes | None = b"k") -> Any:
    return ConsumerRecord(
        topic=TOPIC,
        partition=offset % 3,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key or b""),
        serialized_value_size=len(value or b""),
        headers=headers,
    )


def goed(offset: int, kvk: str) -> Any:
    hdrs = [(k, v.encode()) for k, v in headers(f"ok-{uuid.uuid4()}").items()]
    return record(offset, hdrs, json.dumps({"kvk_nummer": kvk, "aantal": 1}).encode())


async def test_each_poison_record_is_dead_lettered_alone_and_the_batch_around_it_applies(service: Service) -> None:
    klassen = poison_classes([(k, v.encode()) for k, v in headers("p").items()])
    batch, offset, verwacht = [], 0, []
    for naam, (hdrs, value, key) in klassen.items():
        for _ in range(5):
            kvk = f"{10_000_000 + offset}"
            batch.append(goed(offset, kvk))
            verwacht.append(kvk)
            offset += 1
        batch.append(record(offset, [*hdrs, ("x-klasse", naam.encode())], value, key))
        offset += 1
    # Not part of the envelope, so not a reason to refuse the report: applied, and the header not kept.
    extra = [(k, v.encode()) for k, v in headers(f"x-{uuid.uuid4()}").items()] + [("x-extra", b"\xff\xfe\x00")]
    batch.append(record(offset, extra, b'{"kvk_nummer": "19999999", "aantal": 1}'))
    verwacht.append("19999999")
    started = time.monotonic()
    await asyncio.wait_for(service.consume(tuple(batch)), 30)
    print(f"consume took {time.monotonic() - started:.1f} s")
    rows = await service.pool.fetch("SELECT kvk, count(*) AS n FROM proef GROUP BY kvk ORDER BY kvk")
    assert [(r["kvk"], r["n"]) for r in rows] == [(k, 1) for k in sorted(verwacht)], "every valid record once"
    dead = [r for r in await outbox(service.pool) if r["topic"] == f"{TOPIC}.dlq"]
    offsets = {int(dict(json.loads(r["headers"]))["dlq_offset"]) for r in dead}
    assert offsets == {
        r.offset for r in batch if r.value is not None and b"x-klasse" in [h[0].encode() for h in r.headers]
    }
    reden = {dict(json.loads(r["headers"]))["dlq_reden"] for r in dead}
    assert {"ongeldige_envelop", "ongeldige_inhoud", "verwerkingsfout"} <= reden
    for r in dead:
        text = r["headers"] if isinstance(r["headers"], str) else json.dumps(r["headers"])
        assert CANARY not in text, "a possibly personal value is never copied into the DLQ headers"
        assert dict(json.loads(r["headers"]))["dlq_reden"]


async def test_records_that_do_not_decode_lock_nothing_and_the_others_still_lock(service: Service) -> None:
    """The runtime hands `batch_locks` only the records that decode (shared/service.py `_lock_batch`):
    a record that is no CloudEvent (bad bytes, JSON nested too deep) is dead-lettered and locks nothing."""
    seen: list[list[Any]] = []

    async def batch_locks(conn: Any, events: Any, today: Any, policy: Any) -> list[str]:
        seen.append([e.data for e in events])
        return [f"werkgever:{e.data['kvk_nummer']}" for e in events]

    service.batch_locks = batch_locks
    good = goed(1, "12345678")
    hdrs = [(k, v.encode()) for k, v in headers(f"diep-{uuid.uuid4()}").items()]
    batch = (record(0, [("ce_id", b"\xff")], b"\xff\xfe"), good, record(2, hdrs, b"[" * 10_000 + b"]" * 10_000))
    await asyncio.wait_for(service.consume(batch), 30)
    assert seen == [[{"kvk_nummer": "12345678", "aantal": 1}]]
    assert await service.pool.fetchval("SELECT array_agg(kvk) FROM proef") == ["12345678"]
    dead = [r for r in await outbox(service.pool) if r["topic"] == f"{TOPIC}.dlq"]
    assert sorted(int(dict(json.loads(r["headers"]))["dlq_offset"]) for r in dead) == [0, 2]


async def test_a_failing_timer_keeps_its_deadline_and_dies_visibly_after_its_attempts(service: Service) -> None:
    pogingen = {"n": 0}

    async def stuk(ctx: Context, payload: dict[str, Any]) -> None:
        pogingen["n"] += 1
        await ctx.emit("nl.waardigwerk.proef.herinnering", payload, payload["kvk"])
        raise RuntimeError("a bug in the deadline handler")

    service.timer_handlers["herinnering"] = stuk
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(b'{"kvk_nummer": "12345678", "aantal": 3}', TOPIC, key=b"k", headers=headers("tf-1"))
    service.clock.apply(datetime.now(UTC) + timedelta(days=2))
    await service.fire_due()
    row = await service.pool.fetchrow("SELECT fired_at, pogingen, laatste_fout FROM timer")
    assert row["fired_at"] is None, "a failed handler does not use up the deadline"
    assert row["pogingen"] == 1 and "RuntimeError" in row["laatste_fout"]
    herinneringen = [r for r in await outbox(service.pool) if r["event_type"] == "nl.waardigwerk.proef.herinnering"]
    assert herinneringen == [], "the failed attempt's effects are rolled back"
    for _ in range(10):
        await service.pool.execute("UPDATE timer SET volgende_poging = now() - interval '1 second'")
        await service.fire_due()
    assert pogingen["n"] == service.settings.waardigwerk_timer_pogingen
    dood = await timers.dead(service.pool)
    assert [(d.soort, d.sleutel) for d in dood] == [("herinnering", "12345678")]
    assert [r for r in await outbox(service.pool) if r["event_type"] == "nl.waardigwerk.timer.dood"]
    service.timer_handlers["herinnering"] = herinner
    assert (await timers.retry(service.pool, "herinnering", "12345678")).outcome is timers.Retried.REVIVED
    assert await service.fire_due() == 1
    row = await service.pool.fetchrow("SELECT fired_at, dood_sinds FROM timer")
    assert row["fired_at"] is not None and row["dood_sinds"] is None


async def test_a_timer_whose_handler_misuses_the_driver_counts_an_attempt_and_the_next_timer_fires(
    service: Service,
) -> None:
    """asyncpg's `InterfaceError` of a bug is no lost connection: the timer fails (counted, retried
    later), it does not block the timers behind it by being retried without end."""

    async def stuk(ctx: Context, payload: dict[str, Any]) -> None:
        if payload["kvk"] == "12345678":
            await misuse_driver(ctx.conn)
        await herinner(ctx, payload)

    service.timer_handlers["herinnering"] = stuk
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(b'{"kvk_nummer": "12345678", "aantal": 3}', TOPIC, key=b"k", headers=headers("tm-1"))
        await broker.publish(b'{"kvk_nummer": "87654321", "aantal": 3}', TOPIC, key=b"k", headers=headers("tm-2"))
    service.clock.apply(datetime.now(UTC) + timedelta(days=2))
    assert await asyncio.wait_for(service.fire_due(), 30) == 1
    rows = await service.pool.fetch("SELECT sleutel, fired_at IS NOT NULL AS fired, pogingen, laatste_fout FROM timer")
    by_key = {r["sleutel"]: r for r in rows}
    assert by_key["87654321"]["fired"] and not by_key["12345678"]["fired"]
    assert by_key["12345678"]["pogingen"] == 1 and "InterfaceError" in by_key["12345678"]["laatste_fout"]


async def test_a_failed_timer_waits_its_backoff_from_when_the_attempt_failed(service: Service) -> None:
    """The wait after a failed attempt counts from the failure, not from the start of the attempt's
    transaction: a handler that took longer than the backoff would otherwise be retried at once."""

    async def traag_en_stuk(ctx: Context, payload: dict[str, Any]) -> None:
        await asyncio.sleep(1.5)  # longer than the first backoff (1 s)
        raise RuntimeError("a slow bug")

    service.timer_handlers["herinnering"] = traag_en_stuk
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(b'{"kvk_nummer": "12345678", "aantal": 3}', TOPIC, key=b"k", headers=headers("tb-1"))
    service.clock.apply(datetime.now(UTC) + timedelta(days=2))
    await service.fire_due()
    assert await service.pool.fetchval("SELECT pogingen FROM timer") == 1
    assert await service.pool.fetchval("SELECT volgende_poging > now() FROM timer"), "the retry waits its second"
