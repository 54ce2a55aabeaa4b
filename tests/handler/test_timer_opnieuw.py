"""Handler tier: a dead timer retried from the console (`nl.waardigwerk.timer.opnieuw` on
`waardigwerk.intern.console`), through FastStream's in-memory broker in front of a real PostgreSQL.

The service owning the timer revives it in the command's transaction and answers `timer.hersteld`;
the timer's effect then happens once, however often the command (or another one) arrives. A command
for a timer that is not dead, or that the service does not have, is answered `timer.niet_hersteld`
with the reason; a command for another service leaves no trace at all."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker

from shared.service import TIMER_DOOD, TIMER_HERSTELD, TIMER_NIET_HERSTELD, TIMER_OPNIEUW, Context, Service
from shared.settings import Settings
from shared.topics import CONSOLE_OPDRACHTEN

pytestmark = pytest.mark.stack
SLEUTEL = "12345678"
HERINNERD = "nl.waardigwerk.proef.herinnerd"


class Stuk:
    """A deadline handler that fails its first `keer` attempts, then does its effect."""

    def __init__(self, keer: int) -> None:
        self.keer, self.pogingen = keer, 0

    async def __call__(self, ctx: Context, payload: dict[str, Any]) -> None:
        self.pogingen += 1
        await ctx.emit(HERINNERD, payload, payload["kvk"])
        if self.pogingen <= self.keer:
            raise RuntimeError("a bug in the deadline handler")


@pytest.fixture
async def service(stack_env: dict[str, str], tmp_path: Path) -> AsyncIterator[Service]:
    settings = Settings(database_url=stack_env["DATABASE_URL"], waardigwerk_timer_pogingen=3)
    svc = Service("proef", migrations=tmp_path, settings=settings)
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    svc.on_timer("herinnering")(Stuk(keer=3))
    svc.app()
    await svc.open_storage()
    yield svc
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


async def dode_timer(service: Service) -> None:
    """A due timer whose handler fails every attempt it is allowed: dead, announced."""
    async with service.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO timer (soort, sleutel, due_at, payload) VALUES ('herinnering', $1, $2, $3)",
            SLEUTEL,
            datetime.now(UTC) - timedelta(minutes=1),
            json.dumps({"kvk": SLEUTEL}),
        )
    for _ in range(service.settings.waardigwerk_timer_pogingen):
        await service.pool.execute("UPDATE timer SET volgende_poging = NULL")
        await service.fire_due()
    assert await service.pool.fetchval("SELECT dood_sinds IS NOT NULL FROM timer"), "the timer died"
    assert await soorten(service) == [TIMER_DOOD]


async def soorten(service: Service) -> list[str]:
    return [r["event_type"] for r in await service.pool.fetch("SELECT event_type FROM outbox ORDER BY id")]


async def uitgaand(service: Service, ce_type: str) -> list[dict[str, Any]]:
    rows = await service.pool.fetch("SELECT topic, key, value FROM outbox WHERE event_type = $1 ORDER BY id", ce_type)
    return [{"topic": r["topic"], "key": r["key"].decode(), **json.loads(r["value"])} for r in rows]


def opdracht(dienst: str = "proef", sleutel: str = SLEUTEL) -> tuple[bytes, dict[str, str]]:
    """A retry command as the console sends it: its id is the command's id."""
    opdracht_id = str(uuid.uuid4())
    data = {"dienst": dienst, "soort": "herinnering", "sleutel": sleutel, "opdracht": opdracht_id, "door": "op"}
    headers = {
        "ce_specversion": "1.0",
        "ce_id": opdracht_id,
        "ce_source": "urn:nld:waardigwerk:console",
        "ce_type": TIMER_OPNIEUW,
        "ce_time": "2026-12-03T10:00:00+01:00",
        "content-type": "application/json",
    }
    return json.dumps(data).encode(), headers


async def test_a_retried_dead_timer_fires_once_and_is_announced_as_revived(service: Service) -> None:
    await dode_timer(service)
    waarde, headers = opdracht()
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(waarde, CONSOLE_OPDRACHTEN, key=b"proef", headers=headers)
        await broker.publish(waarde, CONSOLE_OPDRACHTEN, key=b"proef", headers=headers)
    (hersteld,) = await uitgaand(service, TIMER_HERSTELD)
    assert hersteld["topic"] == "waardigwerk.intern.proef" and hersteld["key"] == f"herinnering:{SLEUTEL}"
    assert hersteld["opdracht"] == headers["ce_id"] and hersteld["sleutel"] == SLEUTEL
    assert hersteld["timer_id"] == await service.pool.fetchval("SELECT id FROM timer")
    assert await uitgaand(service, HERINNERD) == [], "revived, not fired yet: it fires at the next round"
    assert await service.fire_due() == 1
    assert await service.fire_due() == 0
    assert len(await uitgaand(service, HERINNERD)) == 1, "the timer's effect, once"
    assert await soorten(service) == [TIMER_DOOD, TIMER_HERSTELD, HERINNERD], "the second delivery did nothing"


async def test_a_second_command_for_the_same_timer_has_no_second_effect(service: Service) -> None:
    await dode_timer(service)
    eerste, tweede, derde = opdracht(), opdracht(), opdracht()
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(eerste[0], CONSOLE_OPDRACHTEN, headers=eerste[1])
        await broker.publish(tweede[0], CONSOLE_OPDRACHTEN, headers=tweede[1])
        assert await service.fire_due() == 1
        await broker.publish(derde[0], CONSOLE_OPDRACHTEN, headers=derde[1])
    assert await service.fire_due() == 0
    assert len(await uitgaand(service, HERINNERD)) == 1
    assert [h["opdracht"] for h in await uitgaand(service, TIMER_HERSTELD)] == [eerste[1]["ce_id"]]
    niet = await uitgaand(service, TIMER_NIET_HERSTELD)
    assert [(n["opdracht"], n["reden"]) for n in niet] == [
        (tweede[1]["ce_id"], "niet_dood"),
        (derde[1]["ce_id"], "al_afgegaan"),
    ]


async def test_a_command_for_an_unknown_timer_is_answered_and_the_next_command_still_applies(
    service: Service,
) -> None:
    await dode_timer(service)
    onbekend, goed = opdracht(sleutel="99999999"), opdracht()
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(onbekend[0], CONSOLE_OPDRACHTEN, headers=onbekend[1])
        await broker.publish(goed[0], CONSOLE_OPDRACHTEN, headers=goed[1])
    (niet,) = await uitgaand(service, TIMER_NIET_HERSTELD)
    assert (niet["sleutel"], niet["reden"], niet["opdracht"]) == ("99999999", "onbekend", onbekend[1]["ce_id"])
    assert [h["opdracht"] for h in await uitgaand(service, TIMER_HERSTELD)] == [goed[1]["ce_id"]]


async def test_a_command_for_another_service_leaves_no_trace(service: Service) -> None:
    await dode_timer(service)
    waarde, headers = opdracht(dienst="melding")
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(waarde, CONSOLE_OPDRACHTEN, headers=headers)
    assert await soorten(service) == [TIMER_DOOD]
    assert await service.pool.fetchval("SELECT count(*) FROM inbox") == 0, "skipped before the inbox"
    assert await service.pool.fetchval("SELECT dood_sinds IS NOT NULL FROM timer"), "still dead"
