"""End to end through the contract, with the test clock: the chain-liability example of the domain
rules (§4) under current law. T (top client) -> A -> B -> agency E, which employs W.

- 04-07 the claim is filed: E and B are liable (616a); nobody is asked for the chain by the system.
- 04-11 W asks A for the chain (`keteninformatie_gevraagd`); no answer by 04-25, so A is liable
  out of turn from 04-26 (616e, defect 13).
- 05-02 W notifies T; 06-30 E cannot be traced, B is exculpated, and W claims A (lid 4: every level
  below the top claimed in turn, defect 14).
- 11-03 T can be claimed (lid 5: 42.7 % of the WML for three full months; notice + 6 months + 1 day).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.stappen import kvk
from tools.partner import Ontvangen, Partner

pytestmark = pytest.mark.stack
DIENSTEN = ["melding", "inspectie", "loonvordering", "huisvesting"]
LV = "waardigwerk.in.loonvorderingen"
VAKBOND = "urn:nld:vakbond:fnv:loonclaims"
FEED = "waardigwerk.uit.indiener.fnv"
GEWIJZIGD = "nl.waardigwerk.loonvordering.aansprakelijke_gewijzigd"


def liable(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {a["kvk_nummer"]: (a["grond"], a["sinds"]) for a in data["aansprakelijk"]}


async def test_domain_rules_chain_example_616e_from_the_workers_request_and_lid_4(stack_env: dict[str, str]) -> None:
    ref = f"LV-{uuid.uuid4().hex[:8]}"
    e, b, a, t = kvk(), kvk(), kvk(), kvk()
    claim = {
        "indiener": {"organisatie": "fnv", "referentie": ref},
        "werknemer": {"werknemer_ref": f"W-{ref}", "leeftijd": 30},
        "werkgever": {"kvk_nummer": e, "naam": "Uitzendbureau E BV", "is_uitzendonderneming": True},
        "keten": [
            {"kvk_nummer": b, "rol": "inlener"},
            {"kvk_nummer": a, "rol": "opdrachtgever"},
            {"kvk_nummer": t, "rol": "hoofdopdrachtgever", "keurmerk": True},
        ],
        "periode_van": "2025-01-01",
        "periode_tot": "2025-03-31",
        "gewerkte_uren": 512,
        "betaald_bruto_eur": 3072.00,
    }

    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [FEED, "waardigwerk.test.klok"]) as partner:

        def changes() -> list[Ontvangen]:
            return partner.matching(FEED, GEWIJZIGD, lambda d: d["indiener_referentie"] == ref)

        async def fact(ce_type: str, data: dict[str, Any]) -> None:
            await partner.publish(LV, ce_type, {"vordering_id": ref, **data}, key=ref, source=VAKBOND)

        await partner.set_clock("2025-04-07T09:00:00+02:00", DIENSTEN)
        await partner.publish(LV, "nl.waardigwerk.loonvordering.ingediend", claim, key=ref, source=VAKBOND)
        vastgesteld = await partner.expect(
            FEED, "nl.waardigwerk.loonvordering.vastgesteld", lambda d: d["indiener_referentie"] == ref
        )
        assert vastgesteld.data["bedrag_eur"] == 4702.62
        assert vastgesteld.data["snelle_route"] is True
        assert liable(vastgesteld.data) == {e: ("BW 7:616a", "2025-04-07"), b: ("BW 7:616a", "2025-04-07")}
        assert vastgesteld.data["volgende_termijn"] is None, "no request was made at filing, so no 616e term runs"

        await partner.set_clock("2025-04-11T10:00:00+02:00", DIENSTEN)
        await fact(
            "nl.waardigwerk.loonvordering.keteninformatie_gevraagd",
            {"gevraagd_door": "werknemer", "aan": {"kvk_nummer": a}, "gevraagd_op": "2025-04-11"},
        )
        await partner.set_clock("2025-04-25T23:00:00+02:00", DIENSTEN)  # the 14th day: still in time
        await partner.settle(2)
        assert all(a not in liable(c.data) for c in changes()), "A is not liable before its two weeks are over"
        assert changes()[-1].data["volgende_termijn"] == {"datum": "2025-04-26", "soort": "BW 7:616e"}, (
            "the union is told when the 616e term runs out"
        )

        await partner.set_clock("2025-04-26T08:00:00+02:00", DIENSTEN)
        out_of_turn = await partner.expect(
            FEED, GEWIJZIGD, lambda d: d["indiener_referentie"] == ref and a in liable(d)
        )
        assert liable(out_of_turn.data)[a] == ("BW 7:616e", "2025-04-26")
        te_laat = await partner.expect(
            FEED, "nl.waardigwerk.loonvordering.keteninformatie_te_laat", lambda d: d["indiener_referentie"] == ref
        )
        assert te_laat.data["sinds"] == "2025-04-26"

        await partner.set_clock("2025-05-02T09:00:00+02:00", DIENSTEN)
        await fact("nl.waardigwerk.loonvordering.aanzegging", {"aan": {"kvk_nummer": t}, "op": "2025-05-02"})
        await partner.set_clock("2025-06-30T09:00:00+02:00", DIENSTEN)
        for partij, status in ((e, "onvindbaar"), (b, "gedisculpeerd")):
            await fact(
                "nl.waardigwerk.loonvordering.partij_status",
                {"partij": {"kvk_nummer": partij}, "status": status, "vastgesteld_op": "2025-06-30"},
            )
        await fact("nl.waardigwerk.loonvordering.aanzegging", {"aan": {"kvk_nummer": a}, "op": "2025-06-30"})
        # The three facts may be applied in one batch or one by one (then a change per fact): the
        # state after all three is the one whose term is checked.
        lid_5 = {"datum": "2025-11-03", "soort": "BW 7:616b lid 5"}
        na_juni = await partner.expect(
            FEED,
            GEWIJZIGD,
            lambda d: d["indiener_referentie"] == ref and b not in liable(d) and d["volgende_termijn"] == lid_5,
            within_s=60,
        )
        assert t not in liable(na_juni.data)

        await partner.set_clock("2025-11-02T23:00:00+01:00", DIENSTEN)
        await partner.settle(2)
        assert all(t not in liable(c.data) for c in changes())
        await partner.set_clock("2025-11-03T08:00:00+01:00", DIENSTEN)
        top = await partner.expect(FEED, GEWIJZIGD, lambda d: d["indiener_referentie"] == ref and t in liable(d))
        assert liable(top.data) == {
            e: ("BW 7:616a", "2025-04-07"),
            a: ("BW 7:616e", "2025-04-26"),
            t: ("BW 7:616b lid 5", "2025-11-03"),
        }
        assert top.data["beleid"].startswith("huidig@")
