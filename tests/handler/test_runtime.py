"""Handler tier: FastStream's in-memory TestKafkaBroker in front of a real PostgreSQL.

A small service declared the way the domain services are shows what the shared runtime
guarantees every handler: one effect per ce_id, bad input rolled back and dead-lettered with
its reasons (through the outbox, in the same transaction), the records behind it still applied,
and a rejection sent back to the sender."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from faststream.kafka import TestKafkaBroker

from shared.contract.base import ContractModel, KvkNummer
from shared.service import REPLAY_HEADER, Context, Rejected, Service
from shared.settings import Settings

pytestmark = pytest.mark.stack
TOPIC = "waardigwerk.in.proef"


class Proef(ContractModel):
    kvk_nummer: KvkNummer
    aantal: int


async def registreer(ctx: Context, proef: Proef) -> None:
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


async def outbox(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT topic, key, headers, value, event_type FROM outbox ORDER BY id")


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
    assert [len(r["fouten"]) for r in rejections] == [3, 1], "schema problems all named; the domain's one"


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
           ('t', 'oud', '[]', NULL, now() - interval '8 days'),
           ('t', 'recent', '[]', NULL, now() - interval '6 days'),
           ('t', 'onverzonden', '[]', NULL, NULL);
           INSERT INTO inbox (consumer, event_id, received_at) VALUES
           ('c', 'oud', now() - interval '400 days')"""
    )
    assert await service.prune() == {"outbox": 1}
    assert await service.prune() == {"outbox": 0}
    assert [r["key"] for r in await outbox(service.pool)] == ["recent", "onverzonden"]
    assert await service.pool.fetchval("SELECT array_agg(event_id) FROM inbox") == ["oud"], "kept for good"
