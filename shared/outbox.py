"""Transactional outbox and its relay (DESIGN.md §3).

`put` writes a record in the caller's transaction. The relay publishes unsent rows in id order
with an idempotent producer and marks them sent; it wakes on NOTIFY (sent by a trigger at
commit), with a slow poll as a safety net. A transaction-scoped advisory lock makes sure only
one relay per schema publishes at a time, so per-key order holds even with two instances.
`prune` deletes rows sent more than a number of days ago (the service's hourly housekeeping).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from shared.db import Conn
from shared.envelope import CloudEvent, encode

log = structlog.get_logger()
RELAY_LOCK = 727_001  # advisory lock id, per database; schemas are separated by the lock's second key
POLL_SECONDS = 2.0


async def put(
    conn: Conn,
    topic: str,
    key: str | bytes | None,
    headers: Sequence[tuple[str, bytes]],
    value: bytes | None,
    *,
    event_id: str | None = None,
    event_type: str | None = None,
) -> None:
    """The key is stored as bytes (a dead letter keeps any key unchanged); header values must be
    text PostgreSQL can store (no NUL), which `shared.envelope.dlq_headers` guarantees for a DLQ copy."""
    await conn.execute(
        "INSERT INTO outbox (topic, key, headers, value, event_id, event_type) VALUES ($1, $2, $3, $4, $5, $6)",
        topic,
        key.encode() if isinstance(key, str) else key,
        json.dumps([[k, v.decode("utf-8", "replace")] for k, v in headers]),
        value,
        event_id,
        event_type,
    )


async def put_event(conn: Conn, topic: str, key: str, event: CloudEvent) -> None:
    headers, value = encode(event)
    await put(conn, topic, key, headers, value, event_id=event.id, event_type=event.type)


async def prune(conn: Conn, keep_days: int) -> int:
    """Delete rows sent more than `keep_days` ago; returns how many. Unsent rows are never touched."""
    status = await conn.execute("DELETE FROM outbox WHERE sent_at < now() - make_interval(days => $1)", keep_days)
    return int(status.split()[-1])


class Relay:
    def __init__(self, pool: asyncpg.Pool, producer: AIOKafkaProducer, schema: str, batch: int = 500) -> None:
        self.pool, self.producer, self.schema, self.batch = pool, producer, schema, batch
        self._wake = asyncio.Event()
        self.published = 0

    async def run(self) -> None:
        listener = await self.pool.acquire()
        try:
            await listener.add_listener(f"outbox_{self.schema}", lambda *_: self._wake.set())
            while True:
                try:
                    sent = await self.publish_batch()
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                    log.warning("outbox_relay_retry", error=repr(exc))
                    await asyncio.sleep(1.0)
                    continue
                if sent == 0:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
        finally:
            await self.pool.release(listener)

    async def publish_batch(self) -> int:
        """Publish one batch of unsent rows; returns how many were sent."""
        async with self.pool.acquire() as conn, conn.transaction():
            locked = await conn.fetchval("SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema()))", RELAY_LOCK)
            if not locked:
                return 0
            rows = await conn.fetch(
                "SELECT id, topic, key, headers, value FROM outbox WHERE sent_at IS NULL "
                "ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                self.batch,
            )
            if not rows:
                return 0
            futures = [
                await self.producer.send(
                    row["topic"],
                    value=row["value"],
                    key=row["key"],  # bytea
                    headers=[(k, v.encode()) for k, v in json.loads(row["headers"])],
                )
                for row in rows
            ]
            await asyncio.gather(*futures)
            await conn.execute(
                "UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])", [r["id"] for r in rows]
            )
        self.published += len(rows)
        return len(rows)
