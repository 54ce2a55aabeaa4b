"""SER 2025 rec. 7 (posted workers, WagwEU): a late notification, a missing A1 or one older than 24 months,
and under ser2025 no proof of substantial activity in the home state are risk signals about the Dutch
client; a posting found without notification is a WagwEU finding fined per worker [U]."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.inspectie.domain.boetes import Boete, boete
from services.inspectie.domain.detachering import signalen
from services.inspectie.domain.risico import SOORTEN
from shared.contract.inspectie import Bevinding
from shared.contract.meldloket import Detachering
from shared.policy import Policy

OP = date(2026, 6, 1)


def melding(**anders: Any) -> Detachering:
    data: dict[str, Any] = {
        "melding_id": "M-1",
        "opdrachtgever": {"kvk_nummer": "12345678"},
        "aanvang_op": "2026-06-01",
        "gemeld_op": "2026-05-28",
        "werknemers": [{"werknemer_ref": "P-1", "a1_afgegeven_op": "2025-01-10"}],
        "substantiele_activiteit_aangetoond": True,
        **anders,
    }
    return Detachering.model_validate_json(json.dumps(data))  # as it arrives: JSON, strict


@pytest.mark.parametrize(
    ("anders", "huidig_verwacht", "ser_verwacht"),
    [
        ({}, [], []),
        ({"gemeld_op": "2026-06-01"}, [], []),  # on the first day of work: in time
        ({"gemeld_op": "2026-06-02"}, ["detachering_te_laat_gemeld"], ["detachering_te_laat_gemeld"]),
        ({"werknemers": [{"werknemer_ref": "P-1", "a1_afgegeven_op": "2024-06-02"}]}, [], []),  # 23.99 months
        ({"werknemers": [{"werknemer_ref": "P-1", "a1_afgegeven_op": "2024-06-01"}]}, ["a1_ongeldig"], ["a1_ongeldig"]),
        ({"werknemers": [{"werknemer_ref": "P-1"}]}, ["a1_ongeldig"], ["a1_ongeldig"]),  # no A1 shown
        ({"substantiele_activiteit_aangetoond": None}, [], ["geen_substantiele_activiteit"]),
        ({"substantiele_activiteit_aangetoond": False}, [], ["geen_substantiele_activiteit"]),
    ],
)
def test_rec_7_a_posting_notification_as_signals(
    huidig: Policy, ser2025: Policy, anders: dict[str, Any], huidig_verwacht: list[str], ser_verwacht: list[str]
) -> None:
    d = melding(**anders)
    assert (signalen(d, OP, huidig), signalen(d, OP, ser2025)) == (huidig_verwacht, ser_verwacht)


def test_rec_7_the_a1_is_judged_on_the_later_of_the_start_and_the_day_handled(huidig: Policy) -> None:
    d = melding(werknemers=[{"werknemer_ref": "P-1", "a1_afgegeven_op": "2024-07-01"}])
    assert signalen(d, OP, huidig) == []
    assert signalen(d, date(2026, 7, 1), huidig) == ["a1_ongeldig"]


@pytest.mark.parametrize(("betrokkenen", "bedrag"), [(None, "12000.00"), (3, "36000.00")])
def test_rec_7_a_posting_without_notification_is_fined_per_worker(
    huidig: Policy, betrokkenen: int | None, bedrag: str
) -> None:
    resultaat = boete(Bevinding(wet="WagwEU", code="WAGWEU-NIET-GEMELD", aantal_betrokkenen=betrokkenen), OP, huidig)
    assert isinstance(resultaat, Boete) and (resultaat.regel, resultaat.bedrag_eur) == ("BOETE-WAGWEU", Decimal(bedrag))


def test_rec_7_signal_kinds_are_in_the_risk_model(huidig: Policy) -> None:
    assert {"detachering_te_laat_gemeld", "a1_ongeldig", "geen_substantiele_activiteit"} <= SOORTEN


def test_rec_7_contract_rejects_an_end_before_the_start() -> None:
    with pytest.raises(ValueError, match="einde_op"):
        melding(einde_op="2026-05-31")
    with pytest.raises(ValueError):
        melding(werknemers=[])
