"""Handler tier: a partner's signal or proof of back pay has one effect however often it is sent,
each time under a new `ce_id` (issue 13, item 4): a signal is not counted twice in the risk, a
proof of half the back pay sent twice does not lapse a fine. The same business key with other
content is rejected with the reason (dead letter `afgewezen`).

Keys (docs/contract-inspectie.md): a municipal signal by (kind, address, employer, day established), a payroll
return by (employer, month), a posting notification by `melding_id`, an NAU decision by (agency,
day), a proof of back pay by (inspection, employer, day paid, reference)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.inspectie import handlers as h
from services.inspectie import handlers_uitlening as uitlening
from shared.contract.belastingdienst import Loonaangifte
from shared.contract.gemeente import GemeenteSignaal
from shared.contract.inspectie import Betaalbewijs, InspectieUitgevoerd
from shared.contract.meldloket import Detachering
from shared.contract.nau import Toelating
from shared.policy import load_policy
from shared.service import AMSTERDAM, Service
from shared.topics import IN_BELASTINGDIENST, IN_GEMEENTE, IN_INSPECTIE, IN_MELDLOKET, IN_NAU
from tests.handler.herhaling import als_nieuw_event, dienst
from tests.handler.test_inspectie_sancties import MIGRATIONS, NU, signalen, wml_bevinding

pytestmark = pytest.mark.stack
ROUTES: list[tuple[str, str, Any, Any]] = [
    (IN_GEMEENTE, "nl.waardigwerk.gemeente.signaal", GemeenteSignaal, h.gemeente_signaal),
    (IN_BELASTINGDIENST, "nl.waardigwerk.belastingdienst.loonaangifte", Loonaangifte, uitlening.loonaangifte),
    (IN_NAU, "nl.waardigwerk.nau.toelating", Toelating, uitlening.toelating),
    (IN_MELDLOKET, "nl.waardigwerk.meldloket.detachering", Detachering, uitlening.detachering_gemeld),
    (IN_INSPECTIE, "nl.waardigwerk.inspectie.uitgevoerd", InspectieUitgevoerd, h.inspectie_uitgevoerd),
    (IN_INSPECTIE, "nl.waardigwerk.inspectie.betaalbewijs", Betaalbewijs, h.betaalbewijs),
]
TYPE_TOPIC = {ce_type: topic for topic, ce_type, _, _ in ROUTES}


@pytest.fixture(params=["huidig"])
async def service(stack_env: dict[str, str], request: pytest.FixtureRequest) -> AsyncIterator[Service]:
    policy = load_policy(request.param)
    async with dienst("inspectie", stack_env["DATABASE_URL"], MIGRATIONS, ROUTES, NU, policy) as svc:
        yield svc


async def stuur(broker: KafkaBroker, ce_type: str, data: dict[str, Any]) -> None:
    await als_nieuw_event(broker, TYPE_TOPIC[ce_type], ce_type, data, "k", NU)


async def afgewezen(service: Service) -> list[str]:
    rows = await service.pool.fetch("SELECT headers FROM outbox WHERE topic LIKE '%.dlq' ORDER BY id")
    return [h["dlq_details"] for h in (dict(json.loads(r["headers"])) for r in rows) if h["dlq_reden"] == "afgewezen"]


async def test_partner_signals_sent_again_are_counted_once_and_another_content_is_rejected(service: Service) -> None:
    service.clock.apply(datetime(2027, 3, 1, 9, 0, tzinfo=AMSTERDAM))
    gemeente = {
        "signaal": "overbewoning",
        "adres": {"postcode": "2671AB", "huisnummer": "40", "gemeentecode": "GM1783"},
        "werkgever": {"kvk_nummer": "73000001"},
        "aantal_personen": 12,
        "vastgesteld_op": "2027-02-20",
    }
    aangifte = {
        "werkgever": {"kvk_nummer": "73000002"},
        "tijdvak": "2027-01",
        "aantal_werknemers": 8,
        "aantal_onder_minimumloon": 2,
    }
    toelating = {"uitlener": {"kvk_nummer": "73000003"}, "besluit": "ingetrokken", "besluit_op": "2027-02-01"}
    detachering = {
        "melding_id": "WAGWEU-H5",
        "opdrachtgever": {"kvk_nummer": "73000004"},
        "aanvang_op": "2027-02-01",
        "gemeld_op": "2027-02-03",
        "werknemers": [{"werknemer_ref": "P-1", "a1_afgegeven_op": "2026-09-01"}],
    }
    async with TestKafkaBroker(service.broker) as broker:
        for _ in range(2):
            await stuur(broker, "nl.waardigwerk.gemeente.signaal", gemeente)
            await stuur(broker, "nl.waardigwerk.belastingdienst.loonaangifte", aangifte)
            await stuur(broker, "nl.waardigwerk.nau.toelating", toelating)
            await stuur(broker, "nl.waardigwerk.meldloket.detachering", detachering)
        await stuur(broker, "nl.waardigwerk.gemeente.signaal", {**gemeente, "aantal_personen": 14})
        # The same dwelling and day, another employer's workers: a signal of its own.
        await stuur(broker, "nl.waardigwerk.gemeente.signaal", {**gemeente, "werkgever": {"kvk_nummer": "73000005"}})
        await stuur(broker, "nl.waardigwerk.belastingdienst.loonaangifte", {**aangifte, "aantal_onder_minimumloon": 3})
    assert await signalen(service, "73000001") == ["gemeente_overbewoning"]
    assert await signalen(service, "73000002") == ["loonaangifte_onder_wml"]
    assert await signalen(service, "73000003") == ["wtta_zonder_toelating"]
    assert await signalen(service, "73000004") == ["detachering_te_laat_gemeld"]
    assert await signalen(service, "73000005") == ["gemeente_overbewoning"]
    redenen = await afgewezen(service)
    assert len(redenen) == 2
    assert "het signaal overbewoning voor 2671AB 40 van 2027-02-20 is al ontvangen met een andere inhoud" in redenen[0]
    assert "de loonaangifte van 73000002 over 2027-01 is al ontvangen met een andere inhoud" in redenen[1]


@pytest.mark.parametrize("service", ["ser2025"], indirect=True)
async def test_a_proof_of_half_the_back_pay_sent_twice_does_not_lapse_the_fine(service: Service) -> None:
    """ser2025: a first WML fine waits for proof of back pay; half of it, sent twice, is still half."""
    async with TestKafkaBroker(service.broker) as broker:
        uitgevoerd = {
            "inspectie_id": "INS-H5",
            "werkgever": {"kvk_nummer": "73000006"},
            "uitgevoerd_op": "2026-05-12",
            "bevindingen": [wml_bevinding("3800.00")],
        }
        await stuur(broker, "nl.waardigwerk.inspectie.uitgevoerd", uitgevoerd)
        nabetaling = await service.pool.fetchval("SELECT nabetaling_eur FROM boete WHERE inspectie_id = 'INS-H5'")
        proof = {
            "inspectie_id": "INS-H5",
            "werkgever": {"kvk_nummer": "73000006"},
            "bedrag_eur": float(round(nabetaling / 2 + 1, 2)),
            "betaald_op": "2026-05-12",  # the day it is received
        }
        await stuur(broker, "nl.waardigwerk.inspectie.betaalbewijs", proof)
        await stuur(broker, "nl.waardigwerk.inspectie.betaalbewijs", proof)
        status = await service.pool.fetchval("SELECT status FROM boete WHERE inspectie_id = 'INS-H5'")
        assert status == "in_afwachting_herstel", "half the back pay, however often proven, lapses nothing"
        await stuur(broker, "nl.waardigwerk.inspectie.betaalbewijs", {**proof, "referentie": "NL-TX-2"})
    assert await service.pool.fetchval("SELECT status FROM boete WHERE inspectie_id = 'INS-H5'") == "vervallen"
    assert await service.pool.fetchval("SELECT count(*) FROM betaalbewijs") == 2
    assert await afgewezen(service) == []
