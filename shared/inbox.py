"""Inbox: the consumed event's id is recorded in the same transaction as its effect."""

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
