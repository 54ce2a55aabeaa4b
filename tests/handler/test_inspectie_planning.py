"""Handler tier: inspectie's planning of reports against a region's capacity, on a real PostgreSQL.

A report is planned around the visits already planned (reading only how many each day has); when
its deadline cannot be met it is a capacity shortage at once, unless a visit it goes before holds
a slot, in which case the whole region is planned again. These tests hold both paths to what a
full planning round would decide."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker

from services.inspectie import handlers as h
from shared.service import AMSTERDAM, Service
from shared.settings import Settings
from shared.topics import intern
from shared.werkdagen import werkdagen_na

pytestmark = pytest.mark.stack
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "inspectie" / "migrations"
VANDAAG = date(2027, 3, 1)  # a Monday; region Landelijk (an unknown municipality) has 2 visits a day
MORGEN, OVERMORGEN = werkdagen_na(VANDAAG, 1), werkdagen_na(VANDAAG, 2)


@pytest.fixture
async def service(stack_env: dict[str, str]) -> AsyncIterator[Service]:
    svc = Service("inspectie", migrations=MIGRATIONS, settings=Settings(database_url=stack_env["DATABASE_URL"]))
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    svc.handles(intern("melding"), "nl.waardigwerk.melding.ontvangen")(h.melding_ontvangen)
    svc.app()
    svc.clock.apply(datetime(2027, 3, 1, 9, 0, tzinfo=AMSTERDAM))
    await svc.open_storage()
    yield svc
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


async def melding(broker: TestKafkaBroker, kvk: str, uiterlijk_op: date) -> None:
    event_id = str(uuid.uuid4())
    data = {
        "melding_id": f"M-{kvk}",
        "zaak_id": f"Z-{kvk}",
        "werkgever": {"kvk_nummer": kvk},
        "melder_soort": "vakbond",
        "werklocatie": {"postcode": "9999ZZ", "huisnummer": "1", "gemeentecode": "GM9999"},
        "scope": ["WML"],
        "uiterlijk_inspectie_op": uiterlijk_op.isoformat(),
    }
    headers = {
        "ce_specversion": "1.0",
        "ce_id": event_id,
        "ce_source": "urn:nld:waardigwerk:melding",
        "ce_type": "nl.waardigwerk.melding.ontvangen",
        "ce_time": "2027-03-01T09:00:00+01:00",
        "content-type": "application/json",
    }
    await broker.publish(json.dumps(data).encode(), intern("melding"), key=kvk.encode(), headers=headers)


async def uitgaand(service: Service) -> list[tuple[str, dict[str, Any]]]:
    rows = await service.pool.fetch("SELECT event_type, value FROM outbox ORDER BY id")
    return [(r["event_type"], json.loads(r["value"])) for r in rows]


async def per_dag(service: Service) -> dict[date, int]:
    rows = await service.pool.fetch(
        "SELECT gepland_op, count(*) AS n FROM inspectie WHERE status = 'gepland' GROUP BY gepland_op"
    )
    return {r["gepland_op"]: r["n"] for r in rows}


async def test_reports_fill_the_days_before_their_deadline_then_a_shortage_is_reported_at_once(
    service: Service,
) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        for kvk in ("10000001", "10000002", "10000003", "10000004", "10000005"):
            await melding(broker, kvk, OVERMORGEN)
    events = await uitgaand(service)
    gepland = {d["werkgever"]["kvk_nummer"]: date.fromisoformat(d["gepland_op"]) for t, d in events if t == h.GEPLAND}
    tekort = [d for t, d in events if t == h.TEKORT]
    assert sorted(gepland.values())[:4] == [MORGEN, MORGEN, OVERMORGEN, OVERMORGEN], "4 slots before the deadline"
    assert [d["werkgever"]["kvk_nummer"] for d in tekort] == ["10000005"], "the fifth cannot make it"
    assert tekort[0]["uiterlijk_op"] == OVERMORGEN.isoformat()
    assert tekort[0]["eerst_mogelijk_op"] == werkdagen_na(VANDAAG, 3).isoformat() == gepland["10000005"].isoformat()
    assert not [t for t, _ in events if t == h.HERPLAND], "nothing moved: no full round was needed"
    assert max((await per_dag(service)).values()) <= 2


async def test_an_earlier_deadline_takes_a_slot_and_the_report_it_displaces_is_moved_and_reported(
    service: Service,
) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        for kvk in ("20000001", "20000002", "20000003", "20000004"):
            await melding(broker, kvk, OVERMORGEN)
        assert max((await per_dag(service)).values()) == 2
        before = len(await uitgaand(service))
        await melding(broker, "20000009", MORGEN)
    events = (await uitgaand(service))[before:]
    soorten = [t for t, _ in events]
    assert (h.GEPLAND, "20000009", MORGEN.isoformat()) in [
        (t, d["werkgever"]["kvk_nummer"], d.get("gepland_op")) for t, d in events
    ], "the earlier deadline gets tomorrow"
    verschoven = [d for t, d in events if t == h.HERPLAND]
    tekort = [d for t, d in events if t == h.TEKORT]
    assert len(verschoven) >= 1 and len(tekort) == 1, soorten
    assert tekort[0]["werkgever"]["kvk_nummer"] in {d["werkgever"]["kvk_nummer"] for d in verschoven}
    assert tekort[0]["uiterlijk_op"] == OVERMORGEN.isoformat()
    assert max((await per_dag(service)).values()) <= 2, "capacity is never exceeded"
    late = await service.pool.fetchval("SELECT count(*) FROM inspectie WHERE gepland_op > uiterlijk_op")
    assert late == 1, "five reports due the day after tomorrow, four slots: exactly one is late"
