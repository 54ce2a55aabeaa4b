"""What the claim computations need to know about one worker's claim, independent of the event
it came in (a union's `loonvordering.ingediend` today, an inspection's underpayment finding later)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.contract.loonvordering import LoonvorderingIngediend


@dataclass(frozen=True)
class Blok:
    """Hours worked from `van` to `tot` without a date per day: spread evenly over its working days.
    `inhouding_huisvesting` is the part of `betaald` withheld for housing (0 when not given)."""

    van: date
    tot: date
    uren: Decimal
    betaald: Decimal
    inhouding_huisvesting: Decimal = Decimal(0)


@dataclass(frozen=True)
class Vordering:
    """One worker's claim period. `per_maand`, when known, splits the totals by calendar month
    (each block clipped to the period); the totals then equal its sums."""

    periode_van: date
    periode_tot: date
    gewerkte_uren: Decimal
    betaald_bruto: Decimal
    leeftijd: int
    per_maand: tuple[Blok, ...] = ()
    eerste_tewerkstelling_in_nl: bool = False
    is_uitzendonderneming: bool = False
    seizoenswerk: bool = False
    contract_duur_dagen: int | None = None
    eerste_werkdag: date | None = None
    bbl: bool = False

    @property
    def blokken(self) -> tuple[Blok, ...]:
        """The month blocks, or the whole period as one block when only totals are known."""
        return self.per_maand or (Blok(self.periode_van, self.periode_tot, self.gewerkte_uren, self.betaald_bruto),)

    @classmethod
    def uit_ingediend(cls, data: LoonvorderingIngediend) -> Vordering:
        maanden = tuple(
            Blok(
                *data.maand_dagen(maand),
                uren=maand.gewerkte_uren,
                betaald=maand.betaald_bruto_eur,
                inhouding_huisvesting=maand.inhouding_huisvesting_eur or Decimal(0),
            )
            for maand in sorted(data.per_maand or (), key=lambda m: m.maand)
        )
        return cls(
            periode_van=data.periode_van,
            periode_tot=data.periode_tot,
            gewerkte_uren=data.gewerkte_uren,
            betaald_bruto=data.betaald_bruto_eur,
            leeftijd=data.werknemer.leeftijd,
            per_maand=maanden,
            eerste_tewerkstelling_in_nl=data.werknemer.eerste_tewerkstelling_in_nl,
            is_uitzendonderneming=data.werkgever.is_uitzendonderneming,
            seizoenswerk=data.seizoenswerk,
            contract_duur_dagen=data.contract_duur_dagen,
            eerste_werkdag=data.werknemer.eerste_werkdag,
            bbl=data.werknemer.bbl,
        )
