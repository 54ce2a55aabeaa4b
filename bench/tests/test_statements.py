"""Statements are told apart by schema on a real PostgreSQL with pg_stat_statements (the local
stack's: WAARDIGWERK_STACK_DIR). Two schemas with a table of the same name, the same texts in both."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from bench.statements import SHARED, Statements


async def test_the_same_statement_in_two_schemas_is_counted_for_each(database_url: str) -> None:
    a, b = f"bench_a_{uuid.uuid4().hex[:6]}", f"bench_b_{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(database_url)
    await admin.execute(f"CREATE SCHEMA {a}; CREATE TABLE {a}.probe (id int, v text, u text)")
    await admin.execute(f"CREATE SCHEMA {b}; CREATE TABLE {b}.probe (id int, v text, w text)")
    in_a = await asyncpg.connect(database_url, server_settings={"search_path": a})
    in_b = await asyncpg.connect(database_url, server_settings={"search_path": b})
    statements = await Statements.open(database_url, [a, b])
    if statements is None:
        pytest.skip("this PostgreSQL does not load pg_stat_statements")
    try:
        await statements.reset()
        for i in range(3):
            await in_a.fetch("SELECT v FROM probe WHERE id = $1", i)  # a bound parameter
        for i in range(2):
            await in_b.fetch("SELECT v FROM probe WHERE id = $1", i)
        for _ in range(4):
            await in_b.execute("SELECT v FROM probe ORDER BY id LIMIT 5")  # a literal, shown as $1
        async with in_a.transaction():  # BEGIN and COMMIT: no table, the same in every schema
            await in_a.copy_records_to_table("probe", records=[(1, "x")], columns=["id", "u"])
        await in_b.copy_records_to_table("probe", records=[(1, "x")], columns=["id", "w"])
        counts = await statements.counts()
        assert (counts.get(a), counts.get(b)) == (3 + 1, 2 + 4 + 1)
        assert counts.get(SHARED, 0) >= 2
    finally:
        await statements.close()
        await in_a.close()
        await in_b.close()
        await admin.execute(f"DROP SCHEMA {a} CASCADE; DROP SCHEMA {b} CASCADE")
        await admin.close()
