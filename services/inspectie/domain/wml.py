"""The minimum-wage part of an underpayment finding, as the WML fine and the ser2025 stoppage test
need it (domain-rules §2 and §5).

Pinned inputs [A]: the wage part only (holiday allowance left out of both sides); hours known only
as a total are spread evenly over the working days of the period, each day at the rate in force
that day; the period's length counts in calendar months. Back pay owed does include the holiday
allowance, because that is what proof of back pay must cover.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared import wml
from shared.contract.inspectie import OnderbetalingRegel
from shared.maanden import dagen, kalendermaanden
from shared.policy import NoPolicyValueOn, Policy, PolicyError, UnknownPolicyValue

HONDERD = Decimal(100)
TARIEF = "wml_uurloon_21plus"
"""The policy key of the hourly minimum wage itself (the rate every age band derives from)."""

__all__ = [
    "HONDERD",
    "TARIEF",
    "Analyse",
    "MinimumloonOnbekend",
    "analyseer",
    "kalendermaanden",  # from shared.maanden
    "tarief_bekend",
    "uurloon",
]


class MinimumloonOnbekend(PolicyError):
    """The hourly minimum wage itself has no known value on a day the computation needs: before the
    policy's first rate (`NoPolicyValueOn`) or not published yet (`UnknownPolicyValue`). Only this
    makes a WML fine "not judged"; any other policy value that is missing stays the error it is."""


def tarief_bekend(dag: date, policy: Policy) -> None:
    """Raise `MinimumloonOnbekend` when the policy holds no known minimum wage on `dag`."""
    try:
        policy.in_force(TARIEF, dag)
    except (NoPolicyValueOn, UnknownPolicyValue) as exc:
        raise MinimumloonOnbekend(str(exc)) from exc


def uurloon(dag: date, leeftijd: int | None, policy: Policy) -> Decimal | None:
    """The hourly WML on `dag` for a worker of `leeftijd` (`shared.wml.uurloon`; unknown age: the
    adult rate [A]), or None when the WML does not apply (younger than the youngest youth band):
    for an inspection that is an ordinary outcome, not an error. `MinimumloonOnbekend` when the
    rate of `dag` is not in the policy."""
    tarief_bekend(dag, policy)
    try:
        return wml.uurloon(dag, leeftijd, policy)
    except wml.GeenMinimumloon:
        return None


@dataclass(frozen=True)
class Analyse:
    """One worker's underpayment, at full precision (round only when reporting)."""

    werknemer_ref: str
    wml_loon: Decimal
    betaald: Decimal
    tekort: Decimal
    pct_onderbetaald: Decimal
    pct_wml_betaald: Decimal
    maanden: Decimal
    nabetaling: Decimal


def analyseer(onderbetaling: OnderbetalingRegel, policy: Policy, werkdag: Callable[[date], bool]) -> Analyse | None:
    """The WML owed for the period against what was paid; None when the WML does not apply.
    Raises `MinimumloonOnbekend` when a working day of the period has no known rate."""
    alle_dagen = dagen(onderbetaling.periode_van, onderbetaling.periode_tot)
    werkdagen = [dag for dag in alle_dagen if werkdag(dag)] or alle_dagen
    dagen_per_tarief: Counter[Decimal] = Counter()
    for dag in werkdagen:
        tarief = uurloon(dag, onderbetaling.leeftijd, policy)
        if tarief is None:
            return None
        dagen_per_tarief[tarief] += 1
    # Divide once, at the end: the hours per day are rarely a finite decimal, the total usually is.
    gewogen = sum((tarief * aantal for tarief, aantal in dagen_per_tarief.items()), Decimal(0))
    wml_loon = onderbetaling.gewerkte_uren * gewogen / Decimal(len(werkdagen))
    if wml_loon == 0:
        return None
    betaald = onderbetaling.betaald_bruto_eur
    tekort = wml_loon - betaald
    mvb = policy.decimal("mvb_pct", onderbetaling.periode_van) / HONDERD
    return Analyse(
        werknemer_ref=onderbetaling.werknemer_ref,
        wml_loon=wml_loon,
        betaald=betaald,
        tekort=tekort,
        pct_onderbetaald=tekort / wml_loon * HONDERD,
        pct_wml_betaald=betaald / wml_loon * HONDERD,
        maanden=kalendermaanden(onderbetaling.periode_van, onderbetaling.periode_tot),
        nabetaling=max(Decimal(0), wml_loon * (1 + mvb) - betaald),
    )
