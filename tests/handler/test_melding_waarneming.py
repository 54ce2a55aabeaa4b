"""Handler tier: a report observed after the day it is received is rejected, on the real PostgreSQL.

The day of receipt is the service's (test) clock, so only the handler can hold a report's
`waargenomen_op` to it: the reporter gets `melding.afgewezen` with the field named, and no case,
report or deadline is filed."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import datetime
from typing import Any

import pytest

from shared.service import AMSTERDAM, Service
from tests.handler.test_batch_apply import Statements, record, report, service  # noqa: F401 (the fixture)

pytestmark = pytest.mark.stack


@pytest.mark.parametrize("waargenomen_op", ["2027-03-02", "9999-12-31"])
async def test_an_observation_after_the_day_of_receipt_is_rejected_with_its_field(
    service: tuple[Service, Statements],  # noqa: F811
    waargenomen_op: str,
) -> None:
    svc, _ = service  # the clock stands at 2027-03-01
    referentie = f"R-{uuid.uuid4().hex[:10]}"
    await svc.consume((record(0, {**report(referentie, "47000001"), "waargenomen_op": waargenomen_op}),))
    rows = await svc.pool.fetch(
        "SELECT convert_from(value, 'UTF8') AS data FROM outbox WHERE event_type = 'nl.waardigwerk.melding.afgewezen'"
    )
    afgewezen = [json.loads(r["data"]) for r in rows]
    assert [a["melder_referentie"] for a in afgewezen] == [referentie]
    assert [f["veld"] for f in afgewezen[0]["fouten"]] == ["waargenomen_op"]
    assert await svc.pool.fetchval("SELECT count(*) FROM melding") == 0
    assert await svc.pool.fetchval("SELECT count(*) FROM zaak") == 0


async def test_an_observation_on_the_day_of_receipt_is_filed(service: tuple[Service, Statements]) -> None:  # noqa: F811
    svc, _ = service
    await svc.consume(
        (record(0, {**report(f"R-{uuid.uuid4().hex[:10]}", "47000002"), "waargenomen_op": "2027-03-01"}),)
    )
    assert await svc.pool.fetchval("SELECT count(*) FROM melding") == 1


async def test_an_identical_resend_is_acknowledged_again_after_the_clock_moved_back(
    service: tuple[Service, Statements],  # noqa: F811
) -> None:
    """The re-send check comes before the observation check: the report was accepted as it is, so the same
    content under the same reference is acknowledged again (herhaald), whatever the clock says now."""
    svc, _ = service  # the clock stands at 2027-03-01
    referentie = f"R-{uuid.uuid4().hex[:10]}"
    melding = {**report(referentie, "47000003"), "waargenomen_op": "2027-03-01"}
    await svc.consume((record(0, melding),))
    svc.clock.apply(datetime(2027, 2, 26, 9, 0, tzinfo=AMSTERDAM))  # a scenario sets the clock back
    await svc.consume((record(1, melding),))
    rows = await svc.pool.fetch("SELECT event_type, convert_from(value, 'UTF8') AS data FROM outbox ORDER BY id")
    assert [r["event_type"] for r in rows] == ["nl.waardigwerk.melding.ontvangen"] * 2
    assert [json.loads(r["data"])["herhaald"] for r in rows] == [False, True]
    assert await svc.pool.fetchval("SELECT count(*) FROM melding") == 1


async def test_a_reused_reference_with_a_future_observation_is_told_both_problems(
    service: tuple[Service, Statements],  # noqa: F811
) -> None:
    svc, _ = service
    referentie = f"R-{uuid.uuid4().hex[:10]}"
    await svc.consume((record(0, report(referentie, "47000004")),))
    anders = {**report(referentie, "47000004"), "omschrijving": "Iets anders.", "waargenomen_op": "2027-03-05"}
    await svc.consume((record(1, anders),))
    rows = await svc.pool.fetch(
        "SELECT convert_from(value, 'UTF8') AS data FROM outbox WHERE event_type = 'nl.waardigwerk.melding.afgewezen'"
    )
    assert [[f["veld"] for f in json.loads(r["data"])["fouten"]] for r in rows] == [
        ["waargenomen_op", "melder.referentie"]
    ]


def verzonden_om(record_: Any, ce_time: str) -> Any:
    """The record as its sender stamped it: `ce_time` in the sender's own offset."""
    headers = [(k, ce_time.encode() if k == "ce_time" else v) for k, v in record_.headers]
    return dataclasses.replace(record_, headers=headers)


@pytest.mark.parametrize(("waargenomen_op", "gemeld"), [("2026-11-21", 1), ("2026-11-22", 0)])
async def test_an_observation_dated_the_senders_day_ahead_of_amsterdam_is_filed(
    service: tuple[Service, Statements],  # noqa: F811
    waargenomen_op: str,
    gemeld: int,
) -> None:
    """Sent at 00:30 on 2026-11-21 in Bucharest, received at 23:30 on 2026-11-20 in Amsterdam: what was
    seen that day (the sender's today) is no observation in the future; the day after it is."""
    svc, _ = service
    svc.clock.apply(datetime(2026, 11, 20, 23, 30, tzinfo=AMSTERDAM))
    melding = {**report(f"R-{uuid.uuid4().hex[:10]}", "47000005"), "waargenomen_op": waargenomen_op}
    await svc.consume((verzonden_om(record(0, melding), "2026-11-21T00:30:00+02:00"),))
    assert await svc.pool.fetchval("SELECT count(*) FROM melding") == gemeld
    afgewezen = await svc.pool.fetchval(
        "SELECT count(*) FROM outbox WHERE event_type = 'nl.waardigwerk.melding.afgewezen'"
    )
    assert afgewezen == 1 - gemeld
