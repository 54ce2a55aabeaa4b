"""The services' connection pool on a real PostgreSQL: giving a connection back costs no statement,
and nothing that comes back into the pool carries session state (the relay's LISTEN included)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from chaos.proxy import Proxy
from shared import db, outbox
from shared.faults import transient
from shared.service import Service
from shared.settings import Settings

pytestmark = pytest.mark.stack


@pytest.fixture
async def schema(stack_env: dict[str, str], tmp_path: Path) -> AsyncIterator[str]:
    """A schema of its own with the kernel's tables."""
    svc = Service("proef", migrations=tmp_path, settings=Settings(database_url=stack_env["DATABASE_URL"]))
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    await svc.open_storage()
    await svc.pool.close()
    yield svc.schema
    conn = await asyncpg.connect(stack_env["DATABASE_URL"])
    try:
        await conn.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    finally:
        await conn.close()


async def test_giving_a_connection_back_to_the_pool_runs_no_reset_query(stack_env: dict[str, str], schema: str) -> None:
    """asyncpg's default reset (RESET ALL among others) is a round trip per release. Without it, a
    setting made on the pool's one connection is still there when it is borrowed again."""
    pool = await db.create_pool(stack_env["DATABASE_URL"], schema, max_size=1)
    try:
        async with pool.acquire() as conn:
            backend = conn.get_server_pid()
            await conn.execute("SELECT set_config('application_name', 'gemerkt', false)")
        async with pool.acquire() as conn:
            assert conn.get_server_pid() == backend
            assert await conn.fetchval("SHOW application_name") == "gemerkt"
    finally:
        await pool.close()


async def test_a_connection_the_relay_listened_on_comes_back_into_the_pool_without_its_listen(
    stack_env: dict[str, str], schema: str
) -> None:
    pool = await db.create_pool(stack_env["DATABASE_URL"], schema, max_size=1)
    producer = AIOKafkaProducer(bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"])
    await producer.start()
    relay = outbox.Relay(pool, producer, schema)
    running = asyncio.create_task(relay.run())
    try:
        for _ in range(300):
            if relay.listener_pid is not None:
                break
            await asyncio.sleep(0.1)
        listened_on = relay.listener_pid
        assert listened_on is not None, "the relay never listened"
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        async with pool.acquire() as conn:  # the pool's one connection: the relay's, unless it was closed
            channels = await conn.fetch("SELECT pg_listening_channels()")
            assert channels == [], f"backend {conn.get_server_pid()} still listens ({listened_on} did)"
    finally:
        running.cancel()
        await producer.stop()
        await pool.close()


async def test_a_statement_on_a_black_holed_connection_fails_in_time_and_the_pool_recovers(
    stack_env: dict[str, str], schema: str, unused_tcp_port: int
) -> None:
    """A database behind a dead link answers nothing and resets nothing: without a timeout a batch
    on such a connection waits for ever. With one, the statement fails (a transient error, so the
    batch is retried) and a connection made after the link heals works."""
    target = urlsplit(stack_env["DATABASE_URL"])
    login = target.netloc.rpartition("@")[0]
    via_proxy = target._replace(netloc=f"{login}@127.0.0.1:{unused_tcp_port}").geturl()
    async with Proxy(unused_tcp_port, target.port or 5432) as proxy:
        pool = await db.create_pool(via_proxy, schema, max_size=2, timeout_s=1.0)
        try:
            assert await pool.fetchval("SELECT 1") == 1
            proxy.delay(3600.0)  # every byte held: the connections stay open and silent
            stuck = asyncio.create_task(pool.fetchval("SELECT 2"))
            done, _ = await asyncio.wait({stuck}, timeout=20)
            assert stuck in done, "the statement still waits on a connection that answers nothing"
            assert isinstance(stuck.exception(), TimeoutError) and transient(stuck.exception())  # type: ignore[arg-type]
            proxy.delay(0.0)
            proxy.mend()  # the dead link's connections are gone; new ones go through
            assert await asyncio.wait_for(pool.fetchval("SELECT 3"), 20) == 3
        finally:
            pool.terminate()


async def test_the_database_ends_a_transaction_its_client_left_open(stack_env: dict[str, str], schema: str) -> None:
    """A client that vanishes inside a transaction must not hold its locks for ever: the server
    ends a session idle in a transaction after the pool's timeout."""
    pool = await db.create_pool(stack_env["DATABASE_URL"], schema, max_size=1, timeout_s=1.0)
    try:
        conn = await pool.acquire()
        tx = conn.transaction()
        await tx.start()
        await conn.execute("SELECT pg_advisory_xact_lock(4242)")
        await asyncio.sleep(3.0)
        watcher = await asyncpg.connect(stack_env["DATABASE_URL"])
        try:
            assert await watcher.fetchval("SELECT pg_try_advisory_lock(4242)"), "the abandoned lock was freed"
        finally:
            await watcher.close()
        with contextlib.suppress(Exception):
            await pool.release(conn)
    finally:
        pool.terminate()
