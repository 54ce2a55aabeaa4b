"""The SER key figures on the overview and in /api/overzicht, counted from the events in the read model."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.console.autorisatie import Rol
from services.console.tests.conftest import Console

pytestmark = pytest.mark.stack

NU = datetime.now(UTC)
VORIG_JAAR = datetime(NU.year - 1, 12, 31, 12, tzinfo=UTC)


def _wg(kvk: str) -> dict[str, dict[str, str]]:
    return {"werkgever": {"kvk_nummer": kvk}}


async def test_kerncijfers_uit_de_gebeurtenissen(console: Console) -> None:
    # Signals for three employers this year (one of them twice), one only last year.
    await console.event("nl.waardigwerk.melding.ontvangen", {"zaak_id": "Z-1", **_wg("111")})
    await console.event("nl.waardigwerk.inspectie.gepland", {"inspectie_id": "I-1", **_wg("111")})
    await console.event("nl.waardigwerk.loonvordering.vastgesteld", {"vordering_id": "V-1", **_wg("222")})
    await console.event("nl.waardigwerk.inspectie.capaciteitstekort", {"inspectie_id": "I-3", **_wg("333")})
    await console.event("nl.waardigwerk.melding.ontvangen", {"zaak_id": "Z-9", **_wg("999")}, time=VORIG_JAAR)
    # Inspections carried out: 111 this year; 999 (signal only last year) and 444 (no signal) do not count.
    await console.event("nl.waardigwerk.inspectie.afgerond", {"inspectie_id": "I-1", **_wg("111")})
    await console.event("nl.waardigwerk.inspectie.afgerond", {"inspectie_id": "I-9", **_wg("999")})
    await console.event("nl.waardigwerk.inspectie.afgerond", {"inspectie_id": "I-4", **_wg("444")})
    # Two stoppages, one of them sent again under a new id; one from last year.
    stillegging = "nl.waardigwerk.inspectie.stillegging_bevolen"
    stil = {"inspectie_id": "I-1", "wet": "Arbowet", "code": "ARBO-1", **_wg("111")}
    await console.event(stillegging, stil)
    await console.event(stillegging, stil)
    await console.event(stillegging, {**stil, "code": "ARBO-2"})
    await console.event(stillegging, {**stil, "inspectie_id": "I-0"}, time=VORIG_JAAR)
    # Fines: WML and Arbowet give a warning, a lapsed one does not, nor a law without the regime.
    for boete_id, wet in (("B-1", "WML"), ("B-2", "Arbowet"), ("B-3", "WML"), ("B-4", "Wtta")):
        await console.event(
            "nl.waardigwerk.inspectie.boete_opgelegd", {"boete_id": boete_id, "inspectie_id": "I-1", "wet": wet}
        )
    await console.event("nl.waardigwerk.inspectie.boete_vervallen", {"boete_id": "B-3", "inspectie_id": "I-1"})

    operator = await console.ingelogd("op", Rol.OPERATOR)
    async with operator:
        api = await operator.get("/api/overzicht")
        pagina = await operator.get("/")
    assert api.status_code == 200, api.text
    k = api.json()["kerncijfers"]
    assert k["jaar"] == NU.year
    d = k["interventiedekking"]
    assert (d["geinspecteerd"], d["met_signaal"], d["pct"]) == (1, 3, 33.3)
    assert (d["nulmeting_onder_pct"], d["doel_pct"], d["doel_bereikt"]) == (4, 5, True)
    assert (k["stilleggingen"]["aantal"], k["stilleggingen"]["nulmeting"]) == (2, 17)
    assert (k["waarschuwingen"]["aantal"], k["waarschuwingen"]["nulmeting"]) == (2, 231)
    assert k["beleid"] == console.service.policy.version
    assert pagina.status_code == 200
    assert 'id="kerncijfers"' in pagina.text and "33,3% (1 van 3 werkgevers)" in pagina.text


async def test_zonder_signalen_geen_percentage(console: Console) -> None:
    operator = await console.ingelogd("op", Rol.OPERATOR)
    async with operator:
        api = await operator.get("/api/overzicht")
        pagina = await operator.get("/")
    d = api.json()["kerncijfers"]["interventiedekking"]
    assert (d["pct"], d["doel_bereikt"], d["met_signaal"]) == (None, None, 0)
    assert "geen werkgever met een risicosignaal" in pagina.text
