"""Handler tier: melding moves cases forward a batch at a time, on the real PostgreSQL.

A batch of `inspectie.gepland` events plans every case behind them and tells each case's reporters.
The cases' status and reporters are read once per batch, not per case; each status change is
written at the end of the batch, every case's last status in one statement and the audit lines in one
COPY, so the statements of a batch do not grow with its cases. A plan and a visit for the same case in one batch
see each other: the case ends closed, with every step audited in order, as one event per batch
would leave it."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest

from services.melding.adapters.repository import STATUS_EN_MELDERS
from shared.envelope import OWN_SOURCE_PREFIX
from shared.service import Service
from shared.topics import intern
from tests.handler.test_batch_apply import Statements, record, report, service  # noqa: F401 (the fixture)

pytestmark = pytest.mark.stack
INSPECTIE = f"{OWN_SOURCE_PREFIX}inspectie"


def gepland(offset: int, zaak_id: str, kvk: str) -> Any:
    data = {
        "inspectie_id": f"I-{kvk}",
        "werkgever": {"kvk_nummer": kvk},
        "gepland_op": date(2027, 3, 4).isoformat(),
        "aanleidingen": [{"soort": "melding", "id": zaak_id}],
    }
    return record(offset, data, source=INSPECTIE, ce_type="nl.waardigwerk.inspectie.gepland", topic=intern("inspectie"))


def afgerond(offset: int, kvk: str) -> Any:
    data = {
        "inspectie_id": f"I-{kvk}",
        "werkgever": {"kvk_nummer": kvk},
        "uitgevoerd_op": date(2027, 3, 4).isoformat(),
        "overtreding_vastgesteld": True,
    }
    return record(
        offset, data, source=INSPECTIE, ce_type="nl.waardigwerk.inspectie.afgerond", topic=intern("inspectie")
    )


async def cases(svc: Service, first_kvk: int, n: int) -> dict[str, str]:
    """n cases, one per employer, each with reports of two unions; kvk -> zaak_id."""
    kvks = [f"{first_kvk + i}" for i in range(n)]
    batch = [
        record(2 * i + b, report(f"R-{uuid.uuid4().hex[:10]}", k, f"bond{b}"))
        for i, k in enumerate(kvks)
        for b in (0, 1)
    ]
    await svc.consume(tuple(batch))
    rows = await svc.pool.fetch("SELECT werkgever_kvk, zaak_id FROM zaak WHERE werkgever_kvk = ANY($1)", kvks)
    return {r["werkgever_kvk"]: r["zaak_id"] for r in rows}


async def test_planning_a_batch_of_cases_reads_them_once(service: tuple[Service, Statements]) -> None:  # noqa: F811
    svc, statements = service
    warm = await cases(svc, 42_000_000, 2)
    await svc.consume(tuple(gepland(i, z, k) for i, (k, z) in enumerate(warm.items())))  # codecs read once
    reads, counts = [], []
    for first, n in ((42_100_000, 5), (42_200_000, 20)):
        zaken = await cases(svc, first, n)
        statements.queries.clear()
        await svc.consume(tuple(gepland(i, z, k) for i, (k, z) in enumerate(zaken.items())))
        reads.append(sum(q == STATUS_EN_MELDERS for q in statements.queries))
        counts.append(len(statements.writes_and_reads()))
        planned = await svc.pool.fetch("SELECT zaak_id, status FROM zaak WHERE zaak_id = ANY($1)", list(zaken.values()))
        assert {r["status"] for r in planned} == {"inspectie_gepland"} and len(planned) == n
        audit = await svc.pool.fetchval(
            "SELECT count(*) FROM zaak_audit WHERE zaak_id = ANY($1) AND naar_status = 'inspectie_gepland'",
            list(zaken.values()),
        )
        assert audit == n, "one audit line per case planned"
        told = await svc.pool.fetch(
            """SELECT e->>'melder_referentie' AS ref
               FROM outbox, LATERAL (SELECT convert_from(value, 'UTF8')::jsonb AS e) AS gelezen
               WHERE event_type = 'nl.waardigwerk.melding.status_gewijzigd'
                 AND e->>'zaak_id' = ANY($1) AND e->>'status' = 'inspectie_gepland'""",
            list(zaken.values()),
        )
        assert len(told) == 2 * n, "both unions of every case hear the date"
    assert reads == [1, 1], f"status and reporters read {reads} times for batches of 5 and 20 plans"
    assert counts[0] == counts[1], f"statements per batch: {counts} for 5 and 20 plans"


async def test_a_plan_and_a_visit_in_one_batch_close_the_case_in_order(service: tuple[Service, Statements]) -> None:  # noqa: F811
    svc, _ = service
    zaken = await cases(svc, 43_000_000, 1)
    ((kvk, zaak_id),) = zaken.items()
    await svc.consume((gepland(0, zaak_id, kvk), afgerond(1, kvk)))
    assert await svc.pool.fetchval("SELECT status FROM zaak WHERE zaak_id = $1", zaak_id) == "gesloten"
    stappen = await svc.pool.fetch(
        "SELECT van_status, naar_status FROM zaak_audit WHERE zaak_id = $1 ORDER BY id", zaak_id
    )
    assert [(r["van_status"], r["naar_status"]) for r in stappen][-4:] == [
        ("ontvangen", "inspectie_gepland"),
        ("inspectie_gepland", "geinspecteerd"),
        ("geinspecteerd", "uitkomst"),
        ("uitkomst", "gesloten"),
    ]


async def test_a_second_visit_in_the_batch_finds_the_case_the_first_closed(
    service: tuple[Service, Statements],  # noqa: F811
) -> None:
    """The case the first visit closed is not open for the second: its visit date stays the first's."""
    svc, _ = service
    ((kvk, zaak_id),) = (await cases(svc, 45_000_000, 1)).items()
    later = afgerond(2, kvk)
    later_data = {**json.loads(later.value), "uitgevoerd_op": date(2027, 3, 5).isoformat()}
    later = record(
        2, later_data, source=INSPECTIE, ce_type="nl.waardigwerk.inspectie.afgerond", topic=intern("inspectie")
    )
    await svc.consume((gepland(0, zaak_id, kvk), afgerond(1, kvk), later))
    row = await svc.pool.fetchrow("SELECT status, resultaat, geinspecteerd_op FROM zaak WHERE zaak_id = $1", zaak_id)
    assert (row["status"], row["resultaat"], row["geinspecteerd_op"]) == (
        "gesloten",
        "overtreding_vastgesteld",
        date(2027, 3, 4),
    )
    gesloten = await svc.pool.fetchval(
        "SELECT count(*) FROM zaak_audit WHERE zaak_id = $1 AND naar_status = 'gesloten'", zaak_id
    )
    assert gesloten == 1
