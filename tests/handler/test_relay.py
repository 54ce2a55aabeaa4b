"""The outbox relay against a real PostgreSQL (and, where it says so, the real broker).

It must never stop quietly: a failure of its loop is retried for as long as the service runs, a
row the broker can never accept is moved aside with its reason while the rows behind it go out,
and the LISTEN connection is opened again when the database drops it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    KafkaTimeoutError,
    NodeNotReadyError,
    TopicAuthorizationFailedError,
    UnknownTopicOrPartitionError,
)

from deploy.local.topics import TopicPlan, topic_configs
from shared import outbox
from shared.service import Service
from shared.settings import Settings
from shared.supervision import TaskHealth
from shared.topics import dlq
from tests.handler.test_batch_apply import Statements
from tests.waiting import until

pytestmark = pytest.mark.stack


@pytest.fixture
async def storage(stack_env: dict[str, str], tmp_path: Path) -> AsyncIterator[asyncpg.Pool]:
    """A schema of its own with the kernel's tables (outbox, inbox, timers)."""
    svc = Service("proef", migrations=tmp_path, settings=Settings(database_url=stack_env["DATABASE_URL"]))
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    await svc.open_storage()
    yield svc.pool
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


async def put(pool: asyncpg.Pool, topic: str, value: bytes, key: str = "k") -> None:
    async with pool.acquire() as conn:
        await outbox.put(conn, outbox.row(topic, key, [("ce_id", str(uuid.uuid4()).encode())], value))


