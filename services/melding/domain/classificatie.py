"""Reported categories -> the laws an inspection must cover (policy data), integrated: a minimum-wage
signal always brings working conditions and working hours along."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from shared.policy import Policy

WML_BRENGT_MEE = ("Arbowet", "Atw")


def scope_voor(categorieen: Iterable[str], policy: Policy, op: date) -> list[str]:
    wetten_per_categorie: dict[str, list[str]] = policy.value("melding_categorie_wetten", op)
    wetten = {wet for categorie in categorieen for wet in wetten_per_categorie[categorie]}
    if "WML" in wetten:
        wetten.update(WML_BRENGT_MEE)
    return sorted(wetten)


def meldt_huisvesting(categorieen: Iterable[str]) -> bool:
    """A housing complaint is also a signal for the municipality of the work location."""
    return "huisvesting" in set(categorieen)
