"""Multi-record batches on the real broker: hundreds of records over three partitions with each
class of hostile record in the middle, and the service's database connections cut while it
applies them. Every valid record has exactly one effect (the effect table has no key that would
hide a second one) and every hostile record is in the DLQ with a reason."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.contract.base import ContractModel, KvkNummer
from shared.service import Context, Service
from shared.settings import Settings
from tests.poison import BUG, CANARY, poison_classes

pytestmark = pytest.mark.stack
VALID = 240
TYPE = "nl.waardigwerk.proef.ingediend"


class Proef(ContractModel):
    kvk_nummer: KvkNummer
    aantal: int


def envelope() -> list[tuple[str, bytes | None]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_source", b"urn:nld:test:proef"),
        ("ce_type", TYPE.encode()),
        ("ce_time", b"2026-12-03T10:00:00+01:00"),
        ("content-type", b"application/json"),
    ]


async def cut_connections(database_url: str, since: float) -> int:
    """pg_terminate_backend for every client connection opened since the service started."""
    conn = await asyncpg.connect(database_url)
    try:
        return int(
            await conn.fetchval(
                """SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()
                     AND backend_type = 'client backend' AND backend_start >= to_timestamp($1)""",
                since,
            )
        )
    finally:
        await conn.close()


async def test_big_batches_with_poison_and_cut_connections_apply_each_valid_record_once(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "0001_proef.sql").write_text("CREATE TABLE proef (kvk text NOT NULL, aantal int);")
    topic = f"waardigwerk.test.poison.{uuid.uuid4().hex[:8]}"
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    settings = Settings(
        kafka_bootstrap_servers=bootstrap, database_url=stack_env["DATABASE_URL"], waardigwerk_record_pogingen=3
    )
    service = Service(f"proef{uuid.uuid4().hex[:6]}", migrations=tmp_path, settings=settings)

    calls, cut = [0], [0]

    async def registreer(ctx: Context, proef: Proef) -> None:
        calls[0] += 1
        if calls[0] == VALID // 3 and not cut[0]:  # mid-batch, before its commit
            cut[0] = await cut_connections(stack_env["DATABASE_URL"], since)
        if proef.aantal == BUG:
            raise KeyError("a bug in the handler")
        await ctx.conn.execute("INSERT INTO proef (kvk, aantal) VALUES ($1, $2)", proef.kvk_nummer, proef.aantal)

    service.handles(topic, TYPE, model=Proef)(registreer)
    since = time.time()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()
    klassen = poison_classes(envelope())
    every = VALID // len(klassen)
    poison_at: dict[str, tuple[int, int]] = {}
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20)
    await producer.start()
    try:
        namen = iter(klassen)
        for i in range(VALID):
            value = json.dumps({"kvk_nummer": f"{10_000_000 + i}", "aantal": 1}).encode()
            await producer.send(topic, value, key=f"k{i}".encode(), headers=envelope(), partition=i % 3)
            if i % every == every // 2 and (naam := next(namen, None)) is not None:
                hdrs, value, key = klassen[naam]
                md = await (await producer.send(topic, value, key=key, headers=hdrs, partition=i % 3))
                poison_at[naam] = (md.partition, md.offset)
        await producer.flush()
    finally:
        await producer.stop()
    assert len(poison_at) == len(klassen)

    service.app()
    started = asyncio.get_running_loop().time()
    await service.broker.start()
    await service.start()
    try:
        for _ in range(1200):
            n = await service.pool.fetchval("SELECT count(*) FROM proef")
            dead = await service.pool.fetchval("SELECT count(*) FROM outbox WHERE topic = $1", f"{topic}.dlq")
            if n >= VALID and dead >= len(klassen):
                break
            await asyncio.sleep(0.25)
        await asyncio.sleep(1.0)  # a second effect would show up here
        rows = await service.pool.fetch("SELECT kvk, count(*) AS n FROM proef GROUP BY kvk")
        dead_rows = await service.pool.fetch("SELECT headers FROM outbox WHERE topic = $1", f"{topic}.dlq")
    finally:
        await service.broker.stop()
        await service.pool.execute(f'DROP SCHEMA "{service.schema}" CASCADE')
        await service.stop()
    print(f"{VALID} valid + {len(klassen)} poison in {asyncio.get_running_loop().time() - started:.1f} s, {cut[0]} cut")
    assert cut[0] > 0, "the connections were cut while a batch applied"
    counts = {r["kvk"]: r["n"] for r in rows}
    assert sorted(counts) == [f"{10_000_000 + i}" for i in range(VALID)], "every valid record applied"
    assert {n for n in counts.values()} == {1}, "and none twice"
    reasons = {}
    for r in dead_rows:
        h = dict(json.loads(r["headers"]))
        assert CANARY not in json.dumps(h)
        reasons[(int(h["dlq_partitie"]), int(h["dlq_offset"]))] = h["dlq_reden"]
    assert {naam: reasons.get(pos) for naam, pos in poison_at.items()} == {
        **{naam: "ongeldige_envelop" for naam in poison_at},
        "int_out_of_range": "ongeldige_inhoud",
        "handler_bug": "verwerkingsfout",
    }, "every hostile record dead-lettered with its reason"
    assert len(dead_rows) == len(poison_at), "each once, and nothing else"
