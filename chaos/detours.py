"""Faults that need the chaos stack arranged first: one service started through a proxy (to the
broker: a network partition; to PostgreSQL: a slow database), a tablespace on a small tmpfs
inside the stack's directory (a full disk), and PostgreSQL's WAL on a tmpfs of the stack filled up."""

from __future__ import annotations

import asyncio
import errno
import os
import pwd
import subprocess
import time
from typing import Any

import asyncpg

from chaos.faults import LAYOUT, Fault, Step, nothing, stack
from chaos.proxy import Proxy
from deploy.local.kafka_broker import PROXIED_LISTENER_STEP
from deploy.local.layout import DATABASE
from deploy.local.postgres_server import SUPERUSER, WAL_TMPFS, PostgresServer


class Detour:
    """`service` restarted with its broker or database address at a proxy of the chaos process
    (`prepare`), and restarted on the stack's own addresses again afterwards (`cleanup`)."""

    def __init__(self, service: str, to: str, database_url: str) -> None:
        self.service = service
        if to == "kafka":
            target = LAYOUT.port("kafka") + PROXIED_LISTENER_STEP  # the listener advertised at the proxy
            self.proxy = Proxy(target + 1, target)
            self.env = {"WAARDIGWERK_SERVICE_KAFKA": self.proxy.address}
        else:
            port = LAYOUT.port("postgres")
            self.proxy = Proxy(port + PROXIED_LISTENER_STEP, port)
            url = database_url.replace(f":{port}/", f":{self.proxy.listen_port}/")
            assert url != database_url, f"no port {port} in the database URL"
            self.env = {"WAARDIGWERK_SERVICE_DATABASE_URL": url}

    async def prepare(self) -> None:
        await self.proxy.__aenter__()
        await asyncio.to_thread(stack, "stop", self.service)
        await asyncio.to_thread(stack, "start", self.service, env=self.env)

    async def cleanup(self) -> None:
        await asyncio.to_thread(stack, "stop", self.service)
        await asyncio.to_thread(stack, "start", self.service)
        await self.proxy.__aexit__()

    def cut(self) -> Step:
        async def run() -> None:
            self.proxy.cut()

        return run

    def mend(self) -> Step:
        async def run() -> None:
            self.proxy.mend()

        return run

    def slow(self, seconds: float) -> Step:
        async def run() -> None:
            self.proxy.delay(seconds)

        return run


class FullDisk:
    """A table of a service moved to a tablespace on a tmpfs of its size plus `room_mb` (in the chaos stack's
    directory, never the machine's disk); `fill` writes a file until the tmpfs is full, so every
    new page of the table fails with ENOSPC; `free` removes the file."""

    def __init__(self, table: str, room_mb: int = 16) -> None:
        self.table, self.room_mb = table, room_mb
        self.mount = LAYOUT.state / "chaos-disk"
        self.filler = self.mount / "filler"

    async def sql(self, *statements: str) -> int:
        """As the cluster's superuser, over the stack's own socket (a tablespace needs it); the
        value of the last statement."""
        server = PostgresServer(LAYOUT, "")
        conn = await asyncpg.connect(host=str(server.sockets), port=server.port, user=SUPERUSER, database=DATABASE)
        try:
            value = None
            for statement in statements:
                value = await conn.fetchval(statement)
            return int(value or 0)
        finally:
            await conn.close()

    async def prepare(self) -> None:
        owner = pwd.getpwnam("postgres")
        self.mount.mkdir(parents=True, exist_ok=True)
        table_mb = await self.sql(f"SELECT pg_table_size('{self.table}') / (1 << 20)")
        size_mb = table_mb + self.room_mb  # the table as it is (earlier rows filled it) and room to fill
        options = f"size={size_mb}m,uid={owner.pw_uid},gid={owner.pw_gid},mode=0700"
        mount = ["mount", "-t", "tmpfs", "-o", options, "chaos-disk", str(self.mount)]
        await asyncio.to_thread(subprocess.run, mount, check=True)
        try:
            (self.mount / "pg").mkdir()
            os.chown(self.mount / "pg", owner.pw_uid, owner.pw_gid)
            await self.sql(
                f"CREATE TABLESPACE chaos_disk LOCATION '{self.mount / 'pg'}'",
                f"ALTER TABLE {self.table} SET TABLESPACE chaos_disk",
            )
        except BaseException:
            await asyncio.to_thread(subprocess.run, ["umount", str(self.mount)], check=False)
            raise

    async def fill(self) -> None:
        await asyncio.to_thread(self._fill)

    def _fill(self) -> None:
        chunk = b"\0" * (1 << 20)
        with self.filler.open("wb", buffering=0) as out:
            try:
                while True:
                    out.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise

    async def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    async def cleanup(self) -> None:
        await self.free()
        await self.sql(f"ALTER TABLE {self.table} SET TABLESPACE pg_default", "DROP TABLESPACE chaos_disk")
        await asyncio.to_thread(subprocess.run, ["umount", str(self.mount)], check=False)


def fill_until_full(path: os.PathLike[str] | str) -> int:
    """Append to `path` until the file system is full; MB written."""
    chunk, written = b"\0" * (1 << 20), 0
    with open(path, "ab", buffering=0) as out:
        try:
            while True:
                written += out.write(chunk)
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
    return written >> 20


