"""Handler tier: the timer scheduler sleeps until the next timer can fire, on the real PostgreSQL.

At rest it does not look at the timer table every second: it sleeps until the next due timer (at
most `SCHEDULER_SECONDS`), and a batch that writes a timer due sooner wakes it after its commit.
A due timer waiting for its retry counts as the next one at its retry time."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker

from shared import service as runtime
from shared.service import Context, Service
from shared.settings import Settings
from shared.supervision import TaskHealth
from tests.handler.test_batch_apply import Statements
from tests.waiting import until

pytestmark = pytest.mark.stack
TOPIC = "waardigwerk.intern.proef"
HERINNER = "nl.waardigwerk.proef.herinner"


class Proef:
    def __init__(self, svc: Service, statements: Statements) -> None:
        self.svc, self.statements = svc, statements
        self.fired: list[str] = []


@pytest.fixture
async def proef(stack_env: dict[str, str], tmp_path: Path) -> AsyncIterator[Proef]:
    svc = Service(
        "proef",
        migrations=tmp_path,
        settings=Settings(database_url=stack_env["DATABASE_URL"], waardigwerk_test_clock=False),
    )
    # the real clock whatever the stack runs: a timer due in a second falls due by waiting
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    statements = Statements()
    made = Proef(svc, statements)

    async def herinner(ctx: Context, data: dict[str, Any]) -> None:
        await ctx.schedule("herinnering", data["sleutel"], datetime.fromisoformat(data["op"]), data)

    async def herinnering(ctx: Context, payload: dict[str, Any]) -> None:
        made.fired.append(payload["sleutel"])

    svc.handles(TOPIC, HERINNER)(herinner)
    svc.on_timer("herinnering")(herinnering)
    svc.app()
    await svc.open_storage()
    await svc.pool.close()

    svc._pool = await statements.pool(stack_env["DATABASE_URL"], svc.schema, max_size=3)
    task = asyncio.create_task(svc._scheduler(TaskHealth("scheduler")))
    yield made
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


@pytest.fixture
def an_hour_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scheduler's longest sleep made an hour, before it starts: only a wake fires a timer in a test."""
    monkeypatch.setattr(runtime, "SCHEDULER_SECONDS", 3600.0)


def herinner_op(op: datetime, sleutel: str) -> tuple[bytes, dict[str, str]]:
    headers = {
        "ce_specversion": "1.0",
        "ce_id": str(uuid.uuid4()),
        "ce_source": "urn:nld:waardigwerk:proef",
        "ce_type": HERINNER,
        "ce_time": "2027-03-01T09:00:00+01:00",
        "content-type": "application/json",
    }
    return json.dumps({"sleutel": sleutel, "op": op.isoformat()}).encode(), headers


async def test_at_rest_the_scheduler_does_not_poll(proef: Proef) -> None:
    await asyncio.sleep(0.5)  # its first round
    proef.statements.queries.clear()
    await asyncio.sleep(2.5)
    assert proef.statements.queries == [], "no timer: nothing to look at until SCHEDULER_SECONDS"


@pytest.mark.parametrize("later_s", [-1.0, 1.0], ids=["due-already", "due-in-a-second"])
async def test_a_timer_a_batch_writes_fires_when_due_without_waiting_for_the_longest_sleep(
    an_hour_at_most: None, proef: Proef, later_s: float
) -> None:
    await asyncio.sleep(0.5)  # the first round: nothing due, asleep for the hour
    waarde, headers = herinner_op(datetime.now(UTC) + timedelta(seconds=later_s), "A")
    async with TestKafkaBroker(proef.svc.broker) as broker:
        await broker.publish(waarde, TOPIC, key=b"A", headers=headers)
    await until(lambda: proef.fired == ["A"], 20, "not fired: the scheduler was not woken")
