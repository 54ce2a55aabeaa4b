"""The claim amount (`loonvordering.vastgesteld.bedrag_eur`), exactly as domain-rules §2 pins it,
with the ser2025 income guarantee of §3 on top (`garantie.py`).

Rule codes, one per line of the computation:

- LV-WML: hours x the worker's own hourly WML in force (age, BBL track), per stretch of days with
  one rate (`uren.py`).
- LV-INHOUDING (HUIS-005): the part of a month's housing deduction above `huis_inhouding_max_pct_wml` %
  of the worker's own monthly WML does not count as paid toward the WML (domain-rules §2 step 3;
  `shared.inhouding`, the cap the housing check and the WML fine use too).
- LV-GARANTIE-VENSTER, LV-GARANTIE-SEIZOEN, LV-GARANTIE, LV-GARANTIE-AANVULLING (ser2025, rec. 6).
- LV-TEKORT (with `per_maand`, when `loon_tekort_per_maand`): the WML is owed over each pay period
  (art. 7 WML with art. 7:623 BW [U]), so the shortfall is computed per month and a month paid too
  much does not make up for another; domain-rules §2 pins one period total, the statute wins. The
  holiday allowance is taken with its month's wage, since a claim gives one paid amount a month [A].
- LV-WML-TOTAAL, LV-VAKANTIEBIJSLAG (`mvb_pct` of the WML wage), LV-BETAALD, LV-BETAALD-TELT, LV-BEDRAG.

Everything is computed at full precision; only reported amounts are rounded (half-up, cents). A
period that reaches a date whose WML is not known yet raises `UnknownPolicyValue`: no guessing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal

from services.loonvordering.domain.berekening import HONDERD, Stap, euro, getal
from services.loonvordering.domain.garantie import Garantievenster, aanvulling, garantievenster
from services.loonvordering.domain.invoer import Blok, Vordering
from services.loonvordering.domain.uren import Werkdag, segmenten
from shared.inhouding import MaximaleInhouding, maximale_inhouding
from shared.policy import Policy
from shared.werkdagen import is_werkdag
from shared.wml import OMREKENING


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


def telt_als_betaald(blok: Blok, vordering: Vordering, policy: Policy) -> Decimal:
    """What of the block's pay counts toward the WML: the pay less the part of a housing deduction
    above the month's HUIS-005 cap (`shared.inhouding`). The claim names no weekly hours, so the cap
    is taken on the full-time week; the other HUIS-005 conditions are not in a claim and are taken
    as met [A]: only the excess over the cap is unlawful here."""
    if blok.inhouding_huisvesting <= 0:
        return blok.betaald
    return blok.betaald - max(Decimal(0), blok.inhouding_huisvesting - _maximum(blok, vordering, policy).bedrag)


def _maximum(blok: Blok, vordering: Vordering, policy: Policy) -> MaximaleInhouding:
    return maximale_inhouding(blok.van, vordering.leeftijd, None, policy, bbl=vordering.bbl)


def _inhouding_stappen(blok: Blok, vordering: Vordering, telt: Decimal, policy: Policy) -> list[Stap]:
    if blok.inhouding_huisvesting <= 0:
        return []
    m = _maximum(blok, vordering, policy)
    maandloon = f"€ {euro(m.tarief.bedrag)} x {getal(m.uren_per_week)} uur x {OMREKENING} = € {euro(m.maandloon)}"
    return [
        Stap(
            "LV-INHOUDING",
            f"{blok.van} t/m {blok.tot}: inhouding huisvesting € {euro(blok.inhouding_huisvesting)}; HUIS-005 staat"
            f" ten hoogste {getal(m.pct)} % van het eigen minimummaandloon toe ({maandloon}): € {euro(m.bedrag)};"
            " het deel daarboven telt niet als betaald",
            euro(blok.betaald - telt),
        )
    ]


def _loon_van_blok(
    blok: Blok,
    vordering: Vordering,
    venster: Garantievenster | None,
    policy: Policy,
    werkdag: Werkdag,
    stappen: tuple[list[Stap], list[Stap]],
) -> tuple[Decimal, Decimal]:
    """The block's WML wage (with the guarantee's top-up) and its holiday allowance; the LV-WML
    lines go to the first list of `stappen`, the guarantee lines to the second."""
    wml_stappen, garantie = stappen
    delen = segmenten(blok, vordering, policy, werkdag, [venster.tot + timedelta(days=1)] if venster else [])
    for deel in delen:
        groep = "" if deel.tariefgroep == "21+" else f", {deel.tariefgroep}"
        uitleg = f"{deel.van} t/m {deel.tot}: {getal(deel.uren)} uur x € {euro(deel.tarief)}"
        wml_stappen.append(Stap("LV-WML", f"{uitleg} ({deel.werkdagen} werkdagen{groep})", euro(deel.wml_loon)))
    loon = sum((d.wml_loon for d in delen), Decimal(0))
    mvb = sum((d.wml_loon * d.mvb_pct / HONDERD for d in delen), Decimal(0))
    if venster is not None:
        bij = aanvulling(venster, blok, delen, garantie)
        loon += bij
        mvb += bij * policy.decimal("mvb_pct", venster.van) / HONDERD
    return loon, mvb


def bereken_bedrag(vordering: Vordering, policy: Policy, werkdag: Werkdag = is_werkdag) -> Berekening:
    """The amount the worker can still claim for the period under `policy` (domain-rules §2, §3)."""
    blokken = vordering.blokken
    telt = [telt_als_betaald(blok, vordering, policy) for blok in blokken]
    inhouding = [s for b, t in zip(blokken, telt, strict=True) for s in _inhouding_stappen(b, vordering, t, policy)]
    wml_stappen: list[Stap] = []
    garantie: list[Stap] = []
    venster = garantievenster(vordering, sum(telt, Decimal(0)), policy, garantie)
    per_termijn = bool(vordering.per_maand) and bool(policy.value("loon_tekort_per_maand", vordering.periode_van))
    maand_stappen: list[Stap] = []
    totaal = vakantiebijslag = tekort = Decimal(0)
    for blok, betaald in zip(blokken, telt, strict=True):
        loon, mvb = _loon_van_blok(blok, vordering, venster, policy, werkdag, (wml_stappen, garantie))
        totaal, vakantiebijslag = totaal + loon, vakantiebijslag + mvb
        if per_termijn:
            blok_tekort = max(Decimal(0), loon + mvb - betaald)
            tekort += blok_tekort
            maand_stappen.append(
                Stap(
                    "LV-TEKORT",
                    f"{blok.van} t/m {blok.tot}: minimumloon € {euro(loon)} + vakantiebijslag € {euro(mvb)}"
                    f" - betaald € {euro(betaald)}, niet minder dan 0",
                    euro(blok_tekort),
                )
            )
    if not per_termijn:
        tekort = max(Decimal(0), totaal + vakantiebijslag - sum(telt, Decimal(0)))
    bedrag = euro(tekort)
    slot = [
        Stap("LV-WML-TOTAAL", "minimumloon over de periode", euro(totaal)),
        Stap("LV-VAKANTIEBIJSLAG", "minimumvakantiebijslag (mvb_pct) over het minimumloon", euro(vakantiebijslag)),
        Stap("LV-BETAALD", "betaald aan loon en vakantiebijslag", euro(vordering.betaald_bruto)),
    ]
    if inhouding:
        slot.append(Stap("LV-BETAALD-TELT", "telt als betaald op het minimumloon", euro(sum(telt, Decimal(0)))))
    if per_termijn:
        uitleg = "te vorderen: de tekorten per maand opgeteld (het minimumloon is per betalingstermijn verschuldigd)"
    else:
        uitleg = "te vorderen: minimumloon + vakantiebijslag - betaald, niet minder dan 0"
    slot.append(Stap("LV-BEDRAG", uitleg, bedrag))
    return Berekening(
        bedrag_eur=bedrag,
        wml_loon=totaal,
        vakantiebijslag=vakantiebijslag,
        betaald_bruto=vordering.betaald_bruto,
        inkomensgarantie=venster is not None,
        stappen=(*wml_stappen, *inhouding, *garantie, *maand_stappen, *slot),
        beleid=policy.version,
    )
