"""A table is due for autovacuum once its writes cross the server's thresholds, and no longer once
it was vacuumed and analysed, on the stack's PostgreSQL (WAARDIGWERK_STACK_DIR)."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest

from bench import maintenance
from tools.stackenv import stack_env


@pytest.fixture
def database_url() -> str:
    try:
        return stack_env()["DATABASE_URL"]
    except (SystemExit, KeyError):
        pytest.skip("no stack: start one (make up) or set WAARDIGWERK_STACK_DIR")


async def listed(conn: asyncpg.Connection, table: str, wanted: bool) -> bool:
    """Whether `due` lists the table as wanted within 10 s (statistics reach the server within a second
    or so of the writing transaction)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if (table in await maintenance.due(conn)) == wanted:
            return True
        await asyncio.sleep(0.2)
    return False


async def test_a_table_is_due_after_its_inserts_and_not_after_vacuum_analyze(database_url: str) -> None:
    schema = f"bench_m_{uuid.uuid4().hex[:6]}"
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; CREATE TABLE {schema}.probe (id int)")
        assert await listed(conn, f"{schema}.probe", False), "an empty table is not due"
        await conn.execute(f"INSERT INTO {schema}.probe SELECT generate_series(1, 2000)")
        assert await listed(conn, f"{schema}.probe", True), "2 000 inserts pass the insert and analyze thresholds"
        await conn.execute(f"VACUUM ANALYZE {schema}.probe")
        assert await listed(conn, f"{schema}.probe", False), "vacuumed and analysed, nothing is owed"
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()
