"""When the database has done the maintenance that the stages' writes left it: no autovacuum worker
runs and no table of the database is due for one.

A table is due when it crossed one of autovacuum's thresholds (PostgreSQL's own rule, `DUE`): dead
rows for a vacuum, rows inserted since the last vacuum for an insert vacuum, rows changed since the
last analyze for an analyze. The launcher looks
once per `autovacuum_naptime`, so a table can be due for up to that long before a worker runs; an
empty list of due tables, not a pause between workers, tells that the work is done.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import asyncpg

from bench.statements import BENCH_TAG

# PostgreSQL 15's rule (relation_needs_vacanalyze): per table its own thresholds (reloptions), else
# the server's; reltuples is -1 until a table was first vacuumed or analysed (counted as 0); an
# insert threshold of -1 turns insert vacuums off; a table whose autovacuum is off, another session's
# temporary table and a partitioned table are never due; a TOAST table and pg_statistic are vacuumed,
# never analysed.
DUE = f"""{BENCH_TAG}
WITH s AS (SELECT jsonb_object_agg(name, setting::float8) AS server FROM pg_settings
           WHERE name ~ '^autovacuum_.*(threshold|scale_factor)$'),
t AS (
    SELECT st.schemaname || '.' || st.relname AS name, st.n_dead_tup AS dead, st.n_ins_since_vacuum AS ins,
           st.n_mod_since_analyze AS mods, c.relkind, greatest(c.reltuples, 0) AS n,
           coalesce((SELECT o.option_value::bool FROM pg_options_to_table(c.reloptions) o
                     WHERE o.option_name = 'autovacuum_enabled'), true) AS enabled,
           s.server || coalesce((SELECT jsonb_object_agg(o.option_name, o.option_value::float8)
                                 FROM pg_options_to_table(c.reloptions) o
                                 WHERE o.option_name ~ '^autovacuum_.*(threshold|scale_factor)$'), '{{}}') AS p
    FROM pg_stat_all_tables st JOIN pg_class c ON c.oid = st.relid, s
    WHERE st.schemaname <> 'information_schema' AND c.relpersistence <> 't' AND c.relkind IN ('r', 'm', 't')
)
SELECT name FROM t
WHERE enabled AND (
       dead > (p->>'autovacuum_vacuum_threshold')::float8 + (p->>'autovacuum_vacuum_scale_factor')::float8 * n
    OR ((p->>'autovacuum_vacuum_insert_threshold')::float8 >= 0
        AND ins > (p->>'autovacuum_vacuum_insert_threshold')::float8
                  + (p->>'autovacuum_vacuum_insert_scale_factor')::float8 * n)
    OR (relkind <> 't' AND name <> 'pg_catalog.pg_statistic'
        AND mods > (p->>'autovacuum_analyze_threshold')::float8 + (p->>'autovacuum_analyze_scale_factor')::float8 * n))
ORDER BY name
"""
# autovacuum runs only with both on (AutoVacuumingActive): otherwise nothing is ever owed
ACTIVE = f"{BENCH_TAG} SELECT current_setting('autovacuum')::bool AND current_setting('track_counts')::bool"
WORKERS = f"{BENCH_TAG} SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"


async def due(conn: asyncpg.Connection) -> list[str]:
    """The tables autovacuum still owes a vacuum or an analyze, as schema.table."""
    if not await conn.fetchval(ACTIVE):
        return []
    return [r[0] for r in await conn.fetch(DUE)]


@dataclass(frozen=True)
class Settled:
    seconds: float
    still_due: list[str]  # empty unless it gave up (an old snapshot can keep dead rows for ever)


async def wait_settled(database_url: str, look_s: float = 1.0, give_up_s: float = 600) -> Settled:
    """Wait until no autovacuum worker runs and no table is due, or until `give_up_s` has passed."""
    conn = await asyncpg.connect(database_url, statement_cache_size=0)
    started = last_said = time.perf_counter()
    try:
        while True:
            workers, tables = await conn.fetchval(WORKERS), await due(conn)
            now = time.perf_counter()
            if (not workers and not tables) or now - started > give_up_s:
                return Settled(now - started, tables)
            if now - last_said > 10:
                print(f"  database maintenance: {workers} autovacuum workers, due: {', '.join(tables)}", flush=True)
                last_said = now
            await asyncio.sleep(look_s)
    finally:
        await conn.close()
