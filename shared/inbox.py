"""Inbox: the consumed event's id is recorded in the same transaction as its effect.

Rows are kept for good: the domain-event topics are kept without a time limit, and a consumer
group whose offsets expired starts again from the earliest record, so any old event can be
delivered again and must still be recognised (about 100 bytes a row)."""

from __future__ import annotations

from shared.db import Conn


async def first_delivery(conn: Conn, consumer: str, event_id: str) -> bool:
    """True the first time (consumer, event_id) is seen; a duplicate delivery returns False."""
    inserted = await conn.fetchval(
        "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
        consumer,
        event_id,
    )
    return bool(inserted)
