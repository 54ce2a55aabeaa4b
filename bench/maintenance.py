"""When the database has done the maintenance that the stages' writes left it: no autovacuum worker
runs and no table of the database is due for one.

A table is due when it crossed one of autovacuum's thresholds (PostgreSQL's own rule, with this
server's settings): dead rows for a vacuum, rows inserted since the last
vacuum for an insert vacuum, rows changed since the last analyze for an analyze. The launcher looks
once per `autovacuum_naptime`, so a table can be due for up to that long before a worker runs; an
empty list of due tables, not a pause between workers, tells that the work is done.
"""

from __future__ import annotations

import asyncio
import time

import asyncpg

from bench.statements import BENCH_TAG

# With the server's thresholds (no table of the project sets its own); a table whose autovacuum is
# off is never due. reltuples is -1 until a table was first vacuumed or analysed: PostgreSQL counts 0.
DUE = f"""{BENCH_TAG}
WITH s AS (SELECT name, setting::float8 AS v FROM pg_settings
           WHERE name LIKE 'autovacuum%threshold' OR name LIKE 'autovacuum%scale_factor')
SELECT st.schemaname || '.' || st.relname
FROM pg_stat_user_tables st JOIN pg_class c ON c.oid = st.relid,
     LATERAL (SELECT greatest(c.reltuples, 0) AS n) r
WHERE NOT coalesce('autovacuum_enabled=false' = ANY(c.reloptions), false)
  AND (st.n_dead_tup > (SELECT v FROM s WHERE name = 'autovacuum_vacuum_threshold')
                       + (SELECT v FROM s WHERE name = 'autovacuum_vacuum_scale_factor') * r.n
    OR st.n_ins_since_vacuum > (SELECT v FROM s WHERE name = 'autovacuum_vacuum_insert_threshold')
                               + (SELECT v FROM s WHERE name = 'autovacuum_vacuum_insert_scale_factor') * r.n
    OR st.n_mod_since_analyze > (SELECT v FROM s WHERE name = 'autovacuum_analyze_threshold')
                                + (SELECT v FROM s WHERE name = 'autovacuum_analyze_scale_factor') * r.n)
ORDER BY 1
"""
WORKERS = f"{BENCH_TAG} SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"


async def due(conn: asyncpg.Connection) -> list[str]:
    """The tables autovacuum still owes a vacuum or an analyze, as schema.table."""
    return [r[0] for r in await conn.fetch(DUE)]


async def wait_settled(database_url: str, look_s: float = 1.0, give_up_s: float = 600) -> float:
    """Wait until no autovacuum worker runs and no table is due; returns the seconds it took."""
    conn = await asyncpg.connect(database_url, statement_cache_size=0)
    started = last_said = time.perf_counter()
    try:
        while True:
            workers, tables = await conn.fetchval(WORKERS), await due(conn)
            if not workers and not tables:
                return time.perf_counter() - started
            now = time.perf_counter()
            if now - last_said > 10:
                print(f"  database maintenance: {workers} autovacuum workers, due: {', '.join(tables)}", flush=True)
                last_said = now
            if now - started > give_up_s:
                raise SystemExit(f"autovacuum did not finish within {give_up_s:.0f} s: {tables}")
            await asyncio.sleep(look_s)
    finally:
        await conn.close()
