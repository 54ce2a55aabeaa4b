"""End to end through the contract, with the test clock: the inbound fields added for the legal
review (issue defects 7, 8, 11, 12 and the SER §4.1 agency line) on the real stack.

A payroll return says the employer has 300 workers, 75 of them below the WML, and is a
temporary-work agency (planned for inspection only because of the agency line); a housing
contract deducts EUR 300 a month for worker W from 2026-03-01 without a written authorisation
(HUIS-005 broken, the worker's age given); the visit then finds W underpaid (4000 of 5177.92,
holiday allowance partly paid) and an Arbowet breach with 2 people involved. The WML fine does not
count the unlawful 600 as paid (34.3 % instead of 22.7 % underpaid: EUR 3000, not 2000) and the
Arbowet fine is scaled by the headcount (1500 x 85 % = 1275, not the 10 % of 2 people).
"""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.stappen import huurcontract_gecontroleerd, kvk
from tools.partner import Partner
from tools.voorbeelden import huurcontract

pytestmark = pytest.mark.stack
DIENSTEN = ["melding", "inspectie", "loonvordering", "huisvesting"]


async def test_headcount_agency_and_unlawful_housing_deduction_reach_the_fines(stack_env: dict[str, str]) -> None:
    werkgever = kvk()
    ref, werknemer, inspectie_id = f"GM1783-HC-{uuid.uuid4().hex[:8]}", f"W-{uuid.uuid4().hex[:8]}", f"INS-{werkgever}"
    topics = ["waardigwerk.uit.gemeente.GM1783", "waardigwerk.uit.arbeidsinspectie", "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock("2026-05-12T09:00:00+02:00", DIENSTEN)
        await partner.publish(
            "waardigwerk.in.belastingdienst",
            "nl.waardigwerk.belastingdienst.loonaangifte",
            {
                "werkgever": {"kvk_nummer": werkgever},
                "tijdvak": "2026-04",
                "aantal_werknemers": 300,
                "aantal_onder_minimumloon": 75,
                "is_uitzendonderneming": True,
            },
            key=werkgever,
            source="urn:nld:belastingdienst:loonheffingen",
        )
        gepland = await partner.expect(
            "waardigwerk.uit.arbeidsinspectie",
            "nl.waardigwerk.inspectie.gepland",
            lambda d: d["werkgever"]["kvk_nummer"] == werkgever,
        )
        lijnen = {o["signaal"]: o["bijdrage"] for o in gepland.data["risico"]["onderdelen"]}
        # a quarter below the WML: a full-strength signal of 25 (under the threshold of 45), doubled for an agency
        assert lijnen == {"loonaangifte_onder_wml": 25.0, "uitzendonderneming": 25.0}
        contract = huurcontract(
            ref,
            werkgever,
            {"postcode": "2671AB", "huisnummer": "41", "gemeentecode": "GM1783"},
            huurder={"werknemer_ref": werknemer, "gedetacheerd_vanuit_eu": False, "leeftijd": 34},
            inhouding_op_loon_per_maand_eur=300.00,
            schriftelijke_toestemming_inhouding=False,
        )
        gecontroleerd = await huurcontract_gecontroleerd(partner, contract, "GM1783")
        assert "HUIS-005" in {b["code"] for b in gecontroleerd.data["bevindingen"]}
        assert "onrechtmatige_inhouding" not in gecontroleerd.data, "the worker's deduction is not the municipality's"
        await partner.settle(3)  # inspectie reads the same check from the internal topic
        await partner.publish(
            "waardigwerk.in.inspectie",
            "nl.waardigwerk.inspectie.uitgevoerd",
            {
                "inspectie_id": inspectie_id,
                "werkgever": {"kvk_nummer": werkgever},
                "uitgevoerd_op": "2026-05-12",
                "bevindingen": [
                    {
                        "wet": "WML",
                        "code": "WML-ONDERBETALING",
                        "onderbetaling": [
                            {
                                "werknemer_ref": werknemer,
                                "periode_van": "2026-03-01",
                                "periode_tot": "2026-04-30",
                                "gewerkte_uren": 352,
                                "betaald_bruto_eur": 4000.00,
                                "vakantiebijslag_betaald_eur": 100.00,
                                "leeftijd": 34,
                            }
                        ],
                    },
                    {"wet": "Arbowet", "code": "ARBO-X", "aantal_betrokkenen": 2},
                ],
            },
            key=inspectie_id,
            source="urn:nld:arbeidsinspectie:veld",
        )
        wml = await partner.expect(
            "waardigwerk.uit.arbeidsinspectie",
            "nl.waardigwerk.inspectie.boete_opgelegd",
            lambda d: d["inspectie_id"] == inspectie_id and d["wet"] == "WML",
        )
        stappen = {s["stap"]: s["waarde"] for s in wml.data["berekening"]}
        assert (stappen["BOETE-WML-INHOUDING"], stappen["BOETE-WML-BETAALD"], wml.data["bedrag_eur"]) == (
            600.0,
            3400.0,
            3000.0,
        )
        arbo = await partner.expect(
            "waardigwerk.uit.arbeidsinspectie",
            "nl.waardigwerk.inspectie.boete_opgelegd",
            lambda d: d["inspectie_id"] == inspectie_id and d["wet"] == "Arbowet",
        )
        assert arbo.data["bedrag_eur"] == 1275.0
        assert werknemer not in str(wml.data), "the worker is named by position only"
