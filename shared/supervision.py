"""Background tasks that never stop quietly.

A service's background loops (the outbox relay, the timer scheduler, housekeeping) each run
under a `Supervisor`. A loop reports on its own `TaskHealth`: `ok()` after work that succeeded,
`failed(exc)` when a round failed and will be retried. A loop that ends or raises anyway is
logged, recorded and started again with backoff. Readiness asks `problems()`: a task that is not
running, or that has been failing for longer than a grace period, makes the service not ready,
with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

log = structlog.get_logger()
FAILING_GRACE_S = 15.0  # a loop failing for longer than this makes the service not ready
STABLE_AFTER_S = 60.0  # a restarted task that ran this long starts its backoff from the bottom again


class Backoff:
    """Delays that double from `low` up to `high`; `reset()` after a success."""

    def __init__(self, low: float = 0.2, high: float = 30.0) -> None:
        self.low, self.high = low, high
        self._next = low

    def next(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.high)
        return delay

    def reset(self) -> None:
        self._next = self.low


@dataclass
class TaskHealth:
    """What one background task last said about itself (times are monotonic seconds)."""

    name: str
    running: bool = False
    restarts: int = 0
    failures: int = 0
    failing_since: float | None = None
    last_error: str | None = None
    last_ok: float | None = None
    ended: str | None = None  # why it is not running, while it waits to be started again
    stale_after_s: float | None = None  # a loop that reports ok this often: silence longer is a problem
    extra: dict[str, Any] = field(default_factory=dict)

    def ok(self) -> None:
        self.failing_since, self.last_error, self.last_ok = None, None, time.monotonic()

    def failed(self, exc: BaseException) -> None:
        self.failures += 1
        self.last_error = repr(exc)[:500]
        if self.failing_since is None:
            self.failing_since = time.monotonic()

    def problem(self, grace_s: float = FAILING_GRACE_S) -> str | None:
        """Why this task makes the service not ready, or None."""
        if not self.running:
            return f"{self.name}: not running ({self.ended or 'not started'})"
        if self.failing_since is not None:
            failing_s = time.monotonic() - self.failing_since
            if failing_s >= grace_s:
                return f"{self.name}: failing for {failing_s:.0f} s: {self.last_error}"
        if self.stale_after_s is not None and self.last_ok is not None:
            silent_s = time.monotonic() - self.last_ok
            if silent_s >= self.stale_after_s:
                return f"{self.name}: no progress for {silent_s:.0f} s"
        return None

    def detail(self) -> dict[str, Any]:
        now = time.monotonic()
        return {
            "running": self.running,
            "restarts": self.restarts,
            "failures": self.failures,
            "failing_s": round(now - self.failing_since, 1) if self.failing_since is not None else None,
            "last_error": self.last_error,
            "last_ok_s_ago": round(now - self.last_ok, 1) if self.last_ok is not None else None,
            "ended": self.ended,
            **self.extra,
        }


Body = Callable[[TaskHealth], Awaitable[None]]


async def repeat(
    health: TaskHealth,
    work: Callable[[], Awaitable[object]],
    every_s: float,
    backoff: Backoff,
    wake: asyncio.Event | None = None,
) -> None:
    """Run `work` every `every_s` seconds for good, or sooner: when `work` returns a number of
    seconds (a float), the next round comes after that many, and a `wake` set since the round began starts the
    next one at once. A failed round (any error) is reported on `health` and tried again after the
    backoff."""
    while True:
        if wake is not None:
            wake.clear()  # before the round: a wake from here on is for what the round may not see
        try:
            pause = await work()
        except Exception as exc:
            health.failed(exc)
            delay = backoff.next()
            log.warning("background_task_retry", task=health.name, error=repr(exc), retry_in_s=delay)
            await asyncio.sleep(delay)
            continue
        health.ok()
        backoff.reset()
        delay = min(pause, every_s) if isinstance(pause, float) else every_s
        if wake is None:
            await asyncio.sleep(delay)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), delay)


class Supervisor:
    """Runs named loops, starts each again when it ends or raises, and reports their health."""

    def __init__(self, restart_backoff: tuple[float, float] = (0.5, 30.0)) -> None:
        self.restart_backoff = restart_backoff
        self.tasks: dict[str, TaskHealth] = {}
        self._running: list[asyncio.Task[None]] = []

    def start(self, name: str, body: Body, *, stale_after_s: float | None = None) -> TaskHealth:
        health = TaskHealth(name, stale_after_s=stale_after_s)
        self.tasks[name] = health
        self._running.append(asyncio.create_task(self._watch(body, health), name=f"supervised:{name}"))
        return health

    async def _watch(self, body: Body, health: TaskHealth) -> None:
        backoff = Backoff(*self.restart_backoff)
        while True:
            started = time.monotonic()
            health.running, health.ended = True, None
            try:
                await body(health)
                health.ended = "ended"
                log.error("background_task_ended", task=health.name)
            except asyncio.CancelledError:
                health.running, health.ended = False, "stopped"
                raise
            except Exception as exc:
                health.ended = f"crashed: {exc!r}"[:500]
                health.failed(exc)
                log.exception("background_task_crashed", task=health.name)
            health.running = False
            if time.monotonic() - started > STABLE_AFTER_S:
                backoff.reset()
            delay = backoff.next()
            log.warning("background_task_restart", task=health.name, restart_in_s=delay, restarts=health.restarts + 1)
            await asyncio.sleep(delay)
            health.restarts += 1

    def problems(self, grace_s: float = FAILING_GRACE_S) -> list[str]:
        return [p for h in self.tasks.values() if (p := h.problem(grace_s)) is not None]

    def detail(self) -> dict[str, dict[str, Any]]:
        return {name: health.detail() for name, health in self.tasks.items()}

    async def stop(self) -> None:
        for task in self._running:
            task.cancel()
        for task in self._running:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._running.clear()
