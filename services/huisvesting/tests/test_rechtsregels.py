"""The housing rule defects a legal review found (defects 10, 11, the HUIS-005 side of 12, and 20),
each as a table at its limits that failed on the code before the fix.

Where domain-rules departs from the statute the statute wins: HUIS-005 reads "hourly WML at the
contract date"; art. 13 WML measures a deduction against the minimum wage owed for each pay period,
so the cap is read per month of deduction, at the worker's own (youth) rate.

Caps at 40 h: 2026 adult 14.71 -> 2549.7333.. x 25 % = 637.43; age 20 (80 %) 11.77 -> 2040.1333.. ->
510.03; age 18 (50 %) 7.36 -> 1275.7333.. -> 318.93.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from services.huisvesting.domain.controle import controleer, hercontrole_na_signaal
from services.huisvesting.domain.controlemomenten import volgende_controlemomenten
from services.huisvesting.domain.regels_loon import huis_005_inhouding_op_loon
from services.huisvesting.domain.regels_verblijf import huis_012_brp
from services.huisvesting.tests.voorbeelden import HUIDIG, IN_ORDE, PEILDATUM, WEG, maak, samengevat
from shared.policy import Period

NIET_INGESCHREVEN = {"ingangsdatum": "2026-03-01", "verblijf_sinds": "2026-03-01", "brp_ingeschreven": False}


@pytest.mark.parametrize(
    ("peildatum", "verwacht"),
    [(date(2026, 3, 5), "ok"), (date(2026, 3, 6), "ok"), (date(2026, 3, 7), "M")],
)
def test_defect_10_brp_registration_finding_starts_the_day_after_day_5(peildatum: date, verwacht: str) -> None:
    """Defect 10: registration within 5 days of arrival (Wet BRP art. 2.38): arrival 03-01, finding from 03-07."""
    contract = maak(IN_ORDE, **NIET_INGESCHREVEN)
    assert samengevat(huis_012_brp(contract, peildatum, HUIDIG)) == verwacht
    momenten = volgende_controlemomenten(contract, HUIDIG, na=date(2026, 3, 1))
    assert [dag for dag, reden in momenten if reden.startswith("HUIS-012")] == [date(2026, 3, 7)]


@pytest.mark.parametrize(
    ("wijzigingen", "peildatum", "verwacht"),
    [
        ({"inhouding_op_loon_per_maand_eur": 637.43}, PEILDATUM, "ok"),
        ({"inhouding_op_loon_per_maand_eur": 510.03, "huurder": {"leeftijd": 20}}, PEILDATUM, "ok"),
        ({"inhouding_op_loon_per_maand_eur": 510.04, "huurder": {"leeftijd": 20}}, PEILDATUM, "H"),  # today: ok
        ({"inhouding_op_loon_per_maand_eur": 318.93, "huurder": {"leeftijd": 18}}, PEILDATUM, "ok"),
        ({"inhouding_op_loon_per_maand_eur": 318.94, "huurder": {"leeftijd": 18}}, PEILDATUM, "H"),  # today: ok
        ({"inhouding_op_loon_per_maand_eur": 637.43, "huurder": {"leeftijd": 21}}, PEILDATUM, "ok"),
        ({"inhouding_op_loon_per_maand_eur": 300.00, "huurder": {"leeftijd": 14}}, PEILDATUM, "ok"),  # no WML
        # months of deduction past the last published WML cannot be judged (today: ok at the lease start's rate)
        ({"inhouding_op_loon_per_maand_eur": 637.43}, date(2026, 8, 15), ("beleid.wml_uurloon_21plus",)),
        # ... unless a known month already breaks the cap
        ({"inhouding_op_loon_per_maand_eur": 637.44}, date(2026, 8, 15), "H"),
        # months after the lease's end are no months of deduction
        ({"inhouding_op_loon_per_maand_eur": 637.43, "einddatum": "2026-06-30"}, date(2026, 8, 15), "ok"),
        # a lease begun in 2025: its first months had the lower 2025 cap (14.40 -> 624.00)
        (
            {"inhouding_op_loon_per_maand_eur": 624.00, "ingangsdatum": "2025-12-01", "verblijf_sinds": "2025-12-01"},
            PEILDATUM,
            "ok",
        ),
        (
            {"inhouding_op_loon_per_maand_eur": 624.01, "ingangsdatum": "2025-12-01", "verblijf_sinds": "2025-12-01"},
            PEILDATUM,
            "H",
        ),
    ],
)
def test_defect_11_huis_005_cap_is_the_workers_own_wml_in_each_month(
    wijzigingen: dict[str, Any], peildatum: date, verwacht: object
) -> None:
    """Defect 11: 25 % of the worker's own minimum wage (youth bands lower it), at the WML of each month."""
    uitkomst = huis_005_inhouding_op_loon(maak(IN_ORDE, **wijzigingen), peildatum, HUIDIG)
    assert samengevat(uitkomst) == verwacht


