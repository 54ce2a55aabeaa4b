"""Inbox: the consumed event's id is recorded in the same transaction as its effect.

Rows are kept for good: the domain-event topics are kept without a time limit, and a consumer
group whose offsets expired starts again from the earliest record, so any old event can be
delivered again and must still be recognised (about 100 bytes a row).

A row may hold a digest of what the event said (`inhoud_hash`), so that a second record under
the same `ce_id` with different content is told apart from a plain redelivery."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shared.db import Conn

_CLAIM = """
WITH input AS (
    SELECT * FROM unnest($2::text[], $3::bytea[]) AS t(event_id, inhoud_hash)
), claimed AS (
    INSERT INTO inbox (consumer, event_id, inhoud_hash)
    SELECT $1, event_id, inhoud_hash FROM input
    ON CONFLICT DO NOTHING RETURNING event_id
)
SELECT input.event_id, claimed.event_id IS NOT NULL AS first, earlier.inhoud_hash AS earlier
FROM input
LEFT JOIN claimed USING (event_id)
LEFT JOIN inbox AS earlier ON earlier.consumer = $1 AND earlier.event_id = input.event_id
"""


@dataclass(frozen=True)
class Claim:
    """What the inbox said of one key: seen for the first time, or seen before with this digest."""

    first: bool
    earlier: bytes | None


async def claim(conn: Conn, consumer: str, keys: Mapping[str, bytes | None]) -> dict[str, Claim]:
    """Record every key (event id, or a dead letter's own key) in one statement.

    `keys` maps each key to the digest of its content (None where there is none); keys must be
    distinct (the caller sorts out repeats within one batch). The outer SELECT reads the snapshot
    from before the insert, so `earlier` is the digest of the row that was already there."""
    if not keys:
        return {}
    rows = await conn.fetch(_CLAIM, consumer, list(keys), list(keys.values()))
    return {r["event_id"]: Claim(r["first"], bytes(r["earlier"]) if r["earlier"] is not None else None) for r in rows}


UNCLAIM = "DELETE FROM inbox WHERE consumer = $1 AND event_id IN (SELECT unnest($2::text[]))"


async def unclaim(conn: Conn, consumer: str, event_ids: Iterable[str]) -> None:
    """Forget keys claimed in this transaction (a record that was dead-lettered after all may come
    again as a replay and must then be processed)."""
    ids = list(event_ids)
    if ids:
        await conn.execute(UNCLAIM, consumer, ids)


async def first_delivery(conn: Conn, consumer: str, event_id: str) -> bool:
    """True the first time (consumer, event_id) is seen; a duplicate delivery returns False."""
    return (await claim(conn, consumer, {event_id: None}))[event_id].first


def digest(ce_type: str, data_json: bytes) -> bytes:
    return hashlib.sha256(ce_type.encode("utf-8", "surrogatepass") + b"\0" + data_json).digest()
