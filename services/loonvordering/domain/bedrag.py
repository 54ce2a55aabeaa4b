"""The claim amount (`loonvordering.vastgesteld.bedrag_eur`), exactly as domain-rules §2 pins it,
with the ser2025 income guarantee of §3 on top.

Rule codes, one per line of the computation:

- LV-WML: hours x the hourly WML in force, per stretch of days with one rate. Hours without a date
  are spread evenly over the working days of their block (the period, or one month of `per_maand`).
- LV-GARANTIE / LV-GARANTIE-AANVULLING (ser2025, rec. 6): within the guarantee window the WML wage is
  at least `maanden x monthly x covered_days / window_days`; the shortfall is topped up.
- LV-WML-TOTAAL, LV-VAKANTIEBIJSLAG (`mvb_pct` of the WML wage), LV-BETAALD, LV-BEDRAG.

Everything is computed at full precision; only the claim amount is rounded (half-up, cents). A
period that reaches a date whose WML is not known yet raises `UnknownPolicyValue`: no guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.loonvordering.domain.berekening import HONDERD, Stap, euro, getal
from services.loonvordering.domain.invoer import Blok, Vordering
from shared.maanden import dagen, plus_maanden
from shared.policy import Policy
from shared.werkdagen import is_werkdag
from shared.wml import OMREKENING, maandloon, uurloon

# Parameters whose change dates split a period: each stretch is priced at the values in force on it.
_TARIEF_SLEUTELS = ("wml_uurloon_21plus", "wml_jeugd_pct", "mvb_pct")

Werkdag = Callable[[date], bool]


@dataclass(frozen=True)
class Segment:
    """A stretch of one block with one hourly rate: its share of the block's hours and their WML."""

    van: date
    tot: date
    werkdagen: int
    uren: Decimal
    tarief: Decimal
    mvb_pct: Decimal

    @property
    def wml_loon(self) -> Decimal:
        return self.uren * self.tarief


def segmenten(
    blok: Blok, leeftijd: int, policy: Policy, werkdag: Werkdag = is_werkdag, grenzen: Sequence[date] = ()
) -> list[Segment]:
    """Split `blok` at every rate change (and at `grenzen`) and give each stretch its hours.

    A block without a single working day (a weekend) spreads its hours over its calendar days.
    Hours are multiplied before they are divided, so a stretch covering the whole block gets
    exactly the block's hours.
    """
    alle_dagen = dagen(blok.van, blok.tot)
    werk = [dag for dag in alle_dagen if werkdag(dag)] or alle_dagen
    splitsing = {g for sleutel in _TARIEF_SLEUTELS for g in policy.change_dates(sleutel)} | set(grenzen)
    starts = [blok.van, *sorted(g for g in splitsing if blok.van < g <= blok.tot)]
    eindes = [start - timedelta(days=1) for start in starts[1:]] + [blok.tot]
    result = []
    for van, tot in zip(starts, eindes, strict=True):
        n = sum(1 for dag in werk if van <= dag <= tot)
        result.append(
            Segment(
                van=van,
                tot=tot,
                werkdagen=n,
                uren=blok.uren * n / len(werk),
                tarief=uurloon(van, leeftijd, policy),
                mvb_pct=policy.decimal("mvb_pct", van),
            )
        )
    return result


def wml_loon(blok: Blok, leeftijd: int, policy: Policy, werkdag: Werkdag = is_werkdag) -> Decimal:
    """The WML wage of a block's hours, before any guarantee: sum of hours x rate in force."""
    return sum((s.wml_loon for s in segmenten(blok, leeftijd, policy, werkdag)), Decimal(0))


@dataclass(frozen=True)
class Garantievenster:
    van: date
    tot: date
    maanden: int


def garantievenster(vordering: Vordering, policy: Policy, stappen: list[Stap]) -> Garantievenster | None:
    """The ser2025 income-guarantee window, or None when the guarantee does not apply to this claim.

    Applies to a first stay in NL with an agency as employer, unless the work is seasonal under a
    contract shorter than `seizoenswerk_uitzondering_maanden`. When the policy has the guarantee but
    this claim is not covered, the reason is added to `stappen`.
    """
    van = vordering.periode_van
    if not policy.value("inkomensgarantie_actief", van):
        return None
    reden = None
    if not vordering.eerste_tewerkstelling_in_nl:
        reden = "geen eerste tewerkstelling in Nederland"
    elif not vordering.is_uitzendonderneming:
        reden = "de werkgever is geen uitzendonderneming"
    elif vordering.seizoenswerk and vordering.contract_duur_dagen is not None:
        grens = int(policy.value("seizoenswerk_uitzondering_maanden", van))
        if vordering.contract_duur_dagen < (plus_maanden(van, grens) - van).days:
            reden = f"seizoenswerk met een contract korter dan {grens} maanden"
    if reden is not None:
        stappen.append(Stap("LV-GARANTIE", "inkomensgarantie niet van toepassing", reden))
        return None
    maanden = int(policy.value("inkomensgarantie_maanden", van))
    return Garantievenster(van=van, tot=plus_maanden(van, maanden) - timedelta(days=1), maanden=maanden)


