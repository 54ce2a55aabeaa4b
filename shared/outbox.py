"""Transactional outbox and its relay.

`put` writes a record in the caller's transaction. The relay publishes unsent rows in id order with
an idempotent producer and marks them sent; it wakes on NOTIFY (sent by a trigger at commit), with a
slow poll as a safety net (30 s; a relay without the lock tries to take it every 2 s). Only one
relay per schema publishes, so per-key order holds even with two instances: the one that holds the
schema's advisory lock, a session lock on the connection it LISTENs on. A round of that relay is two
statements on that connection, the read and the mark, without a transaction around them; the other
relays only try the lock. The connection is closed, never given back to the pool, when the relay
lets go of it, so the lock ends with it; if it ends in the middle of a round, rows sent but not yet
marked are sent again by the next holder (consumers drop the copies by ce_id).
`prune` deletes rows sent more than a number of days ago (the service's hourly housekeeping).

The relay never stops by itself: any failure of a round (broker gone, metadata errors, the
producer closed, the database gone, the LISTEN connection dropped) is logged, reported on the
relay's `TaskHealth` and retried with backoff. A row the broker can never accept (too large, an
invalid topic) is parked: `parked_at` and `parked_reason` are set, and the rows behind it go out.
A topic the broker refuses for now (no write ACL, the topic does not exist) is *held*: its rows wait,
in order, and it is tried again with a backoff of its own (1 s doubling to 60 s), while the rows of
every other topic go out; the relay's health names it (`held_topics`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
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
    TopicAuthorizationFailedError,
    UnknownTopicOrPartitionError,
    UnsupportedForMessageFormatError,
)

from shared import metrics
from shared.db import Conn
from shared.supervision import Backoff, TaskHealth

log = structlog.get_logger()
RELAY_LOCK = 727_001  # advisory lock id, per database; schemas are separated by the lock's second key
POLL_SECONDS = 2.0  # how often a relay without the schema's lock tries to take it (a standby replica)
HOLDER_POLL_SECONDS = 30.0  # the safety net of the relay that holds it: every commit NOTIFYs its LISTEN
ACQUIRE_TIMEOUT_S = 30.0  # a frozen database makes a round fail (and retry) instead of hanging
# Errors about one record that no retry can fix: the row is parked with the reason.
PERMANENT: tuple[type[BaseException], ...] = (
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    CorruptRecordException,
    UnsupportedForMessageFormatError,
)
# Errors about one topic that an operator can mend (grant the ACL, create the topic): the topic is held.
TOPIC_REFUSED: tuple[type[BaseException], ...] = (TopicAuthorizationFailedError, UnknownTopicOrPartitionError)
# A held topic is tried again only once its metadata answers within this: the producer's own wait for
# a missing topic's metadata is its request timeout (40 s), which would hold up the whole round.
PROBE_S = 2.0


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


PRUNE_CHUNK = 5000  # rows per statement: each one short, whatever a week of sent rows holds

_PRUNE = """DELETE FROM outbox WHERE id IN (
              SELECT id FROM outbox WHERE sent_at < now() - make_interval(days => $1) ORDER BY id LIMIT $2)"""


async def prune(conn: Conn, keep_days: int, chunk: int = PRUNE_CHUNK) -> int:
    """Delete rows sent more than `keep_days` ago, `chunk` rows a statement (outside a transaction,
    so each commits and none runs into the statement timeout); returns how many. Unsent rows are
    never touched."""
    total = 0
    while True:
        deleted = int((await conn.execute(_PRUNE, keep_days, chunk)).split()[-1])
        total += deleted
        if deleted < chunk:
            return total


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


@dataclass
class _Hold:
    backoff: Backoff
    reason: str = ""
    until: float = 0.0


class ListenerLost(ConnectionError):
    """The database closed the connection the relay LISTENs on."""


ProducerFactory = Callable[[], Awaitable[AIOKafkaProducer]]


# One relay per schema at a time (replicas keep the order): the schema's lock, held by the session.
_TRY_LOCK = "SELECT pg_try_advisory_lock($1, hashtext(current_schema()))"
_UNSENT = """SELECT id, topic, key, headers, value FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL
             AND topic <> ALL($2::text[]) ORDER BY id LIMIT $1"""
# Sent rows get `sent_at`, parked ones `parked_at` and their reason: one statement for the round.
_MARK = """UPDATE outbox o SET sent_at = CASE WHEN m.reason IS NULL THEN now() END,
                               parked_at = CASE WHEN m.reason IS NOT NULL THEN now() END,
                               parked_reason = m.reason
           FROM unnest($1::bigint[], $2::text[]) AS m(id, reason) WHERE o.id = m.id"""


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
        holder_poll_seconds: float = HOLDER_POLL_SECONDS,
        backoff_s: tuple[float, float] = (0.2, 5.0),  # a healed broker or database is used within 5 s
        hold_s: tuple[float, float] = (1.0, 60.0),  # a refused topic is tried again this often
        probe_s: float = PROBE_S,
        renew_producer: ProducerFactory | None = None,
    ) -> None:
        self.pool, self.producer, self.schema, self.batch = pool, producer, schema, batch
        self.poll_seconds, self.backoff_s, self.renew_producer = poll_seconds, backoff_s, renew_producer
        self.holder_poll_seconds, self.hold_s, self.probe_s = holder_poll_seconds, hold_s, probe_s
        self.held: dict[str, _Hold] = {}  # topic -> why and until when its rows wait
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
        holds = False

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
                holds = holds or await listener.fetchval(_TRY_LOCK, RELAY_LOCK)
                sent = await self._publish(listener) if holds else 0
                health.ok()
                health.extra["published"], health.extra["parked"] = self.published, self.parked
                health.extra["holds_lock"] = holds
                health.extra["held_topics"] = {topic: hold.reason for topic, hold in self.held.items()}
                backoff.reset()
                if lost.is_set() or listener.is_closed():
                    raise ListenerLost(f"LISTEN connection (backend {self.listener_pid}) closed")
                if sent < self.batch:  # the outbox is empty now, unless a NOTIFY says otherwise
                    with contextlib.suppress(TimeoutError):
                        poll = self.holder_poll_seconds if holds else self.poll_seconds
                        await asyncio.wait_for(self._wake.wait(), min(poll, self._next_hold_ends()))
        finally:
            self.listener_pid = None
            listener.terminate()  # its LISTEN and its lock end with it: never back into the pool with them
            with contextlib.suppress(Exception):
                await self.pool.release(listener, timeout=5)

    def _notified(self, *_: object) -> None:
        self._wake.set()

    def _hold(self, topic: str, exc: BaseException) -> None:
        hold = self.held.get(topic) or _Hold(Backoff(*self.hold_s))
        hold.reason, hold.until = repr(exc)[:1000], time.monotonic() + hold.backoff.next()
        self.held[topic] = hold
        log.warning("outbox_topic_held", topic=topic, reason=hold.reason, schema=self.schema)

    async def _answers(self, topic: str) -> bool:
        """Whether a held topic's metadata comes within `probe_s` (it is held again if not)."""
        try:
            await asyncio.wait_for(self.producer.partitions_for(topic), self.probe_s)
            return True
        except TimeoutError:
            self._hold(topic, UnknownTopicOrPartitionError())
            return False
        except TOPIC_REFUSED as exc:
            self._hold(topic, exc)
            return False

    def _next_hold_ends(self) -> float:
        """Seconds until the next held topic may be tried again (infinite when none waits for that;
        a hold that has run out is lifted by the next round that sends to its topic)."""
        now = time.monotonic()
        return min((h.until - now for h in self.held.values() if h.until > now), default=float("inf"))

    async def publish_batch(self) -> int:
        """One round on a connection of its own, as the running relay does on its LISTEN connection:
        nothing when another relay holds the schema's lock."""
        async with self.pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
            try:
                if not await conn.fetchval(_TRY_LOCK, RELAY_LOCK):
                    return 0
                return await self._publish(conn)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1, hashtext(current_schema()))", RELAY_LOCK)

    async def _publish(self, conn: Conn) -> int:
        """Publish one batch of unsent rows on a connection that holds the schema's lock; returns how
        many were sent or parked.

        A transient failure of any record fails the round before anything is marked (the batch is
        sent again; consumers drop the copies by ce_id). A permanent failure of one record parks
        that row only; a topic the broker refuses is held, and its rows wait (module doc)."""
        now = time.monotonic()
        rows = await conn.fetch(_UNSENT, self.batch, [t for t, hold in self.held.items() if hold.until > now])
        if not rows:
            return 0
        parked: list[tuple[int, str]] = []
        pending: list[tuple[int, str, asyncio.Future[object]]] = []
        refused: set[str] = set()  # this round: the topic's later rows are not tried, so they keep their order
        probed: set[str] = set()  # held topics whose metadata answered this round: probed once, not per row
        for row in rows:
            if row["topic"] in refused:
                continue
            if row["topic"] in self.held and row["topic"] not in probed:
                if not await self._answers(row["topic"]):
                    refused.add(row["topic"])
                    continue
                probed.add(row["topic"])
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
            except TOPIC_REFUSED as exc:
                refused.add(row["topic"])
                self._hold(row["topic"], exc)
                continue
            pending.append((row["id"], row["topic"], future))
        outcomes = await asyncio.gather(*(future for *_, future in pending), return_exceptions=True)
        sent: list[int] = []
        for (row_id, topic, _), outcome in zip(pending, outcomes, strict=True):
            if isinstance(outcome, PERMANENT):
                parked.append((row_id, repr(outcome)[:1000]))
            elif isinstance(outcome, TOPIC_REFUSED):
                self._hold(topic, outcome)
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                sent.append(row_id)
                if topic not in refused:
                    self.held.pop(topic, None)
        marks = [(row_id, None) for row_id in sent] + parked
        await conn.execute(_MARK, [m[0] for m in marks], [m[1] for m in marks])
        for row_id, reason in parked:
            log.error("outbox_row_parked", outbox_id=row_id, reason=reason, schema=self.schema)
        self.published += len(sent)
        self.parked += len(parked)
        metrics.OUTBOX_PUBLISHED.labels(self.schema).inc(len(sent))
        metrics.OUTBOX_PARKED.labels(self.schema).inc(len(parked))
        return len(rows)
