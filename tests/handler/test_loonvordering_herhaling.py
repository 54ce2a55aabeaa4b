"""Handler tier: a partner's fact about a claim has one effect however often it is sent, also under
a new `ce_id` each time (issue 13, item 4). The inbox cannot help here: every send below has an id
of its own. The same business key with other content is rejected to the filer with the reason.

Keys (docs/contract-loonvorderingen.md): a payment by (claim, payer, day, reference), a notice by
(claim, party, day), a party's status by (claim, party, status), an answer naming the chain by
(claim, party, day it arrived)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.loonvordering import handlers as h
from shared.contract import loonvordering as contract
from shared.policy import load_policy
from shared.service import AMSTERDAM, Service
from shared.topics import IN_LOONVORDERINGEN
from tests.handler.herhaling import als_nieuw_event, dienst

pytestmark = pytest.mark.stack
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "loonvordering" / "migrations"
NU = datetime(2026, 5, 12, 9, 0, tzinfo=AMSTERDAM)
TYPE = "nl.waardigwerk.loonvordering."
REF = "FNV-LV-HERHALING"
WERKGEVER, INLENER = "11223344", "12345678"


@pytest.fixture
async def service(stack_env: dict[str, str]) -> AsyncIterator[Service]:
    routes = [
        (IN_LOONVORDERINGEN, TYPE + "ingediend", contract.LoonvorderingIngediend, h.ingediend),
        (IN_LOONVORDERINGEN, TYPE + "aanzegging", contract.Aanzegging, h.aanzegging),
        (IN_LOONVORDERINGEN, TYPE + "partij_status", contract.PartijStatus, h.partij_status),
        (
            IN_LOONVORDERINGEN,
            TYPE + "keteninformatie_gevraagd",
            contract.KeteninformatieGevraagd,
            h.keteninformatie_gevraagd,
        ),
        (IN_LOONVORDERINGEN, TYPE + "keteninformatie", contract.Keteninformatie, h.keteninformatie),
        (IN_LOONVORDERINGEN, TYPE + "betaling", contract.Betaling, h.betaling),
    ]
    async with dienst(
        "loonvordering", stack_env["DATABASE_URL"], MIGRATIONS, routes, NU, load_policy("huidig"), reject=h.afwijzen
    ) as svc:
        yield svc


async def stuur(broker: KafkaBroker, soort: str, data: dict[str, Any]) -> None:
    await als_nieuw_event(broker, IN_LOONVORDERINGEN, TYPE + soort, data, REF, NU)


async def uitgaand(service: Service, ce_type: str) -> list[dict[str, Any]]:
    rows = await service.pool.fetch("SELECT value FROM outbox WHERE event_type = $1 ORDER BY id", ce_type)
    return [json.loads(r["value"]) for r in rows]


async def dode_letters(service: Service) -> list[dict[str, str]]:
    rows = await service.pool.fetch(
        "SELECT headers FROM outbox WHERE topic = $1 ORDER BY id", IN_LOONVORDERINGEN + ".dlq"
    )
    return [dict(json.loads(r["headers"])) for r in rows]


def aanvraag(organisatie: str, referentie: str, **anders: Any) -> dict[str, Any]:
    return {
        "indiener": {"organisatie": organisatie, "referentie": referentie},
        "werknemer": {"werknemer_ref": "W-7781", "leeftijd": 27},
        "werkgever": {"kvk_nummer": WERKGEVER},
        "keten": [{"kvk_nummer": INLENER, "rol": "inlener"}],
        "periode_van": "2026-03-01",
        "periode_tot": "2026-04-30",
        "gewerkte_uren": 300,
        "betaald_bruto_eur": 2500.00,
        **anders,
    }


async def vordering(broker: KafkaBroker, service: Service) -> tuple[str, float]:
    await stuur(broker, "ingediend", aanvraag("fnv", REF))
    [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
    assert vastgesteld["bedrag_eur"] > 100
    return vastgesteld["vordering_id"], vastgesteld["bedrag_eur"]


def betaling(vid: str, bedrag: Any, **extra: Any) -> dict[str, Any]:
    return {
        "vordering_id": vid,
        "betaald_door": {"kvk_nummer": WERKGEVER},
        "bedrag_eur": bedrag,
        "betaald_op": "2026-05-11",
        **extra,
    }


async def test_a_payment_sent_again_under_a_new_id_counts_once_and_the_claim_stays_open(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        vid, bedrag = await vordering(broker, service)
        deel = int(bedrag * 0.6)
        await stuur(broker, "betaling", betaling(vid, deel))
        await stuur(broker, "betaling", betaling(vid, deel))  # the same payment, resent
        await stuur(broker, "betaling", betaling(REF, float(deel)))  # by the filer's reference, written 600.0
    assert [b["openstaand_eur"] for b in await uitgaand(service, h.BETALING_VERWERKT)] == [round(bedrag - deel, 2)]
    assert await uitgaand(service, h.VOLDAAN) == [], "60 % paid is not paid in full, however often it is sent"
    assert await service.pool.fetchval("SELECT sum(bedrag_eur) FROM betaling") == pytest.approx(deel)
    assert await dode_letters(service) == []


async def test_a_payment_under_a_key_already_used_with_another_amount_is_rejected_to_the_filer(
    service: Service,
) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        vid, bedrag = await vordering(broker, service)
        await stuur(broker, "betaling", betaling(vid, round(bedrag * 0.6, 2)))
        await stuur(broker, "betaling", betaling(vid, round(bedrag * 0.4, 2)))  # same payer, day, no reference
    assert len(await uitgaand(service, h.BETALING_VERWERKT)) == 1
    assert await uitgaand(service, h.VOLDAAN) == []
    [dood] = await dode_letters(service)
    assert dood["dlq_reden"] == "afgewezen" and "andere inhoud" in dood["dlq_details"]
    [afgewezen] = await uitgaand(service, h.AFGEWEZEN)
    assert (afgewezen["indiener_organisatie"], afgewezen["vordering_id"]) == ("fnv", vid)
    [fout] = afgewezen["fouten"]
    assert fout["veld"] == "referentie"
    assert f"de betaling door {WERKGEVER} op 2026-05-11 zonder referentie" in fout["melding"]


async def test_two_payments_of_one_day_told_apart_by_their_reference_both_count(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        vid, bedrag = await vordering(broker, service)
        await stuur(broker, "betaling", betaling(vid, round(bedrag * 0.6, 2), referentie="NL-TX-1"))
        await stuur(broker, "betaling", betaling(vid, round(bedrag * 0.4, 2) + 0.01, referentie="NL-TX-2"))
        await stuur(broker, "betaling", betaling(vid, round(bedrag * 0.4, 2) + 0.01, referentie="NL-TX-2"))
    assert len(await uitgaand(service, h.BETALING_VERWERKT)) == 2
    [voldaan] = await uitgaand(service, h.VOLDAAN)
    assert voldaan["overbetaald_eur"] == pytest.approx(0.01, abs=0.011)


async def test_chain_facts_sent_again_are_recorded_once_and_a_conflicting_status_is_rejected(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        vid, _ = await vordering(broker, service)
        status = {"vordering_id": vid, "partij": {"kvk_nummer": WERKGEVER}, "status": "failliet"}
        antwoord = {
            "vordering_id": vid,
            "verstrekt_door": {"kvk_nummer": INLENER},
            "keten": [{"kvk_nummer": "99887766", "rol": "opdrachtgever"}],
        }
        for _ in range(2):
            await stuur(broker, "partij_status", {**status, "vastgesteld_op": "2026-05-01"})
            await stuur(broker, "aanzegging", {"vordering_id": vid, "aan": {"kvk_nummer": INLENER}, "op": "2026-05-02"})
            await stuur(broker, "keteninformatie", antwoord)
        await stuur(broker, "partij_status", {**status, "vastgesteld_op": "2026-05-03"})  # the same status, another day
    feiten = await service.pool.fetch("SELECT soort, kvk_nummer FROM ketenfeit ORDER BY id")
    assert [(f["soort"], f["kvk_nummer"]) for f in feiten] == [
        ("status", WERKGEVER),
        ("aanzegging", INLENER),
        ("antwoord", INLENER),
        ("schakel", "99887766"),
    ]
    [afgewezen] = await uitgaand(service, h.AFGEWEZEN)
    assert afgewezen["fouten"][0]["veld"] == "vastgesteld_op"
    assert f"de status failliet van {WERKGEVER}" in afgewezen["fouten"][0]["melding"]


async def test_a_fact_by_a_reference_two_unions_use_is_rejected_not_booked_on_either_claim(service: Service) -> None:
    """References are unique per organisation only: a payment naming one that fnv and cnv both use
    cannot say whose claim it pays, so it is rejected and neither claim changes."""
    async with TestKafkaBroker(service.broker) as broker:
        vid, _ = await vordering(broker, service)
        await stuur(broker, "ingediend", aanvraag("cnv", REF, werknemer={"werknemer_ref": "W-9912", "leeftijd": 31}))
        await stuur(broker, "betaling", betaling(REF, 100))
        await stuur(broker, "betaling", betaling(vid, 100))  # by the claim's own id it is clear
    assert [b["vordering_id"] for b in await uitgaand(service, h.BETALING_VERWERKT)] == [vid]
    [dood] = await dode_letters(service)
    assert dood["dlq_reden"] == "afgewezen" and "meer dan één indiener" in dood["dlq_details"]


async def test_a_rejected_claim_routes_back_only_to_an_organisation_in_its_contract_form(service: Service) -> None:
    """The organisation names the filer's reply topic: one with a dot or in capitals gets no
    rejection (the dead letter remains), and a reference that is not a string is not echoed."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", {"indiener": {"organisatie": "fnv.geheim", "referentie": "R-1"}})
        await stuur(broker, "ingediend", {"indiener": {"organisatie": "FNV", "referentie": "R-2"}})
        await stuur(broker, "ingediend", {"indiener": {"organisatie": "fnv", "referentie": {"bsn": "111222333"}}})
    [afgewezen] = await uitgaand(service, h.AFGEWEZEN)
    assert (afgewezen["indiener_organisatie"], afgewezen["indiener_referentie"]) == ("fnv", None)
    assert len(await dode_letters(service)) == 3


