"""A batch that fails outside any handler (a bug, a lost connection the runtime does not know as
transient) is tried again after a pause, never skipped: on a real broker, over three partitions,
every record still has its one effect (the effect table has no key that would hide a second)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.contract.base import ContractModel, KvkNummer
from shared.db import Conn
from shared.envelope import CloudEvent
from shared.service import Context, Service
from shared.settings import Settings

pytestmark = pytest.mark.stack


class Proef(ContractModel):
    kvk_nummer: KvkNummer


class EenKeerStuk(Service):
    """Fails the first batch it is given, before anything is applied."""

    failures = 0

    async def _lock_batch(self, conn: Conn, events: Sequence[CloudEvent]) -> None:
        if self.failures == 0:
            self.failures += 1
            raise RuntimeError("unexpected failure outside a handler")
        await super()._lock_batch(conn, events)


async def test_a_failed_batch_is_read_again_and_applied_once(stack_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "0001_proef.sql").write_text("CREATE TABLE proef (kvk text NOT NULL);")
    topic = f"waardigwerk.test.batch.{uuid.uuid4().hex[:8]}"
    settings = Settings(
        kafka_bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"], database_url=stack_env["DATABASE_URL"]
    )
    service = EenKeerStuk(f"proef{uuid.uuid4().hex[:6]}", migrations=tmp_path, settings=settings)

    async def registreer(ctx: Context, proef: Proef) -> None:
        await ctx.conn.execute("INSERT INTO proef (kvk) VALUES ($1)", proef.kvk_nummer)

    service.handles(topic, "nl.waardigwerk.proef.ingediend", model=Proef)(registreer)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        for i in range(12):
            headers = [
                ("ce_specversion", b"1.0"),
                ("ce_id", str(uuid.uuid4()).encode()),
                ("ce_source", b"urn:nld:test:proef"),
                ("ce_type", b"nl.waardigwerk.proef.ingediend"),
                ("ce_time", b"2026-12-03T10:00:00+01:00"),
                ("content-type", b"application/json"),
            ]
            value = json.dumps({"kvk_nummer": f"{10_000_000 + i}"}).encode()
            await producer.send_and_wait(topic, value, key=b"k", headers=headers, partition=i % 3)
    finally:
        await producer.stop()
    service.app()
    await service.broker.start()
    await service.start()
    try:
        for _ in range(300):
            if await service.pool.fetchval("SELECT count(*) FROM proef") >= 12:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # a second effect would show up here
        rows = await service.pool.fetch("SELECT kvk FROM proef ORDER BY kvk")
    finally:
        await service.broker.stop()
        await service.pool.execute(f'DROP SCHEMA "{service.schema}" CASCADE')
        await service.stop()
    assert service.failures == 1
    assert [r["kvk"] for r in rows] == [f"{10_000_000 + i}" for i in range(12)], "nothing skipped, nothing twice"
