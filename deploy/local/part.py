"""One running piece of the local stack (the broker, the database, a service), as `stack.py` drives it.

A part knows how to prepare itself once (fetch, format, initdb), the command that runs it, how
to tell that it answers, and what to do once it first answers (create topics, provision a role).
Its process is tracked through `procs`, so every part starts, stops and is killed the same way.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deploy.local import procs
from deploy.local.layout import ROOT, Layout, StackError

Say = Callable[[str], None]


class Part:
    name: str
    start_timeout = 60.0
    stop_timeout = 10.0

    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    # -- what a concrete part defines --------------------------------------------------
    @property
    def address(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def signature(self) -> tuple[str, ...]:
        """Arguments that identify this part's process among others."""
        raise NotImplementedError

    @property
    def ports(self) -> tuple[int, ...]:
        """The ports it listens on (checked free before it starts)."""
        raise NotImplementedError

    async def answers(self) -> bool:
        """It serves requests (checked while starting, before `settle`)."""
        raise NotImplementedError

    def prepare(self, say: Say) -> None:
        """One-time setup before the first start (blocking; runs in a worker thread)."""

    async def settle(self, say: Say) -> None:
        """Work to do once it first answers."""

    async def healthy(self) -> bool:
        """Fully usable, as clients use it (what `status` reports)."""
        return await self.answers()

    def environment(self) -> dict[str, str]:
        return {**os.environ, procs.MARKER: str(self.layout.state)}

    def spawn_options(self) -> dict[str, Any]:
        return {}

    @property
    def cwd(self) -> Path:
        return ROOT

    # -- shared behaviour ---------------------------------------------------------------
    @property
    def log(self) -> Path:
        return self.layout.log(self.name)

    @property
    def pidfile(self) -> Path:
        return self.layout.pidfile(self.name)

    def pid(self) -> int | None:
        return procs.running(self.pidfile, self.signature, self.layout.state)

    def start(self) -> int:
        """Start the process; refuses if another process holds one of its ports (it would answer for it)."""
        taken = [port for port in self.ports if procs.port_taken(port)]
        if taken:
            raise StackError(
                f"{self.name}: 127.0.0.1:{', '.join(map(str, taken))} is taken by another process "
                "(another stack? choose other ports with WAARDIGWERK_PORT_OFFSET)"
            )
        return procs.spawn(
            self.command(),
            env=self.environment(),
            cwd=self.cwd,
            log=self.log,
            pidfile=self.pidfile,
            **self.spawn_options(),
        )

    def stop(self) -> str:
        pid = self.pid()
        if pid is None:
            return "not running"
        outcome = procs.terminate(pid, self.stop_timeout)
        self.pidfile.unlink(missing_ok=True)
        return outcome

    def kill(self) -> str:
        pid = self.pid()
        if pid is None:
            return "not running"
        outcome = procs.kill(pid)
        self.pidfile.unlink(missing_ok=True)
        return outcome

    def start_limit(self, waited: float) -> tuple[float, str | None]:
        """How long the start may take, asked after `waited` seconds, and what the part is busy
        with when it may take longer than `start_timeout` (said every 10 s while waiting)."""
        return self.start_timeout, None

    async def wait_until_answers(self) -> float:
        """Seconds until it answered; fails fast, naming the log, if the process exits or time runs out."""
        started = said = time.monotonic()
        while True:
            pid = procs.read_pid(self.pidfile)
            if pid is None or not procs.alive(pid):
                raise StackError(self.failure("exited while starting"))
            if await self.answers():
                return time.monotonic() - started
            waited = time.monotonic() - started
            limit, busy = self.start_limit(waited)
            if waited > limit:
                raise StackError(self.failure(f"did not become healthy within {limit:.0f} s"))
            if busy and time.monotonic() - said >= 10:
                print(f"[{waited:6.1f}s] {self.name}: {busy}; waiting", flush=True)
                said = time.monotonic()
            await asyncio.sleep(0.25)

    def failure(self, what: str) -> str:
        return f"{self.name} {what}.\n  log: {self.log} (last 20 lines):\n{procs.tail(self.log)}"
