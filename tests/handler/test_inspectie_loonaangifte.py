"""Handler tier: inspectie's payroll return in a batch, on the real PostgreSQL.

The return stores whether the employer is a temporary-work agency, then reassesses its risk with
that status (`handlers.loonaangifte`, adapters/planning.py). The batch's state learns the status
it stored from the handler: the agency status is read once per batch, not again per return."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from services.inspectie.adapters.planning import UITZENDONDERNEMINGEN
from shared.topics import IN_BELASTINGDIENST
from tests.handler.test_batch_apply import record
from tests.handler.test_inspectie_batch import Maker, services  # noqa: F401 (the fixture)

pytestmark = pytest.mark.stack


def aangifte(offset: int, kvk: str, ce_id: str, uitzend: bool) -> Any:
    """A payroll return with workers below the minimum wage (a signal, so the risk is reassessed)."""
    data = {
        "werkgever": {"kvk_nummer": kvk},
        "tijdvak": "2027-02",
        "aantal_werknemers": 10,
        "aantal_onder_minimumloon": 4,
        "is_uitzendonderneming": uitzend,
    }
    return record(
        offset,
        data,
        ce_id=ce_id,
        source="urn:nld:belastingdienst:loonaangifte",
        ce_type="nl.waardigwerk.belastingdienst.loonaangifte",
        topic=IN_BELASTINGDIENST,
    )


async def test_the_agency_status_a_return_stores_is_not_read_again(services: Maker) -> None:  # noqa: F811
    svc, statements = await services()
    ids = {f"{80_000_000 + i}": str(uuid.uuid4()) for i in range(6)}
    batch = tuple(aangifte(i, kvk, ce_id, uitzend=i % 2 == 0) for i, (kvk, ce_id) in enumerate(ids.items()))
    await svc.consume(batch)
    reads = [q for q in statements.queries if q == UITZENDONDERNEMINGEN]
    print(f"statements of the batch: {len(statements.writes_and_reads())}, agency status reads: {len(reads)}")
    assert len(reads) == 1, f"the agency status read {len(reads)} times for a batch of {len(batch)} returns"
    rows = await svc.pool.fetch("SELECT werkgever_kvk, risico FROM inspectie ORDER BY werkgever_kvk")
    opslag = {
        r["werkgever_kvk"]: [
            o["bron_event_id"] for o in json.loads(r["risico"])["onderdelen"] if o["signaal"] == "uitzendonderneming"
        ]
        for r in rows
    }
    agencies = {kvk: ce_id for i, (kvk, ce_id) in enumerate(ids.items()) if i % 2 == 0}
    for kvk, bronnen in opslag.items():
        assert bronnen == ([agencies[kvk]] if kvk in agencies else []), "the status counted is the return's own"
    assert set(agencies) & set(opslag), "at least one agency was planned"
