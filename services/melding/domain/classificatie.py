"""Reported categories -> the laws the inspection of the case must cover.

The table is policy data (`melding_categorie_wetten`), because which law a complaint touches is a
legal reading, not code. The inspection is integrated (SER briefadvies 2025 §4.1): a minimum-wage
law always brings the laws of `scope_wml_meewetten` (working conditions and working hours) along,
the same parameter the inspectie service plans with, so both services agree on the scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from shared.policy import Policy, PolicyError

HUISVESTING = "huisvesting"


def scope_voor(categorieen: Iterable[str], policy: Policy, op: date) -> list[str]:
    """The laws to inspect for these categories on date `op`: sorted, each once."""
    per_categorie: dict[str, list[str]] = policy.value("melding_categorie_wetten", op)
    wetten: set[str] = set()
    for categorie in categorieen:
        if categorie not in per_categorie:
            raise PolicyError(f"policy {policy.version} names no laws for melding category {categorie!r}")
        wetten.update(per_categorie[categorie])
    if "WML" in wetten:
        wetten.update(policy.value("scope_wml_meewetten", op))
    return sorted(wetten)


def meldt_huisvesting(categorieen: Iterable[str]) -> bool:
    """A housing complaint is also a signal for the municipality of the work location (Wgv)."""
    return HUISVESTING in categorieen
