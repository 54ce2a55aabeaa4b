"""Handler tier: a report received after the day of a visit that is told later, on the real PostgreSQL.

A report can join an open case after the day of a visit that has not been told yet: the first union's
report on Monday 2027-03-01, the visit on Tuesday 03-02, the second union's report on Wednesday 03-03,
the visit's result on Thursday 03-04. The visit answers the first report only; it happened before the
second was filed. The case closes for the first union; the second report moves to a case of its own,
still open: its reporter is told that case (and nothing about a visit before its report), inspectie
gets it to plan, and when its deadline passes uninspected the breach is reported."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import pytest

from shared.envelope import OWN_SOURCE_PREFIX
from shared.service import AMSTERDAM, Service
from shared.topics import intern
from tests.handler.test_batch_apply import Statements, record, report, service  # noqa: F401 (the fixture)

pytestmark = pytest.mark.stack
TERMIJN_OVERSCHREDEN = "nl.waardigwerk.melding.termijn_overschreden"


def afgerond(offset: int, kvk: str, op: date) -> object:
    data = {
        "inspectie_id": f"I-{kvk}",
        "werkgever": {"kvk_nummer": kvk},
        "uitgevoerd_op": op.isoformat(),
        "overtreding_vastgesteld": False,
    }
    return record(
        offset,
        data,
        source=f"{OWN_SOURCE_PREFIX}inspectie",
        ce_type="nl.waardigwerk.inspectie.afgerond",
        topic=intern("inspectie"),
    )


async def uitgaand(svc: Service, *event_types: str) -> list[tuple[str, dict[str, Any]]]:
    rows = await svc.pool.fetch(
        """SELECT event_type, convert_from(value, 'UTF8') AS data FROM outbox
           WHERE event_type = ANY($1) ORDER BY id""",
        list(event_types),
    )
    return [(r["event_type"], json.loads(r["data"])) for r in rows]


@pytest.mark.parametrize("samen", [False, True], ids=["apart", "in-een-batch"])
async def test_a_report_received_after_the_visit_day_stays_open_and_its_breach_is_reported(
    service: tuple[Service, Statements],  # noqa: F811
    samen: bool,
) -> None:
    svc, _ = service
    kvk = f"46{uuid.uuid4().int % 1_000_000:06d}"
    r1, r2 = f"R-{uuid.uuid4().hex[:10]}", f"R-{uuid.uuid4().hex[:10]}"
    await svc.consume((record(0, report(r1, kvk, "fnv")),))  # Monday 2027-03-01
    zaak_id = await svc.pool.fetchval("SELECT zaak_id FROM zaak WHERE werkgever_kvk = $1", kvk)
    svc.clock.apply(datetime(2027, 3, 3, 9, 0, tzinfo=AMSTERDAM))  # Wednesday: a second union joins
    later = record(1, report(r2, kvk, "cnv"))
    if not samen:
        await svc.consume((later,))
        assert await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE referentie = $1", r2) == zaak_id
        svc.clock.apply(datetime(2027, 3, 4, 9, 0, tzinfo=AMSTERDAM))  # Thursday: Tuesday's visit is told
    await svc.consume(((later,) if samen else ()) + (afgerond(2, kvk, date(2027, 3, 2)),))

    assert await svc.pool.fetchval("SELECT status FROM zaak WHERE zaak_id = $1", zaak_id) == "gesloten"
    nieuw = await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE referentie = $1", r2)
    assert nieuw != zaak_id, "the report the visit did not examine left the closed case"
    zaak = await svc.pool.fetchrow("SELECT * FROM zaak WHERE zaak_id = $1", nieuw)
    assert (zaak["status"], zaak["geinspecteerd_op"], zaak["geopend_op"]) == ("ontvangen", None, date(2027, 3, 3))
    assert zaak["uiterlijk_inspectie_op"] == date(2027, 3, 10)

    verteld = await uitgaand(svc, "nl.waardigwerk.melding.status_gewijzigd", "nl.waardigwerk.melding.ontvangen")
    aan_r2 = [(t, d["zaak_id"], d.get("status")) for t, d in verteld if d["melder_referentie"] == r2]
    assert ("nl.waardigwerk.melding.status_gewijzigd", zaak_id, "gesloten") not in aan_r2
    assert not [s for t, z, s in aan_r2 if s in {"geinspecteerd", "uitkomst", "gesloten"}], aan_r2
    assert aan_r2[-1] == ("nl.waardigwerk.melding.ontvangen", nieuw, None), "told its report's open case"
    ontvangen = [d for t, d in verteld if t.endswith(".ontvangen") and d["zaak_id"] == nieuw]
    assert [(d["herhaald"], d["uiterlijk_inspectie_op"], d["melding_id"] is not None) for d in ontvangen] == [
        (False, "2027-03-10", True)
    ], "inspectie gets the open case to plan, with the report's own deadline"
    aan_r1 = [d["status"] for t, d in verteld if d["melder_referentie"] == r1 and t.endswith("status_gewijzigd")]
    assert aan_r1[-3:] == ["geinspecteerd", "uitkomst", "gesloten"], "the visit answered the first report"

    svc.clock.apply(datetime(2027, 4, 1, 9, 0, tzinfo=AMSTERDAM))  # every deadline has passed
    while await svc.fire_due():
        pass
    gemeld = {d["melding_id"]: d["zaak_id"] for _, d in await uitgaand(svc, TERMIJN_OVERSCHREDEN)}
    r2_id = await svc.pool.fetchval("SELECT melding_id FROM melding WHERE referentie = $1", r2)
    assert gemeld == {r2_id: nieuw}, "R2's deadline passed uninspected; R1 was inspected in time"
