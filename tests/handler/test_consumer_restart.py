"""A consumer whose group coordination ended for good (aiokafka then raises the stored error on every
fetch while FastStream's loop goes on) is reported as a problem and started anew, on the real broker."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from shared import health
from shared.service import restart_lost_consumers
from tests.waiting import until

pytestmark = pytest.mark.stack


async def test_a_consumer_that_lost_its_group_is_reported_and_started_anew(stack_env: dict[str, str]) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = f"waardigwerk.test.groep.{uuid.uuid4().hex[:8]}"
    received: list[bytes] = []
    broker = KafkaBroker(bootstrap)
    subscriber = broker.subscriber(topic, group_id=f"test.{topic}", auto_offset_reset="earliest")

    @subscriber
    async def handle(body: bytes) -> None:
        received.append(body)

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    await broker.start()
    try:
        await producer.send_and_wait(topic, b"voor")
        await until(lambda: received == [b"voor"])
        assert health.consumers_problems(broker) == []

        lost = subscriber.consumer
        lost._coordinator._coordination_task.cancel()  # coordination ends under the consumer, as on that error
        await until(lambda: health.coordination_ended(subscriber))
        assert any("group coordination ended" in p for p in health.consumers_problems(broker))

        assert await restart_lost_consumers(broker) != []
        assert subscriber.consumer is not lost
        assert health.consumers_problems(broker) == []
        await producer.send_and_wait(topic, b"na")
        await until(lambda: b"na" in received, within_s=60)  # "voor" may come again: not committed yet
    finally:
        await broker.stop()
        await producer.stop()