async def test_a_claim_whose_validator_could_overflow_is_dead_lettered_and_the_next_claim_applies(
    service: Service,
) -> None:
    """Strict mode takes a JSON string as a Decimal; summing two of 9.9E+999999 hours raised
    decimal.Overflow inside the model's own validator. Since the hour bound (HOOGSTE_UREN) the field
    refuses it first, with a reason: dead-lettered as schema, never a batch rewound and read again
    without end."""
    maand = {"maand": "2026-03", "gewerkte_uren": "9.9E+999999", "betaald_bruto_eur": 1}
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(
            broker, "ingediend", aanvraag("fnv", "R-OVERLOOP", per_maand=[maand, {**maand, "maand": "2026-04"}])
        )
        await vordering(broker, service)
    [dood] = await dode_letters(service)
    assert dood["dlq_reden"] == "schema" and "gewerkte_uren mag hoogstens 100000" in dood["dlq_details"]


async def publiceer(broker: KafkaBroker, ce_id: str, ce_type: str, data: Any, **extra: str) -> None:
    headers = {
        "ce_specversion": "1.0",
        "ce_id": ce_id,
        "ce_source": "urn:nld:partner:test",
        "ce_type": ce_type,
        "ce_time": NU.isoformat(),
        "content-type": "application/json",
        **extra,
    }
    await broker.publish(json.dumps(data).encode(), IN_LOONVORDERINGEN, key=b"k", headers=headers)


