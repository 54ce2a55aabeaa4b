"""SQL for the NAU's admission decisions (Wtta), in inspectie's own schema."""

from __future__ import annotations

from services.inspectie.domain.wtta import Toelatingsbesluit
from shared.db import Conn


class ToelatingRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def bewaar(self, kvk: str, besluit: Toelatingsbesluit, bron_event_id: str) -> bool:
        """Keep the latest decision per agency (a decision older than the one stored changes nothing);
        True when this one is now the latest."""
        stored = await self.conn.fetchval(
            """INSERT INTO wtta_toelating
                 (uitlener_kvk, besluit, besluit_op, bestuurder_faillissement_op, bron_event_id)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (uitlener_kvk) DO UPDATE SET besluit = excluded.besluit, besluit_op = excluded.besluit_op,
                 bestuurder_faillissement_op = excluded.bestuurder_faillissement_op,
                 bron_event_id = excluded.bron_event_id
               WHERE wtta_toelating.besluit_op <= excluded.besluit_op
               RETURNING true""",
            kvk,
            besluit.besluit,
            besluit.besluit_op,
            besluit.bestuurder_faillissement_op,
            bron_event_id,
        )
        return bool(stored)

    async def laatste(self, kvk: str) -> Toelatingsbesluit | None:
        row = await self.conn.fetchrow(
            "SELECT besluit, besluit_op, bestuurder_faillissement_op FROM wtta_toelating WHERE uitlener_kvk = $1", kvk
        )
        if row is None:
            return None
        return Toelatingsbesluit(row["besluit"], row["besluit_op"], row["bestuurder_faillissement_op"])
