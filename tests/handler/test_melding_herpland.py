"""Handler tier: melding follows an inspection that is moved (`inspectie.herpland`) as it follows a new one.

A report that joins an employer whose inspection is already planned is announced by inspectie as
`herpland` (the plan existed). Before, melding followed only `gepland`: the case stayed
"ontvangen", the console warned that nothing was planned, and the union heard nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker

from services.melding.app import service as melding_app
from shared.service import AMSTERDAM, Service
from shared.settings import Settings
from shared.topics import IN_MELDINGEN, intern

pytestmark = pytest.mark.stack


@pytest.fixture
async def service(stack_env: dict[str, str]) -> AsyncIterator[Service]:
    svc = Service(
        "melding", migrations=melding_app.migrations, settings=Settings(database_url=stack_env["DATABASE_URL"])
    )
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    svc.routes, svc.timer_handlers = dict(melding_app.routes), dict(melding_app.timer_handlers)  # as the app declares
    svc.batch_locks, svc.batch_state = melding_app.batch_locks, melding_app.batch_state
    svc.app()
    svc.clock.apply(datetime(2027, 3, 1, 9, 0, tzinfo=AMSTERDAM))
    await svc.open_storage()
    yield svc
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


def headers(ce_type: str, source: str) -> dict[str, str]:
    return {
        "ce_specversion": "1.0",
        "ce_id": str(uuid.uuid4()),
        "ce_source": source,
        "ce_type": ce_type,
        "ce_time": "2027-03-01T09:00:00+01:00",
        "content-type": "application/json",
    }


MELDING = {
    "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": "FNV-HERPLAND-1"},
    "werkgever": {"kvk_nummer": "31000001", "naam": "Kas Westland BV"},
    "werklocatie": {"postcode": "2671AB", "huisnummer": "12", "gemeentecode": "GM1783"},
    "categorieen": ["onderbetaling"],
    "aantal_betrokkenen": 4,
    "omschrijving": "Minder dan het minimumloon.",
}


async def uitgaand(service: Service) -> list[tuple[str, dict[str, Any]]]:
    rows = await service.pool.fetch("SELECT event_type, value FROM outbox WHERE event_type LIKE 'nl.%' ORDER BY id")
    return [(r["event_type"], json.loads(r["value"])) for r in rows]


async def test_a_case_joined_to_a_moved_inspection_is_planned_and_its_union_told(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(
            json.dumps(MELDING).encode(),
            IN_MELDINGEN,
            key=b"FNV-HERPLAND-1",
            headers=headers("nl.waardigwerk.melding.ingediend", "urn:nld:fnv"),
        )
        zaak_id = next(d["zaak_id"] for t, d in await uitgaand(service) if t == "nl.waardigwerk.melding.ontvangen")
        herpland = {
            "inspectie_id": "I-31000001",
            "werkgever": {"kvk_nummer": "31000001"},
            "gepland_op": date(2027, 3, 4).isoformat(),
            "vorige_gepland_op": date(2027, 3, 8).isoformat(),
            "reden": "herplanning: eerdere uiterste datum",
            "aanleidingen": [{"soort": "melding", "id": zaak_id}],
        }
        await broker.publish(
            json.dumps(herpland).encode(),
            intern("inspectie"),
            key=b"31000001",
            headers=headers("nl.waardigwerk.inspectie.herpland", "urn:nld:waardigwerk:inspectie"),
        )
    status = await service.pool.fetchval("SELECT status FROM zaak WHERE zaak_id = $1", zaak_id)
    assert status == "inspectie_gepland"
    bericht = [d for t, d in await uitgaand(service) if t == "nl.waardigwerk.melding.status_gewijzigd"]
    assert [(d["melder_referentie"], d["status"], d["gepland_op"]) for d in bericht] == [
        ("FNV-HERPLAND-1", "inspectie_gepland", "2027-03-04")
    ]
