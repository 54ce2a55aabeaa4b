"""The services' connection pool on a real PostgreSQL: giving a connection back costs no statement,
and nothing that comes back into the pool carries session state (the relay's LISTEN included)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from shared import db, outbox
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