class FullWal:
    """PostgreSQL's WAL on the tmpfs `stack.py up` mounted for it (WAARDIGWERK_PG_WAL_TMPFS_MB, set by
    `make chaos`), kept full for the fault's duration: a file takes every free byte (again every
    0.2 s, so space a checkpoint frees is taken too), and a superuser connection asks for a new WAL
    segment every 0.2 s (`pg_switch_wal`), so PostgreSQL soon needs a segment it has no room for
    and PANICs. `free` removes the file and starts PostgreSQL again if it gave up (its startup
    after the PANIC could not write WAL either)."""

    def __init__(self, observed: dict[str, Any]) -> None:
        self.server = PostgresServer(LAYOUT, "")
        self.filler = self.server.wal_mount / "filler"
        self.observed = observed
        self.tasks: list[asyncio.Task[None]] = []
        self.log_from = 0
        self.filled_at = 0.0

    async def prepare(self) -> None:
        if not self.server.wal_mount.is_mount():
            raise SystemExit(
                f"wal-full: PostgreSQL's WAL is not on a tmpfs of this stack ({self.server.wal_mount}); "
                f"start the stack with {WAL_TMPFS}=512 (`make chaos` does)"
            )
        self.log_from = LAYOUT.log("postgres").stat().st_size

    async def fill(self) -> None:
        self.observed["filled_mb"] = await asyncio.to_thread(fill_until_full, self.filler)
        self.filled_at = time.monotonic()
        self.tasks = [asyncio.create_task(self._keep_full()), asyncio.create_task(self._switch_segments())]

    async def _keep_full(self) -> None:
        while True:
            await asyncio.sleep(0.2)
            await asyncio.to_thread(fill_until_full, self.filler)

    async def _switch_segments(self) -> None:
        while True:
            try:
                conn = await asyncpg.connect(
                    host=str(self.server.sockets), port=self.server.port, user=SUPERUSER, database=DATABASE, timeout=3
                )
                try:
                    while True:
                        await conn.execute("SELECT pg_switch_wal()")
                        await asyncio.sleep(0.2)
                finally:
                    await conn.close(timeout=3)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                # the first failure: PostgreSQL could no longer write WAL this long after the tmpfs was full
                self.observed.setdefault("down_after_s", round(time.monotonic() - self.filled_at, 1))
                await asyncio.sleep(0.5)

    async def free(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []
        self.filler.unlink(missing_ok=True)
        if "panics" in self.observed:
            return  # freed already (the heal; this is the cleanup)
        loop = asyncio.get_running_loop()
        until, started = loop.time() + 180, False
        while loop.time() < until and not await self.server.answers():
            if self.server.pid() is None:  # the postmaster gave up
                await asyncio.to_thread(stack, "start", "postgres")
                started = True
            await asyncio.sleep(1)
        with LAYOUT.log("postgres").open("rb") as log:
            log.seek(self.log_from)
            lines = log.read().decode(errors="replace").splitlines()
        self.observed.update(
            panics=sum("PANIC:" in line for line in lines),
            enospc=sum("No space left on device" in line for line in lines),
            pg_started=started,
        )


def arranged(database_url: str, soak_s: float) -> list[Fault]:
    """The faults with a `prepare` and a `cleanup`, and the soak."""
    partition = Detour("melding", "kafka", database_url)
    slow = Detour("melding", "postgres", database_url)
    disk = FullDisk("melding.melding")
    wal_seen: dict[str, Any] = {}
    wal = FullWal(wal_seen)
    return [
        Fault(
            "partition-melding",
            "melding cut off from the broker for 20 s (its connections through a proxy, dropped and unanswered)",
            partition.cut(),
            partition.mend(),
            20.0,
            prepare=partition.prepare,
            cleanup=partition.cleanup,
        ),
        Fault(
            "pg-slow-melding",
            "every chunk between melding and PostgreSQL delayed 150 ms each way for 30 s (a proxy)",
            slow.slow(0.15),
            slow.slow(0.0),
            30.0,
            prepare=slow.prepare,
            cleanup=slow.cleanup,
        ),
        Fault(
            "soak",
            f"{soak_s:g} s at the steady rate (CHAOS_SOAK_S), RSS and open files sampled per process",
            nothing,
            nothing,
            0.0,
            at=0.999,  # "healed" at the stream's end: recovery is the time to drain after it
            seconds=soak_s,
            sampled=True,
        ),
        Fault(
            "disk-full",
            "melding's case table on a tmpfs tablespace (its size + 16 MB), filled for 20 s (ENOSPC), then freed",
            disk.fill,
            disk.free,
            20.0,
            prepare=disk.prepare,
            cleanup=disk.cleanup,
        ),
        Fault(
            "wal-full",
            "PostgreSQL's WAL tmpfs kept full for 20 s (PANIC expected), then freed; PostgreSQL started if it gave up",
            wal.fill,
            wal.free,
            20.0,
            prepare=wal.prepare,
            cleanup=wal.free,
            observed=wal_seen,
        ),
    ]
