"""Stack tier (ser2025 back-pay window): the proofs of back pay of one inspection are money paid
once. Several held fines of the inspection used to be judged each against all of the proofs, so
one payment that covered the back pay of one finding lapsed every held fine of the visit."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.inspectie import handlers as h
from shared.contract.inspectie import Betaalbewijs, InspectieUitgevoerd
from shared.envelope import encode, new_event
from shared.policy import load_policy
from shared.service import AMSTERDAM, Service
from shared.settings import Settings
from shared.topics import IN_INSPECTIE
from tests.conftest import _stack_for_stack_tests, stack_env  # noqa: F401  (the stack tier's fixtures)

pytestmark = pytest.mark.stack
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
KVK = "70000031"
BRON = "urn:nld:arbeidsinspectie:veld"
NU = datetime(2026, 5, 12, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture
async def dienst(stack_env: dict[str, str]) -> AsyncIterator[Service]:  # noqa: F811
    svc = Service("inspectie", migrations=MIGRATIONS, settings=Settings(database_url=stack_env["DATABASE_URL"]))
    svc.policy, svc.schema = load_policy("ser2025"), f"test_{uuid.uuid4().hex[:10]}"
    svc.handles(IN_INSPECTIE, "nl.waardigwerk.inspectie.uitgevoerd", model=InspectieUitgevoerd)(h.inspectie_uitgevoerd)
    svc.handles(IN_INSPECTIE, "nl.waardigwerk.inspectie.betaalbewijs", model=Betaalbewijs)(h.betaalbewijs)
    svc.on_timer(h.HERSTEL_TIMER)(h.herstel_verstreken)
    svc.app()
    svc.clock.apply(NU)
    await svc.open_storage()
    yield svc
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


async def stuur(broker: KafkaBroker, ce_type: str, data: dict[str, Any]) -> None:
    """As a partner sends it: binary content mode (`shared.envelope.encode`)."""
    headers, value = encode(new_event(type=ce_type, source=BRON, data=data, time=NU, cause=None))
    await broker.publish(value, IN_INSPECTIE, key=KVK.encode(), headers={k: v.decode() for k, v in headers})


async def uitgaand(dienst: Service, ce_type: str) -> list[dict[str, Any]]:
    rows = await dienst.pool.fetch("SELECT value FROM outbox WHERE event_type = $1 ORDER BY id", ce_type)
    return [json.loads(r["value"]) for r in rows]


def bevinding(code: str, werknemer: str) -> dict[str, Any]:
    """352 h at 14.71 = 5177.92 owed, 3800 paid: back pay 5177.92 x 1.08 - 3800 = 1792.15."""
    regel = {
        "werknemer_ref": werknemer,
        "periode_van": "2026-03-01",
        "periode_tot": "2026-04-30",
        "gewerkte_uren": "352",
        "betaald_bruto_eur": "3800.00",
        "leeftijd": 34,
    }
    return {"wet": "WML", "code": code, "onderbetaling": [regel]}


async def bewijs(broker: KafkaBroker, bedrag: str, referentie: str) -> None:
    data = {
        "inspectie_id": "INS-31",
        "werkgever": {"kvk_nummer": KVK},
        "bedrag_eur": bedrag,
        "betaald_op": "2026-05-12",  # the day it is received
        "referentie": referentie,
    }
    await stuur(broker, "nl.waardigwerk.inspectie.betaalbewijs", data)


async def test_one_payment_counts_once_across_the_held_fines_of_an_inspection(dienst: Service) -> None:
    """Two WML findings, each held with back pay 1792.15 owed (3584.30 in all). A proof of 1792.15
    covers one finding's back pay, not both: nothing lapses. A second payment makes 3584.30 proven,
    so both lapse then."""
    async with TestKafkaBroker(dienst.broker) as broker:
        bezoek = {
            "inspectie_id": "INS-31",
            "werkgever": {"kvk_nummer": KVK},
            "uitgevoerd_op": "2026-05-12",
            "bevindingen": [bevinding("WML-LOON-A", "W-001"), bevinding("WML-LOON-B", "W-002")],
        }
        await stuur(broker, "nl.waardigwerk.inspectie.uitgevoerd", bezoek)
        opgelegd = await uitgaand(dienst, h.BOETE_OPGELEGD)
        assert [d["status"] for d in opgelegd] == ["in_afwachting_herstel"] * 2
        nabetaling = await dienst.pool.fetch("SELECT nabetaling_eur FROM boete WHERE inspectie_id = 'INS-31'")
        assert [r["nabetaling_eur"] for r in nabetaling] == [Decimal("1792.15")] * 2
        await bewijs(broker, "1792.15", "BANK-1")
        assert await uitgaand(dienst, h.BOETE_VERVALLEN) == []
        await bewijs(broker, "1792.15", "BANK-2")
    vervallen = sorted(d["boete_id"] for d in await uitgaand(dienst, h.BOETE_VERVALLEN))
    assert vervallen == ["B-INS-31-1", "B-INS-31-2"]
    statussen = await dienst.pool.fetch("SELECT status FROM boete WHERE inspectie_id = 'INS-31'")
    assert [r["status"] for r in statussen] == ["vervallen"] * 2


async def test_a_proof_that_names_another_employer_is_refused_and_lapses_nothing(dienst: Service) -> None:
    """A proof names the inspection and the employer; when the employer is not the inspection's, it
    is no proof of that employer's back pay: refused with the reason, and no fine lapses."""
    async with TestKafkaBroker(dienst.broker) as broker:
        bezoek = {
            "inspectie_id": "INS-32",
            "werkgever": {"kvk_nummer": KVK},
            "uitgevoerd_op": "2026-05-12",
            "bevindingen": [bevinding("WML-LOON-A", "W-001")],
        }
        await stuur(broker, "nl.waardigwerk.inspectie.uitgevoerd", bezoek)
        ander = {
            "inspectie_id": "INS-32",
            "werkgever": {"kvk_nummer": "70000099"},
            "bedrag_eur": "5000.00",
            "betaald_op": "2026-05-12",  # the day it is received
            "referentie": "BANK-9",
        }
        await stuur(broker, "nl.waardigwerk.inspectie.betaalbewijs", ander)
    assert await uitgaand(dienst, h.BOETE_VERVALLEN) == []
    assert await dienst.pool.fetchval("SELECT count(*) FROM betaalbewijs") == 0
    dood = await dienst.pool.fetch("SELECT headers FROM outbox WHERE topic = $1", f"{IN_INSPECTIE}.dlq")
    redenen = [dict(json.loads(r["headers"])) for r in dood]
    assert [(d["dlq_reden"], "70000099" in d["dlq_details"]) for d in redenen] == [("afgewezen", True)]