def test_defect_11_a_later_months_cap_is_shown_in_the_computation() -> None:
    """Defect 11: the cap changes with the WML on 2026-01-01 (624.00 -> 637.43) and the computation says so."""
    contract = maak(
        IN_ORDE, inhouding_op_loon_per_maand_eur=600.00, ingangsdatum="2025-12-01", verblijf_sinds="2025-12-01"
    )
    stappen = {
        s.omschrijving: str(s.waarde) for s in huis_005_inhouding_op_loon(contract, PEILDATUM, HUIDIG).berekening
    }
    assert stappen["maximale inhouding = 25% van het minimumloon per maand"] == "624.00"
    assert (
        stappen["maximale inhouding vanaf 2026-01 = 25% van 14.71 x 40 x 52 / 12 (21+ (leeftijd onbekend))"] == "637.43"
    )


@pytest.mark.parametrize(
    ("wijzigingen", "verwacht"),
    [
        ({}, None),  # 500 a month, every condition met
        ({"inhouding_op_loon_per_maand_eur": 700.00}, {"per_maand_eur": 700, "voorwaarden_voldaan": True}),
        ({"schriftelijke_toestemming_inhouding": False}, {"per_maand_eur": 500, "voorwaarden_voldaan": False}),
        ({"inhouding_op_loon_per_maand_eur": 700.00, "huurder": {"werknemer_ref": WEG}}, None),  # worker unnamed
    ],
)
def test_defect_12_a_deduction_breaking_huis_005_is_published_for_the_wage_computations(
    wijzigingen: dict[str, Any], verwacht: dict[str, Any] | None
) -> None:
    """Defect 12 (housing side): `huisvesting.gecontroleerd` names the worker, months and amount of an unlawful
    deduction, so a WML fine for the same worker and months does not count it as paid."""
    data = controleer(maak(IN_ORDE, **wijzigingen), PEILDATUM, HUIDIG).als_data()
    inhouding = data.get("onrechtmatige_inhouding")
    if verwacht is None:
        assert inhouding is None
        return
    assert inhouding == {
        "werknemer_ref": "W-7781",
        "van": "2026-03-01",
        "tot": None,
        "uren_per_week": 40,
        "leeftijd": None,
        **verwacht,
    }


@pytest.mark.parametrize(
    ("signalen", "signaal", "verwacht"),
    [
        (None, "overbewoning", True),
        (None, "huisvestingsklacht", True),
        (None, "niet_ingeschreven_brp", False),
        (["niet_ingeschreven_brp"], "niet_ingeschreven_brp", True),
        (["niet_ingeschreven_brp"], "overbewoning", False),
    ],
)
def test_defect_20_which_municipal_signals_recheck_an_address_is_policy(
    signalen: list[str] | None, signaal: str, verwacht: bool
) -> None:
    """Defect 20: the signals that recheck the contracts at an address come from policy (was a constant)."""
    policy = HUIDIG
    if signalen is not None:
        perioden = (Period(geldig_van=date(2024, 1, 1), waarde=signalen),)
        policy = dataclasses.replace(HUIDIG, parameters={**HUIDIG.parameters, "huis_hercontrole_signalen": perioden})
    assert hercontrole_na_signaal(signaal, PEILDATUM, policy) is verwacht
