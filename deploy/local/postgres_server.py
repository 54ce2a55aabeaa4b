"""The PostgreSQL server of the local stack: Debian's server binaries, a cluster in the state directory.

PostgreSQL refuses to run as root, so when this runs as root the cluster belongs to the
`postgres` user and its processes run as that user (the same thing `runuser -u postgres` does,
without an extra process in between). Clients use TCP on 127.0.0.1 with a password (SCRAM); the
stack itself administers the cluster over a Unix socket inside the cluster directory, which only
the cluster's owner can reach.

Version 15 is preferred: it is what docker-compose.yml runs, so both stacks behave the same.

WAARDIGWERK_PG_WAL_TMPFS_MB=<MB> (set by `make chaos` only) puts a new cluster's WAL on a tmpfs of that
size mounted in the cluster directory (`initdb --waldir`; needs root for `mount`), so the fault
matrix can fill it without touching the machine's disk. The tmpfs lives until `down` unmounts
it; a cluster whose WAL tmpfs is gone cannot start, so `up` then makes a new one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import asyncpg

from deploy.local import procs
from deploy.local.layout import DATABASE, Layout, StackError
from deploy.local.part import Part, Say

PREFERRED_MAJOR = "15"
SUPERUSER = "postgres"
WAL_TMPFS = "WAARDIGWERK_PG_WAL_TMPFS_MB"


def wal_tmpfs_mb() -> int | None:
    value = os.environ.get(WAL_TMPFS, "").strip()
    return int(value) if value else None


def server_bindir() -> Path:
    """Where `postgres`, `initdb` and `pg_ctl` are: Debian's versioned directory, else the PATH."""
    found = {p.parent.parent.name: p.parent for p in Path("/usr/lib/postgresql").glob("[0-9]*/bin/postgres")}
    if PREFERRED_MAJOR in found:
        return found[PREFERRED_MAJOR]
    if found:
        return found[max(found, key=int)]
    on_path = shutil.which("postgres")
    if on_path:
        return Path(on_path).resolve().parent
    raise StackError("no PostgreSQL server found: apt-get install -y postgresql (or run `make setup` as root)")


def as_root() -> bool:
    return os.geteuid() == 0


def run_as_owner() -> dict[str, Any]:
    """Popen options that run a server command as the cluster's owner."""
    return {"user": SUPERUSER, "group": SUPERUSER, "extra_groups": []} if as_root() else {}


def reachable_by_owner(path: Path) -> bool:
    """Whether the `postgres` user can reach `path` (a repository under /root is not)."""
    if not as_root():
        return True
    check = subprocess.run(["test", "-x", str(path)], check=False, **run_as_owner())
    return check.returncode == 0