async def bezoek(broker: KafkaBroker, inspectie_id: str, *bevindingen: dict[str, Any]) -> None:
    data = {
        "inspectie_id": inspectie_id,
        "werkgever": {"kvk_nummer": KVK},
        "uitgevoerd_op": "2026-05-12",
        "bevindingen": list(bevindingen),
    }
    await stuur(broker, "nl.waardigwerk.inspectie.uitgevoerd", data)


async def bewijs_van(broker: KafkaBroker, inspectie_id: str, kvk: str, bedrag: str, betaald_op: str) -> None:
    data = {
        "inspectie_id": inspectie_id,
        "werkgever": {"kvk_nummer": kvk},
        "bedrag_eur": bedrag,
        "betaald_op": betaald_op,
        "referentie": f"BANK-{kvk}-{betaald_op}",
    }
    await stuur(broker, "nl.waardigwerk.inspectie.betaalbewijs", data)


async def afgewezen(dienst: Service) -> list[str]:
    dood = await dienst.pool.fetch("SELECT headers FROM outbox WHERE topic = $1", f"{IN_INSPECTIE}.dlq")
    return [d["dlq_details"] for d in (dict(json.loads(r["headers"])) for r in dood) if d["dlq_reden"] == "afgewezen"]


async def test_the_back_pay_of_a_fine_not_held_counts_toward_the_proofs_of_its_inspection(dienst: Service) -> None:
    """WML-A repeats a violation fined finally before (+100 %), so it is not held; WML-B is held.
    Both owe 1792.15 of back pay and a proof names the inspection, not a fine: one payment of
    1792.15 is A's or B's, not both. B lapses only when 3584.30 is proven."""
    await dienst.pool.execute(
        """INSERT INTO boete (boete_id, inspectie_id, werkgever_kvk, wet, code, ernstig, bedrag_eur, nabetaling_eur,
                              berekening, status, herstel_tot_en_met, opgelegd_op, onherroepelijk_op, beleid)
           VALUES ('B-INS-30-1', 'INS-30', $1, 'WML', 'WML-LOON-A', false, 3000, 1792.15, '[]', 'onherroepelijk',
                   NULL, '2025-01-10', '2025-01-10', 'test')""",
        KVK,
    )
    async with TestKafkaBroker(dienst.broker) as broker:
        await bezoek(broker, "INS-35", bevinding("WML-LOON-A", "W-001"), bevinding("WML-LOON-B", "W-002"))
        opgelegd = {d["boete_id"]: d["status"] for d in await uitgaand(dienst, h.BOETE_OPGELEGD)}
        assert opgelegd == {"B-INS-35-1": "onherroepelijk", "B-INS-35-2": "in_afwachting_herstel"}
        await bewijs_van(broker, "INS-35", KVK, "1792.15", "2026-05-12")
        assert await uitgaand(dienst, h.BOETE_VERVALLEN) == []
        await bewijs_van(broker, "INS-35", KVK, "1792.15", "2026-05-11")
    [vervallen] = await uitgaand(dienst, h.BOETE_VERVALLEN)
    gedeeld = {s["stap"]: s["waarde"] for s in vervallen["berekening"]}
    assert (vervallen["boete_id"], gedeeld["SANCTIE-HERSTEL-GEDEELD"]) == ("B-INS-35-2", 1792.15)


