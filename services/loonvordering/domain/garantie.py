"""The ser2025 income guarantee (SER rec. 6, domain-rules §3): for a first stay in NL through an
agency, the first `inkomensgarantie_maanden` calendar months from the first day of work bring at
least the full-time monthly WML, whatever the hours.

Rule codes:

- LV-GARANTIE-VENSTER: the window runs from `werknemer.eerste_werkdag` for the policy's months (a
  claim for the second month does not open a fresh window). Without that date the window starts at
  `periode_van`, and the step says so. It ends the day before the start's day number in the last
  month; a start on a day that month lacks (the 29th to the 31st) covers that month to its end
  (2025-07-31 for 2 months: to 2025-09-30; 2026-03-01: to 2026-04-30) [A].
- LV-GARANTIE-SEIZOEN: the seasonal exception needs all three: seasonal work, an agreed contract
  shorter than `seizoenswerk_uitzondering_maanden`, and pay of at least the full-time WML over the
  claim period (hourly WML at the period start x `fulltime_week_uren` x 52/12 x the period's length
  in calendar months, plus `mvb_pct` holiday allowance, against what counts as paid) [A].
- LV-GARANTIE / LV-GARANTIE-AANVULLING, per block (the period, or each month of `per_maand`, "top up
  per month" [A]): within the part of the window the block covers, the WML wage is at least
  `maanden x monthly x covered_days / window_days`, monthly = hourly WML at the window start x
  `fulltime_week_uren` x 52/12; the shortfall is topped up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.loonvordering.domain.berekening import HONDERD, Stap, euro, getal
from services.loonvordering.domain.invoer import Blok, Vordering
from services.loonvordering.domain.uren import Segment
from shared.maanden import kalendermaanden, laatste_dag_na
from shared.policy import Policy
from shared.wml import OMREKENING, maandloon, uurloon


@dataclass(frozen=True)
class Garantievenster:
    van: date
    tot: date
    maanden: int
    tarief: Decimal
    week_uren: Decimal

    @property
    def dagen(self) -> int:
        return (self.tot - self.van).days + 1

    @property
    def maandloon(self) -> Decimal:
        return maandloon(self.tarief, self.week_uren)


def garantievenster(
    vordering: Vordering, telt_als_betaald: Decimal, policy: Policy, stappen: list[Stap]
) -> Garantievenster | None:
    """The window, or None when the guarantee does not cover this claim (the reason goes to `stappen`
    when the policy has a guarantee at all). `telt_als_betaald` is the pay that counts toward the WML."""
    start = vordering.eerste_werkdag or vordering.periode_van
    if not policy.value("inkomensgarantie_actief", vordering.periode_van):
        return None
    reden = None
    if not vordering.eerste_tewerkstelling_in_nl:
        reden = "geen eerste tewerkstelling in Nederland"
    elif not vordering.is_uitzendonderneming:
        reden = "de werkgever is geen uitzendonderneming"
    else:
        reden = _seizoensuitzondering(vordering, start, telt_als_betaald, policy, stappen)
    maanden = int(policy.value("inkomensgarantie_maanden", start)) if reden is None else 0
    tot = laatste_dag_na(start, maanden)
    if reden is None and tot < vordering.periode_van:
        reden = f"de periode begint na het garantievenster ({start} t/m {tot})"
    if reden is not None:
        stappen.append(Stap("LV-GARANTIE", "inkomensgarantie niet van toepassing", reden))
        return None
    herkomst = (
        "vanaf de eerste werkdag" if vordering.eerste_werkdag else "eerste werkdag niet opgegeven: vanaf periode_van"
    )
    stappen.append(
        Stap("LV-GARANTIE-VENSTER", f"garantievenster van {maanden} maanden {herkomst}", f"{start} t/m {tot}")
    )
    return Garantievenster(
        van=start,
        tot=tot,
        maanden=maanden,
        tarief=uurloon(start, vordering.leeftijd, policy, bbl=vordering.bbl),
        week_uren=policy.decimal("fulltime_week_uren", start),
    )


def _seizoensuitzondering(
    vordering: Vordering, start: date, telt_als_betaald: Decimal, policy: Policy, stappen: list[Stap]
) -> str | None:
    """The reason the seasonal exception takes the claim out of the guarantee, or None."""
    if not vordering.seizoenswerk or vordering.contract_duur_dagen is None:
        return None
    grens = int(policy.value("seizoenswerk_uitzondering_maanden", start))
    if vordering.contract_duur_dagen >= (laatste_dag_na(start, grens) - start).days + 1:
        return None
    van, tot = vordering.periode_van, vordering.periode_tot
    tarief = uurloon(van, vordering.leeftijd, policy, bbl=vordering.bbl)
    week = policy.decimal("fulltime_week_uren", van)
    maanden = kalendermaanden(van, tot)
    mvb = policy.decimal("mvb_pct", van)
    voltijds = maandloon(tarief, week) * maanden * (1 + mvb / HONDERD)
    uitleg = (
        f"voltijds minimumloon {van} t/m {tot}: € {euro(tarief)} x {getal(week)} uur x {OMREKENING}"
        f" x {getal(maanden)} maanden + {getal(mvb)} % vakantiebijslag"
    )
    if telt_als_betaald >= voltijds:
        stappen.append(Stap("LV-GARANTIE-SEIZOEN", f"betaald € {euro(telt_als_betaald)} >= {uitleg}", euro(voltijds)))
        return f"seizoenswerk met een contract korter dan {grens} maanden en ten minste het voltijds minimumloon"
    stappen.append(
        Stap(
            "LV-GARANTIE-SEIZOEN",
            f"seizoensuitzondering geldt niet: betaald € {euro(telt_als_betaald)} < {uitleg}",
            euro(voltijds),
        )
    )
    return None


def aanvulling(venster: Garantievenster, blok: Blok, delen: list[Segment], stappen: list[Stap]) -> Decimal:
    """Top-up that lifts the WML wage of the part of `blok` inside the window to the guaranteed floor."""
    van, tot = max(blok.van, venster.van), min(blok.tot, venster.tot)
    if tot < van:
        return Decimal(0)
    gedekt = (tot - van).days + 1
    vloer = venster.maanden * venster.maandloon * gedekt / venster.dagen
    in_venster = sum((d.wml_loon for d in delen if venster.van <= d.van and d.tot <= venster.tot), Decimal(0))
    bij = max(Decimal(0), vloer - in_venster)
    maand = f"€ {euro(venster.tarief)} x {getal(venster.week_uren)} uur x {OMREKENING}"
    stappen += [
        Stap(
            "LV-GARANTIE",
            f"gegarandeerd minimum {van} t/m {tot}: {venster.maanden} x maandloon ({maand})"
            f" x {gedekt}/{venster.dagen} dagen",
            euro(vloer),
        ),
        Stap("LV-GARANTIE-AANVULLING", "aanvulling tot het gegarandeerde minimum", euro(bij)),
    ]
    return bij
