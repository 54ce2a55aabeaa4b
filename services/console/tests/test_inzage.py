"""Findings 6 and 7 on the console's web app: municipalities see their parts of a case; worker references are
masked wherever they appear and never searchable for roles without personal data."""

from __future__ import annotations

import pytest

from services.console.autorisatie import Rol
from services.console.tests.conftest import Console

pytestmark = pytest.mark.stack
KVK = "41000001"


def ontvangen(zaak_id: str, ref: str, gemeente: str, postcode: str) -> dict[str, object]:
    return {
        "zaak_id": zaak_id,
        "melder_organisatie": "fnv",
        "melder_referentie": ref,
        "werkgever": {"kvk_nummer": KVK},
        "werklocatie": {"postcode": postcode, "huisnummer": "1", "gemeentecode": gemeente},
        "uiterlijk_inspectie_op": "2027-03-15",
    }


async def test_a_case_merged_across_municipalities_shows_each_officer_their_part(console: Console) -> None:
    await console.event("nl.waardigwerk.melding.ontvangen", ontvangen("Z-9", "FNV-AMS", "GM0363", "1011AB"))
    await console.event("nl.waardigwerk.melding.ontvangen", ontvangen("Z-9", "FNV-RDAM", "GM0599", "3011AA"))
    await console.event(
        "nl.waardigwerk.inspectie.stillegging_bevolen",
        {"inspectie_id": "I-1", "werkgever": {"kvk_nummer": KVK}, "werklocatie": {"gemeentecode": "GM0772"}},
    )
    rotterdam = await console.ingelogd("rdam", Rol.GEMEENTE, "GM0599")
    async with rotterdam:
        eigen = await rotterdam.get("/api/zaken/Z-9")
        assert eigen.status_code == 200, "a report in Rotterdam makes the case Rotterdam's too"
        assert "FNV-RDAM" in eigen.text and "FNV-AMS" not in eigen.text and "1011AB" not in eigen.text
        gevonden = (await rotterdam.get("/api/zoeken", params={"q": "Z-9"})).json()["zaken"]
        assert [z["zaak_id"] for z in gevonden] == ["Z-9"] and "FNV-AMS" not in str(gevonden)
        assert (await rotterdam.get("/api/zoeken", params={"q": "FNV-AMS"})).json()["zaken"] == []
        assert (await rotterdam.get("/api/zoeken", params={"q": "1011AB"})).json()["zaken"] == []
    amsterdam = await console.ingelogd("ams", Rol.GEMEENTE, "GM0363")
    async with amsterdam:
        eigen = await amsterdam.get("/api/zaken/Z-9")
        assert eigen.status_code == 200 and "FNV-RDAM" not in eigen.text and "3011AA" not in eigen.text
    eindhoven = await console.ingelogd("ehv", Rol.GEMEENTE, "GM0772")
    async with eindhoven:
        assert (await eindhoven.get("/api/zaken/Z-9")).status_code == 200, "a stoppage there"
    utrecht = await console.ingelogd("utr", Rol.GEMEENTE, "GM0344")
    async with utrecht:
        assert (await utrecht.get("/api/zaken/Z-9")).status_code == 403
        assert (await utrecht.get("/api/zaken/Z-bestaat-niet")).status_code == 403


async def test_a_worker_inside_a_claim_reference_is_masked_and_not_searchable(console: Console) -> None:
    await console.event(
        "nl.waardigwerk.loonvordering.vastgesteld",
        {
            "vordering_id": "LV-77",
            "indiener_organisatie": None,
            "indiener_referentie": "INS-5:W-77",
            "werkgever": {"kvk_nummer": KVK},
            "werknemer": {"werknemer_ref": "W-77"},
            "bedrag_eur": "1234.50",
        },
    )
    operator = await console.ingelogd("op", Rol.OPERATOR)
    async with operator:
        lijst = await operator.get("/api/vorderingen")
        assert "LV-77" in lijst.text and "W-77" not in lijst.text
        pagina = await operator.get("/vorderingen")
        assert "LV-77" in pagina.text and "W-77" not in pagina.text
        for q in ("INS-5:W-77", "W-77"):
            gevonden = (await operator.get("/api/zoeken", params={"q": q})).json()
            assert gevonden["vorderingen"] == [] and gevonden["zaken"] == [], q
    beheerder = await console.ingelogd("beheer", Rol.BEHEERDER)
    async with beheerder:
        gevonden = (await beheerder.get("/api/zoeken", params={"q": "INS-5:W-77"})).json()
        assert [v["vordering_id"] for v in gevonden["vorderingen"]] == ["LV-77"]