async def test_a_proof_stored_before_the_inspection_was_known_counts_only_for_its_own_employer(
    dienst: Service,
) -> None:
    """Before the visit the inspection's employer is not known, so a proof naming another employer
    is stored; it is still no proof of this employer's back pay and counts for nothing."""
    async with TestKafkaBroker(dienst.broker) as broker:
        await bewijs_van(broker, "INS-36", "70000099", "1792.15", "2026-05-11")
        await bezoek(broker, "INS-36", bevinding("WML-LOON-A", "W-001"))
        await bewijs_van(broker, "INS-36", KVK, "1.00", "2026-05-12")
    assert await uitgaand(dienst, h.BOETE_VERVALLEN) == []
    assert await dienst.pool.fetchval("SELECT status FROM boete WHERE inspectie_id = 'INS-36'") == (
        "in_afwachting_herstel"
    )


async def test_a_proof_of_a_payment_still_to_come_counts_from_its_day_not_from_receipt(dienst: Service) -> None:
    """The contract sets no bound on betaald_op, and a proof is not refused for it; but a proof is of
    money paid: one received on 05-12 that states 05-20 lapses nothing that day, and counts at the
    window's end (05-26). One that states a day after the window never counts."""
    async with TestKafkaBroker(dienst.broker) as broker:
        await bezoek(broker, "INS-37", bevinding("WML-LOON-A", "W-001"))
        await bewijs_van(broker, "INS-37", KVK, "1792.15", "2026-06-30")
        await bewijs_van(broker, "INS-37", KVK, "1792.15", "2026-05-20")
    assert await uitgaand(dienst, h.BOETE_VERVALLEN) == [], "money still to come proves nothing yet"
    assert await afgewezen(dienst) == []
    dienst.clock.apply(datetime(2026, 5, 27, 9, 0, tzinfo=AMSTERDAM))
    assert await dienst.fire_due() == 1
    [vervallen] = await uitgaand(dienst, h.BOETE_VERVALLEN)
    assert vervallen["boete_id"] == "B-INS-37-1"


