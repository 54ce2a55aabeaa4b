"""On the real broker: a record that arrives while a consumer handles a batch is handed out when
that batch is done, not after the broker's whole fetch wait, and one that arrives after an empty
wait at once, not after FastStream's pause (shared/prefetch.py)."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from faststream.kafka import KafkaBroker

from shared.prefetch import hands_out_at_once, hold_until_handed_out
from tests.waiting import until

pytestmark = pytest.mark.stack

FETCH_WAIT_MS = 5000  # long, so a record that waits for a fetch in flight is told from one that does not
HANDLING_S = 0.3  # a batch that takes longer than aiokafka's 0.1 s before it fetches without the partition


async def handed(handed_out: dict[bytes, float], value: bytes, within_s: float) -> float:
    """When `value` was handed out (waiting for it up to `within_s`)."""
    await until(lambda: value in handed_out, within_s, f"{value!r} not handed out within {within_s} s", every_s=0.01)
    return handed_out[value]


async def test_a_record_sent_during_a_batch_is_handed_out_after_it_not_after_the_fetch_wait(
    stack_env: dict[str, str],
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    busy, quiet = (f"waardigwerk.test.prefetch.{uuid.uuid4().hex[:8]}.{name}" for name in ("busy", "quiet"))
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    consumer = AIOKafkaConsumer(
        busy,
        quiet,  # a second topic without records keeps the fetch without the busy partition waiting
        bootstrap_servers=bootstrap,
        group_id=f"prefetch-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        fetch_max_wait_ms=FETCH_WAIT_MS,
    )
    handed_out: dict[bytes, float] = {}

    async def consume() -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=100)
            hold_until_handed_out(consumer)
            for records in batches.values():
                for record in records:
                    handed_out[record.value or b""] = time.monotonic()
            if batches:
                await asyncio.sleep(HANDLING_S)  # the service's work on the batch

    try:
        for topic in (busy, quiet):  # both exist before the consumer subscribes
            await producer.send_and_wait(topic, b"warm-up", partition=0)
        await consumer.start()
        task = asyncio.create_task(consume())
        try:
            await handed(handed_out, b"warm-up", 30)
            await asyncio.sleep(2 * HANDLING_S)  # every batch so far handled: the consumer waits in a fetch
            await producer.send_and_wait(busy, b"record-1", partition=0)
            await handed(handed_out, b"record-1", 10)
            await producer.send_and_wait(busy, b"2", partition=0)  # while 1 is handled
            await handed(handed_out, b"2", 10)
            await asyncio.sleep(0.05)
            sent = time.monotonic()
            await producer.send_and_wait(busy, b"3", partition=0)  # while 2 is handled
            waited = await handed(handed_out, b"3", 2 * FETCH_WAIT_MS / 1000) - sent
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        # 3 waits for 2's handling (0.25 s); had it waited for the fetch in flight, about FETCH_WAIT_MS
        assert waited < FETCH_WAIT_MS / 1000 / 2, f"record 3 handed out {waited:.2f} s after it was sent"
    finally:
        await consumer.stop()
        await producer.stop()


async def test_a_consumer_without_aiokafkas_fetcher_is_left_alone() -> None:
    class InMemory:  # FastStream's test broker hands batches from a consumer of its own
        pass

    consumer = InMemory()
    hold_until_handed_out(consumer)
    assert vars(consumer) == {}


BATCH_WAIT_MS = 3000  # FastStream's empty wait, long so a record held by the pause after it stands out


async def test_a_record_sent_after_an_empty_wait_is_handed_out_at_once(stack_env: dict[str, str]) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = f"waardigwerk.test.pause.{uuid.uuid4().hex[:8]}"
    handed_out: dict[bytes, float] = {}
    broker = KafkaBroker(bootstrap)
    subscriber = broker.subscriber(
        topic,
        group_id=f"pause-{uuid.uuid4().hex[:8]}",
        batch=True,
        batch_timeout_ms=BATCH_WAIT_MS,
        auto_offset_reset="earliest",
    )
    hands_out_at_once(subscriber)

    @subscriber
    async def handle(bodies: list[bytes]) -> None:
        for body in bodies:
            handed_out[body] = time.monotonic()

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    await broker.start()
    try:
        await producer.send_and_wait(topic, b"warm-up")
        await handed(handed_out, b"warm-up", 30)
        # the next wait ends empty after BATCH_WAIT_MS; stock FastStream then sleeps as long again
        await asyncio.sleep(BATCH_WAIT_MS / 1000 * 1.2)
        sent = time.monotonic()
        await producer.send_and_wait(topic, b"record-1")
        waited = await handed(handed_out, b"record-1", 3 * BATCH_WAIT_MS / 1000) - sent
        # asked again at once, the consumer hands it out as soon as it is fetched; with the pause about 2.4 s
        assert waited < BATCH_WAIT_MS / 1000 / 3, f"record-1 handed out {waited:.2f} s after it was sent"
    finally:
        await broker.stop()
        await producer.stop()
