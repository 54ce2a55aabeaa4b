"""A consumer's fetch wait on the real broker: short from a batch on, long again once idle."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer

from shared.fetch_pace import FetchPace

pytestmark = pytest.mark.stack


async def wait_of(consumer: AIOKafkaConsumer) -> int:
    return int(consumer._fetcher._fetch_max_wait_ms)


async def test_the_wait_is_short_after_a_batch_and_long_again_when_no_batch_follows(
    stack_env: dict[str, str],
) -> None:
    consumer = AIOKafkaConsumer(
        f"waardigwerk.test.tempo.{uuid.uuid4().hex[:8]}",
        bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        fetch_max_wait_ms=500,
    )
    await consumer.start()
    try:
        pace = FetchPace(busy_ms=50, idle_ms=500, idle_after_s=3.0)
        assert await wait_of(consumer) == 500
        pace.records_seen(consumer)
        assert await wait_of(consumer) == 50
        await asyncio.sleep(1.0)
        pace.records_seen(consumer)  # a second batch within the idle time: still short, the rest starts again
        await asyncio.sleep(1.0)
        assert await wait_of(consumer) == 50
        for _ in range(100):
            if await wait_of(consumer) == 500:
                break
            await asyncio.sleep(0.1)
        assert await wait_of(consumer) == 500
    finally:
        await consumer.stop()


async def test_a_consumer_without_aiokafkas_fetcher_is_left_alone() -> None:
    class InMemory:  # FastStream's test broker hands batches from a consumer of its own
        pass

    consumer = InMemory()
    FetchPace(busy_ms=50, idle_ms=500).records_seen(consumer)
    assert vars(consumer) == {}
