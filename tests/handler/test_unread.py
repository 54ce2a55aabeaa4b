"""On the real broker: a batch of only events a service has no use for (another service's types on
an internal topic) is passed over before FastStream dispatches it, and committed as applied; a
batch with anything the service takes, or a record from outside the platform, is handed out as
before (shared/prefetch.py, `Service._unread_on`)."""

from __future__ import annotations

import uuid
from itertools import chain
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition

from services.console.lezer import ConsoleService
from shared.service import Context, Service
from shared.settings import Settings
from tests.waiting import until

pytestmark = pytest.mark.stack

GENOMEN = "nl.waardigwerk.proef.genomen"  # the one type the service takes
ANDER = "nl.waardigwerk.proef.ander"  # another service's type on the same topic
PLATFORM = b"urn:nld:waardigwerk:inspectie"


def headers(ce_type: str, source: bytes = PLATFORM) -> list[tuple[str, bytes]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", uuid.uuid4().hex.encode()),
        ("ce_source", source),
        ("ce_type", ce_type.encode()),
    ]


async def test_a_batch_of_only_events_the_service_does_not_take_is_passed_over_and_committed(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = f"waardigwerk.intern.proef{uuid.uuid4().hex[:8]}"  # an internal topic
    settings = Settings(kafka_bootstrap_servers=bootstrap, waardigwerk_commit_every_ms=100)
    svc = Service("proef", migrations=tmp_path, settings=settings)

    async def genomen(ctx: Context, data: dict[str, Any]) -> None:
        pass

    svc.handles(topic, GENOMEN)(genomen)
    handed: list[list[str]] = []

    async def apply(records: tuple[Any, ...]) -> None:
        handed.append([dict(r.headers)["ce_type"].decode() for r in records])

    svc._subscribe([topic], f"test.{topic}", apply, unread=svc._unread_on([topic]))  # as Service.app does
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    await svc.broker.start()
    consumer: Any = next(iter(svc.broker.subscribers)).consumer  # type: ignore[attr-defined]
    try:
        for _ in range(30):
            await producer.send_and_wait(topic, b"{}", partition=0, headers=headers(ANDER))
        await until(lambda: svc.commits.commits > 0 and not svc.commits._pending, within_s=20)
        offsets = 30
        assert await consumer.committed(TopicPartition(topic, 0)) == offsets, "passed over and committed as applied"
        assert handed == [], "no batch of only unread records reached the service"

        await producer.send_and_wait(topic, b"{}", partition=0, headers=headers(ANDER, source=b"urn:partner"))
        await until(lambda: bool(handed), within_s=20)
        assert handed == [[ANDER]], "a record from outside the platform is handed out (it is dead-lettered there)"

        await producer.send_and_wait(topic, b"{}", partition=0, headers=headers(ANDER))
        await producer.send_and_wait(topic, b"{}", partition=0, headers=headers(GENOMEN))
        await until(lambda: GENOMEN in chain.from_iterable(handed), within_s=20)
    finally:
        await svc.commits.close()
        await svc.broker.stop()
        await producer.stop()
    assert list(chain.from_iterable(handed[1:])) in ([GENOMEN], [ANDER, GENOMEN]), (
        "what the service takes is handed out"
    )


async def test_the_console_is_handed_every_event_of_the_internal_topics(
    stack_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console has no route for what it projects (it reads every event), so nothing is passed over."""
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    console = ConsoleService("console", migrations=tmp_path, settings=Settings(kafka_bootstrap_servers=bootstrap))
    ids: set[bytes | None] = set()

    async def consume(records: tuple[Any, ...]) -> None:
        ids.update(dict(r.headers).get("ce_id") for r in records)  # earlier tests' hostile records have none

    monkeypatch.setattr(console, "consume", consume)
    console.abonneer(generatie=int(uuid.uuid4().int % 1_000_000) + 1_000_000)  # a group of its own
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    await console.broker.start()
    consumer: Any = next(iter(console.broker.subscribers)).consumer  # type: ignore[attr-defined]
    topic = "waardigwerk.intern.inspectie"

    async def caught_up() -> bool:
        """The console has read the topic's history, so the next record comes in a batch of its own."""
        parts = [tp for tp in consumer.assignment() if tp.topic == topic]
        ends = await consumer.end_offsets(parts) if parts else {}
        return bool(parts) and all([await consumer.position(tp) >= ends[tp] for tp in parts])

    try:
        await until(caught_up, within_s=60)
        sent = headers("nl.waardigwerk.inspectie.gepland")
        await producer.send_and_wait(topic, b"{}", headers=sent)
        await until(lambda: dict(sent)["ce_id"] in ids, within_s=20)
    finally:
        await console.commits.close()
        await console.broker.stop()
        await producer.stop()
