"""The faults `make chaos` injects into its own stack, each with the way it ends ("heal").

A fault works through the same controls an operator has: `deploy/local/stack.py` (kill, start,
stop a part), signals to the recorded processes, and SQL against the stack's PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from deploy.local import procs
from deploy.local.layout import Layout
from tools.stackenv import ROOT

LAYOUT = Layout.from_environ(os.environ)


def stack(*args: str, env: dict[str, str] | None = None) -> None:
    """Run stack.py on the chaos stack (`env`: more environment); output to .chaos/stack-control.log."""
    log = ROOT / ".chaos" / "stack-control.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("a") as out:
        subprocess.run(
            [sys.executable, str(ROOT / "deploy" / "local" / "stack.py"), *args],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=2400,
        )


def pid(part: str) -> int | None:
    return procs.read_pid(LAYOUT.pidfile(part))


def process_tree(root: int) -> list[int]:
    """The process and its children (PostgreSQL: the postmaster and every backend)."""
    children = subprocess.run(["pgrep", "-P", str(root)], capture_output=True, text=True, check=False).stdout
    return [root, *map(int, children.split())]


def signal_tree(part: str, sig: signal.Signals) -> None:
    root = pid(part)
    assert root is not None, f"{part} is not running"
    for p in process_tree(root):
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, sig)


def client_ports(service_pid: int, server_port: int) -> list[int]:
    """Local ports of the TCP connections a process holds to `server_port` (from /proc)."""
    inodes = set()
    fd_dir = Path(f"/proc/{service_pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == server_port:
                ports.append(int(local.rsplit(":", 1)[1], 16))
    return ports


async def terminate_connections(database_url: str, service: str) -> int:
    """pg_terminate_backend for every connection of one service process; returns how many."""
    service_pid = pid(service)
    assert service_pid is not None, f"{service} is not running"
    ports = client_ports(service_pid, LAYOUT.port("postgres"))
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_port = ANY($1::int[])", ports
        )
    finally:
        await conn.close()
    return len(rows)


Step = Callable[[], Awaitable[None]]


def unsent(service: str) -> int:
    """The service's outbox backlog as its /health/ready reports it (0 when it does not answer)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{LAYOUT.port(service)}/health/ready", timeout=2) as r:
            return int((json.load(r).get("outbox") or {}).get("unsent") or 0)
    except (OSError, ValueError, urllib.error.URLError):
        return 0


def kill_during_flush(service: str, observed: dict[str, Any], backlog: int, within_s: float = 15.0) -> Step:
    """kill -9 of `service` once its outbox holds at least `backlog` unsent rows: the relay is
    publishing a batch (sent to the broker, not yet marked sent) when the process dies. Kills
    anyway after `within_s`; `observed` says which it was (`held`: unsent rows at the kill)."""

    async def run() -> None:
        loop = asyncio.get_running_loop()
        until, held, most = loop.time() + within_s, 0, 0
        while loop.time() < until and (held := await asyncio.to_thread(unsent, service)) < backlog:
            most = max(most, held)
            await asyncio.sleep(0.05)
        await asyncio.to_thread(stack, "kill", service)
        observed.update(held=held, threshold=backlog, met=held >= backlog, most_before=max(most, held))
        verdict = "met" if held >= backlog else "NOT met"
        print(f"  {service} killed with {held} unsent outbox rows (threshold {backlog}: {verdict})", flush=True)

    return run


def table_locked(database_url: str, table: str, seconds: float) -> Step:
    """A slow database for one service: an exclusive lock on one of its tables for `seconds`
    (every statement on it waits), released by rolling back."""

    async def run() -> None:
        conn = await asyncpg.connect(database_url)
        try:
            locking = conn.transaction()
            await locking.start()
            await conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            await asyncio.sleep(seconds)
            await locking.rollback()
        finally:
            await conn.close()

    return run