class PostgresServer(Part):
    name = "postgres"
    start_timeout = 60.0
    stop_timeout = 30.0

    def __init__(self, layout: Layout, password: str) -> None:
        super().__init__(layout)
        self.password = password
        self.bindir = server_bindir()
        self.root = self._cluster_root()

    def _cluster_root(self) -> Path:
        """In the state directory, unless the `postgres` user cannot reach it (then under /var/lib)."""
        self.layout.state.mkdir(parents=True, exist_ok=True)
        if reachable_by_owner(self.layout.state):
            return self.layout.state / "postgres"
        return Path("/var/lib/waardigwerk") / hashlib.sha256(str(self.layout.state).encode()).hexdigest()[:12]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def wal_mount(self) -> Path:
        """The tmpfs holding the WAL (WAARDIGWERK_PG_WAL_TMPFS_MB); `pg_wal` inside it."""
        return self.root / "wal"

    def wal_on_tmpfs(self) -> bool:
        return (self.data / "pg_wal").is_symlink()

    @property
    def sockets(self) -> Path:
        return self.root / "run"

    @property
    def port(self) -> int:
        return self.layout.port("postgres")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"postgresql://{DATABASE}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def cwd(self) -> Path:
        return self.root

    @property
    def signature(self) -> tuple[str, ...]:
        return ("-D", str(self.data))

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port,)

    def spawn_options(self) -> dict[str, Any]:
        return run_as_owner()

    def command(self) -> list[str]:
        settings = {
            "port": self.port,
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": self.sockets,
            "max_connections": 200,  # six services with a pool each, plus the tests
            "shared_preload_libraries": "pg_stat_statements",  # statements per report in `make bench`
            # entries kept; every savepoint name is one of its own (`make bench` asks for more)
            "pg_stat_statements.max": os.environ.get("WAARDIGWERK_PG_STATEMENTS_MAX", "10000"),
        }
        return [str(self.bindir / "postgres"), "-D", str(self.data), *(f"-c{k}={v}" for k, v in settings.items())]

    def prepare(self, say: Say) -> None:
        for directory in (self.root, self.sockets):
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            if as_root():
                shutil.chown(directory, SUPERUSER, SUPERUSER)
        if (self.data / "PG_VERSION").is_file():
            if not self.wal_on_tmpfs() or os.path.ismount(self.wal_mount):
                return
            say(f"postgres: the tmpfs of its WAL ({self.wal_mount}) is gone: a new cluster")
            shutil.rmtree(self.data)
        if self.root.parent != self.layout.state:
            say(f"postgres: the postgres user cannot reach {self.layout.state}; the cluster lives in {self.root}")
        say(f"postgres: initdb {self.data} (PostgreSQL {self.bindir.parent.name})")
        initdb = [
            str(self.bindir / "initdb"),
            f"--pgdata={self.data}",
            f"--username={SUPERUSER}",
            "--encoding=UTF8",
            "--no-locale",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        ]
        size_mb = wal_tmpfs_mb()
        if size_mb:
            self._mount_wal_tmpfs(size_mb, say)
            initdb.append(f"--waldir={self.wal_mount / 'pg_wal'}")
        result = subprocess.run(initdb, cwd=self.root, capture_output=True, text=True, check=False, **run_as_owner())
        if result.returncode != 0:
            raise StackError(f"initdb failed:\n{result.stdout}{result.stderr}")
        if size_mb:
            # Checkpoints often enough that the WAL stays well inside its tmpfs under load.
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write(f"\n# WAL on a tmpfs of {size_mb} MB ({WAL_TMPFS})\n")
                conf.write(f"max_wal_size = {max(size_mb // 4, 48)}MB\nmin_wal_size = 32MB\n")

    def _mount_wal_tmpfs(self, size_mb: int, say: Say) -> None:
        if not as_root():
            raise StackError(f"{WAL_TMPFS}: mounting a tmpfs needs root")
        self.wal_mount.mkdir(exist_ok=True)
        if not os.path.ismount(self.wal_mount):
            options = f"size={size_mb}m,mode=0700"
            subprocess.run(["mount", "-t", "tmpfs", "-o", options, "waardigwerk-wal", str(self.wal_mount)], check=True)
        shutil.chown(self.wal_mount, SUPERUSER, SUPERUSER)
        say(f"postgres: WAL on a tmpfs of {size_mb} MB in {self.wal_mount}")

    def release(self) -> str | None:
        """After `down`: unmount the WAL's tmpfs, if the cluster has one (the cluster is gone with it)."""
        if not os.path.ismount(self.wal_mount):
            return None
        result = subprocess.run(["umount", str(self.wal_mount)], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            return f"could not unmount the WAL tmpfs {self.wal_mount}: {result.stderr.strip()}"
        return f"WAL tmpfs {self.wal_mount} unmounted (the next `up` makes a new cluster)"

    async def answers(self) -> bool:
        """The server accepts connections (over the socket: the application role may not exist yet)."""
        try:
            conn = await asyncpg.connect(
                host=str(self.sockets), port=self.port, user=SUPERUSER, database="postgres", timeout=3
            )
        except (OSError, asyncpg.PostgresError):
            return False
        await conn.close()
        return True

    async def settle(self, say: Say) -> None:
        """Role and database `waardigwerk`; the role's password is (re)set to the stack's."""
        conn = await asyncpg.connect(host=str(self.sockets), port=self.port, user=SUPERUSER, database="postgres")
        try:
            verb = "ALTER" if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", DATABASE) else "CREATE"
            statement = f"SELECT format('{verb} ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)"
            await conn.execute(await conn.fetchval(statement, DATABASE, self.password))
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
                await conn.execute(f'CREATE DATABASE "{DATABASE}" OWNER "{DATABASE}"')
                say(f"postgres: created role and database {DATABASE}")
        finally:
            await conn.close()
        await self._statement_statistics()
        if not await self.healthy():
            raise StackError(self.failure(f"does not accept the stack's login as {DATABASE} on {self.address}"))

    async def _statement_statistics(self) -> None:
        """pg_stat_statements in the application database; the application role may reset it (the
        benchmarks count statements per stage)."""
        conn = await asyncpg.connect(host=str(self.sockets), port=self.port, user=SUPERUSER, database=DATABASE)
        try:
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            await conn.execute(f'GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint) TO "{DATABASE}"')
        finally:
            await conn.close()

    async def healthy(self) -> bool:
        try:
            conn = await asyncpg.connect(self.url, timeout=3)
        except (OSError, asyncpg.PostgresError):
            return False
        await conn.close()
        return True

    def stop(self) -> str:
        """`pg_ctl stop` (fast: ends sessions, checkpoints); immediate if that does not finish."""
        pid = self.pid()
        if pid is None:
            return "not running"
        for mode in ("fast", "immediate"):
            pg_ctl = [str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", mode, "-w"]
            timeout = ["-t", str(int(self.stop_timeout))]
            subprocess.run([*pg_ctl, *timeout], cwd=self.root, capture_output=True, check=False, **run_as_owner())
            if procs.wait_gone(pid, 5):
                self.pidfile.unlink(missing_ok=True)
                return "stopped" if mode == "fast" else "stopped (immediate shutdown)"
        return super().stop()