async def test_a_proof_received_before_the_fine_is_imposed_lapses_it_when_it_is(dienst: Service) -> None:
    """A proof of the full back pay that arrives before the visit is reported was stored and never
    judged again: the window's end then made the fine final. It is judged when the fine is held."""
    async with TestKafkaBroker(dienst.broker) as broker:
        await bewijs_van(broker, "INS-38", KVK, "1792.15", "2026-05-11")
        await bezoek(broker, "INS-38", bevinding("WML-LOON-A", "W-001"))
    [vervallen] = await uitgaand(dienst, h.BOETE_VERVALLEN)
    assert vervallen["boete_id"] == "B-INS-38-1"
    assert await dienst.pool.fetchval("SELECT status FROM boete WHERE inspectie_id = 'INS-38'") == "vervallen"
    assert (
        await dienst.pool.fetchval("SELECT count(*) FROM timer WHERE sleutel = 'B-INS-38-1' AND fired_at IS NULL") == 0
    )


async def stuur_om(broker: KafkaBroker, ce_type: str, data: dict[str, Any], verzonden_om: datetime) -> None:
    """As `stuur`, with the sender's own `ce_time` (and offset)."""
    headers, value = encode(new_event(type=ce_type, source=BRON, data=data, time=verzonden_om, cause=None))
    await broker.publish(value, IN_INSPECTIE, key=KVK.encode(), headers={k: v.decode() for k, v in headers})


async def test_an_identical_resend_of_an_accepted_proof_is_not_refused_when_the_clock_stands_before_it(
    dienst: Service,
) -> None:
    """A proof accepted on 05-12 and sent again as it was is the same fact: it is acknowledged as
    such, not judged again (its betaald_op is after the test clock moved back to 05-11)."""
    async with TestKafkaBroker(dienst.broker) as broker:
        await bezoek(broker, "INS-39", bevinding("WML-LOON-A", "W-001"))
        await bewijs_van(broker, "INS-39", KVK, "100.00", "2026-05-12")
        dienst.clock.apply(datetime(2026, 5, 11, 9, 0, tzinfo=AMSTERDAM))
        await bewijs_van(broker, "INS-39", KVK, "100.00", "2026-05-12")
    assert await afgewezen(dienst) == []
    assert await dienst.pool.fetchval("SELECT count(*) FROM betaalbewijs") == 1


async def test_the_windows_end_lapses_a_held_fine_whose_proof_was_stored_before_it_and_never_judged(
    dienst: Service,
) -> None:
    """A fine imposed before stored proofs were judged at imposition, with a proof of the full back
    pay stored before it (no day of receipt kept): only the window's end judges it, and it lapses."""
    async with TestKafkaBroker(dienst.broker) as broker:
        await bezoek(broker, "INS-41", bevinding("WML-LOON-A", "W-001"))
    await dienst.pool.execute(
        "INSERT INTO betaalbewijs (event_id, inspectie_id, werkgever_kvk, bedrag_eur, betaald_op) "
        "VALUES ('oud-1', 'INS-41', $1, 1792.15, '2026-05-11')",
        KVK,
    )
    dienst.clock.apply(datetime(2026, 5, 27, 9, 0, tzinfo=AMSTERDAM))
    assert await dienst.fire_due() == 1
    assert [d["boete_id"] for d in await uitgaand(dienst, h.BOETE_VERVALLEN)] == ["B-INS-41-1"]
    assert await uitgaand(dienst, h.BOETE_DEFINITIEF) == []
    assert await dienst.pool.fetchval("SELECT status FROM boete WHERE inspectie_id = 'INS-41'") == "vervallen"


async def test_a_proof_received_after_the_window_does_not_lapse_the_fine_when_its_timer_comes_late(
    dienst: Service,
) -> None:
    """Paid on the window's last day, received the day after it, before the timer fired: too late."""
    async with TestKafkaBroker(dienst.broker) as broker:
        await bezoek(broker, "INS-42", bevinding("WML-LOON-A", "W-001"))
        dienst.clock.apply(datetime(2026, 5, 27, 9, 0, tzinfo=AMSTERDAM))
        await bewijs_van(broker, "INS-42", KVK, "1792.15", "2026-05-26")
    assert await uitgaand(dienst, h.BOETE_VERVALLEN) == []
    assert await dienst.fire_due() == 1
    assert [d["boete_id"] for d in await uitgaand(dienst, h.BOETE_DEFINITIEF)] == ["B-INS-42-1"]
