"""A dead timer retried from the console: the command `nl.waardigwerk.timer.opnieuw` to the service
that owns it (on `waardigwerk.intern.console`, through the outbox), audited in the same transaction.

Idempotent per command id: the overview gives every retry button an id of its own, so a double
click or a resent form sends the command once. The service answers `timer.hersteld` (the timer
leaves the list) or `timer.niet_hersteld` with the reason (shown beside the timer)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from shared import outbox
from shared.db import Conn
from shared.envelope import OWN_SOURCE_PREFIX, CloudEvent, encode
from shared.service import TIMER_DOOD, TIMER_OPNIEUW
from shared.topics import CONSOLE_OPDRACHTEN

BRON = f"{OWN_SOURCE_PREFIX}console"


async def opnieuw(conn: Conn, dood_id: str, opdracht: str, door: str) -> dict[str, Any] | None:
    """Send the retry of the dead timer that event `dood_id` announced; None when there is no such event."""
    dood = await conn.fetchrow("SELECT data FROM gebeurtenis WHERE id = $1 AND type = $2", dood_id, TIMER_DOOD)
    if dood is None:
        return None
    data = json.loads(dood["data"])
    timer = {k: str(data[k]) for k in ("dienst", "soort", "sleutel")}
    nieuw = await conn.fetchval(
        """INSERT INTO timer_opdracht (opdracht, dood_id, dienst, soort, sleutel, door) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING RETURNING true""",
        opdracht,
        dood_id,
        timer["dienst"],
        timer["soort"],
        timer["sleutel"],
        door,
    )
    if nieuw:
        data = {**timer, "opdracht": opdracht, "door": door}
        event = CloudEvent(id=opdracht, source=BRON, type=TIMER_OPNIEUW, time=datetime.now(UTC), data=data)
        headers, waarde = encode(event)
        rij = outbox.row(CONSOLE_OPDRACHTEN, timer["dienst"], headers, waarde, event_id=opdracht, event_type=event.type)
        await outbox.put(conn, rij)
    return {**timer, "opdracht": opdracht, "verstuurd": bool(nieuw)}
