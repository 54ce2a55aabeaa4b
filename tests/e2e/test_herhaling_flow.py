"""End to end through the contract: a partner that sends a fact again as a new event (a new ce_id
each time) gets one effect, and another fact under a key already used is refused with the reason
(issue 13, item 4; keys in docs/contract-loonvorderingen.md and docs/contract-inspectie.md).

- A payment of 60 % of a claim sent twice leaves 40 % open: no `voldaan`. The same payment with
  another amount (same payer, day, no reference) comes back to the union as `afgewezen`; the last
  40 % under a reference of its own settles the claim.
- A payroll return with workers below the minimum wage sent twice is one signal of 25 (below the
  threshold of 45, so nothing is planned); a report then plans a visit whose published risk has that
  line once.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.inspectie.handlers import steekproef
from shared.policy import load_policy
from tools.partner import Partner

pytestmark = pytest.mark.stack
DIENSTEN = ["melding", "inspectie", "loonvordering", "huisvesting"]
FEED = "waardigwerk.uit.indiener.fnv"
INSPECTIE = "waardigwerk.uit.arbeidsinspectie"
VAKBOND = "urn:nld:vakbond:fnv:loonclaims"


async def test_a_payment_resent_under_a_new_id_counts_once(stack_env: dict[str, str]) -> None:
    ref, werkgever = f"LV-H5-{uuid.uuid4().hex[:8]}", f"{uuid.uuid4().int % 90_000_000 + 10_000_000}"
    claim = {
        "indiener": {"organisatie": "fnv", "referentie": ref},
        "werknemer": {"werknemer_ref": f"W-{ref}", "leeftijd": 30},
        "werkgever": {"kvk_nummer": werkgever},
        "periode_van": "2026-01-01",
        "periode_tot": "2026-02-28",
        "gewerkte_uren": 300,
        "betaald_bruto_eur": 2000.00,
    }
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [FEED, "waardigwerk.test.klok"]) as partner:
        await partner.set_clock("2026-03-10T09:00:00+01:00", DIENSTEN)
        await partner.publish(
            "waardigwerk.in.loonvorderingen", "nl.waardigwerk.loonvordering.ingediend", claim, key=ref, source=VAKBOND
        )
        vastgesteld = await partner.expect(
            FEED, "nl.waardigwerk.loonvordering.vastgesteld", lambda d: d["indiener_referentie"] == ref
        )
        bedrag = vastgesteld.data["bedrag_eur"]
        deel = round(bedrag * 0.6, 2)

        async def betaal(bedrag_eur: float, **extra: str) -> str:
            data = {
                "vordering_id": vastgesteld.data["vordering_id"],
                "betaald_door": {"kvk_nummer": werkgever},
                "bedrag_eur": bedrag_eur,
                "betaald_op": "2026-03-09",
                **extra,
            }
            return await partner.publish(
                "waardigwerk.in.loonvorderingen", "nl.waardigwerk.loonvordering.betaling", data, key=ref, source=VAKBOND
            )

        ids = {await betaal(deel), await betaal(deel)}
        assert len(ids) == 2, "two events, one payment"
        await betaal(round(bedrag - deel, 2))  # same payer, same day, no reference: another amount
        afgewezen = await partner.expect(
            FEED, "nl.waardigwerk.loonvordering.afgewezen", lambda d: d.get("indiener_referentie") == ref
        )
        assert afgewezen.data["vordering_id"] == vastgesteld.data["vordering_id"]
        assert afgewezen.data["fouten"][0]["veld"] == "referentie"
        assert "al ontvangen met een andere inhoud" in afgewezen.data["fouten"][0]["melding"]
        await partner.settle(2)
        verwerkt = partner.matching(
            FEED, "nl.waardigwerk.loonvordering.betaling_verwerkt", lambda d: d["indiener_referentie"] == ref
        )
        assert [v.data["openstaand_eur"] for v in verwerkt] == [round(bedrag - deel, 2)]
        assert not partner.matching(
            FEED, "nl.waardigwerk.loonvordering.voldaan", lambda d: d["indiener_referentie"] == ref
        )

        await betaal(round(bedrag - deel, 2), referentie="NL-TX-2")
        voldaan = await partner.expect(
            FEED, "nl.waardigwerk.loonvordering.voldaan", lambda d: d["indiener_referentie"] == ref
        )
        assert voldaan.data["betaald_eur"] == pytest.approx(bedrag) and voldaan.data["overbetaald_eur"] == 0


async def test_a_payroll_signal_resent_under_a_new_id_is_one_line_of_the_published_risk(
    stack_env: dict[str, str],
) -> None:
    dag = date(2027, 4, 6)
    pct = int(load_policy("huidig").value("steekproef_aandeel_pct", dag))
    werkgever = next(
        k for k in (f"{uuid.uuid4().int % 90_000_000 + 10_000_000}" for _ in range(100)) if not steekproef(k, dag, pct)
    )
    aangifte = {
        "werkgever": {"kvk_nummer": werkgever},
        "tijdvak": "2027-03",
        "aantal_werknemers": 8,
        "aantal_onder_minimumloon": 2,
    }
    ref = f"FNV-H5-{uuid.uuid4().hex[:8]}"
    melding = {
        "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": ref},
        "werkgever": {"kvk_nummer": werkgever},
        "categorieen": ["onderbetaling"],
        "omschrijving": "Loon onder het minimum.",
    }
    topics = [INSPECTIE, "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock(f"{dag.isoformat()}T09:00:00+02:00", DIENSTEN)
        for _ in range(2):
            await partner.publish(
                "waardigwerk.in.belastingdienst",
                "nl.waardigwerk.belastingdienst.loonaangifte",
                aangifte,
                key=werkgever,
                source="urn:nld:belastingdienst:loonaangifte",
            )
        await partner.settle(3)
        assert not partner.matching(INSPECTIE, where=lambda d: d.get("werkgever", {}).get("kvk_nummer") == werkgever), (
            "one signal of 25 is below the threshold: nothing is planned"
        )
        await partner.publish("waardigwerk.in.meldingen", "nl.waardigwerk.melding.ingediend", melding, key=ref)
        gepland = await partner.expect(
            INSPECTIE, "nl.waardigwerk.inspectie.gepland", lambda d: d["werkgever"]["kvk_nummer"] == werkgever
        )
        lijnen = [o["signaal"] for o in gepland.data["risico"]["onderdelen"]]
        assert sorted(lijnen) == ["loonaangifte_onder_wml", "melding_vakbond"]