async def test_an_event_whose_id_looks_like_a_dead_letters_key_does_not_hide_that_dead_letter(
    service: Service,
) -> None:
    """Dead letters are remembered in the inbox too; a partner's ce_id of the same shape must not
    take that key, or the later bad record would go without a dead letter (or be taken for one)."""
    async with TestKafkaBroker(service.broker) as broker:
        await publiceer(broker, "dlq:E-77:", TYPE + "ingediend", aanvraag("fnv", "R-SCHIJN"))
        await publiceer(broker, "E-77", TYPE + "onbekend", {})
    assert [v["indiener_referentie"] for v in await uitgaand(service, h.VASTGESTELD)] == ["R-SCHIJN"]
    [dood] = await dode_letters(service)
    assert dood["dlq_reden"] == "onbekend_type"


async def test_a_hostile_replay_marker_is_dead_lettered_at_once_not_retried(service: Service) -> None:
    """The marker is part of the dead letter's inbox key; a NUL in it (PostgreSQL text cannot hold
    one) made that key unstorable, and the record was retried for over a minute."""
    async with TestKafkaBroker(service.broker) as broker:
        await publiceer(broker, "E-88", TYPE + "onbekend", {}, waardigwerk_replay="a\x00b")
        await publiceer(broker, "E-89", TYPE + "onbekend", {}, waardigwerk_replay="x" * 3000)
    assert sorted(d["dlq_reden"] for d in await dode_letters(service)) == ["onbekend_type", "onbekend_type"]
