"""End to end through the contract, with the test clock: claims to the cent with the liable parties,
housing findings to the municipality, the inspection deadline breach reported once, and the SER 2025
variant (income guarantee, back-pay window) against current law."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.stappen import huurcontract_gecontroleerd, kvk
from tools.partner import Partner
from tools.voorbeelden import huurcontract

pytestmark = pytest.mark.stack
DIENSTEN = ["melding", "inspectie", "loonvordering", "huisvesting"]


def claim(ref: str, werkgever: str, inlener: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "indiener": {"organisatie": "fnv", "referentie": ref},
        "werknemer": {
            "werknemer_ref": f"W-{ref}",
            "leeftijd": 30,
            "eerste_tewerkstelling_in_nl": False,
            "bsn": "111222333",
        },
        "werkgever": {"kvk_nummer": werkgever, "naam": "Flex Staffing BV", "is_uitzendonderneming": True},
        "keten": [{"kvk_nummer": inlener, "naam": "Kas Westland BV", "rol": "inlener", "keurmerk": False}],
        "periode_van": "2026-01-05",
        "periode_tot": "2026-01-30",
        "gewerkte_uren": 160,
        "betaald_bruto_eur": 1800.00,
        "seizoenswerk": False,
    }
    data.update(extra)
    return data


async def test_claim_established_to_the_cent_with_employer_and_client_liable(stack_env: dict[str, str]) -> None:
    ref, werkgever, inlener = f"LV-{uuid.uuid4().hex[:8]}", kvk(), kvk()
    topics = ["waardigwerk.uit.indiener.fnv", "waardigwerk.uit.belastingdienst", "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock("2026-02-10T09:00:00+01:00", DIENSTEN)
        await partner.publish(
            "waardigwerk.in.loonvorderingen",
            "nl.waardigwerk.loonvordering.ingediend",
            claim(ref, werkgever, inlener),
            key=ref,
            source="urn:nld:vakbond:fnv:loonclaims",
        )
        union = await partner.expect(
            "waardigwerk.uit.indiener.fnv",
            "nl.waardigwerk.loonvordering.vastgesteld",
            lambda d: d["indiener_referentie"] == ref,
        )
        assert union.data["bedrag_eur"] == 741.89
        liable = {(a["kvk_nummer"], a["grond"]) for a in union.data["aansprakelijk"]}
        assert liable == {(werkgever, "BW 7:616a"), (inlener, "BW 7:616a")}
        assert union.data["beleid"].startswith("huidig@")
        assert [s["waarde"] for s in union.data["berekening"] if s["stap"] == "LV-BEDRAG"] == [741.89]
        tax = await partner.expect(
            "waardigwerk.uit.belastingdienst",
            "nl.waardigwerk.loonvordering.vastgesteld",
            lambda d: d["vordering_id"] == union.data["vordering_id"],
        )
        for feed in (union, tax):
            assert "111222333" not in (feed.value or b"").decode(), "the BSN never reaches a partner feed"
        assert union.data["werknemer"]["werknemer_ref"] != tax.data["werknemer"]["werknemer_ref"], (
            "pseudonyms differ per recipient"
        )
        assert f"W-{ref}" not in str(union.data)


async def test_housing_breaches_reach_the_municipality_of_the_address(stack_env: dict[str, str]) -> None:
    ref, werkgever = f"GM1783-HC-{uuid.uuid4().hex[:8]}", kvk()
    contract = huurcontract(ref, werkgever, {"postcode": "2671AB", "huisnummer": "40", "gemeentecode": "GM1783"})
    topics = ["waardigwerk.uit.gemeente.GM1783", "waardigwerk.uit.gemeente.GM0363", "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock("2026-06-15T09:00:00+02:00", DIENSTEN)
        e = await huurcontract_gecontroleerd(partner, contract, "GM1783")
        codes = {b["code"] for b in e.data["bevindingen"]}
        assert e.data["oordeel"] == "tekortkomingen"
        assert {"HUIS-001", "HUIS-003", "HUIS-006", "HUIS-012"} <= codes
        assert "HUIS-008" not in codes, "8 persons on 1 toilet is exactly the norm"
        await partner.settle(2)
        assert not partner.matching("waardigwerk.uit.gemeente.GM0363", where=lambda d: d["contract_referentie"] == ref)


async def test_missed_inspection_deadline_is_reported_once(stack_env: dict[str, str]) -> None:
    ref, werkgever = f"FNV-{uuid.uuid4().hex[:8]}", kvk()
    data = {
        "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": ref},
        "werkgever": {"kvk_nummer": werkgever},
        "categorieen": ["arbeidstijden"],
        "omschrijving": "Diensten van 14 uur.",
    }
    topics = ["waardigwerk.uit.melder.fnv", "waardigwerk.uit.arbeidsinspectie", "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock("2027-03-04T10:00:00+01:00", DIENSTEN)  # Thursday
        await partner.publish("waardigwerk.in.meldingen", "nl.waardigwerk.melding.ingediend", data, key=ref)
        ontvangen = await partner.expect(
            "waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.ontvangen", lambda d: d["melder_referentie"] == ref
        )
        assert ontvangen.data["uiterlijk_inspectie_op"] == "2027-03-11"
        breached: Callable[[Any], bool] = lambda d: d.get("zaak_id") == ontvangen.data["zaak_id"]  # noqa: E731
        await partner.set_clock("2027-03-11T23:00:00+01:00", DIENSTEN)  # the last day itself: not yet late
        await partner.settle(1)
        assert not partner.matching(
            "waardigwerk.uit.arbeidsinspectie", "nl.waardigwerk.melding.termijn_overschreden", breached
        )
        await partner.set_clock("2027-03-12T08:00:00+01:00", DIENSTEN)
        await partner.expect(
            "waardigwerk.uit.arbeidsinspectie", "nl.waardigwerk.melding.termijn_overschreden", breached, within_s=15
        )
        await partner.set_clock("2027-03-20T08:00:00+01:00", DIENSTEN)
        await partner.settle(2)
        assert (
            len(
                partner.matching(
                    "waardigwerk.uit.arbeidsinspectie", "nl.waardigwerk.melding.termijn_overschreden", breached
                )
            )
            == 1
        )


async def test_ser2025_income_guarantee_and_back_pay_window(
    stack_env: dict[str, str], stack_policy: Callable[[str], None]
) -> None:
    stack_policy("ser2025")
    ref, werkgever, inlener = f"LV-{uuid.uuid4().hex[:8]}", kvk(), kvk()
    eerste = claim(
        ref,
        werkgever,
        inlener,
        periode_van="2026-03-01",
        periode_tot="2026-04-30",
        gewerkte_uren=200,
        betaald_bruto_eur=2800.00,
        contract_duur_dagen=61,
    )
    eerste["werknemer"]["eerste_tewerkstelling_in_nl"] = True
    inspectie_id = f"INS-{uuid.uuid4().hex[:8]}"
    bezoek = {
        "inspectie_id": inspectie_id,
        "werkgever": {"kvk_nummer": werkgever},
        "uitgevoerd_op": "2026-05-12",
        "bevindingen": [
            {
                "wet": "WML",
                "code": "WML-ONDERBETALING",
                "aantal_betrokkenen": 1,
                "ernstig_gevaar": False,
                "onderbetaling": [
                    {
                        "werknemer_ref": "W-001",
                        "periode_van": "2026-03-01",
                        "periode_tot": "2026-04-30",
                        "gewerkte_uren": 352,
                        "betaald_bruto_eur": 3800.00,
                        "leeftijd": 34,
                    }
                ],
            }
        ],
    }
    topics = ["waardigwerk.uit.indiener.fnv", "waardigwerk.uit.arbeidsinspectie", "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock("2026-05-13T09:00:00+02:00", DIENSTEN)
        await partner.publish(
            "waardigwerk.in.loonvorderingen",
            "nl.waardigwerk.loonvordering.ingediend",
            eerste,
            key=ref,
            source="urn:nld:vakbond:fnv:loonclaims",
        )
        vastgesteld = await partner.expect(
            "waardigwerk.uit.indiener.fnv",
            "nl.waardigwerk.loonvordering.vastgesteld",
            lambda d: d["indiener_referentie"] == ref,
        )
        assert vastgesteld.data["bedrag_eur"] == 2707.42 and vastgesteld.data["beleid"].startswith("ser2025@")
        await partner.publish(
            "waardigwerk.in.inspectie",
            "nl.waardigwerk.inspectie.uitgevoerd",
            bezoek,
            key=inspectie_id,
            source="urn:nld:arbeidsinspectie:veld",
        )
        boete = await partner.expect(
            "waardigwerk.uit.arbeidsinspectie",
            "nl.waardigwerk.inspectie.boete_opgelegd",
            lambda d: d["inspectie_id"] == inspectie_id,
        )
        assert boete.data["status"] == "in_afwachting_herstel" and boete.data["herstel_uiterlijk_op"] == "2026-05-27"
        assert boete.data["bedrag_eur"] == 3000
        await partner.set_clock("2026-05-20T09:00:00+02:00", DIENSTEN)  # paid that day, within the window
        await partner.publish(
            "waardigwerk.in.inspectie",
            "nl.waardigwerk.inspectie.betaalbewijs",
            {
                "inspectie_id": inspectie_id,
                "werkgever": {"kvk_nummer": werkgever},
                "bedrag_eur": 1800.00,
                "betaald_op": "2026-05-20",
            },
            key=inspectie_id,
            source="urn:nld:arbeidsinspectie:veld",
        )
        await partner.expect(
            "waardigwerk.uit.arbeidsinspectie",
            "nl.waardigwerk.inspectie.boete_vervallen",
            lambda d: d["inspectie_id"] == inspectie_id,
        )
