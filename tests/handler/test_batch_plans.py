"""Handler tier: a batch's reads by key cost the rows they find, not the table's rows times the
batch's keys, on the real PostgreSQL.

A service prepares each statement once per connection; after five executions PostgreSQL may keep a
generic plan, made with the statistics of that moment. A plan made on a young table (a fresh stack,
or before autovacuum has analysed a burst) scans the table, and where a statement matches a column
against `= ANY($n)` every row is compared with every key of the batch: a 400-record batch on a
table of 20 000 rows took 0.4-2 s per statement in the benchmark. A key list joined as `unnest($n)`
stays a hash or an index lookup whatever the plan, and a partial index is only usable when the
statement repeats its predicate literally. Each statement is explained under its generic plan on
the service's tables as migrated, empty and never analysed, as on a fresh stack."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from services.console import opslag
from services.inspectie.adapters import planning
from services.inspectie.adapters import repository as inspectie_repository
from services.melding.adapters import intake
from services.melding.adapters import repository as melding_repository
from shared import db, inbox

pytestmark = pytest.mark.stack
SERVICES = Path(__file__).parents[2] / "services"

BATCH_READS = {  # the statements a batch runs with the keys of all its records
    "inspectie": {
        "planning.SIGNALEN": planning.SIGNALEN,
        "planning.UITZENDONDERNEMINGEN": planning.UITZENDONDERNEMINGEN,
        "planning.OPEN_INSPECTIES": planning.OPEN_INSPECTIES,
        "planning.TEKORT_GEMELD": planning.TEKORT_GEMELD,
        "repository.REGIOS": inspectie_repository.REGIOS,
        "inbox.UNCLAIM": inbox.UNCLAIM,
    },
    "melding": {
        "intake.OPEN_ZAKEN": intake.OPEN_ZAKEN,
        "repository.STATUS_EN_MELDERS": melding_repository.STATUS_EN_MELDERS,
    },
    "console": {"opslag.ZAAK": opslag.ZAAK},
}
KEY_LISTS = {"opslag.ZAAK": {"1"}}  # the parameters that carry the batch's keys, where not all of them do
ANY_OF = re.compile(r"ANY \(\$(\d+)\)")


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


@pytest.fixture
async def conns(stack_env: dict[str, str]) -> AsyncIterator[dict[str, asyncpg.Connection]]:
    """A connection per service on a schema of its own, migrated as the service migrates it."""
    url, opened, schemas = stack_env["DATABASE_URL"], {}, []
    admin = await asyncpg.connect(url)
    try:
        for service in BATCH_READS:
            schema = f"test_{uuid.uuid4().hex[:10]}"
            schemas.append(schema)
            await admin.execute(f'CREATE SCHEMA "{schema}"')
            await asyncio.to_thread(db.migrate, url, schema, SERVICES / service / "migrations")
            opened[service] = await asyncpg.connect(url, server_settings={"search_path": schema})
            await opened[service].execute("ANALYZE")
        yield opened
    finally:
        for conn in opened.values():
            await conn.close()
        for schema in schemas:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


async def generic_plan(conn: asyncpg.Connection, sql: str) -> dict[str, Any]:
    """The plan PostgreSQL keeps for the statement once it plans it generically."""
    parameters = len((await conn.prepare(sql)).get_parameters())
    name = f"batch_read_{uuid.uuid4().hex[:8]}"
    await conn.execute(f"PREPARE {name} AS {sql}")
    await conn.execute("SET plan_cache_mode = force_generic_plan")
    arguments = ", ".join(["NULL"] * parameters)
    text = await conn.fetchval(f"EXPLAIN (FORMAT JSON) EXECUTE {name}({arguments})")
    plan: dict[str, Any] = json.loads(text)[0]["Plan"]
    return plan


async def test_no_batch_read_compares_every_row_with_every_key(conns: dict[str, asyncpg.Connection]) -> None:
    checked, per_row = 0, []
    for service, statements in BATCH_READS.items():
        for name, sql in statements.items():
            plan = await generic_plan(conns[service], sql)
            checked += 1
            for node in nodes(plan):
                for field in ("Filter", "Join Filter"):
                    if any(p in KEY_LISTS.get(name, {p}) for p in ANY_OF.findall(node.get(field, ""))):
                        per_row.append(f"{service} {name}: {node['Node Type']} {field} {node[field]}")
    assert checked == sum(len(s) for s in BATCH_READS.values())
    assert not per_row, "rows compared with a whole key list:\n" + "\n".join(per_row)


async def test_a_cases_upsert_reads_no_more_pages_after_thousands_of_other_events(
    conns: dict[str, asyncpg.Connection],
) -> None:
    """A new case takes the laws of its employer's earlier sanctions. Read from the GIN index of
    every event's employers, each case of a batch scanned that index's pending list, which holds
    every event written since autovacuum last came by, or the whole log under a plan made on a
    young table: 0.4 s per statement of 400 cases in the benchmark, growing with the stream (the
    old statement, given the sanction types as its 15th argument, read 13 pages here before and
    25 700 after). The laws come from `werkgever_wet`, one row per employer and law."""
    conn = conns["console"]
    await conn.execute("ALTER TABLE gebeurtenis SET (autovacuum_enabled = off)")  # keep the pending list
    await conn.execute("SET plan_cache_mode = force_generic_plan")
    upsert = await conn.prepare(opslag.ZAAK)
    pages_read = (  # every relation of the schema; the backend's counts not yet reported
        "SELECT sum(pg_stat_get_xact_blocks_fetched(oid)) FROM pg_class"
        " WHERE relnamespace = current_schema()::regnamespace"
    )

    async def upsert_new_cases(cases: int) -> tuple[int, dict[str, list[str]]]:
        """Pages read and each employer's laws on its new case."""
        kvks = [f"9{uuid.uuid4().int % 10**7:07d}" for _ in range(cases)]
        await conn.executemany("INSERT INTO werkgever_wet VALUES ($1, $2)", [(kvks[0], "WML"), (kvks[0], "Arbowet")])
        ids = [f"zaak-{uuid.uuid4().hex}" for _ in kvks]
        columns = [ids, [None] * cases, kvks, *([[None] * cases] * 5), [False] * cases, [datetime.now(UTC)] * cases]
        columns += [[None] * cases] * 4
        async with conn.transaction():
            before = await conn.fetchval(pages_read)
            await upsert.fetch(*columns)
            pages: int = await conn.fetchval(pages_read) - before
        rows = await conn.fetch("SELECT kvk, wetten FROM zaak WHERE zaak_id = ANY($1)", ids)
        return pages, {r["kvk"]: r["wetten"] for r in rows}

    before, laws = await upsert_new_cases(50)
    assert sorted(laws.values()) == [[]] * 49 + [["Arbowet", "WML"]]
    await conn.execute(
        "INSERT INTO gebeurtenis (id, type, tijd, bron, topic, kvk, data)"
        " SELECT 'e-' || i, 'nl.waardigwerk.melding.ontvangen', now(), 'melding', 'waardigwerk.meldingen',"
        "        ARRAY[(10000000 + i)::text], '{}' FROM generate_series(1, 20000) i"
    )
    after, _ = await upsert_new_cases(50)
    assert after < before + 50, f"50 new cases read {before} pages, and {after} after 20 000 other events"
