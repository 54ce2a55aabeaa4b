"""Handler tier: a report's deadline timer after its case was closed, on the real PostgreSQL.

A report can join an open case after the day of a visit that has not been told yet (the visit on
Tuesday, the second union's report on Wednesday, the visit's result on Thursday). The visit closes
the case and every reporter of it, the second union too, hears `gesloten`. The second report's
deadline timer must then not report a breach for a case its reporter was told is closed."""

from __future__ import annotations

import uuid
from datetime import date, datetime

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


async def gemelde_overschrijdingen(svc: Service) -> set[str]:
    rows = await svc.pool.fetch(
        """SELECT convert_from(value, 'UTF8')::jsonb->>'melding_id' AS melding_id FROM outbox
           WHERE event_type = $1""",
        TERMIJN_OVERSCHREDEN,
    )
    return {r["melding_id"] for r in rows}


async def test_a_report_linked_after_the_visit_day_reports_no_breach_once_its_case_is_closed(
    service: tuple[Service, Statements],  # noqa: F811
) -> None:
    svc, _ = service
    gesloten_kvk, open_kvk = "46000001", "46000002"
    await svc.consume(  # Monday 2027-03-01: a case for each employer
        (
            record(0, report(f"R-{uuid.uuid4().hex[:10]}", gesloten_kvk, "fnv")),
            record(1, report(f"R-{uuid.uuid4().hex[:10]}", open_kvk, "fnv")),
        )
    )
    svc.clock.apply(datetime(2027, 3, 3, 9, 0, tzinfo=AMSTERDAM))  # Wednesday: a second union joins
    await svc.consume((record(2, report(f"R-{uuid.uuid4().hex[:10]}", gesloten_kvk, "cnv")),))
    zaak_id = await svc.pool.fetchval("SELECT zaak_id FROM zaak WHERE werkgever_kvk = $1", gesloten_kvk)
    laat = await svc.pool.fetchval("SELECT melding_id FROM melding WHERE zaak_id = $1 AND organisatie = 'cnv'", zaak_id)
    assert laat is not None, "the second union's report joined the case"

    svc.clock.apply(datetime(2027, 3, 4, 9, 0, tzinfo=AMSTERDAM))  # Thursday: Tuesday's visit is told
    await svc.consume((afgerond(3, gesloten_kvk, date(2027, 3, 2)),))
    assert await svc.pool.fetchval("SELECT status FROM zaak WHERE zaak_id = $1", zaak_id) == "gesloten"

    svc.clock.apply(datetime(2027, 4, 1, 9, 0, tzinfo=AMSTERDAM))  # every deadline has passed
    while await svc.fire_due():
        pass
    gemeld = await gemelde_overschrijdingen(svc)
    open_melding = await svc.pool.fetchval(
        "SELECT melding_id FROM melding m JOIN zaak z USING (zaak_id) WHERE z.werkgever_kvk = $1", open_kvk
    )
    assert open_melding in gemeld, "a case still open reports its breach (the timers did fire)"
    assert laat not in gemeld, "a breach reported for a report whose case was closed and told so"