async def rows(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT id, sent_at, parked_at, parked_reason FROM outbox ORDER BY id")


class FlakyProducer:
    """Fails the first sends the way a broker outage does, then accepts everything."""

    def __init__(self, failures: list[BaseException]) -> None:
        self.failures = failures
        self.sent: list[tuple[str, bytes | None]] = []

    async def send(self, topic: str, value: bytes | None = None, **_: Any) -> asyncio.Future[None]:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((topic, value))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    async def partitions_for(self, topic: str) -> set[int]:
        return {0}


async def test_a_record_too_large_for_the_broker_is_parked_and_the_relay_goes_on(
    storage: asyncpg.Pool, stack_env: dict[str, str]
) -> None:
    topic = f"waardigwerk.test.relay.{uuid.uuid4().hex[:8]}"
    await put(storage, topic, b"x" * 1_048_600)  # over the 1 MiB limit of a topic that is not a DLQ
    await put(storage, topic, b'{"na": "de grote"}')
    producer = AIOKafkaProducer(
        bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"], enable_idempotence=True, acks="all"
    )
    await producer.start()
    health = TaskHealth("relay")
    relay = outbox.Relay(storage, producer, (await storage.fetchval("SELECT current_schema()")))
    task = asyncio.create_task(relay.run(health))
    try:

        async def both_handled() -> bool:
            return all(r["sent_at"] or r["parked_at"] for r in await rows(storage))

        await until(both_handled)
        big, small = await rows(storage)
        assert big["sent_at"] is None and "MessageSizeTooLarge" in big["parked_reason"]
        assert small["sent_at"] is not None and small["parked_at"] is None
        assert not task.done()
        assert (await outbox.backlog(storage)).parked == 1
    finally:
        task.cancel()
        await producer.stop()


async def test_a_dead_letter_of_a_record_at_the_brokers_limit_reaches_its_dlq_topic(
    storage: asyncpg.Pool, stack_env: dict[str, str]
) -> None:
    """A record the broker just accepted (value near its 1 MiB limit) grows by its reason headers
    when it is dead-lettered: the DLQ topics take larger records, and the relay's producer sends them."""
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    source = f"waardigwerk.test.relay.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(name, 1, 1, topic_configs=topic_configs(name, TopicPlan(1, 1, 1)))
                for name in (source, dlq(source))
            ]
        )
    finally:
        await admin.close()
    value = b"x" * 1_048_000
    partner = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await partner.start()
    try:
        await partner.send_and_wait(source, value, key=b"k")  # what a partner could send: accepted
    finally:
        await partner.stop()
    reasons = [("ce_id", b"e" * 200), *((f"dlq_{i}", b"d" * 1000) for i in range(4))]
    async with storage.acquire() as conn:
        await outbox.put(conn, outbox.row(dlq(source), b"k", reasons, value, event_type="dlq"))
    svc = Service("proef", migrations=Path("."), settings=Settings(kafka_bootstrap_servers=bootstrap))
    producer = await svc._new_producer()
    relay = outbox.Relay(storage, producer, (await storage.fetchval("SELECT current_schema()")))
    consumer = AIOKafkaConsumer(dlq(source), bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    try:
        assert await relay.publish_batch() == 1
        (row,) = await rows(storage)
        assert row["parked_at"] is None and row["sent_at"] is not None, row["parked_reason"]
        await consumer.start()
        got = await asyncio.wait_for(consumer.getone(), 30)
        assert got.value == value and dict(got.headers)["dlq_0"] == b"d" * 1000
    finally:
        await consumer.stop()
        await producer.stop()


async def test_a_record_over_the_limit_of_its_topic_is_parked_and_the_next_record_of_its_partition_goes_out(
    storage: asyncpg.Pool, stack_env: dict[str, str]
) -> None:
    """The relay's producer takes records up to the DLQ topics' 2 MiB, so a larger record for a
    topic with the broker's 1 MiB limit must be parked before it reaches the broker: a batch the
    broker refuses uses up a sequence number of the idempotent producer, which aiokafka does not
    wind back, and every later batch of that partition would be refused for good."""
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = f"waardigwerk.test.relay.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1, topic_configs=topic_configs(topic, TopicPlan(1, 1, 1)))])
    finally:
        await admin.close()
    await put(storage, topic, b"x" * 1_500_000)
    await put(storage, topic, b'{"na": "de grote"}')
    svc = Service("proef", migrations=Path("."), settings=Settings(kafka_bootstrap_servers=bootstrap))
    producer = await svc._new_producer()
    relay = outbox.Relay(storage, producer, (await storage.fetchval("SELECT current_schema()")))
    try:
        for value in (None, b'{"later": 1}', b'{"later": 2}'):
            if value is not None:
                await put(storage, topic, value)
            with contextlib.suppress(Exception):  # a failing round is the defect; the marks below say so
                await asyncio.wait_for(relay.publish_batch(), 60)
    finally:
        await producer.stop()
    big, *rest = await rows(storage)
    assert big["sent_at"] is None and "MessageSizeTooLarge" in (big["parked_reason"] or "")
    assert [r["sent_at"] is not None for r in rest] == [True, True, True], "the records behind it went out"


async def test_broker_failures_are_retried_until_they_pass(storage: asyncpg.Pool) -> None:
    await put(storage, "waardigwerk.test.relay", b"{}")
    producer = FlakyProducer([KafkaTimeoutError(), NodeNotReadyError("node 1"), KafkaTimeoutError()])
    health = TaskHealth("relay")
    relay = outbox.Relay(storage, producer, "proef", backoff_s=(0.05, 0.1))  # type: ignore[arg-type]
    task = asyncio.create_task(relay.run(health))
    try:

        async def sent() -> bool:
            return all(r["sent_at"] for r in await rows(storage))

        await until(sent)
        assert producer.sent == [("waardigwerk.test.relay", b"{}")]
        assert health.failing_since is None and health.last_error is None
        assert not task.done()
    finally:
        task.cancel()


class RefusingProducer(FlakyProducer):
    """Refuses one topic the way a broker without a write ACL for it does, until `allowed`."""

    def __init__(self, refused: str) -> None:
        super().__init__([])
        self.refused, self.allowed = refused, False

    async def send(self, topic: str, value: bytes | None = None, **kw: Any) -> asyncio.Future[None]:
        if topic == self.refused and not self.allowed:
            raise TopicAuthorizationFailedError(topic)
        return await super().send(topic, value, **kw)

    async def partitions_for(self, topic: str) -> set[int]:
        if topic == self.refused and not self.allowed:
            raise TopicAuthorizationFailedError(topic)
        return {0}


async def test_a_topic_the_broker_refuses_waits_alone_and_the_rows_of_other_topics_go_out_once(
    storage: asyncpg.Pool,
) -> None:
    for topic, value in [("t.open", b"1"), ("t.dicht", b"2"), ("t.open", b"3"), ("t.dicht", b"4"), ("t.open", b"5")]:
        await put(storage, topic, value)
    producer = RefusingProducer("t.dicht")
    health = TaskHealth("relay")
    relay = outbox.Relay(storage, producer, "proef", backoff_s=(0.01, 0.02), hold_s=(0.05, 0.1))  # type: ignore[arg-type]
    task = asyncio.create_task(relay.run(health))
    try:

        async def open_sent() -> bool:
            return [v for t, v in producer.sent if t == "t.open"] == [b"1", b"3", b"5"]

        await until(open_sent)
        await asyncio.sleep(0.5)  # several rounds, and the held topic tried again in them
        assert producer.sent == [("t.open", b"1"), ("t.open", b"3"), ("t.open", b"5")], "each once, nothing re-sent"
        unsent = await storage.fetch("SELECT topic, value FROM outbox WHERE sent_at IS NULL ORDER BY id")
        assert [(r["topic"], r["value"]) for r in unsent] == [("t.dicht", b"2"), ("t.dicht", b"4")]
        assert (await outbox.backlog(storage)).parked == 0, "waiting, not given up: an ACL can be granted"
        assert "TopicAuthorizationFailed" in health.extra["held_topics"]["t.dicht"]
        producer.allowed = True

        async def all_sent() -> bool:
            return all(r["sent_at"] for r in await rows(storage))

        await until(all_sent)
        assert [v for t, v in producer.sent if t == "t.dicht"] == [b"2", b"4"], "in order, once"
        await until(lambda: not health.extra["held_topics"], why="the hold is lifted once the topic takes rows")
    finally:
        task.cancel()


class UnknownTopicProducer(FlakyProducer):
    """A topic the broker does not have: asking for it waits for metadata (shortened here) before
    it fails, as aiokafka waits up to its request timeout (40 s)."""

    def __init__(self, unknown: str) -> None:
        super().__init__([])
        self.unknown, self.tries = unknown, 0

    async def send(self, topic: str, value: bytes | None = None, **kw: Any) -> asyncio.Future[None]:
        if topic == self.unknown:
            self.tries += 1
            await asyncio.sleep(0.3)
            raise UnknownTopicOrPartitionError()
        return await super().send(topic, value, **kw)

    async def partitions_for(self, topic: str) -> set[int]:
        if topic == self.unknown:
            await asyncio.sleep(30)
        return {0}


async def test_a_held_unknown_topic_is_probed_briefly_not_waited_for_in_every_round(storage: asyncpg.Pool) -> None:
    """Once a topic is known to be missing, trying it again must not hold up the round for the
    whole metadata wait each time: a short metadata probe decides whether its rows are sent."""
    await put(storage, "t.weg", b"1")
    producer = UnknownTopicProducer("t.weg")
    relay = outbox.Relay(storage, producer, "proef", hold_s=(0.05, 0.05), probe_s=0.05)  # type: ignore[arg-type]
    task = asyncio.create_task(relay.run(TaskHealth("relay")))
    try:
        for i in range(5):
            await asyncio.sleep(0.2)
            await put(storage, "t.open", str(i).encode())
        await until(lambda: len(producer.sent) == 5, why="every row of the open topic went out")
        assert producer.tries == 1, "the missing topic was waited for once, then only probed"
        assert "UnknownTopicOrPartition" in relay.held["t.weg"].reason
    finally:
        task.cancel()


async def test_a_relay_that_keeps_failing_says_so(storage: asyncpg.Pool) -> None:
    await put(storage, "waardigwerk.test.relay", b"{}")
    producer = FlakyProducer([KafkaTimeoutError() for _ in range(1000)])
    health = TaskHealth("relay")
    relay = outbox.Relay(storage, producer, "proef", backoff_s=(0.01, 0.02))  # type: ignore[arg-type]
    task = asyncio.create_task(relay.run(health))
    try:

        async def failing() -> bool:
            return health.failing_since is not None

        await until(failing)
        assert "KafkaTimeoutError" in (health.last_error or "")
        assert health.problem(grace_s=0.0) is not None
        assert not task.done()
    finally:
        task.cancel()


async def test_the_listen_connection_is_opened_again_after_the_database_drops_it(storage: asyncpg.Pool) -> None:
    producer = FlakyProducer([])
    relay = outbox.Relay(storage, producer, "proef", poll_seconds=120.0, backoff_s=(0.05, 0.1))  # type: ignore[arg-type]
    relay.schema = await storage.fetchval("SELECT current_schema()")
    task = asyncio.create_task(relay.run(TaskHealth("relay")))
    try:

        async def listening() -> bool:
            return relay.listener_pid is not None

        await until(listening)
        first = relay.listener_pid
        await storage.execute("SELECT pg_terminate_backend($1)", first)

        async def listening_again() -> bool:
            return relay.listener_pid not in (None, first)

        await until(listening_again)
        await asyncio.sleep(0.3)  # LISTEN is registered on the new connection
        await put(storage, "waardigwerk.test.relay", json.dumps({"na": "herstart"}).encode())

        async def sent() -> bool:
            return all(r["sent_at"] for r in await rows(storage))

        await until(sent, within_s=10.0)  # a NOTIFY wake-up, not the 120 s poll
    finally:
        task.cancel()


class CountingRelay(outbox.Relay):
    """The relay as it is, counting its reads of the outbox."""

    reads = 0

    async def _publish(self, conn: Any) -> int:
        self.reads += 1
        return await super()._publish(conn)


async def test_a_relay_that_emptied_the_outbox_reads_it_again_only_when_notified(storage: asyncpg.Pool) -> None:
    for i in range(3):
        await put(storage, "waardigwerk.test.relay", f'{{"n": {i}}}'.encode())
    producer = FlakyProducer([])
    schema = await storage.fetchval("SELECT current_schema()")  # the channel the outbox's trigger notifies
    relay = CountingRelay(storage, producer, schema, poll_seconds=60)  # type: ignore[arg-type]
    task = asyncio.create_task(relay.run())
    try:

        async def sent(n: int) -> bool:
            return len(producer.sent) == n

        await until(lambda: sent(3))
        await asyncio.sleep(0.5)
        assert relay.reads == 1, "a batch smaller than the limit emptied the outbox: no second, empty read"
        await put(storage, "waardigwerk.test.relay", b'{"n": 3}')  # the outbox's trigger notifies
        await until(lambda: sent(4))
        assert relay.reads == 2
    finally:
        task.cancel()


async def test_a_relay_without_the_schemas_relay_lock_reads_nothing(storage: asyncpg.Pool) -> None:
    await put(storage, "waardigwerk.test.relay", b"{}")
    producer = FlakyProducer([])
    relay = outbox.Relay(storage, producer, "proef")  # type: ignore[arg-type]
    async with storage.acquire() as other, other.transaction():  # another replica's relay, mid-batch
        await other.execute("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", outbox.RELAY_LOCK)
        assert await relay.publish_batch() == 0
        assert producer.sent == []
    assert await relay.publish_batch() == 1
    assert producer.sent == [("waardigwerk.test.relay", b"{}")]


@dataclass
class Counted:
    """A relay with the default polls on a pool of its own whose statements are logged."""

    storage: asyncpg.Pool
    pool: asyncpg.Pool
    statements: Statements
    producer: FlakyProducer
    schema: str

    @contextlib.asynccontextmanager
    async def relay_running(self) -> AsyncIterator[outbox.Relay]:
        relay = outbox.Relay(self.pool, self.producer, self.schema)  # type: ignore[arg-type]
        task = asyncio.create_task(relay.run())
        try:
            yield relay
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


@pytest.fixture
async def counted(storage: asyncpg.Pool, stack_env: dict[str, str]) -> AsyncIterator[Counted]:
    schema = await storage.fetchval("SELECT current_schema()")
    statements = Statements()
    pool = await statements.pool(stack_env["DATABASE_URL"], schema)
    yield Counted(storage, pool, statements, FlakyProducer([]), schema)
    await pool.close()


async def test_a_round_that_sends_costs_one_read_and_one_mark(counted: Counted) -> None:
    """The relay that holds the schema's lock reads and marks on its own connection: no transaction
    around the round, no connection borrowed per round."""
    storage, statements, producer = counted.storage, counted.statements, counted.producer
    async with counted.relay_running():
        for n in (1, 2):
            await asyncio.sleep(0.3)  # LISTEN registered, the first round done
            statements.queries.clear()
            await put(storage, "waardigwerk.test.relay", f'{{"n": {n}}}'.encode())
            await until(lambda n=n: _sent(producer, n))
            await until(lambda: _all_marked(storage))
        assert len(statements.queries) == 2, statements.queries


async def _sent(producer: FlakyProducer, n: int) -> bool:
    return len(producer.sent) == n


async def _all_marked(pool: asyncpg.Pool) -> bool:
    return all(r["sent_at"] for r in await rows(pool))


async def test_the_relay_that_holds_the_lock_runs_no_statement_at_rest(counted: Counted) -> None:
    """At rest the holder waits for a NOTIFY (its safety net is HOLDER_POLL_SECONDS), and a row put
    after that is still sent at once."""
    async with counted.relay_running():
        await asyncio.sleep(0.5)  # LISTEN registered, the lock taken, the empty outbox read
        counted.statements.queries.clear()
        await asyncio.sleep(outbox.POLL_SECONDS + 1.5)
        assert counted.statements.queries == [], "the holder polled the empty outbox"
        await put(counted.storage, "waardigwerk.test.relay", b'{"n": 1}')
        await until(lambda: _sent(counted.producer, 1), within_s=5.0)
