"""End to end through the contract: a report is acknowledged with its deadline and an
integrated inspection is planned; bad reports are rejected with every problem named and kept
in the DLQ; a duplicate delivery has one effect. (The same behaviour as the public scenarios.)"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.stappen import kvk
from tools.partner import Partner

pytestmark = pytest.mark.stack
DIENSTEN = ["melding", "inspectie", "loonvordering", "huisvesting"]
IN = "waardigwerk.in.meldingen"
INGEDIEND = "nl.waardigwerk.melding.ingediend"


def melding(org: str, ref: str, werkgever: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "melder": {"soort": "vakbond", "organisatie": org, "referentie": ref},
        "werkgever": {"kvk_nummer": werkgever, "naam": "Kas Westland BV"},
        "werklocatie": {"postcode": "2671AB", "huisnummer": "12", "gemeentecode": "GM1783"},
        "categorieen": ["onderbetaling"],
        "aantal_betrokkenen": 14,
        "omschrijving": "Uitzendkrachten krijgen minder dan het minimumloon.",
    }
    data.update(extra)
    return data


async def test_melding_acknowledged_with_deadline_and_planned(stack_env: dict[str, str]) -> None:
    ref, werkgever = f"FNV-{uuid.uuid4().hex[:8]}", kvk()
    topics = ["waardigwerk.uit.melder.fnv", "waardigwerk.uit.arbeidsinspectie", "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock("2026-12-03T10:00:00+01:00", DIENSTEN)  # a Thursday
        await partner.publish(IN, INGEDIEND, melding("fnv", ref, werkgever), key=ref)
        ontvangen = await partner.expect(
            "waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.ontvangen", lambda d: d["melder_referentie"] == ref
        )
        assert ontvangen.data["uiterlijk_inspectie_op"] == "2026-12-10"
        assert ontvangen.data["ontvangen_op"] == "2026-12-03"
        assert set(ontvangen.data) <= {
            "melder_referentie",
            "zaak_id",
            "ontvangen_op",
            "uiterlijk_inspectie_op",
            "gekoppeld",
        }, "the reporter's feed carries only allowed fields"
        assert ontvangen.ce["causationid"] and ontvangen.ce["correlationid"]
        gepland = await partner.expect(
            "waardigwerk.uit.arbeidsinspectie",
            "nl.waardigwerk.inspectie.gepland",
            lambda d: d["werkgever"]["kvk_nummer"] == werkgever,
        )
        assert {"WML", "Arbowet", "Atw"} <= set(gepland.data["scope"])
        assert "2026-12-03" <= gepland.data["gepland_op"] <= "2026-12-10"
        onderdelen = gepland.data["risico"]["onderdelen"]
        assert onderdelen and sum(o["bijdrage"] for o in onderdelen) == pytest.approx(gepland.data["risico"]["score"])
        assert {"soort": "melding", "id": ontvangen.data["zaak_id"]} in gepland.data["aanleidingen"]


async def test_bad_melding_rejected_with_every_problem_and_dead_lettered(stack_env: dict[str, str]) -> None:
    ref = f"FNV-{uuid.uuid4().hex[:8]}"
    bad = {
        "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": ref},
        "categorieen": ["onderbetaling", "zomaar_iets"],
        "omschrijving": "Geen werkgever bekend.",
    }
    topics = ["waardigwerk.uit.melder.fnv", "waardigwerk.in.meldingen.dlq", "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock("2026-12-03T11:00:00+01:00", DIENSTEN)
        event_id = await partner.publish(IN, INGEDIEND, bad, key=ref)
        afgewezen = await partner.expect(
            "waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.afgewezen", lambda d: d["melder_referentie"] == ref
        )
        velden = {f["veld"] for f in afgewezen.data["fouten"]}
        assert {"werkgever", "categorieen.1"} <= velden
        dead = await partner.expect("waardigwerk.in.meldingen.dlq", where=lambda d: d["melder"]["referentie"] == ref)
        assert dead.headers["ce_id"] == event_id, "the raw record is kept unchanged"
        assert dead.headers["dlq_reden"] == "schema" and dead.headers["dlq_topic"] == IN
        await partner.settle(3)
        assert not partner.matching(
            "waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.ontvangen", lambda d: d["melder_referentie"] == ref
        )


async def test_poison_record_does_not_block_the_next(stack_env: dict[str, str]) -> None:
    ref = f"FNV-{uuid.uuid4().hex[:8]}"
    topics = ["waardigwerk.uit.melder.fnv", "waardigwerk.in.meldingen.dlq", "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock("2026-12-03T11:30:00+01:00", DIENSTEN)
        await partner.publish(IN, INGEDIEND, {}, key="poison", raw_value=b"{not json")
        await partner.publish(IN, INGEDIEND, melding("fnv", ref, kvk()), key=ref)
        await partner.expect(
            "waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.ontvangen", lambda d: d["melder_referentie"] == ref
        )
        poison = await partner.expect_record(lambda e: e.topic.endswith(".dlq") and e.value == b"{not json")
        assert poison.headers["dlq_reden"] == "ongeldige_envelop"
        assert poison.key == "poison", "the key is kept unchanged"


async def test_same_event_twice_has_one_effect(stack_env: dict[str, str]) -> None:
    ref, werkgever, event_id = f"OR-{uuid.uuid4().hex[:8]}", kvk(), str(uuid.uuid4())
    org = f"or-{werkgever}"
    data = {
        "melder": {"soort": "ondernemingsraad", "organisatie": org, "referentie": ref},
        "werkgever": {"kvk_nummer": werkgever},
        "categorieen": ["arbeidstijden"],
        "omschrijving": "Structureel 12-urige diensten zonder pauze.",
    }
    topic = f"waardigwerk.uit.melder.{org}"
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [topic, "waardigwerk.test.klok"]) as partner:
        await partner.set_clock("2026-12-03T12:00:00+01:00", DIENSTEN)
        await partner.publish(IN, INGEDIEND, data, key=ref, event_id=event_id)
        await partner.publish(IN, INGEDIEND, data, key=ref, event_id=event_id, structured=True)
        await partner.expect(topic, "nl.waardigwerk.melding.ontvangen")
        await partner.settle(5)
        assert len(partner.matching(topic, "nl.waardigwerk.melding.ontvangen")) == 1


@pytest.mark.parametrize("codec", ["snappy", "lz4", "zstd"])
async def test_a_report_a_partner_sent_compressed_is_acknowledged(stack_env: dict[str, str], codec: str) -> None:
    """Partners may compress what they send; a codec the consumers cannot decode stalls the
    partition and drops records fetched beside it on other partitions."""
    ref = f"FNV-{codec}-{uuid.uuid4().hex[:8]}"
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], ["waardigwerk.uit.melder.fnv"], compression=codec) as p:
        await p.publish(IN, INGEDIEND, melding("fnv", ref, kvk()), key=ref)
        ontvangen = await p.expect(
            "waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.ontvangen", lambda d: d["melder_referentie"] == ref
        )
        assert ontvangen.data["zaak_id"]