@dataclass(frozen=True)
class Fault:
    """`inject` at `at` (share of the stream offered), `heal` `lasts_s` later. `rate`: its own rate
    of offering (a backlog needs more than the services keep up with); `restarts` the services the
    fault itself restarts (any other service whose process changes is counted as restarted)."""

    name: str
    what: str
    inject: Step
    heal: Step
    lasts_s: float
    at: float = 0.3
    rate: float | None = None
    restarts: tuple[str, ...] = ()
    prepare: Step | None = None  # before the stream (e.g. a service started through a proxy)
    cleanup: Step | None = None  # after the count
    seconds: float | None = None  # a stream of this length at the rate instead of CHAOS_N reports
    sampled: bool = False  # RSS and open files of every process sampled during the stream
    observed: dict[str, Any] = field(default_factory=dict)  # what the fault saw (e.g. rows held at a kill)


def in_thread(*args: str) -> Step:
    async def run() -> None:
        await asyncio.to_thread(stack, *args)

    return run


def signalled(part: str, sig: signal.Signals) -> Step:
    async def run() -> None:
        signal_tree(part, sig)

    return run


async def nothing() -> None:
    return None


def churn(service: str, lasts_s: float, every_s: float = 4.0) -> Step:
    """A second replica of `service` started and stopped every few seconds (rebalance after rebalance)."""
    replica = f"{service}-2"

    async def run() -> None:
        loop = asyncio.get_running_loop()
        until = loop.time() + lasts_s
        while loop.time() < until:
            await asyncio.to_thread(stack, "start", replica)
            await asyncio.sleep(every_s)
            await asyncio.to_thread(stack, "stop", replica)
            await asyncio.sleep(every_s)

    return run


FLUSH_RATE, FLUSH_BACKLOG = 400.0, 20


def flush_kill(service: str) -> Fault:
    observed: dict[str, Any] = {}
    return Fault(
        f"kill9-flush-{service}",
        f"kill -9 {service} once its outbox holds >= {FLUSH_BACKLOG} unsent rows (reports at {FLUSH_RATE:g}/s), "
        "started again 5 s later",
        kill_during_flush(service, observed, FLUSH_BACKLOG),
        in_thread("start", service),
        5.0,
        rate=FLUSH_RATE,
        restarts=(service,),
        observed=observed,
    )


def catalogue(database_url: str) -> list[Fault]:
    services = ["melding", "inspectie", "deling"]

    async def terminate_melding() -> None:
        await terminate_connections(database_url, "melding")

    faults = [Fault("baseline", "no fault: how long the outputs of the stream take anyway", nothing, nothing, 0.0)]
    faults += [
        Fault(
            f"kill9-{s}", f"kill -9 {s}, started again 5 s later", in_thread("kill", s), in_thread("start", s), 5.0,
            restarts=(s,),
        )
        for s in services
    ]
    faults += [flush_kill(s) for s in services]
    faults += [
        Fault(
            "broker-kill-backlog",
            "SIGKILL of the broker with an outbox backlog (reports at 400/s), started again 75 s later",
            in_thread("kill", "kafka"),
            in_thread("start", "kafka"),
            75.0,
            at=0.5,
            rate=400.0,
        ),
        Fault("broker-kill", "SIGKILL of the broker, started again at once", in_thread("kill", "kafka"),
              in_thread("start", "kafka"), 0.0),
        Fault("broker-sigstop", "SIGSTOP of the broker for 30 s", signalled("kafka", signal.SIGSTOP),
              signalled("kafka", signal.SIGCONT), 30.0),
        Fault(
            "pg-immediate",
            "PostgreSQL stop -m immediate (SIGQUIT), started again 5 s later",
            signalled("postgres", signal.SIGQUIT),
            in_thread("start", "postgres"),
            5.0,
        ),
        Fault("pg-sigstop", "SIGSTOP of every PostgreSQL process for 20 s", signalled("postgres", signal.SIGSTOP),
              signalled("postgres", signal.SIGCONT), 20.0),
        Fault("pg-terminate-melding", "pg_terminate_backend of every connection of melding", terminate_melding,
              nothing, 0.0),
        Fault("pg-lock-melding", "melding's case table locked (ACCESS EXCLUSIVE) for 20 s: a database that stalls",
              table_locked(database_url, "melding.melding", 20.0), nothing, 0.0),
        Fault("rebalance-churn", "a second melding replica started and stopped every 4 s for 24 s",
              churn("melding", 24.0), nothing, 0.0),
    ]
    return faults
