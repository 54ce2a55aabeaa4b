"""The minimum-wage part of an underpayment finding, as the WML fine and the ser2025 stoppage test
need it (domain-rules §2 and §5).

Pinned inputs [A]: the wage part only (holiday allowance left out of both sides); hours known only
as a total are spread evenly over the working days of the period, each day at the rate in force
that day; the period's length counts in calendar months. Back pay owed does include the holiday
allowance, because that is what proof of back pay must cover.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from services.inspectie.domain.datums import plus_maanden
from shared.contract.inspectie import OnderbetalingRegel
from shared.policy import Policy

HONDERD = Decimal(100)


def uurloon(dag: date, leeftijd: int | None, policy: Policy) -> Decimal | None:
    """The hourly WML on `dag` for a worker of `leeftijd` (unknown age: the adult rate [A]).

    None when the WML does not apply (younger than the youngest youth band). Youth rates are the
    adult rate times the band's percentage, rounded half-up to cents like the published amounts.
    """
    volwassen = policy.decimal("wml_uurloon_21plus", dag)
    if leeftijd is None:
        return volwassen
    banden: dict[str, float] = policy.value("wml_jeugd_pct", dag)
    leeftijden = sorted(int(band) for band in banden)
    if leeftijd > leeftijden[-1]:
        return volwassen
    if leeftijd < leeftijden[0]:
        return None
    pct = Decimal(str(banden[str(leeftijd)]))
    return (volwassen * pct / HONDERD).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def kalendermaanden(van: date, tot: date) -> Decimal:
    """Length of van..tot (inclusive) in calendar months: whole months, plus the rest of the days
    as a fraction of the month they fall in. 2026-03-01..2026-04-30 is exactly 2."""
    einde = tot + timedelta(days=1)
    maanden, cursor = 0, van
    while (volgende := plus_maanden(van, maanden + 1)) <= einde:
        maanden, cursor = maanden + 1, volgende
    rest = (einde - cursor).days
    dagen_in_maand = calendar.monthrange(cursor.year, cursor.month)[1]
    return Decimal(maanden) + Decimal(rest) / Decimal(dagen_in_maand)


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
    """The WML owed for the period against what was paid; None when the WML does not apply."""
    dagen = _dagen(onderbetaling.periode_van, onderbetaling.periode_tot)
    werkdagen = [dag for dag in dagen if werkdag(dag)] or dagen
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


def _dagen(van: date, tot: date) -> list[date]:
    return [van + timedelta(days=i) for i in range((tot - van).days + 1)]
