"""Handler tier: a report melding moves to a new case is one report, and so one risk signal.

A visit told later answers only the reports received by its day; melding moves a later one to a new
open case and acknowledges it there again (`melding.ontvangen`, same `melding_id`, not `herhaald`,
`verplaatst_uit` the old case). inspectie stored that second acknowledgement as a second signal
while the first stayed open (it is dated after the visit day), so the report counted twice in the
risk and the closed case was listed among the reasons of the next plan."""

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
from services.inspectie.domain.risico import Signaal, score
from shared.contract.inspectie import InspectieUitgevoerd
from shared.envelope import encode, new_event
from shared.service import AMSTERDAM, Service
from shared.settings import Settings
from shared.topics import IN_INSPECTIE, intern

pytestmark = pytest.mark.stack
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "inspectie" / "migrations"
KVK = "70000051"
MAANDAG, DINSDAG, WOENSDAG, DONDERDAG = (date(2027, 3, d) for d in (1, 2, 3, 4))
NU = datetime(2027, 3, 1, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture
async def service(stack_env: dict[str, str]) -> AsyncIterator[Service]:
    svc = Service("inspectie", migrations=MIGRATIONS, settings=Settings(database_url=stack_env["DATABASE_URL"]))
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    svc.handles(intern("melding"), "nl.waardigwerk.melding.ontvangen")(h.melding_ontvangen)
    svc.handles(IN_INSPECTIE, "nl.waardigwerk.inspectie.uitgevoerd", model=InspectieUitgevoerd)(h.inspectie_uitgevoerd)
    svc.app()
    svc.clock.apply(datetime(2027, 3, 1, 9, 0, tzinfo=AMSTERDAM))
    await svc.open_storage()
    yield svc
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


def op_dag(service: Service, dag: date) -> None:
    service.clock.apply(datetime(dag.year, dag.month, dag.day, 9, 0, tzinfo=AMSTERDAM))


async def ontvangen(broker: TestKafkaBroker, melding_id: str, zaak_id: str, uiterlijk_op: date, **extra: Any) -> None:
    data = {
        "melding_id": melding_id,
        "zaak_id": zaak_id,
        "werkgever": {"kvk_nummer": KVK},
        "melder_soort": "vakbond",
        "werklocatie": {"postcode": "9999ZZ", "huisnummer": "1", "gemeentecode": "GM9999"},
        "scope": ["WML"],
        "herhaald": False,
        "uiterlijk_inspectie_op": uiterlijk_op.isoformat(),
        **extra,
    }
    event = new_event(
        type="nl.waardigwerk.melding.ontvangen", source="urn:nld:waardigwerk:melding", data=data, time=NU, cause=None
    )
    headers, value = encode(event)
    await broker.publish(value, intern("melding"), key=KVK.encode(), headers={k: v.decode() for k, v in headers})


async def bezoek(broker: TestKafkaBroker, inspectie_id: str, uitgevoerd_op: date) -> None:
    data = {
        "inspectie_id": inspectie_id,
        "werkgever": {"kvk_nummer": KVK},
        "uitgevoerd_op": uitgevoerd_op.isoformat(),
        "bevindingen": [],
    }
    event = new_event(
        type="nl.waardigwerk.inspectie.uitgevoerd",
        source="urn:nld:arbeidsinspectie:veld",
        data=data,
        time=NU,
        cause=None,
    )
    headers, value = encode(event)
    await broker.publish(value, IN_INSPECTIE, key=KVK.encode(), headers={k: v.decode() for k, v in headers})


async def plannen(service: Service) -> list[dict[str, Any]]:
    rows = await service.pool.fetch(
        "SELECT value FROM outbox WHERE event_type = ANY($1) ORDER BY id", [h.GEPLAND, h.HERPLAND]
    )
    return [json.loads(r["value"]) for r in rows]


async def test_a_report_moved_to_a_new_case_is_one_open_signal_with_the_new_case_as_its_reason(
    service: Service,
) -> None:
    """Z1: R1 on Monday, the visit on Tuesday, R2 on Wednesday, the visit reported on Thursday; melding
    then moves R2 to Z2 and acknowledges it there. One open signal remains, R2's, for Z2, and the
    next plan counts one report and names only Z2."""
    async with TestKafkaBroker(service.broker) as broker:
        await ontvangen(broker, "M-R1", "Z1", date(2027, 3, 15))
        op_dag(service, WOENSDAG)
        await ontvangen(broker, "M-R2", "Z1", date(2027, 3, 17))
        [eerste, *_] = await plannen(service)
        op_dag(service, DONDERDAG)
        await bezoek(broker, eerste["inspectie_id"], DINSDAG)
        await ontvangen(broker, "M-R2", "Z2", date(2027, 3, 17), verplaatst_uit="Z1")
    open_signalen = await service.pool.fetch(
        "SELECT soort, aanleiding FROM signaal WHERE werkgever_kvk = $1 AND open", KVK
    )
    assert [(r["soort"], json.loads(r["aanleiding"])) for r in open_signalen] == [
        ("melding_vakbond", {"soort": "melding", "id": "Z2"})
    ]
    laatste = (await plannen(service))[-1]
    assert laatste["inspectie_id"] != eerste["inspectie_id"]
    assert laatste["aanleidingen"] == [{"soort": "melding", "id": "Z2"}]
    een_melding = score([Signaal("melding_vakbond", "R2", WOENSDAG, wetten=("WML",))], DONDERDAG, service.policy)
    assert laatste["risico"]["score"] == float(een_melding.score), "one report, counted once"
    assert [o["bron_event_id"] for o in laatste["risico"]["onderdelen"] if o.get("bron_event_id")] == ["melding:M-R2"]
    assert laatste["uiterlijk_op"] == "2027-03-17"


async def test_the_same_acknowledgement_again_changes_nothing(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        await ontvangen(broker, "M-R1", "Z1", date(2027, 3, 15))
        await ontvangen(broker, "M-R1", "Z1", date(2027, 3, 15))
    assert await service.pool.fetchval("SELECT count(*) FROM signaal WHERE open") == 1
    assert len(await plannen(service)) == 1


async def test_a_reports_signal_stored_under_its_acknowledgement_is_the_one_the_move_takes(service: Service) -> None:
    """Stored before reports were keyed by `melding_id`: R2's signal is under the acknowledgement's
    ce_id, with the old case as its reason. The move takes that signal, it adds none."""
    await service.pool.execute(
        """INSERT INTO signaal (bron_event_id, werkgever_kvk, soort, waargenomen_op, sterkte, wetten, aanleiding)
           VALUES ('ce-oud', $1, 'melding_vakbond', $2, 1, '{WML}', '{"soort": "melding", "id": "Z1"}')""",
        KVK,
        WOENSDAG,
    )
    op_dag(service, DONDERDAG)
    async with TestKafkaBroker(service.broker) as broker:
        await ontvangen(broker, "M-R2", "Z2", date(2027, 3, 17), verplaatst_uit="Z1")
    rijen = await service.pool.fetch("SELECT bron_event_id, aanleiding FROM signaal WHERE open")
    assert [(r["bron_event_id"], json.loads(r["aanleiding"])["id"]) for r in rijen] == [("melding:M-R2", "Z2")]
    [gepland] = await plannen(service)
    assert gepland["aanleidingen"] == [{"soort": "melding", "id": "Z2"}]
