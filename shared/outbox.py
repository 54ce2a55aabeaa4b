"""Transactional outbox and its relay.

`put` writes a record in the caller's transaction. The relay publishes unsent rows in id order
with an idempotent producer and marks them sent; it wakes on NOTIFY (sent by a trigger at
commit), with a slow poll as a safety net. A transaction-scoped advisory lock makes sure only
one relay per schema publishes at a time, so per-key order holds even with two instances.
`prune` deletes rows sent more than a number of days ago (the service's hourly housekeeping).

The relay never stops by itself: any failure of a round (broker gone, metadata errors, the
producer closed, the database gone, the LISTEN connection dropped) is logged, reported on the
relay's `TaskHealth` and retried with backoff. A row the broker can never accept (too large, an
invalid topic) is parked: `parked_at` and `parked_reason` are set, and the rows behind it go out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    InvalidTopicError,
    MessageSizeTooLargeError,
    ProducerClosed,
    RecordListTooLargeError,
    UnsupportedForMessageFormatError,
)

from shared import metrics
from shared.db import Conn
from shared.supervision import Backoff, TaskHealth

log = structlog.get_logger()
RELAY_LOCK = 727_001  # advisory lock id, per database; schemas are separated by the lock's second key
POLL_SECONDS = 2.0
ACQUIRE_TIMEOUT_S = 30.0  # a frozen database makes a round fail (and retry) instead of hanging
# Errors about one record that no retry can fix: the row is parked with the reason.
PERMANENT: tuple[type[BaseException], ...] = (
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    CorruptRecordException,
    UnsupportedForMessageFormatError,
)


OutboxRow = tuple[str, bytes | None, str, bytes | None, str | None, str | None]


def row(
    topic: str,
    key: str | bytes | None,
    headers: Sequence[tuple[str, bytes]],
    value: bytes | None,
    *,
    event_id: str | None = None,
    event_type: str | None = None,
) -> OutboxRow:
    """An outbox row's columns. The key is stored as bytes (a dead letter keeps any key unchanged);
    header values must be text PostgreSQL can store (no NUL), which `shared.envelope.dlq_headers`
    guarantees for a DLQ copy."""
    encoded = json.dumps([[k, v.decode("utf-8", "replace")] for k, v in headers])
    return (topic, key.encode() if isinstance(key, str) else key, encoded, value, event_id, event_type)


async def put(conn: Conn, row: OutboxRow) -> None:
    """One record (`row(...)`) in the caller's transaction (a handler's go through `shared.batch.Writes`)."""
    await conn.execute(
        "INSERT INTO outbox (topic, key, headers, value, event_id, event_type) VALUES ($1, $2, $3, $4, $5, $6)", *row
    )


async def prune(conn: Conn, keep_days: int) -> int:
    """Delete rows sent more than `keep_days` ago; returns how many. Unsent rows are never touched."""
    status = await conn.execute("DELETE FROM outbox WHERE sent_at < now() - make_interval(days => $1)", keep_days)
    return int(status.split()[-1])


@dataclass(frozen=True)
class Backlog:
    unsent: int
    oldest_unsent_age_s: float | None
    parked: int


async def backlog(conn: Conn | asyncpg.Pool) -> Backlog:
    """How many rows wait to be sent, how long the oldest has waited, and how many are parked."""
    row = await conn.fetchrow(
        "SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL) AS unsent, "
        "(SELECT extract(epoch FROM now() - created_at) FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL "
        " ORDER BY id LIMIT 1) AS oldest, "
        "(SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL) AS parked"
    )
    assert row is not None
    oldest = float(row["oldest"]) if row["oldest"] is not None else None
    return Backlog(int(row["unsent"]), oldest, int(row["parked"]))


class ListenerLost(ConnectionError):
    """The database closed the connection the relay LISTENs on."""


ProducerFactory = Callable[[], Awaitable[AIOKafkaProducer]]


# One relay per schema at a time (replicas keep the order): the lock taken in the same round trip
# as the read; a relay that does not get it reads nothing.
_UNSENT_IF_LOCKED = """
    WITH relay AS MATERIALIZED (SELECT pg_try_advisory_xact_lock($2, hashtext(current_schema())) AS holds)
    SELECT o.id, o.topic, o.key, o.headers, o.value FROM outbox o, relay
    WHERE relay.holds AND o.sent_at IS NULL AND o.parked_at IS NULL
    ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED"""


class Relay:
    """Publishes a schema's outbox. `renew_producer` (if given) replaces a producer that was closed."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        schema: str,
        batch: int = 500,
        *,
        poll_seconds: float = POLL_SECONDS,
        backoff_s: tuple[float, float] = (0.2, 5.0),  # a healed broker or database is used within 5 s
        renew_producer: ProducerFactory | None = None,
    ) -> None:
        self.pool, self.producer, self.schema, self.batch = pool, producer, schema, batch
        self.poll_seconds, self.backoff_s, self.renew_producer = poll_seconds, backoff_s, renew_producer
        self._wake = asyncio.Event()
        self.published = 0
        self.parked = 0
        self.listener_pid: int | None = None  # the backend LISTENing for this schema, while connected

    async def run(self, health: TaskHealth | None = None) -> None:
        """Publish for as long as the task runs; every failure is retried with backoff."""
        health = health or TaskHealth("relay")
        backoff = Backoff(*self.backoff_s)
        while True:
            try:
                await self._listen_and_publish(health, backoff)
            except Exception as exc:
                health.failed(exc)
                delay = backoff.next()
                log.warning("outbox_relay_retry", error=repr(exc), retry_in_s=delay)
                if isinstance(exc, ProducerClosed) and self.renew_producer is not None:
                    self.producer = await self.renew_producer()
                await asyncio.sleep(delay)

    async def _listen_and_publish(self, health: TaskHealth, backoff: Backoff) -> None:
        listener = await self.pool.acquire(timeout=ACQUIRE_TIMEOUT_S)
        lost = asyncio.Event()

        def on_lost(*_: object) -> None:
            lost.set()
            self._wake.set()

        try:
            listener.add_termination_listener(on_lost)
            await listener.add_listener(f"outbox_{self.schema}", self._notified)
            self.listener_pid = listener.get_server_pid()
            while True:
                # Cleared before the read: a NOTIFY from here on may be for rows the read does not see.
                self._wake.clear()
                sent = await self.publish_batch()
                health.ok()
                health.extra["published"], health.extra["parked"] = self.published, self.parked
                backoff.reset()
                if lost.is_set() or listener.is_closed():
                    raise ListenerLost(f"LISTEN connection (backend {self.listener_pid}) closed")
                if sent < self.batch:  # the outbox is empty now, unless a NOTIFY says otherwise
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
        finally:
            self.listener_pid = None
            try:
                listener.remove_termination_listener(on_lost)
                await listener.remove_listener(f"outbox_{self.schema}", self._notified)
            except Exception:
                listener.terminate()  # never back into the pool still LISTENing: the pool does not reset sessions
            with contextlib.suppress(Exception):
                await self.pool.release(listener, timeout=5)

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def publish_batch(self) -> int:
        """Publish one batch of unsent rows; returns how many were sent or parked.

        A transient failure of any record rolls the whole batch back (it is sent again; consumers
        drop the copies by ce_id). A permanent failure of one record parks that row only."""
        async with self.pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn, conn.transaction():
            rows = await conn.fetch(_UNSENT_IF_LOCKED, self.batch, RELAY_LOCK)
            if not rows:
                return 0
            parked: list[tuple[int, str]] = []
            pending: list[tuple[int, asyncio.Future[object]]] = []
            for row in rows:
                try:
                    future = await self.producer.send(
                        row["topic"],
                        value=row["value"],
                        key=row["key"].encode() if isinstance(row["key"], str) else row["key"],
                        headers=[(k, v.encode()) for k, v in json.loads(row["headers"])],
                    )
                except PERMANENT as exc:
                    parked.append((row["id"], repr(exc)[:1000]))
                    continue
                pending.append((row["id"], future))
            outcomes = await asyncio.gather(*(future for _, future in pending), return_exceptions=True)
            sent: list[int] = []
            for (row_id, _), outcome in zip(pending, outcomes, strict=True):
                if isinstance(outcome, PERMANENT):
                    parked.append((row_id, repr(outcome)[:1000]))
                elif isinstance(outcome, BaseException):
                    raise outcome
                else:
                    sent.append(row_id)
            await conn.execute("UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])", sent)
            if parked:
                await conn.executemany("UPDATE outbox SET parked_at = now(), parked_reason = $2 WHERE id = $1", parked)
        for row_id, reason in parked:
            log.error("outbox_row_parked", outbox_id=row_id, reason=reason, schema=self.schema)
        self.published += len(sent)
        self.parked += len(parked)
        metrics.OUTBOX_PUBLISHED.labels(self.schema).inc(len(sent))
        metrics.OUTBOX_PARKED.labels(self.schema).inc(len(parked))
        return len(rows)
