"""Inbox: the consumed event's id is recorded in the same transaction as its effect.

Rows are kept for good: the domain-event topics are kept without a time limit, and a consumer
group whose offsets expired starts again from the earliest record, so any old event can be
delivered again and must still be recognised (about 100 bytes a row).

A row may hold a digest of what the event said (`inhoud_hash`), so that a second record under
the same `ce_id` with different content is told apart from a plain redelivery."""

from __future__ import annotations

import hashlib
from enum import Enum

from shared.db import Conn


class Delivery(Enum):
    FIRST = "first"
    REPEAT = "repeat"  # the same event again: no effect
    CONFLICT = "conflict"  # the same ce_id with other content: a sender's error, dead-lettered


def digest(ce_type: str, data_json: bytes) -> bytes:
    return hashlib.sha256(ce_type.encode("utf-8", "surrogatepass") + b"\0" + data_json).digest()


async def first_delivery(conn: Conn, consumer: str, event_id: str) -> bool:
    """True the first time (consumer, event_id) is seen; a duplicate delivery returns False."""
    return await delivery(conn, consumer, event_id) is Delivery.FIRST


async def delivery(conn: Conn, consumer: str, event_id: str, content: bytes | None = None) -> Delivery:
    """Record (consumer, event_id); on a repeat, compare the content digest when both rows have one."""
    inserted = await conn.fetchval(
        "INSERT INTO inbox (consumer, event_id, inhoud_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING true",
        consumer,
        event_id,
        content,
    )
    if inserted:
        return Delivery.FIRST
    if content is None:
        return Delivery.REPEAT
    earlier = await conn.fetchval(
        "SELECT inhoud_hash FROM inbox WHERE consumer = $1 AND event_id = $2", consumer, event_id
    )
    return Delivery.REPEAT if earlier is None or bytes(earlier) == content else Delivery.CONFLICT
