"""What a batch's `take` locked is known to `lock` inside the transaction's scope, on the real
PostgreSQL: no second statement for a key held, and outside the scope (or on another connection)
`lock` asks the database as before."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from shared import locks

pytestmark = pytest.mark.stack


class Counted:
    def __init__(self) -> None:
        self.queries: list[str] = []

    def __call__(self, record: asyncpg.LoggedQuery) -> None:
        self.queries.append(record.query)


@pytest.fixture
async def pool(stack_env: dict[str, str]) -> AsyncIterator[asyncpg.Pool]:
    made = await asyncpg.create_pool(stack_env["DATABASE_URL"], min_size=2, max_size=2)
    yield made
    await made.close()


async def held_elsewhere(pool: asyncpg.Pool, key: str) -> bool:
    async with pool.acquire() as other:
        got = await other.fetchval("SELECT pg_try_advisory_lock(hashtext($1)::bigint)", key)
        if got:
            await other.execute("SELECT pg_advisory_unlock(hashtext($1)::bigint)", key)
        return not got


async def test_a_key_the_batch_took_is_not_locked_again_in_its_scope(pool: asyncpg.Pool) -> None:
    counted = Counted()
    with locks.scope():
        async with pool.acquire() as conn, conn.transaction():
            conn.add_query_logger(counted)
            await locks.take(conn, ["planning:Noord", "werkgever:1"])
            await locks.lock(conn, "planning:Noord")
            await locks.lock(conn, "planning:Zuid")  # not taken by the batch: asked for
            assert await held_elsewhere(pool, "planning:Noord") and await held_elsewhere(pool, "planning:Zuid")
            conn.remove_query_logger(counted)
    assert len(counted.queries) == 2, counted.queries
    assert "pg_advisory_xact_lock(hashtext" in counted.queries[1]
    assert not await held_elsewhere(pool, "planning:Noord"), "released with the transaction"


async def test_outside_a_scope_every_lock_asks_the_database(pool: asyncpg.Pool) -> None:
    counted = Counted()
    with locks.scope():
        async with pool.acquire() as conn, conn.transaction():
            await locks.take(conn, ["planning:Noord"])
    async with pool.acquire() as conn, conn.transaction():  # the next transaction, on any connection
        conn.add_query_logger(counted)
        await locks.take(conn, ["planning:Noord"])
        await locks.lock(conn, "planning:Noord")
        conn.remove_query_logger(counted)
    assert len(counted.queries) == 2, counted.queries
