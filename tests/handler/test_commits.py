"""Offsets of applied batches go to the broker together, a moment later, not once per batch, on the
real broker: a trickle of one-record batches costs a few commit requests, the group's committed
offset ends after the last applied record, and a batch that failed is read again, never committed past."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from shared.commits import LazyCommits
from shared.service import Service
from shared.settings import Settings
from tests.waiting import until

pytestmark = pytest.mark.stack


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


async def test_a_commit_held_up_does_not_land_after_a_later_one(stack_env: dict[str, str]) -> None:
    """A flush whose commit is held up (aiokafka retries a failed commit after a backoff, outside its
    commit lock) and the flush before the consumers stop: the later offset stays committed."""
    topic = f"waardigwerk.test.commits.{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"])
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        group_id=f"test.{topic}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await producer.start()
    try:
        for i in range(10):
            await producer.send_and_wait(topic, str(i).encode(), partition=0)
        await consumer.start()
        records: list[ConsumerRecord[Any, Any]] = []
        while len(records) < 10:
            records += (await consumer.getmany(timeout_ms=1000)).get(TopicPartition(topic, 0), [])
        commit = consumer.commit
        held: list[dict[TopicPartition, int]] = []

        async def held_up_first(offsets: dict[TopicPartition, int]) -> None:
            if not held:
                held.append(offsets)
                await asyncio.sleep(0.5)  # the first commit reaches the broker late
            await commit(offsets)

        consumer.commit = held_up_first
        commits = LazyCommits(every_s=0.01)
        commits.applied(consumer, records[:5])
        await until(lambda: bool(held))  # the timed flush is under way, its commit held up
        commits.applied(consumer, records[5:])
        await commits.close()
        await asyncio.sleep(0.6)  # whatever was held up has landed by now
        assert held == [{TopicPartition(topic, 0): 5}], "the first flush committed the first five"
        assert await consumer.committed(TopicPartition(topic, 0)) == 10, "the later offset stays committed"
    finally:
        await consumer.stop()
        await producer.stop()
