"""A table is due for autovacuum once its writes cross the server's thresholds, and no longer once
it was vacuumed and analysed, on the stack's PostgreSQL (WAARDIGWERK_STACK_DIR)."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest

from bench import maintenance

pytestmark = pytest.mark.stack


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
    probe, quiet, late = (f"{schema}.{t}" for t in ("probe", "quiet", "late"))
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; CREATE TABLE {probe} (id int)")
        await conn.execute(f"CREATE TABLE {quiet} (id int) WITH (autovacuum_enabled = off)")
        await conn.execute(
            f"CREATE TABLE {late} (id int) WITH (autovacuum_analyze_threshold = 100000,"
            " autovacuum_vacuum_insert_threshold = -1)"
        )
        assert await listed(conn, probe, False), "an empty table is not due"
        async with conn.transaction():  # one transaction: the three tables' counts are reported together
            for table in (probe, quiet, late):
                await conn.execute(f"INSERT INTO {table} SELECT generate_series(1, 2000)")
        assert await listed(conn, probe, True), "2 000 inserts pass the insert and analyze thresholds"
        assert not {quiet, late} & set(await maintenance.due(conn)), (
            "autovacuum off, or thresholds of its own above what was written: never due"
        )
        await conn.execute(f"VACUUM ANALYZE {probe}")
        assert await listed(conn, probe, False), "vacuumed and analysed, nothing is owed"
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()
