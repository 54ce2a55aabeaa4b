"""Durable timers: a deadline is a row with a due time; it fires once, inside a transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.db import Conn


@dataclass(frozen=True)
class DueTimer:
    id: int
    soort: str
    sleutel: str
    due_at: datetime
    payload: dict[str, Any]
    correlationid: str | None
    causationid: str | None


async def schedule(
    conn: Conn,
    soort: str,
    sleutel: str,
    due_at: datetime,
    payload: dict[str, Any],
    *,
    correlationid: str | None = None,
    causationid: str | None = None,
) -> None:
    """Create or move a timer; one that already fired stays fired (a deadline fires once)."""
    await conn.execute(
        """INSERT INTO timer (soort, sleutel, due_at, payload, correlationid, causationid)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (soort, sleutel) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload
           WHERE timer.fired_at IS NULL""",
        soort,
        sleutel,
        due_at,
        json.dumps(payload, default=str),
        correlationid,
        causationid,
    )


async def cancel(conn: Conn, soort: str, sleutel: str) -> None:
    await conn.execute("DELETE FROM timer WHERE soort = $1 AND sleutel = $2 AND fired_at IS NULL", soort, sleutel)


async def claim_next_due(conn: Conn, now: datetime) -> DueTimer | None:
    """Lock the earliest due timer in the caller's transaction and mark it fired."""
    row = await conn.fetchrow(
        """SELECT id, soort, sleutel, due_at, payload, correlationid, causationid FROM timer
           WHERE fired_at IS NULL AND due_at <= $1 ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED""",
        now,
    )
    if row is None:
        return None
    await conn.execute("UPDATE timer SET fired_at = $2 WHERE id = $1", row["id"], now)
    return DueTimer(
        id=row["id"],
        soort=row["soort"],
        sleutel=row["sleutel"],
        due_at=row["due_at"],
        payload=json.loads(row["payload"]),
        correlationid=row["correlationid"],
        causationid=row["causationid"],
    )
