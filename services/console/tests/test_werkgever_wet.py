"""Migration 0006 fills `werkgever_wet` from the sanctions already logged, by the projection's rule:
a fine or stoppage, each of its employers, a law that is text and not blank (the stack's PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from services.console.lezer import MIGRATIONS
from services.console.opslag import SANCTIE_TYPES
from shared import db

pytestmark = pytest.mark.stack
BOETE, STIL = SANCTIE_TYPES


@pytest.fixture
async def schema(stack_env: dict[str, str]) -> AsyncIterator[tuple[str, str]]:
    url, name = stack_env["DATABASE_URL"], f"test_console_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield url, name
    finally:
        await admin.execute(f'DROP SCHEMA "{name}" CASCADE')
        await admin.close()


async def test_the_backfill_takes_each_employer_of_a_sanction_with_a_law(
    schema: tuple[str, str], tmp_path: Path
) -> None:
    url, name = schema
    for migration in sorted(MIGRATIONS.glob("000[1-5]_*.sql")):
        shutil.copy(migration, tmp_path)
    await asyncio.to_thread(db.migrate, url, name, tmp_path)  # the console as it was before 0006
    conn = await asyncpg.connect(url, server_settings={"search_path": name})
    try:
        events = [
            (BOETE, ["40000001"], "WML"),
            (STIL, ["40000001", "40000002"], "Arbowet"),
            (BOETE, ["40000001"], "WML"),  # the same law again
            (BOETE, ["40000003"], " "),  # blank: no law
            (BOETE, ["40000003"], 5),  # no text: no law
            (BOETE, ["40000004"], None),
            ("nl.waardigwerk.inspectie.afgerond", ["40000005"], "Wav"),  # no sanction
        ]
        for n, (ce_type, kvk, wet) in enumerate(events):
            await conn.execute(
                "INSERT INTO gebeurtenis (id, type, tijd, bron, topic, kvk, data)"
                " VALUES ($1, $2, now(), 'inspectie', 'waardigwerk.intern.inspectie', $3, $4::jsonb)",
                f"e-{n}",
                ce_type,
                kvk,
                json.dumps({} if wet is None else {"wet": wet}),
            )
        await asyncio.to_thread(db.migrate, url, name, MIGRATIONS)
        rows = await conn.fetch("SELECT kvk, wet FROM werkgever_wet ORDER BY kvk, wet")
    finally:
        await conn.close()
    assert [tuple(r) for r in rows] == [("40000001", "Arbowet"), ("40000001", "WML"), ("40000002", "Arbowet")]
