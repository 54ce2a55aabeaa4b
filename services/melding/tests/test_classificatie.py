"""Reported categories -> the laws an inspection must cover (`melding_categorie_wetten`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.melding.domain.classificatie import meldt_huisvesting, scope_voor
from shared.contract.melding import Categorie
from shared.policy import Policy, PolicyError, load_policy

OP = date(2026, 12, 1)
CATEGORIEEN = list(get_args(Categorie))


@pytest.mark.parametrize(
    ("categorieen", "wetten"),
    [
        (["onderbetaling"], ["Arbowet", "Atw", "WML"]),
        (["arbeidstijden"], ["Arbowet", "Atw"]),
        (["onveilig_werk"], ["Arbowet"]),
        (["illegale_tewerkstelling"], ["Wav"]),
        (["schijnconstructie"], ["Waadi"]),
        (["huisvesting"], ["Wgv"]),
        (["intimidatie"], ["Arbowet"]),
        (["overig"], ["Arbowet"]),
        (["onderbetaling", "arbeidstijden"], ["Arbowet", "Atw", "WML"]),
        (["huisvesting", "schijnconstructie", "illegale_tewerkstelling"], ["Waadi", "Wav", "Wgv"]),
        ([], []),
    ],
)
def test_scope_per_category(huidig: Policy, categorieen: list[str], wetten: list[str]) -> None:
    assert scope_voor(categorieen, huidig, OP) == wetten


def test_wml_brings_arbowet_and_atw_even_when_the_table_lists_wml_alone(
    policy_met: Callable[[str], Policy],
) -> None:
    policy = policy_met(
        """
servicenorm_inspectie_werkdagen:
  - {geldig_van: 2024-01-01, waarde: 5}
melding_koppel_venster_dagen:
  - {geldig_van: 2024-01-01, waarde: 30}
melding_categorie_wetten:
  - {geldig_van: 2024-01-01, waarde: {onderbetaling: [WML], overig: [Wav]}}
"""
    )
    assert scope_voor(["onderbetaling"], policy, OP) == ["Arbowet", "Atw", "WML"]
    assert scope_voor(["overig"], policy, OP) == ["Wav"]
    with pytest.raises(PolicyError, match="no laws for melding category 'huisvesting'"):
        scope_voor(["huisvesting"], policy, OP)


@given(st.lists(st.sampled_from(CATEGORIEEN)))
def test_scope_is_sorted_unique_and_integrated(huidig: Policy, categorieen: list[str]) -> None:
    wetten = scope_voor(categorieen, huidig, OP)
    assert wetten == sorted(set(wetten))
    if "WML" in wetten:
        assert {"Arbowet", "Atw"} <= set(wetten)
    assert ("WML" in wetten) == ("onderbetaling" in categorieen)
    assert ("Wgv" in wetten) == meldt_huisvesting(categorieen)


def test_only_a_housing_complaint_is_a_signal_for_the_municipality() -> None:
    assert meldt_huisvesting(["onderbetaling", "huisvesting"])
    assert not meldt_huisvesting([c for c in CATEGORIEEN if c != "huisvesting"])


@pytest.mark.parametrize("variant", ["huidig", "ser2025"])
def test_a_report_is_inspected_under_the_wtta_only_once_it_is_in_force(variant: str) -> None:
    """The Wtta is in force from 2027-01-01: a scheme reported on the last day of 2026 is checked
    under the Waadi alone, one reported on New Year's Day under both."""
    policy = load_policy(variant)
    assert scope_voor(["schijnconstructie"], policy, date(2026, 12, 31)) == ["Waadi"]
    assert scope_voor(["schijnconstructie"], policy, date(2027, 1, 1)) == ["Waadi", "Wtta"]
