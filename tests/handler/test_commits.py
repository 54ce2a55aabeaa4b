"""Offsets of applied batches go to the broker together, a moment later, not once per batch, on the
real broker: a trickle of one-record batches costs a few commit requests, the group's committed
offset ends after the last applied record, and a batch that failed is read again, never committed past."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition

from shared.service import Service
from shared.settings import Settings

pytestmark = pytest.mark.stack


async def until(condition: Any, within_s: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_a_trickle_of_batches_is_committed_together_and_a_failed_batch_is_read_again(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    topic = f"waardigwerk.test.commits.{uuid.uuid4().hex[:8]}"
    group = f"test.{topic}"
    settings = Settings(kafka_bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"], waardigwerk_commit_every_ms=500)
    svc = Service("proef", migrations=tmp_path, settings=settings)
    applied: list[bytes] = []
    failed_once: list[bytes] = []
    batches = 0

    async def apply(records: tuple[Any, ...]) -> None:
        nonlocal batches
        for r in records:
            if r.value == b"7" and not failed_once:
                failed_once.append(r.value)
                raise RuntimeError("the database went away")  # the whole batch fails, nothing applied
        batches += 1
        applied.extend(r.value for r in records)

    svc._subscribe([topic], group, apply)
    producer = AIOKafkaProducer(bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"])
    await producer.start()
    await svc.broker.start()
    try:
        for i in range(20):
            await producer.send_and_wait(topic, str(i).encode(), partition=0)
            await asyncio.sleep(0.05)
        await until(lambda: len(applied) >= 20)
        await until(lambda: svc.commits.commits > 0 and not svc.commits._pending, within_s=5)
        assert sorted(applied, key=int) == [str(i).encode() for i in range(20)], "each record applied once"
        assert failed_once == [b"7"], "the failed batch was read again"
        consumer = next(iter(svc.broker.subscribers)).consumer
        assert await consumer.committed(TopicPartition(topic, 0)) == 20, "committed after the last applied record"
        assert svc.commits.commits * 3 <= batches, f"{svc.commits.commits} commits for {batches} batches"
    finally:
        await svc.commits.close()
        await svc.broker.stop()
        await producer.stop()
