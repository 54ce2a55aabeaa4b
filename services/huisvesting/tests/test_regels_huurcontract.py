"""HUIS-001..004: the lease's own terms, with the Wgv's start date as a boundary."""

from __future__ import annotations

from typing import Any

import pytest

from services.huisvesting.domain.regels_huurcontract import (
    huis_001_gescheiden_contracten,
    huis_002_informatie,
    huis_003_borg,
    huis_004_servicekosten,
)
from services.huisvesting.domain.uitkomst import Bevinding
from services.huisvesting.tests.voorbeelden import HUIDIG, IN_ORDE, PEILDATUM, maak, samengevat

VOOR_WGV = {"ingangsdatum": "2023-06-30", "verblijf_sinds": "2023-06-30"}
WGV = {"ingangsdatum": "2023-07-01", "verblijf_sinds": "2023-07-01"}


@pytest.mark.parametrize(
    ("wijzigingen", "verwacht"),
    [
        ({**WGV, "gescheiden_van_arbeidsovereenkomst": False}, "H"),
        ({**WGV, "gescheiden_van_arbeidsovereenkomst": True}, "ok"),
        ({**WGV, "gescheiden_van_arbeidsovereenkomst": None}, ("gescheiden_van_arbeidsovereenkomst",)),
        ({**VOOR_WGV, "gescheiden_van_arbeidsovereenkomst": False}, "ok"),
        ({**VOOR_WGV, "gescheiden_van_arbeidsovereenkomst": None}, "ok"),
    ],
)
def test_huis_001_lease_separate_from_job_from_the_wgv_on(wijzigingen: dict[str, Any], verwacht: object) -> None:
    assert samengevat(huis_001_gescheiden_contracten(maak(IN_ORDE, **wijzigingen), PEILDATUM, HUIDIG)) == verwacht


@pytest.mark.parametrize(
    ("wijzigingen", "verwacht"),
    [
        ({**WGV, "informatie_in_begrijpelijke_taal": False}, "M"),
        ({**WGV, "informatie_in_begrijpelijke_taal": True}, "ok"),
        ({**WGV, "informatie_in_begrijpelijke_taal": None}, ("informatie_in_begrijpelijke_taal",)),
        ({**VOOR_WGV, "informatie_in_begrijpelijke_taal": False}, "ok"),
    ],
)
def test_huis_002_information_in_an_understandable_language(wijzigingen: dict[str, Any], verwacht: object) -> None:
    assert samengevat(huis_002_informatie(maak(IN_ORDE, **wijzigingen), PEILDATUM, HUIDIG)) == verwacht


@pytest.mark.parametrize(
    ("wijzigingen", "verwacht"),
    [
        ({"huurprijs_per_maand_eur": 520.00, "borg_eur": 1040.00}, "ok"),  # exactly 2 x rent
        ({"huurprijs_per_maand_eur": 520.00, "borg_eur": 1040.01}, "M"),
        ({"huurprijs_per_maand_eur": 520.00, "borg_eur": 1039.99}, "ok"),
        ({"huurprijs_per_maand_eur": 520.00, "borg_eur": 1560.00}, "M"),
        ({"huurprijs_per_maand_eur": None, "borg_eur": 0}, "ok"),  # no deposit needs no rent to judge
        ({"huurprijs_per_maand_eur": None, "borg_eur": 1}, ("huurprijs_per_maand_eur",)),
        ({"huurprijs_per_maand_eur": 520.00, "borg_eur": None}, ("borg_eur",)),
        ({"huurprijs_per_maand_eur": None, "borg_eur": None}, ("borg_eur", "huurprijs_per_maand_eur")),
        ({**VOOR_WGV, "huurprijs_per_maand_eur": 520.00, "borg_eur": 5000.00}, "ok"),
    ],
)
def test_huis_003_deposit_at_most_twice_the_bare_rent(wijzigingen: dict[str, Any], verwacht: object) -> None:
    assert samengevat(huis_003_borg(maak(IN_ORDE, **wijzigingen), PEILDATUM, HUIDIG)) == verwacht


def test_huis_003_explains_the_computation() -> None:
    uitkomst = huis_003_borg(maak(IN_ORDE, borg_eur=1560.00), PEILDATUM, HUIDIG)
    assert isinstance(uitkomst, Bevinding)
    assert uitkomst.toelichting == "borg 1560.00 euro is meer dan 2 x de kale huur 520.00 euro = 1040.00 euro"
    assert uitkomst.grondslag == "Wet goed verhuurderschap (Stb. 2023, 103)"


@pytest.mark.parametrize(
    ("gespecificeerd", "verwacht"), [(True, "ok"), (False, "M"), (None, ("servicekosten_gespecificeerd",))]
)
def test_huis_004_service_costs_itemised(gespecificeerd: bool | None, verwacht: object) -> None:
    contract = maak(IN_ORDE, servicekosten_gespecificeerd=gespecificeerd)
    assert samengevat(huis_004_servicekosten(contract, PEILDATUM, HUIDIG)) == verwacht
