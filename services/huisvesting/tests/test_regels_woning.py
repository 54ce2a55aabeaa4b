"""HUIS-006..008: space per resident, bedroom size, sanitary facilities (SNF norm)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.huisvesting.domain.regels_woning import huis_006_oppervlakte, huis_007_slaapkamer, huis_008_sanitair
from services.huisvesting.domain.uitkomst import Bevinding
from services.huisvesting.tests.voorbeelden import CONTRACT_VOORBEELD, HUIDIG, IN_ORDE, PEILDATUM, WEG, maak, samengevat

VOOR_NIEUWE_NORM = date(2025, 6, 30)
NIEUWE_NORM = date(2025, 7, 1)


@pytest.mark.parametrize(
    ("woning", "peildatum", "verwacht"),
    [
        ({"soort": "regulier", "oppervlakte_m2": 60, "bewoners": 5}, PEILDATUM, "ok"),  # exactly 12 m2
        ({"soort": "regulier", "oppervlakte_m2": 59.99, "bewoners": 5}, PEILDATUM, "M"),
        ({"soort": "regulier", "oppervlakte_m2": 60.01, "bewoners": 5}, PEILDATUM, "ok"),
        ({"soort": "regulier", "oppervlakte_m2": 60, "bewoners": 8}, PEILDATUM, "M"),  # the example: 7.5 m2
        ({"soort": "logies", "oppervlakte_m2": 60, "bewoners": 6}, PEILDATUM, "ok"),  # exactly 10 m2
        ({"soort": "logies", "oppervlakte_m2": 59.99, "bewoners": 6}, PEILDATUM, "M"),
        ({"soort": "hotel", "oppervlakte_m2": 60, "bewoners": 6}, VOOR_NIEUWE_NORM, "ok"),  # 10 m2 still enough
        ({"soort": "hotel", "oppervlakte_m2": 90, "bewoners": 6, "slaapkamers": 6}, NIEUWE_NORM, "ok"),  # 15 m2
        ({"soort": "hotel", "oppervlakte_m2": 89.99, "bewoners": 6, "slaapkamers": 6}, NIEUWE_NORM, "M"),
        ({"soort": "nieuwbouw_complex", "oppervlakte_m2": 60, "bewoners": 6, "slaapkamers": 6}, NIEUWE_NORM, "M"),
        # new-build and hotels from 2025-07-01: one person per bedroom, two if chosen in writing
        ({"soort": "hotel", "oppervlakte_m2": 200, "bewoners": 3, "slaapkamers": 3}, NIEUWE_NORM, "ok"),
        ({"soort": "hotel", "oppervlakte_m2": 200, "bewoners": 4, "slaapkamers": 3}, VOOR_NIEUWE_NORM, "ok"),
        (
            {"soort": "hotel", "oppervlakte_m2": 200, "bewoners": 4, "slaapkamers": 3},
            NIEUWE_NORM,
            ("woning.gedeelde_slaapkamer_schriftelijk_gekozen",),
        ),
        (
            {
                "soort": "hotel",
                "oppervlakte_m2": 200,
                "bewoners": 4,
                "slaapkamers": 3,
                "gedeelde_slaapkamer_schriftelijk_gekozen": False,
            },
            NIEUWE_NORM,
            "M",
        ),
        (
            {
                "soort": "hotel",
                "oppervlakte_m2": 200,
                "bewoners": 6,
                "slaapkamers": 3,
                "gedeelde_slaapkamer_schriftelijk_gekozen": True,
            },
            NIEUWE_NORM,
            "ok",
        ),
        (
            {
                "soort": "hotel",
                "oppervlakte_m2": 200,
                "bewoners": 7,
                "slaapkamers": 3,
                "gedeelde_slaapkamer_schriftelijk_gekozen": True,
            },
            NIEUWE_NORM,
            "M",
        ),
        (
            {"soort": "hotel", "oppervlakte_m2": 200, "bewoners": 3, "slaapkamers": WEG},
            NIEUWE_NORM,
            ("woning.slaapkamers",),
        ),
        ({"soort": WEG}, PEILDATUM, ("woning.soort",)),
        ({"soort": WEG, "bewoners": WEG}, PEILDATUM, ("woning.soort", "woning.bewoners")),
        ({"oppervlakte_m2": WEG}, PEILDATUM, ("woning.oppervlakte_m2",)),
    ],
)
def test_huis_006_area_per_resident(woning: dict[str, Any], peildatum: date, verwacht: object) -> None:
    assert samengevat(huis_006_oppervlakte(maak(IN_ORDE, woning=woning), peildatum, HUIDIG)) == verwacht


def test_huis_006_without_any_dwelling_data_names_what_it_needs() -> None:
    uitkomst = huis_006_oppervlakte(maak(IN_ORDE, woning=None), PEILDATUM, HUIDIG)
    assert samengevat(uitkomst) == ("woning.soort", "woning.oppervlakte_m2", "woning.bewoners")


def test_huis_006_contract_example_explained() -> None:
    uitkomst = huis_006_oppervlakte(maak(CONTRACT_VOORBEELD), PEILDATUM, HUIDIG)
    assert isinstance(uitkomst, Bevinding)
    assert uitkomst.toelichting == "7.50 m2 per bewoner (60 m2, 8 bewoners) is minder dan 12 m2"


@pytest.mark.parametrize(
    ("m2", "verwacht"),
    [(3.5, "ok"), (3.49, "M"), (3.51, "ok"), (3.0, "M"), (WEG, ("woning.kleinste_slaapkamer_m2_per_persoon",))],
)
def test_huis_007_bedroom_per_person(m2: object, verwacht: object) -> None:
    contract = maak(IN_ORDE, woning={"kleinste_slaapkamer_m2_per_persoon": m2})
    assert samengevat(huis_007_slaapkamer(contract, PEILDATUM, HUIDIG)) == verwacht


@pytest.mark.parametrize(
    ("woning", "verwacht"),
    [
        ({"bewoners": 8, "toiletten": 1, "douches": 1}, "ok"),  # exactly 8 per toilet and shower
        ({"bewoners": 9, "toiletten": 1, "douches": 1}, "M"),
        ({"bewoners": 7, "toiletten": 1, "douches": 1}, "ok"),
        ({"bewoners": 16, "toiletten": 2, "douches": 2}, "ok"),
        ({"bewoners": 17, "toiletten": 2, "douches": 3}, "M"),  # toilets short, showers enough
        ({"bewoners": 17, "toiletten": 3, "douches": 2}, "M"),
        ({"bewoners": 1, "toiletten": 0, "douches": 1}, "M"),
        ({"bewoners": 9, "toiletten": WEG, "douches": 1}, "M"),  # the shower breach stands without toilet data
        ({"bewoners": 8, "toiletten": WEG, "douches": 1}, ("woning.toiletten",)),
        ({"bewoners": WEG}, ("woning.bewoners",)),
    ],
)
def test_huis_008_sanitary_per_eight_residents(woning: dict[str, Any], verwacht: object) -> None:
    contract = maak(IN_ORDE, woning={"oppervlakte_m2": 300, **woning})
    assert samengevat(huis_008_sanitair(contract, PEILDATUM, HUIDIG)) == verwacht