@dataclass(frozen=True)
class Berekening:
    """The claim amount and how it came about; `beleid` names the policy that produced it."""

    bedrag_eur: Decimal
    wml_loon: Decimal
    vakantiebijslag: Decimal
    betaald_bruto: Decimal
    inkomensgarantie: bool
    stappen: tuple[Stap, ...]
    beleid: str

    def als_data(self) -> list[dict[str, Decimal | str]]:
        """The `berekening` of `loonvordering.vastgesteld`: [{stap, omschrijving, waarde}, ...]."""
        return [asdict(stap) for stap in self.stappen]


def bereken_bedrag(vordering: Vordering, policy: Policy, werkdag: Werkdag = is_werkdag) -> Berekening:
    """The amount the worker can still claim for the period under `policy` (domain-rules §2, §3)."""
    stappen: list[Stap] = []
    venster = garantievenster(vordering, policy, stappen)
    grenzen = [venster.tot + timedelta(days=1)] if venster else []
    delen = [s for blok in vordering.blokken for s in segmenten(blok, vordering.leeftijd, policy, werkdag, grenzen)]
    for deel in delen:
        uitleg = f"{deel.van} t/m {deel.tot}: {getal(deel.uren)} uur x € {euro(deel.tarief)}"
        stappen.append(Stap("LV-WML", f"{uitleg} ({deel.werkdagen} werkdagen)", euro(deel.wml_loon)))
    uren_loon = sum((d.wml_loon for d in delen), Decimal(0))
    vakantiebijslag = sum((d.wml_loon * d.mvb_pct / HONDERD for d in delen), Decimal(0))
    aanvulling = Decimal(0)
    if venster is not None:
        aanvulling = _aanvulling(vordering, venster, delen, policy, stappen)
        vakantiebijslag += aanvulling * policy.decimal("mvb_pct", venster.van) / HONDERD
    totaal = uren_loon + aanvulling
    betaald = vordering.betaald_bruto
    bedrag = euro(max(Decimal(0), totaal + vakantiebijslag - betaald))
    stappen += [
        Stap("LV-WML-TOTAAL", "minimumloon over de periode", euro(totaal)),
        Stap("LV-VAKANTIEBIJSLAG", "minimumvakantiebijslag (mvb_pct) over het minimumloon", euro(vakantiebijslag)),
        Stap("LV-BETAALD", "betaald aan loon en vakantiebijslag", euro(betaald)),
        Stap("LV-BEDRAG", "te vorderen: minimumloon + vakantiebijslag - betaald, niet minder dan 0", bedrag),
    ]
    return Berekening(
        bedrag_eur=bedrag,
        wml_loon=totaal,
        vakantiebijslag=vakantiebijslag,
        betaald_bruto=betaald,
        inkomensgarantie=venster is not None,
        stappen=tuple(stappen),
        beleid=policy.version,
    )


def _aanvulling(
    vordering: Vordering, venster: Garantievenster, delen: list[Segment], policy: Policy, stappen: list[Stap]
) -> Decimal:
    """Top-up that lifts the WML wage of the covered part of the window to the guaranteed floor."""
    gedekt_tot = min(vordering.periode_tot, venster.tot)
    gedekt = (gedekt_tot - venster.van).days + 1
    venster_dagen = (venster.tot - venster.van).days + 1
    tarief = uurloon(venster.van, vordering.leeftijd, policy)
    week = policy.decimal("fulltime_week_uren", venster.van)
    vloer = venster.maanden * maandloon(tarief, week) * gedekt / venster_dagen
    in_venster = sum((d.wml_loon for d in delen if d.tot <= venster.tot), Decimal(0))
    aanvulling = max(Decimal(0), vloer - in_venster)
    maand = f"€ {euro(tarief)} x {getal(week)} uur x {OMREKENING}"
    stappen += [
        Stap(
            "LV-GARANTIE",
            f"gegarandeerd minimum {venster.van} t/m {gedekt_tot}: {venster.maanden} x maandloon ({maand})"
            f" x {gedekt}/{venster_dagen} dagen",
            euro(vloer),
        ),
        Stap("LV-GARANTIE-AANVULLING", "aanvulling tot het gegarandeerde minimum", euro(aanvulling)),
    ]
    return aanvulling
