"""Integrated scope: the union of the laws all open signals of an employer point at."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from shared.policy import Policy

WML_BRENGT_MEE = ("Arbowet", "Atw")


def integrale_scope(wetten_per_signaal: Iterable[Iterable[str]]) -> list[str]:
    wetten = {wet for wetten in wetten_per_signaal for wet in wetten}
    if "WML" in wetten:
        wetten.update(WML_BRENGT_MEE)
    return sorted(wetten)


def wetten_van_signaal(soort: str, op: date, policy: Policy) -> list[str]:
    return list(policy.value("risico_signaal_wetten", op).get(soort, []))
