"""The batch as the unit of I/O: one inbox claim per batch, writes buffered and flushed per table.

A batch of records is applied in one transaction. Instead of a round trip per record for the
inbox, the outbox and the timers, the runtime

- claims the inbox for every record of the batch in one statement (`shared.inbox.claim`), which
  also tells a redelivery (same `ce_id`, same content) from a reuse of an id for other content;
- gives each handler a `Writes` buffer: outbox records, timer changes and appended rows are kept
  in memory and written at the end of the batch with one statement per table (`unnest`, COPY),
  so the outbox trigger notifies the relay once per batch.

A handler's own reads and writes may still go to the connection; a service can also load what
its handlers read once per batch (`Service.batch_state`). Writes are buffered in the order they
are made; `mark` and `undo` drop the writes of a record whose savepoint was rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared import outbox
from shared.db import Conn
from shared.envelope import CloudEvent, encode
from shared.outbox import OutboxRow


@dataclass(frozen=True)
class _TimerOp:
    soort: str
    sleutel: str
    due_at: datetime | None  # None: cancel
    payload: dict[str, Any] = field(default_factory=dict)
    correlationid: str | None = None
    causationid: str | None = None


@dataclass
class Writes:
    """What a batch writes besides a handler's own statements, in the order it was asked for."""

    outbox: list[OutboxRow] = field(default_factory=list)
    timer_ops: list[_TimerOp] = field(default_factory=list)
    rows: list[tuple[str, tuple[str, ...], tuple[Any, ...]]] = field(default_factory=list)

    # -- buffering ----------------------------------------------------------------------
    def put(
        self,
        topic: str,
        key: str | bytes | None,
        headers: Sequence[tuple[str, bytes]],
        value: bytes | None,
        **ids: str | None,
    ) -> None:
        """As `shared.outbox.put` (`event_id`, `event_type`), written at the end of the batch."""
        self.outbox.append(outbox.row(topic, key, headers, value, **ids))

    def put_event(self, topic: str, key: str, event: CloudEvent) -> None:
        headers, value = encode(event)
        self.put(topic, key, headers, value, event_id=event.id, event_type=event.type)

    def schedule(self, soort: str, sleutel: str, due_at: datetime, payload: dict[str, Any], cause: CloudEvent) -> None:
        """Create or move a timer (one that already fired stays fired); it remembers its cause."""
        self.timer_ops.append(_TimerOp(soort, sleutel, due_at, payload, cause.chain_id, cause.id))

    def cancel(self, soort: str, sleutel: str) -> None:
        self.timer_ops.append(_TimerOp(soort, sleutel, None))

    def append(self, table: str, row: Mapping[str, Any]) -> None:
        """A row for an append-only table, copied in with the others of its table at the end."""
        self.rows.append((table, tuple(row), tuple(row.values())))

    def mark(self) -> tuple[int, int, int]:
        return (len(self.outbox), len(self.timer_ops), len(self.rows))

    def undo(self, mark: tuple[int, int, int]) -> None:
        """Drop what was buffered after `mark` (its record's savepoint was rolled back)."""
        del self.outbox[mark[0] :]
        del self.timer_ops[mark[1] :]
        del self.rows[mark[2] :]

    # -- flushing -----------------------------------------------------------------------
    async def flush(self, conn: Conn) -> None:
        """Rows first (a table at a time, in first-use order), then timers, then the outbox."""
        await self._flush_rows(conn)
        await self._flush_timers(conn)
        await self._flush_outbox(conn)

    async def _flush_rows(self, conn: Conn) -> None:
        tables: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
        for table, columns, values in self.rows:
            tables.setdefault((table, columns), []).append(values)
        for (table, columns), records in tables.items():
            await conn.copy_records_to_table(table, columns=list(columns), records=records)
        self.rows.clear()

    async def _flush_timers(self, conn: Conn) -> None:
        """Each timer's last change wins; a cancel before it in the batch is applied first, so the
        outcome is that of running the changes one by one."""
        last: dict[tuple[str, str], _TimerOp] = {}
        cancelled: set[tuple[str, str]] = set()
        for op in self.timer_ops:
            key = (op.soort, op.sleutel)
            if op.due_at is None:
                cancelled.add(key)
            last[key] = op
        self.timer_ops.clear()
        if cancelled:
            soorten, sleutels = zip(*sorted(cancelled), strict=True)
            await conn.execute(
                """DELETE FROM timer t USING unnest($1::text[], $2::text[]) AS c(soort, sleutel)
                   WHERE t.soort = c.soort AND t.sleutel = c.sleutel AND t.fired_at IS NULL""",
                list(soorten),
                list(sleutels),
            )
        scheduled = [op for op in last.values() if op.due_at is not None]
        if scheduled:
            await conn.execute(
                """INSERT INTO timer (soort, sleutel, due_at, payload, correlationid, causationid)
                   SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[], $5::text[], $6::text[])
                   ON CONFLICT (soort, sleutel) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload
                   WHERE timer.fired_at IS NULL""",
                [op.soort for op in scheduled],
                [op.sleutel for op in scheduled],
                [op.due_at for op in scheduled],
                [json.dumps(op.payload, default=str) for op in scheduled],
                [op.correlationid for op in scheduled],
                [op.causationid for op in scheduled],
            )

    async def _flush_outbox(self, conn: Conn) -> None:
        if not self.outbox:
            return
        columns = list(zip(*self.outbox, strict=True))
        await conn.execute(
            """INSERT INTO outbox (topic, key, headers, value, event_id, event_type)
               SELECT t, k, h, v, i, y
               FROM unnest($1::text[], $2::bytea[], $3::jsonb[], $4::bytea[], $5::text[], $6::text[])
                    WITH ORDINALITY AS u(t, k, h, v, i, y, n)
               ORDER BY n""",
            *map(list, columns),
        )
        self.outbox.clear()
