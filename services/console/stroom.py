"""What `/api/stroom` tells open pages: one poll of the read model's version for all of them.

Every open page holds a server-sent-event stream; each used to read the version once a second for
itself, so twenty open pages were twenty queries a second. `Wijzigingen` reads it once per interval
while at least one stream is open, and wakes every stream when it changed. A stream also wakes
every `controle_s` without a change, so its caller can check that the login behind it still holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable

import structlog

log = structlog.get_logger()
Versie = tuple[int, int]  # (the last event's sequence number, the number of dead letters)


class Wijzigingen:
    def __init__(self, lees: Callable[[], Awaitable[Versie]], interval_s: float) -> None:
        self.lees, self.interval_s = lees, interval_s
        self.versie: Versie | None = None
        self._gewijzigd = asyncio.Event()
        self._volgers = 0
        self._poller: asyncio.Task[None] | None = None

    async def volg(self, controle_s: float) -> AsyncGenerator[Versie | None, None]:
        """The current version, then each new one; None when `controle_s` passed without one."""
        self._volgers += 1
        if self._poller is None or self._poller.done():
            self._poller = asyncio.create_task(self._poll())
        try:
            gezien: Versie | None = None
            while True:
                if self.versie is not None and self.versie != gezien:
                    gezien = self.versie
                    yield gezien
                    continue
                gewijzigd = self._gewijzigd
                try:
                    await asyncio.wait_for(gewijzigd.wait(), controle_s)
                except TimeoutError:
                    yield None
        finally:
            self._volgers -= 1
            if self._volgers == 0 and self._poller is not None:
                self._poller.cancel()
                self._poller, self.versie = None, None  # the next stream starts from a fresh read

    async def _poll(self) -> None:
        while self._volgers > 0:
            try:
                versie = await self.lees()
            except Exception as exc:  # the database away for a moment: the pages keep what they show
                log.warning("stroom_versie_onbekend", error=type(exc).__name__)
            else:
                if versie != self.versie:
                    self.versie = versie
                    gewijzigd, self._gewijzigd = self._gewijzigd, asyncio.Event()
                    gewijzigd.set()
            await asyncio.sleep(self.interval_s)
