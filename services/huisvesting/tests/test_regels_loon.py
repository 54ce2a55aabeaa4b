"""HUIS-005: rent deducted from the minimum wage.

Cap on 2026-03-01 at 40 h: 14.71 x 40 x 52 / 12 = 2,549.7333..; 25 % = 637.4333.. -> 637.43.
At 36 h: 14.71 x 36 x 52 / 12 = 2,294.76; 25 % = 573.69.
On 2025-07-01 at 40 h: 14.40 x 40 x 52 / 12 = 2,496.00 (domain-rules §3); 25 % = 624.00.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from services.huisvesting.domain.regels_loon import huis_005_inhouding_op_loon
from services.huisvesting.domain.uitkomst import Bevinding
from services.huisvesting.tests.voorbeelden import (
    CONTRACT_VOORBEELD,
    HUIDIG,
    IN_ORDE,
    PEILDATUM,
    WEG,
    maak,
    samengevat,
)
from shared.policy import NoPolicyValueOn, Period, Policy


@pytest.mark.parametrize(
    ("wijzigingen", "verwacht"),
    [
        ({"inhouding_op_loon_per_maand_eur": 637.43}, "ok"),
        ({"inhouding_op_loon_per_maand_eur": 637.44}, "H"),
        ({"inhouding_op_loon_per_maand_eur": 637.42}, "ok"),
        ({"inhouding_op_loon_per_maand_eur": 620.00}, "ok"),
        ({"inhouding_op_loon_per_maand_eur": 637.43, "uren_per_week": None}, "ok"),  # policy's full-time week: 40
        ({"inhouding_op_loon_per_maand_eur": 573.69, "uren_per_week": 36}, "ok"),
        ({"inhouding_op_loon_per_maand_eur": 573.70, "uren_per_week": 36}, "H"),
        (
            {"inhouding_op_loon_per_maand_eur": 624.00, "ingangsdatum": "2025-07-01", "verblijf_sinds": "2025-07-01"},
            "ok",
        ),
        (
            {"inhouding_op_loon_per_maand_eur": 624.01, "ingangsdatum": "2025-07-01", "verblijf_sinds": "2025-07-01"},
            "H",
        ),
        ({"inhouding_op_loon_per_maand_eur": 0}, "ok"),
        (
            {
                "inhouding_op_loon_per_maand_eur": 0,
                "gecertificeerd": False,
                "schriftelijke_toestemming_inhouding": False,
            },
            "ok",
        ),
        ({"inhouding_op_loon_per_maand_eur": None}, ("inhouding_op_loon_per_maand_eur",)),
        ({"schriftelijke_toestemming_inhouding": False}, "H"),
        ({"schriftelijke_toestemming_inhouding": None}, ("schriftelijke_toestemming_inhouding",)),
        ({"gecertificeerd": False, "verhuurder": {"is_werkgever": None, "is_woningcorporatie": True}}, "ok"),
        ({"gecertificeerd": False, "verhuurder": {"is_werkgever": None}}, ("verhuurder.is_woningcorporatie",)),
        ({"gecertificeerd": False}, "H"),  # the landlord is the employer, so not a housing corporation
        ({"gecertificeerd": None}, ("gecertificeerd",)),
        ({"huurder": {"gedetacheerd_vanuit_eu": True}}, "H"),
        ({"huurder": None}, ("huurder.gedetacheerd_vanuit_eu",)),
        # the WML from 2026-07-01 is not known yet: the cap cannot be computed
        ({"ingangsdatum": "2026-07-01", "verblijf_sinds": "2026-07-01"}, ("beleid.wml_uurloon_21plus",)),
        # ... but a broken condition is a finding whatever else is unknown
        ({"ingangsdatum": "2026-07-01", "verblijf_sinds": "2026-07-01", "gecertificeerd": False}, "H"),
    ],
)
def test_huis_005_deduction_conditions(wijzigingen: dict[str, Any], verwacht: object) -> None:
    assert samengevat(huis_005_inhouding_op_loon(maak(IN_ORDE, **wijzigingen), PEILDATUM, HUIDIG)) == verwacht


def test_huis_005_contract_example_is_within_the_cap_but_the_housing_is_not_certified() -> None:
    uitkomst = huis_005_inhouding_op_loon(maak(CONTRACT_VOORBEELD), PEILDATUM, HUIDIG)
    assert isinstance(uitkomst, Bevinding) and uitkomst.ernst == "H"
    assert uitkomst.toelichting == "de woning is niet gecertificeerd en de verhuurder is geen woningcorporatie"
    berekening = {s.omschrijving: s.waarde for s in uitkomst.berekening}
    assert str(berekening["maximale inhouding = 25% van het minimumloon per maand"]) == "637.43"
    assert str(berekening["minimumloon per maand = 14.71 x 40 x 52 / 12"]) == "2549.73"


def test_huis_005_names_every_broken_condition() -> None:
    contract = maak(
        IN_ORDE,
        inhouding_op_loon_per_maand_eur=700.00,
        schriftelijke_toestemming_inhouding=False,
        huurder={"gedetacheerd_vanuit_eu": True},
    )
    uitkomst = huis_005_inhouding_op_loon(contract, PEILDATUM, HUIDIG)
    assert isinstance(uitkomst, Bevinding)
    assert uitkomst.toelichting == (
        "inhouding 700.00 euro per maand is meer dan 25% van het minimumloon (2549.73 euro) = 637.43 euro; "
        "er is geen schriftelijke volmacht van de werknemer voor de inhouding; "
        "bij een vanuit de EU gedetacheerde werknemer mag geen huur op het minimumloon worden ingehouden"
    )


KOPIE = "kopie_huurcontract_bij_werkgever"


@pytest.mark.parametrize(
    ("kopie", "verwacht"),
    [
        (True, "ok"),
        (False, "H"),  # the employer keeps no copy of the lease: the deduction is unlawful
        (None, (KOPIE,)),  # unknown: not judged, and the sender hears what to supply
        (WEG, (KOPIE,)),
    ],
)
def test_huis_005_the_employer_keeps_a_copy_of_the_lease(kopie: object, verwacht: object) -> None:
    """Every other condition holds in IN_ORDE; only the lease copy decides."""
    uitkomst = huis_005_inhouding_op_loon(maak(IN_ORDE, **{KOPIE: kopie}), PEILDATUM, HUIDIG)
    assert samengevat(uitkomst) == verwacht
    if isinstance(uitkomst, Bevinding):
        assert uitkomst.toelichting == "de werkgever bewaart geen kopie van het huurcontract"


def test_huis_005_no_deduction_needs_no_copy_of_the_lease() -> None:
    contract = maak(IN_ORDE, inhouding_op_loon_per_maand_eur=0, **{KOPIE: WEG})
    assert samengevat(huis_005_inhouding_op_loon(contract, PEILDATUM, HUIDIG)) == "ok"


def _pas_vanaf(sleutel: str, vanaf: date) -> Policy:
    """HUIDIG with `sleutel` holding its value of PEILDATUM only from `vanaf` (nothing before)."""
    waarde = HUIDIG.value(sleutel, PEILDATUM)
    parameters = {**HUIDIG.parameters, sleutel: (Period(geldig_van=vanaf, waarde=waarde),)}
    return dataclasses.replace(HUIDIG, parameters=parameters, digest="test")


@pytest.mark.parametrize(
    ("sleutel", "wijzigingen"),
    [
        ("huis_inhouding_max_pct_wml", {}),  # the cap's share of the minimum wage
        ("fulltime_week_uren", {"uren_per_week": None}),  # the week the cap reads when the hours are not given
        ("wml_jeugd_pct", {"huurder": {"leeftijd": 19}}),  # the youth bands of a young worker's rate
    ],
)
def test_huis_005_a_missing_policy_value_other_than_the_rate_surfaces(
    sleutel: str, wijzigingen: dict[str, Any]
) -> None:
    """Only the minimum wage itself, not published yet or before the policy's first rate, leaves the
    cap not judged (`beleid.wml_uurloon_21plus`). Any other missing value is a fault of the policy
    data: it was reported as the minimum wage being unknown, now it surfaces."""
    policy = _pas_vanaf(sleutel, date(2027, 1, 1))
    with pytest.raises(NoPolicyValueOn, match=sleutel):
        huis_005_inhouding_op_loon(maak(IN_ORDE, **wijzigingen), PEILDATUM, policy)


def test_huis_005_a_month_before_the_policys_first_rate_is_not_judged() -> None:
    policy = _pas_vanaf("wml_uurloon_21plus", date(2027, 1, 1))
    uitkomst = huis_005_inhouding_op_loon(maak(IN_ORDE), PEILDATUM, policy)
    assert samengevat(uitkomst) == ("beleid.wml_uurloon_21plus",)
