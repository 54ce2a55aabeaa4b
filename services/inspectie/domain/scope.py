"""Integrated scope (SER briefadvies 2025 §4.1): one visit checks every law that any open signal of
the employer points at, and a minimum-wage law always brings working conditions and working hours
along, because underpayment rarely comes alone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from services.inspectie.domain.risico import Signaal
from shared.policy import Policy


def scope(signalen: Iterable[Signaal], op: date, policy: Policy) -> list[str]:
    """The union of the laws of all given (open) signals, sorted; empty without signals."""
    per_soort: dict[str, list[str]] = policy.value("risico_signaal_wetten", op)
    wetten: set[str] = set()
    for signaal in signalen:
        wetten.update(per_soort[signaal.soort])
        wetten.update(signaal.wetten)
    if "WML" in wetten:
        wetten.update(policy.value("scope_wml_meewetten", op))
    return sorted(wetten)
