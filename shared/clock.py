"""One clock for every "now" in a service: the wall clock, or the shared test clock (CONTRACT §4).

The test clock stands still at the last time set through `waardigwerk.test.klok` and is kept in
the service's database, so a restarted service continues at the same "now". Until it is first
set it follows the wall clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

from shared.db import Conn


class Clock:
    def __init__(self, test_mode: bool) -> None:
        self.test_mode = test_mode
        self._set: datetime | None = None

    @property
    def stands_still(self) -> bool:
        """On the test clock once it is set: a later time comes only when it is set again."""
        return self._set is not None

    def now(self) -> datetime:
        return self._set if self._set is not None else datetime.now(UTC)

    async def load(self, conn: Conn) -> None:
        """The stored test time, if one was set (a time applied before, as a test does, stays otherwise)."""
        if self.test_mode and (stored := await conn.fetchval("SELECT nu FROM testklok WHERE id = 1")) is not None:
            self._set = stored

    async def set(self, conn: Conn, nu: datetime) -> None:
        """Store the new test time in the caller's transaction; applied in memory by `apply`."""
        await conn.execute(
            "INSERT INTO testklok (id, nu) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET nu = excluded.nu", nu
        )

    def apply(self, nu: datetime) -> None:
        self._set = nu
