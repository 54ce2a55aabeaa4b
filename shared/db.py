"""PostgreSQL: one schema per service, migrated with yoyo at start, used through an asyncpg pool.

yoyo-migrations keeps plain SQL files, records what ran in the service's own schema and takes a
lock while migrating, so two starting instances never apply a migration twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from yoyo import get_backend, read_migrations

KERNEL_MIGRATIONS = Path(__file__).parent / "migrations"

# A connection as handlers see it: a plain one, or one borrowed from the pool.
Conn = asyncpg.Connection | PoolConnectionProxy


def _yoyo_url(database_url: str, schema: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, urlencode({"schema": schema}), ""))


async def ensure_schema(database_url: str, schema: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    finally:
        await conn.close()


def migrate(database_url: str, schema: str, service_migrations: Path) -> None:
    """Apply the kernel's and the service's migrations to the service's schema (blocking)."""
    backend = get_backend(_yoyo_url(database_url, schema), migration_table="_yoyo_migration")
    migrations = read_migrations(str(KERNEL_MIGRATIONS), str(service_migrations))
    with backend.lock():
        backend.apply_migrations(backend.to_apply(migrations))


async def create_pool(
    database_url: str,
    schema: str,
    *,
    max_size: int = 10,
    timeout_s: float = 60.0,
    init: Any = None,  # an async callable taking the new connection
) -> asyncpg.Pool:
    """The service's pool. A connection goes back into it without asyncpg's reset query (CLOSE ALL,
    UNLISTEN *, RESET ALL, pg_advisory_unlock_all): one round trip per release, the cost of a
    batch's whole transaction at a trickle. Nothing borrowed from this pool leaves session state:
    work runs in transactions (asyncpg rolls back one left open, and advisory locks are
    transaction-scoped), the schema is a startup setting, and the relay, the one user of LISTEN and
    of a session lock, closes its connection before giving it back (shared/outbox.py). `init` runs
    on every new connection (a test's query logger).

    `timeout_s` bounds what a dead link to the database can hang: a statement that has no answer
    by then fails with `TimeoutError` (transient: the batch or round is tried again on another
    connection), and so does connecting; the server ends a session left idle inside a transaction
    that long (its locks go with it), and probes an idle client's socket (TCP keepalive) so a
    vanished client's session ends too. No work of the services waits on anything but the database
    inside a transaction, and no statement of theirs runs near that long."""
    pool: asyncpg.Pool = await asyncpg.create_pool(
        database_url,
        min_size=1,
        max_size=max_size,
        timeout=timeout_s,
        command_timeout=timeout_s,
        server_settings={
            "search_path": schema,
            "idle_in_transaction_session_timeout": str(int(timeout_s * 1000)),
            "tcp_keepalives_idle": str(max(1, int(timeout_s))),
            "tcp_keepalives_interval": str(max(1, int(timeout_s / 6))),
            "tcp_keepalives_count": "6",
        },
        reset=_no_session_state,
        init=init,
    )
    return pool


async def _no_session_state(_: asyncpg.Connection) -> None:
    """Nothing to reset (see create_pool); asyncpg has already rolled back an open transaction."""
