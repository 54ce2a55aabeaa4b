"""How long a consumer's fetch may wait at the broker: short while records flow, long when idle.

aiokafka leaves a partition whose records it has buffered out of the next fetch and sends one
fetch per broker at a time, so while records flow, the next record of a partition just handed out
waits for the fetch in flight to come back: up to `fetch_max_wait_ms` per hop. Idle, a long wait
costs no latency (the broker answers a fetch as soon as a record arrives) but each empty fetch
costs the broker and the service CPU: at 50 ms, seven consumers kept an idle stack at about a
fifth of a core, at 500 ms at a twentieth (docs/performance.md). So the wait is short from the
first batch on and long again once no batch came for `idle_after_s`.

aiokafka has no public setter for this; the fetcher reads `_fetch_max_wait_ms` each time it builds
a fetch request (aiokafka 0.14, pinned in uv.lock). A consumer without it (FastStream's in-memory
test broker) is left alone."""

from __future__ import annotations

import asyncio
from typing import Any


class FetchPace:
    def __init__(self, busy_ms: int, idle_ms: int, idle_after_s: float = 2.0) -> None:
        self.busy_ms, self.idle_ms, self.idle_after_s = busy_ms, idle_ms, idle_after_s
        self._rest: asyncio.TimerHandle | None = None

    def records_seen(self, consumer: Any) -> None:
        """A batch arrived: fetch with the short wait until none came for `idle_after_s`."""
        fetcher = getattr(consumer, "_fetcher", None)
        if fetcher is None or not hasattr(fetcher, "_fetch_max_wait_ms"):
            return
        fetcher._fetch_max_wait_ms = self.busy_ms
        if self._rest is not None:
            self._rest.cancel()
        self._rest = asyncio.get_running_loop().call_later(self.idle_after_s, self._idle, fetcher)

    def _idle(self, fetcher: Any) -> None:
        fetcher._fetch_max_wait_ms = self.idle_ms
        self._rest = None
