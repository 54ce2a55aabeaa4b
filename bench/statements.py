"""Statements per service from pg_stat_statements, reset before each stage.

Every service logs in as the same role and works in a schema of its own (search_path = its name,
shared/db.py), so the statistics cannot be split by user. They are split by schema instead: a
statement's query id is computed from the tables it resolves to, so the same text in two schemas
gives two entries. Each entry is matched to a schema in this order:
1. `EXPLAIN (VERBOSE) EXECUTE` of the text, prepared under the search_path of a schema that has
   its tables, shows the entry's query id (PostgreSQL prints "Query Identifier"); literals that
   pg_stat_statements shows as `$n` are tried as numbers and as strings too;
2. else (COPY and other statements that cannot be prepared) its tables exist in one schema only;
3. otherwise the entry is `shared`: statements without a table (BEGIN, COMMIT, the pool's reset
   queries, `SELECT pg_try_advisory_xact_lock(...)`) have one id for every schema and cannot be told
   apart.
This process's own statements start with BENCH_TAG and are left out.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

import asyncpg

BENCH_TAG = "/* bench */"
SHARED = "shared"
PARAM = re.compile(r"\$(\d+)")
COPY = re.compile(r'COPY\s+"?([a-z_][a-z0-9_]*)"?\s*\(([^)]*)\)', re.IGNORECASE)
IDENT = re.compile(r'"?([a-z_][a-z0-9_]*)"?', re.IGNORECASE)
MAX_VARIANTS = 81  # literal guesses per entry (3 per `$n`, up to four of them)


def _stand_in(by: dict[int, str], match: re.Match[str]) -> str:
    return by.get(int(match.group(1)), match.group(0))


@dataclass
class Statements:
    """pg_stat_statements of the application database, split by service schema."""

    conn: asyncpg.Connection
    schemas: list[str]
    tables: dict[str, set[str]] = field(default_factory=dict)  # table -> schemas that have it
    columns: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (schema, table) -> columns
    owner: dict[int, str] = field(default_factory=dict)  # query id -> schema (or SHARED)

    @classmethod
    async def open(cls, database_url: str, schemas: list[str]) -> Statements | None:
        """None when the server has no pg_stat_statements (a stack started another way)."""
        conn = await asyncpg.connect(database_url, statement_cache_size=0)
        try:
            await conn.fetchval(f"{BENCH_TAG} SELECT count(*) FROM public.pg_stat_statements")
        except asyncpg.PostgresError:
            await conn.close()
            return None
        rows = await conn.fetch(
            f"{BENCH_TAG} SELECT table_schema, table_name, array_agg(column_name::text) AS columns"
            " FROM information_schema.columns WHERE table_schema = ANY($1::text[]) GROUP BY 1, 2",
            schemas,
        )
        tables: dict[str, set[str]] = {}
        columns: dict[tuple[str, str], set[str]] = {}
        for row in rows:
            tables.setdefault(row["table_name"], set()).add(row["table_schema"])
            columns[row["table_schema"], row["table_name"]] = set(row["columns"])
        return cls(conn, schemas, tables, columns)

    async def close(self) -> None:
        await self.conn.close()

    async def reset(self) -> None:
        await self.conn.execute(f"{BENCH_TAG} SELECT public.pg_stat_statements_reset()")

    async def evictions(self) -> int:
        """How often since the last reset pg_stat_statements dropped its least used entries to make
        room (then the counts are too low: raise pg_stat_statements.max)."""
        return int(await self.conn.fetchval(f"{BENCH_TAG} SELECT dealloc FROM public.pg_stat_statements_info"))

    async def counts(self) -> dict[str, int]:
        """Calls per schema (and SHARED) since the last reset."""
        rows = await self.conn.fetch(
            f"{BENCH_TAG} SELECT queryid, query, calls FROM public.pg_stat_statements"
            " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel"
        )
        total: Counter[str] = Counter()
        for row in rows:
            query = row["query"] or ""
            if query.startswith(BENCH_TAG) or query.lstrip().upper().startswith("EXPLAIN"):
                continue
            if row["queryid"] not in self.owner:
                self.owner[row["queryid"]] = await self._schema_of(row["queryid"], query)
            total[self.owner[row["queryid"]]] += row["calls"]
        return dict(total)

    async def _schema_of(self, queryid: int, query: str) -> str:
        words = {w.lower() for w in IDENT.findall(query)}
        holders = [self.tables[w] for w in words if w in self.tables]
        if not holders:
            return SHARED
        for schema in sorted(set.union(*holders)):
            if await self._explained_id(schema, query, queryid):
                return schema
        copy = COPY.match(query)
        if copy:  # COPY cannot be prepared: the schema whose table has every column it names
            table, named = copy.group(1), set(re.findall(r'"([^"]+)"', copy.group(2)))
            fits = [s for s in self.tables.get(table, ()) if named <= self.columns.get((s, table), set())]
            if len(fits) == 1:
                return fits[0]
        common = set.intersection(*holders)  # a column may share a table's name: prefer all names
        unique = {s for h in holders if len(h) == 1 for s in h}
        if len(common) == 1:
            return common.pop()
        if len(unique) == 1:
            return unique.pop()
        return SHARED

    async def _explained_id(self, schema: str, query: str, queryid: int) -> bool:
        """Whether `query`, planned in `schema`, has the id `queryid`."""
        params = sorted({int(n) for n in PARAM.findall(query)})
        guesses = [None, "1", "'1'"]  # a bound parameter, or a literal pg_stat_statements replaced
        variants = itertools.islice(itertools.product(guesses, repeat=len(params)), MAX_VARIANTS)
        await self.conn.execute(f"{BENCH_TAG} SELECT set_config('search_path', $1, false)", schema)
        for variant in variants:
            literal = {p: g for p, g in zip(params, variant, strict=True) if g is not None}
            bound = [p for p in params if p not in literal]
            stand_in = literal | {p: f"${i + 1}" for i, p in enumerate(bound)}  # bound ones renumbered
            text = PARAM.sub(partial(_stand_in, stand_in), query)
            if await self._plan_id(text, len(bound)) == queryid:
                return True
        return False

    async def _plan_id(self, text: str, n_params: int) -> int | None:
        try:
            await self.conn.execute(f"PREPARE bench_probe AS {text}")
        except asyncpg.PostgresError:
            return None
        try:
            args = ", ".join(["NULL"] * n_params)
            plan = await self.conn.fetch(f"EXPLAIN (VERBOSE) EXECUTE bench_probe{f'({args})' if args else ''}")
        except asyncpg.PostgresError:
            return None
        finally:
            await self.conn.execute("DEALLOCATE bench_probe")
        for (line,) in plan:
            if "Query Identifier:" in line:
                return int(line.split(":")[1])
        return None
