"""The SER key figures at their limits: no employer with a signal, just under and at the baseline and the target."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.console.kpi import Tellingen, kerncijfers
from shared.policy import load_policy

OP = date(2026, 6, 1)
DEKKING = {"nulmeting_jaar": 2024, "nulmeting_onder": 4, "doel": 5}
SANCTIES = {"nulmeting_jaar": 2024, "stilleggingen": 17, "waarschuwingen": 231}
WETTEN = ("Arbowet", "WML")


def _tellingen(signaal: int = 0, geinspecteerd: int = 0, stil: int = 0, **boetes: int) -> Tellingen:
    return Tellingen(2026, signaal, geinspecteerd, stil, boetes)


@pytest.mark.parametrize(
    ("signaal", "geinspecteerd", "pct", "nulmeting_bereikt", "doel_bereikt"),
    [
        (0, 0, None, None, None),  # no employer with a signal: no percentage, no verdict
        (1000, 0, Decimal("0.0"), False, False),
        (1000, 39, Decimal("3.9"), False, False),  # just under the baseline
        (1000, 40, Decimal("4.0"), True, False),  # at the baseline, under the target
        (1000, 49, Decimal("4.9"), True, False),
        (1000, 50, Decimal("5.0"), True, True),  # target reached exactly
        (3, 1, Decimal("33.3"), True, True),  # rounded to one decimal, half up
        (2000, 99, Decimal("5.0"), True, False),  # 4.95 % shows as 5.0 % but misses the target
    ],
)
def test_interventiedekking(
    signaal: int, geinspecteerd: int, pct: Decimal | None, nulmeting_bereikt: bool | None, doel_bereikt: bool | None
) -> None:
    d = kerncijfers(_tellingen(signaal, geinspecteerd), DEKKING, SANCTIES, WETTEN, "b")["interventiedekking"]
    assert (d["pct"], d["nulmeting_bereikt"], d["doel_bereikt"]) == (pct, nulmeting_bereikt, doel_bereikt)
    assert (d["geinspecteerd"], d["met_signaal"]) == (geinspecteerd, signaal)


@pytest.mark.parametrize(
    ("stil", "verschil", "bereikt"),
    [(0, -17, False), (16, -1, False), (17, 0, True), (18, 1, True)],
)
def test_stilleggingen_tegen_de_nulmeting(stil: int, verschil: int, bereikt: bool) -> None:
    s = kerncijfers(_tellingen(stil=stil), DEKKING, SANCTIES, WETTEN, "b")["stilleggingen"]
    assert (s["aantal"], s["nulmeting"], s["verschil"], s["nulmeting_bereikt"]) == (stil, 17, verschil, bereikt)


@pytest.mark.parametrize(
    ("boetes", "aantal", "bereikt"),
    [
        ({}, 0, False),
        ({"Arbowet": 200, "WML": 30}, 230, False),
        ({"Arbowet": 200, "WML": 31}, 231, True),
        ({"Arbowet": 200, "WML": 30, "Wtta": 5}, 230, False),  # a law without the warning regime gives none
    ],
)
def test_waarschuwingen_alleen_voor_wetten_met_het_regime(boetes: dict[str, int], aantal: int, bereikt: bool) -> None:
    w = kerncijfers(_tellingen(**boetes), DEKKING, SANCTIES, WETTEN, "b")["waarschuwingen"]
    assert (w["aantal"], w["nulmeting"], w["nulmeting_bereikt"]) == (aantal, 231, bereikt)


@pytest.mark.parametrize("variant", ["huidig", "ser2025"])
def test_de_normen_komen_uit_het_beleid(variant: str) -> None:
    policy = load_policy(variant)
    uit = kerncijfers(
        _tellingen(100, 5, 17, WML=231),
        policy.value("kpi_interventiedekking_pct", OP),
        policy.value("kpi_sancties_nulmeting", OP),
        policy.value("stillegging_herhaling_wetten", OP),
        policy.version,
    )
    d = uit["interventiedekking"]
    assert (d["nulmeting_onder_pct"], d["doel_pct"], d["doel_bereikt"]) == (4, 5, True)
    assert (uit["stilleggingen"]["nulmeting"], uit["waarschuwingen"]["nulmeting"]) == (17, 231)
    assert uit["beleid"] == policy.version
    assert all(p.bron for key in ("kpi_interventiedekking_pct", "kpi_sancties_nulmeting") for p in policy.periods(key))
