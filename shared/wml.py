"""The minimum wage (Wet minimumloon en minimumvakantiebijslag), the one implementation every
service uses: the hourly WML by date, age and learning track, and monthly amounts from weekly ones.

Policy keys (policy/huidig/wml.yaml): `wml_uurloon_21plus` (the adult hourly rate),
`wml_jeugd_pct` (youth bands, % of the adult rate by age) and `wml_bbl_pct` (the lower bands for
workers aged 18-20 on a work-study track, beroepsbegeleidende leerweg). Youth amounts are the adult
rate times the band's percentage, rounded half-up to cents like the published amounts.

Edge behaviour, the same for every caller:

- older than the oldest youth band: the adult rate;
- age unknown (`None`): the adult rate [A] (an inspection line may lack the age);
- younger than the youngest band: `GeenMinimumloon` is raised. The WML gives no rate at all there,
  and a silent zero or None would let a caller compute a shortfall of nothing without noticing.
  A caller for whom "no WML" is an ordinary outcome catches it and says so.
- a date whose adult rate is not published yet: `UnknownPolicyValue` (refuse to calculate).

Monthly amounts: 52 weeks spread over 12 months (hourly x hours a week x 52 / 12), a convention of
the project [A] since the WML is hourly only from 2024.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from shared.policy import Policy

WEKEN_PER_JAAR = 52
MAANDEN_PER_JAAR = 12
OMREKENING = f"{WEKEN_PER_JAAR}/{MAANDEN_PER_JAAR}"
"""How a computation step names the week-to-month conversion."""

_HONDERD = Decimal(100)
_CENT = Decimal("0.01")


class GeenMinimumloon(ValueError):
    """The worker is younger than the youngest WML age band on that day: the WML gives no rate."""


@dataclass(frozen=True)
class Tarief:
    """An hourly WML and the band it came from, for the computation a decision shows."""

    bedrag: Decimal
    groep: str  # "21+", "jeugd 19 jaar (60 %)", "BBL 19 jaar (52.5 %)"


def minimumuurloon(dag: date, leeftijd: int | None, policy: Policy, *, bbl: bool = False) -> Tarief:
    """The hourly WML in force on `dag` at `leeftijd`, with its band (see the module docstring)."""
    volwassen = policy.decimal("wml_uurloon_21plus", dag)
    if leeftijd is None:
        return Tarief(volwassen, "21+ (leeftijd onbekend)")
    banden: dict[str, float] = policy.value("wml_jeugd_pct", dag)
    leeftijden = sorted(int(band) for band in banden)
    if leeftijd > leeftijden[-1]:
        return Tarief(volwassen, "21+")
    if leeftijd < leeftijden[0]:
        raise GeenMinimumloon(f"het minimumloon geldt niet onder {leeftijden[0]} jaar (leeftijd {leeftijd})")
    soort, pct = "jeugd", banden[str(leeftijd)]
    if bbl:
        bbl_banden: dict[str, float] = policy.value("wml_bbl_pct", dag)
        if str(leeftijd) in bbl_banden:
            soort, pct = "BBL", bbl_banden[str(leeftijd)]
    bedrag = (volwassen * Decimal(str(pct)) / _HONDERD).quantize(_CENT, rounding=ROUND_HALF_UP)
    return Tarief(bedrag, f"{soort} {leeftijd} jaar ({pct} %)")


def uurloon(dag: date, leeftijd: int | None, policy: Policy, *, bbl: bool = False) -> Decimal:
    """The hourly WML in force on `dag` at `leeftijd` (raises `GeenMinimumloon` below the youngest band)."""
    return minimumuurloon(dag, leeftijd, policy, bbl=bbl).bedrag


def per_maand(per_week: Decimal) -> Decimal:
    """A weekly amount as a monthly one: x 52 / 12, at full precision (round only when reporting)."""
    return per_week * WEKEN_PER_JAAR / MAANDEN_PER_JAAR


def maandloon(uurtarief: Decimal, uren_per_week: Decimal) -> Decimal:
    """The monthly wage of `uren_per_week` hours a week at `uurtarief`: hourly x hours x 52 / 12."""
    return per_maand(uurtarief * uren_per_week)


def volwassen_leeftijd(dag: date, policy: Policy) -> int:
    """The youngest age with the adult rate on `dag`: one year above the oldest youth band."""
    banden: dict[str, float] = policy.value("wml_jeugd_pct", dag)
    return max(int(band) for band in banden) + 1
