"""The console's consumer applies a batch of records as the broker delivers them (`ConsoleService.consume`),
on the stack's PostgreSQL: each event and each dead letter once, in record order, and a record whose
projection fails is never dropped quietly."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from aiokafka import ConsumerRecord

from services.console.lezer import PROJECTIEFOUT
from services.console.tests.conftest import Console, dlq_headers

pytestmark = pytest.mark.stack
MELDING = "waardigwerk.intern.melding"
INSPECTIE = "waardigwerk.intern.inspectie"


def record(topic: str, offset: int, ce_type: str, data: dict[str, Any], ce_id: str | None = None) -> Any:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", (ce_id or str(uuid.uuid4())).encode()),
        ("ce_source", f"urn:nld:waardigwerk:{ce_type.split('.')[2]}".encode()),
        ("ce_type", ce_type.encode()),
        ("ce_time", b"2027-03-01T09:00:00+01:00"),
        ("content-type", b"application/json"),
    ]
    return raw(topic, offset, headers, json.dumps(data).encode())


def raw(topic: str, offset: int, headers: list[tuple[str, bytes]], value: bytes) -> Any:
    return ConsumerRecord(
        topic=topic, partition=0, offset=offset, timestamp=0, timestamp_type=0, key=b"k", value=value,
        checksum=None, serialized_key_size=1, serialized_value_size=len(value), headers=headers,
    )  # fmt: skip


def ontvangen(zaak_id: str, uiterlijk: str = "2027-03-15") -> dict[str, Any]:
    return {
        "zaak_id": zaak_id,
        "melder_referentie": f"R-{zaak_id}",
        "werkgever": {"kvk_nummer": "41000001"},
        "uiterlijk_inspectie_op": uiterlijk,
    }


async def test_a_batch_projects_each_event_once_in_record_order(console: Console) -> None:
    """The case is opened, then planned by a later record of the same batch; a redelivered event and
    a dead letter seen twice count once."""
    ce_id = str(uuid.uuid4())
    gepland = {"inspectie_id": "I-1", "werkgever": {"kvk_nummer": "41000001"}, "gepland_op": "2027-03-04"}
    dood = raw(f"{MELDING}.dlq", 5, dlq_headers([("ce_id", b"x")], MELDING), b"{}")
    batch = (
        record(MELDING, 1, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-1"), ce_id),
        record(
            INSPECTIE,
            1,
            "nl.waardigwerk.inspectie.gepland",
            {**gepland, "aanleidingen": [{"soort": "melding", "id": "Z-1"}]},
        ),
        record(MELDING, 2, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-1"), ce_id),
        dood,
        dood,
    )
    await console.service.consume(batch)
    await console.service.consume(batch)  # the whole batch again, as after a crash before the commit
    pool = console.service.pool
    assert await pool.fetchval("SELECT count(*) FROM gebeurtenis") == 2
    zaak = await pool.fetchrow("SELECT status, gepland_op::text FROM zaak WHERE zaak_id = 'Z-1'")
    assert zaak is not None and zaak["gepland_op"] == "2027-03-04", "the later record saw the case the first opened"
    assert await pool.fetchval("SELECT count(*) FROM dode_letter_poging") == 1


async def test_a_record_whose_projection_fails_becomes_a_dead_letter_of_the_console(console: Console) -> None:
    """A date PostgreSQL cannot read fails the case's projection every time: after its attempts the
    record is kept as the console's own dead letter, and the records around it are projected."""
    console.service.settings = console.service.settings.model_copy(update={"waardigwerk_record_pogingen": 2})
    batch = (
        record(MELDING, 1, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-A")),
        record(MELDING, 2, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-STUK", uiterlijk="31-31-2027")),
        record(MELDING, 3, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-B")),
    )
    await console.service.consume(batch)
    pool = console.service.pool
    assert [r["zaak_id"] for r in await pool.fetch("SELECT zaak_id FROM zaak ORDER BY 1")] == ["Z-A", "Z-B"]
    dood = await pool.fetch("SELECT origineel_topic, reden, details FROM dode_letter")
    assert [(r["origineel_topic"], r["reden"]) for r in dood] == [(MELDING, PROJECTIEFOUT)]
    assert "na 2 pogingen" in dood[0]["details"]
