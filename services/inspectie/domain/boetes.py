"""Fines per finding (domain-rules §5). Rule codes: BOETE-WML (with BOETE-MVB for the holiday
allowance), BOETE-ARBO, BOETE-WAV, BOETE-STANDAARD, plus BOETE-RECIDIVE, BOETE-MAXIMUM and
BOETE-OMZET applied on top.

A finding is one or more violations: every underpaid worker (WML) or every worker employed without
a permit (Wav) is a violation of its own; an Arbowet or other finding is one violation. Per
violation: the base amount, raised for a repeat of the same violation under the law's own recidive
regime and capped at the 5th fine category in force on the date of the violation. Under ser2025
the finding's total is then multiplied by a turnover factor and capped. Every step is a line of
`berekening`; every number comes from policy.

A WML worker paid the wage in full but not the minimum holiday allowance (art. 15 WML) is a
violation too (defect 8): fined with the same Beleidsregel table, read with the share of the
allowance left unpaid [A]. A WML fine whose minimum wage is not in the policy for part of the
period (before its first rate, or not published yet) is not decided (`NietBeoordeeld`), without
stopping the rest of the inspection (defect 9). That holds for the rate only
(`wml.MinimumloonOnbekend`): any other policy value that is missing is an error, never a fine not
judged.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.inspectie.domain.berekening import Stap, euro, getal
from services.inspectie.domain.ernst import ernstig
from services.inspectie.domain.inhoudingen import OnrechtmatigeInhouding, zonder_onrechtmatige_inhouding
from services.inspectie.domain.overtreding import zelfde_overtreding
from services.inspectie.domain.wml import HONDERD, Analyse, MinimumloonOnbekend, analyseer
from shared.contract.inspectie import Bevinding, OnderbetalingRegel, Wet
from shared.maanden import plus_maanden
from shared.policy import Policy
from shared.werkdagen import is_werkdag

EEN_DECIMAAL = Decimal("0.1")


class OnvoldoendeGegevens(ValueError):
    """The finding lacks the data its fine needs (a WML finding without underpayment lines)."""


@dataclass(frozen=True)
class EerdereBoete:
    """A final (onherroepelijk) earlier fine of the same employer. Lapsed fines are not passed in:
    a fine that lapsed in the back-pay window is no prior offence."""

    wet: Wet
    code: str
    onherroepelijk_op: date
    ernstig: bool = False


@dataclass(frozen=True)
class Boete:
    wet: Wet
    code: str
    regel: str
    bedrag_eur: Decimal
    berekening: tuple[Stap, ...]
    beleid: str
    recidive_pct: Decimal
    nabetaling_eur: Decimal | None
    """Back pay owed including holiday allowance (WML only): what proof of back pay must cover."""
    ernstig: bool = False
    """A serious violation (`ernst.ernstig`): stored with the fine, read by a later recidive."""


@dataclass(frozen=True)
class NietBeoordeeld:
    """A fine, or a stoppage rule (`sancties.stillegging`), that cannot be decided (a minimum wage not
    set, or not held, for part of the period): the inspection's other findings are decided; this
    one waits and says why (`regel` names the rule)."""

    wet: Wet
    code: str
    regel: str
    reden: str
    beleid: str


@dataclass(frozen=True)
class _Overtreding:
    """`aantal` identical violations of `bedrag` each (Wav: one per worker), committed on `pleegdatum`."""

    wie: str
    bedrag: Decimal
    pleegdatum: date
    aantal: int = 1


def boete(
    bevinding: Bevinding,
    op: date,
    policy: Policy,
    *,
    eerdere_boetes: Sequence[EerdereBoete] = (),
    aantal_werknemers: int | None = None,
    omzet_eur: Decimal | None = None,
    inhoudingen: Sequence[OnrechtmatigeInhouding] = (),
    werkdag: Callable[[date], bool] = is_werkdag,
) -> Boete | NietBeoordeeld | None:
    """The fine for one finding established on `op`; None when the finding carries no fine (nobody
    underpaid, or a law that is not fined on that date, such as the Wtta before 2028).

    `aantal_werknemers` is the employer's headcount (latest payroll return), which scales an
    Arbowet fine; `inhoudingen` are the unlawful housing deductions known for the employer's
    workers (HUIS-005), which do not count as wage paid (domain-rules §2 step 3)."""
    stappen: list[Stap] = []
    nabetaling: Decimal | None = None
    if bevinding.wet == "WML":
        regel = "BOETE-WML"
        try:
            overtredingen, nabetaling = _wml(bevinding, op, policy, werkdag, inhoudingen, stappen)
        except MinimumloonOnbekend as exc:  # only the rate itself: any other missing value is an error
            reden = f"WML-boete niet beoordeeld: het minimumloon is voor (een deel van) de periode niet bekend ({exc})"
            return NietBeoordeeld(bevinding.wet, bevinding.code, regel, reden, policy.version)
    elif bevinding.wet == "Arbowet":
        regel, overtredingen = "BOETE-ARBO", _arbo(bevinding, op, policy, aantal_werknemers, stappen)
    elif bevinding.wet == "Wav":
        regel, overtredingen = (
            "BOETE-WAV",
            _per_werknemer(bevinding, op, policy, "wav_boete_per_werknemer_eur", stappen),
        )
    elif bevinding.wet == "WagwEU":
        regel = "BOETE-WAGWEU"
        overtredingen = _per_werknemer(bevinding, op, policy, "wagweu_boete_per_werknemer_eur", stappen)
    else:
        regel, overtredingen = "BOETE-STANDAARD", _standaard(bevinding, op, policy, stappen)
    if not overtredingen:
        return None

    serieus = ernstig(bevinding, op, policy, inhoudingen, werkdag)
    opslag = _recidive(bevinding, op, serieus, eerdere_boetes, policy, stappen)
    totaal = Decimal(0)
    for overtreding in overtredingen:
        bedrag = overtreding.bedrag * (1 + opslag / HONDERD)
        maximum, status = _categoriebedrag(policy, "boete_maximum_per_overtreding_eur", overtreding.pleegdatum)
        if bedrag > maximum:
            stappen.append(
                Stap(
                    "BOETE-MAXIMUM",
                    f"{overtreding.wie}: begrensd op de 5e boetecategorie op de pleegdatum "
                    f"{overtreding.pleegdatum}{status}",
                    euro(maximum),
                )
            )
            bedrag = maximum
        totaal += bedrag * overtreding.aantal
    if policy.value("boete_omzet_koppeling", op):
        pleegdatum = max(overtreding.pleegdatum for overtreding in overtredingen)
        totaal = _omzet(totaal, omzet_eur, op, pleegdatum, policy, stappen)
    bedrag_eur = euro(totaal)
    stappen.append(Stap(f"{regel}-TOTAAL", f"boete {bevinding.wet} {bevinding.code}", bedrag_eur))
    return Boete(
        wet=bevinding.wet,
        code=bevinding.code,
        regel=regel,
        bedrag_eur=bedrag_eur,
        berekening=tuple(stappen),
        beleid=policy.version,
        recidive_pct=opslag,
        nabetaling_eur=None if nabetaling is None else euro(nabetaling),
        ernstig=serieus,
    )


def _wml(
    bevinding: Bevinding,
    op: date,
    policy: Policy,
    werkdag: Callable[[date], bool],
    inhoudingen: Sequence[OnrechtmatigeInhouding],
    stappen: list[Stap],
) -> tuple[list[_Overtreding], Decimal]:
    """Per underpaid worker: the Beleidsregel table by underpaid % (wage part) and months; a worker
    paid the wage but not the holiday allowance: the same table by the share of it left unpaid."""
    if not bevinding.onderbetaling:
        raise OnvoldoendeGegevens(f"WML finding {bevinding.code} has no underpayment lines to compute a fine from")
    tabel: dict[str, Any] = policy.value("wml_boete_tabel", op)
    overtredingen: list[_Overtreding] = []
    nabetaling = Decimal(0)
    for nummer, regel in enumerate(bevinding.onderbetaling, 1):
        ref = f"werknemer {nummer}"  # by position: a computation that leaves the system names no person
        regel = _zonder_onrechtmatige_inhouding(regel, ref, inhoudingen, policy, stappen)
        analyse = analyseer(regel, policy, werkdag)
        if analyse is None:
            stappen.append(Stap("BOETE-WML-NVT", f"{ref}: leeftijd {regel.leeftijd}, WML niet van toepassing", "0"))
            continue
        leeftijd = "21+ (leeftijd onbekend)" if regel.leeftijd is None else f"leeftijd {regel.leeftijd}"
        stappen += [
            Stap(
                "BOETE-WML-LOON",
                f"{ref}: {regel.gewerkte_uren} uur x WML ({leeftijd}), {regel.periode_van} t/m {regel.periode_tot}",
                euro(analyse.wml_loon),
            ),
            Stap("BOETE-WML-BETAALD", f"{ref}: betaald bruto loon", euro(analyse.betaald)),
        ]
        pleegdatum = min(regel.periode_tot, op)
        if analyse.tekort <= 0:
            mvb = _vakantiebijslag(regel, analyse, ref, tabel, policy, stappen)
            if mvb is not None:
                bedrag, tekort = mvb
                nabetaling += tekort
                overtredingen.append(_Overtreding(ref, bedrag, pleegdatum))
            continue
        nabetaling += max(Decimal(0), analyse.nabetaling - (regel.vakantiebijslag_betaald_eur or Decimal(0)))
        pct = analyse.pct_onderbetaald.quantize(EEN_DECIMAAL)
        stappen += [
            Stap("BOETE-WML-PCT", f"{ref}: onderbetaald deel van het WML-loon (%)", pct),
            Stap("BOETE-WML-MAANDEN", f"{ref}: duur van de onderbetaling in kalendermaanden", getal(analyse.maanden)),
        ]
        bedrag = _bedrag(tabel, analyse.tekort, analyse.pct_onderbetaald, analyse.maanden, ref, "BOETE-WML", stappen)
        overtredingen.append(_Overtreding(ref, bedrag, pleegdatum))
    return overtredingen, nabetaling


def _zonder_onrechtmatige_inhouding(
    regel: OnderbetalingRegel,
    ref: str,
    inhoudingen: Sequence[OnrechtmatigeInhouding],
    policy: Policy,
    stappen: list[Stap],
) -> OnderbetalingRegel:
    """The line without what was unlawfully deducted for housing (`inhoudingen.zonder_onrechtmatige_inhouding`),
    with its step."""
    regel, bedrag = zonder_onrechtmatige_inhouding(regel, inhoudingen, policy)
    if bedrag > 0:
        stappen.append(
            Stap(
                "BOETE-WML-INHOUDING",
                f"{ref}: onrechtmatige inhouding voor huisvesting (HUIS-005) telt niet als betaald loon",
                euro(bedrag),
            )
        )
    return regel


def _vakantiebijslag(
    regel: OnderbetalingRegel,
    analyse: Analyse,
    ref: str,
    tabel: dict[str, Any],
    policy: Policy,
    stappen: list[Stap],
) -> tuple[Decimal, Decimal] | None:
    """Art. 15 WML: (fine, shortfall) when the wage was paid in full but the minimum holiday
    allowance was not; None when it was paid or nothing is known about it."""
    if regel.vakantiebijslag_betaald_eur is None:
        stappen.append(
            Stap("BOETE-WML-GEEN", f"{ref}: niet onderbetaald; vakantiebijslag niet opgegeven, geen boete", "0")
        )
        return None
    mvb_pct = policy.decimal("mvb_pct", regel.periode_van)
    verschuldigd = analyse.wml_loon * mvb_pct / HONDERD
    tekort = verschuldigd - regel.vakantiebijslag_betaald_eur
    stappen += [
        Stap(
            "BOETE-MVB-VERSCHULDIGD", f"{ref}: minimumvakantiebijslag {mvb_pct} % van het WML-loon", euro(verschuldigd)
        ),
        Stap("BOETE-MVB-BETAALD", f"{ref}: betaalde vakantiebijslag", euro(regel.vakantiebijslag_betaald_eur)),
    ]
    if tekort <= 0:
        stappen.append(Stap("BOETE-WML-GEEN", f"{ref}: loon en vakantiebijslag volledig betaald, geen boete", "0"))
        return None
    pct = tekort / verschuldigd * HONDERD
    stappen += [
        Stap(
            "BOETE-MVB-PCT", f"{ref}: onbetaald deel van de minimumvakantiebijslag (%) [A]", pct.quantize(EEN_DECIMAAL)
        ),
        Stap("BOETE-MVB-MAANDEN", f"{ref}: duur van de periode in kalendermaanden", getal(analyse.maanden)),
    ]
    return _bedrag(tabel, tekort, pct, analyse.maanden, ref, "BOETE-MVB", stappen), tekort


def _bedrag(
    tabel: dict[str, Any], tekort: Decimal, pct: Decimal, maanden: Decimal, ref: str, regel: str, stappen: list[Stap]
) -> Decimal:
    """The Beleidsregel amount: the floor amount below the floor, else the table cell."""
    ondergrens = Decimal(str(tabel["ondergrens_onderbetaling_eur"]))
    if tekort < ondergrens:
        bedrag = Decimal(str(tabel["bedrag_onder_ondergrens_eur"]))
        stappen.append(Stap(f"{regel}-ONDERGRENS", f"{ref}: onderbetaling onder EUR {ondergrens}", bedrag))
    else:
        bedrag = _tabelbedrag(tabel, pct, maanden)
        stappen.append(Stap(f"{regel}-TABEL", f"{ref}: bedrag uit de tabel van de Beleidsregel WML", bedrag))
    return bedrag


def _tabelbedrag(tabel: dict[str, Any], pct: Decimal, maanden: Decimal) -> Decimal:
    pct_grenzen = [Decimal(str(grens)) for grens in tabel["pct_grenzen"]]
    maand_grenzen = [Decimal(str(grens)) for grens in tabel["maand_grenzen"]]
    rij = bisect.bisect_right(pct_grenzen, pct)
    kolom = 0 if maanden <= maand_grenzen[0] else 1 + bisect.bisect_right(maand_grenzen[1:], maanden)
    return Decimal(str(tabel["bedragen"][rij][kolom]))


def _arbo(
    bevinding: Bevinding, op: date, policy: Policy, aantal_werknemers: int | None, stappen: list[Stap]
) -> list[_Overtreding]:
    """Base amount by severity category, scaled by the employer's headcount [A]; where the fine
    follows turnover (ser2025, SER rec. 1) that factor takes the headcount's place (see `boete`)."""
    categorieen: dict[str, int] = policy.value("arbo_boete_categorie", op)
    categorie = categorieen["ernstig_gevaar" if bevinding.ernstig_gevaar else "overig"]
    normbedrag = Decimal(str(policy.value("arbo_boete_bedragen", op)[categorie - 1]))
    stappen.append(Stap("BOETE-ARBO-CATEGORIE", f"boetecategorie {categorie}: normbedrag", normbedrag))
    if policy.value("boete_omzet_koppeling", op):
        return [_Overtreding(bevinding.code, normbedrag, op)]
    if aantal_werknemers is not None:
        omvang, bron = aantal_werknemers, "volgens loonaangifte"
    else:
        omvang = bevinding.aantal_betrokkenen or 1
        bron = "onbekend; aantal betrokkenen als ondergrens [A]"
    pct = next(
        Decimal(str(band["pct"]))
        for band in policy.value("arbo_schaal_naar_omvang", op)
        if band["tot_werknemers"] is None or omvang < band["tot_werknemers"]
    )
    stappen.append(Stap("BOETE-ARBO-OMVANG", f"{omvang} werknemers ({bron}): percentage van het normbedrag", pct))
    bedrag = normbedrag * pct / HONDERD
    stappen.append(Stap("BOETE-ARBO", "normbedrag x percentage", euro(bedrag)))
    return [_Overtreding(bevinding.code, bedrag, op)]


def _per_werknemer(
    bevinding: Bevinding, op: date, policy: Policy, sleutel: str, stappen: list[Stap]
) -> list[_Overtreding]:
    """A fine per worker involved (Wav: employed without a permit; WagwEU: posted without notification)."""
    per_werknemer = policy.decimal(sleutel, op)
    aantal = bevinding.aantal_betrokkenen or 1
    bron = "" if bevinding.aantal_betrokkenen else " (aantal betrokkenen onbekend: 1 [A])"
    code = "BOETE-WAV" if bevinding.wet == "Wav" else "BOETE-WAGWEU"
    stappen.append(Stap(code, f"{aantal} werknemer(s){bron} x bedrag per werknemer", per_werknemer))
    return [_Overtreding("per werknemer", per_werknemer, op, aantal)]


def _standaard(bevinding: Bevinding, op: date, policy: Policy, stappen: list[Stap]) -> list[_Overtreding]:
    bedragen: dict[str, int] = policy.value("boete_standaard_per_wet_eur", op)
    if bevinding.wet not in bedragen:
        return []
    bedrag = Decimal(str(bedragen[bevinding.wet]))
    stappen.append(Stap("BOETE-STANDAARD", f"standaardbedrag per bevinding {bevinding.wet} [A]", bedrag))
    return [_Overtreding(bevinding.code, bedrag, op)]


def _recidive(
    bevinding: Bevinding,
    op: date,
    serieus: bool,
    eerdere: Sequence[EerdereBoete],
    policy: Policy,
    stappen: list[Stap],
) -> Decimal:
    """The raise for a repeat of the same violation under the law's own regime (policy
    `recidive_regime`): +herhaling_pct after one final fine within the term, +zwaar_pct after two,
    or when this (`serieus`: `ernst.ernstig`) and an earlier violation are both serious within the
    longer term."""
    regime: dict[str, Any] | None = policy.value("recidive_regime", op).get(bevinding.wet)
    if regime is None:
        return Decimal(0)
    zelfde = [b for b in eerdere if zelfde_overtreding(bevinding, b)]
    termijn = plus_maanden(op, -12 * int(regime["termijn_jaren"]))
    termijn_ernstig = plus_maanden(op, -12 * int(regime["termijn_ernstig_jaren"]))
    binnen_termijn = [b for b in zelfde if termijn <= b.onherroepelijk_op <= op]
    beide_ernstig = serieus and any(b.ernstig and termijn_ernstig <= b.onherroepelijk_op <= op for b in zelfde)
    if len(binnen_termijn) >= 2 or beide_ernstig:
        reden = "beide overtredingen ernstig" if beide_ernstig else f"{len(binnen_termijn)} eerdere boetes"
        opslag = Decimal(str(regime["zwaar_pct"]))
    elif binnen_termijn:
        reden, opslag = "1 eerdere boete", Decimal(str(regime["herhaling_pct"]))
    else:
        return Decimal(0)
    status = "" if regime.get("geverifieerd") else "; regime ongeverifieerd [U]"
    stappen.append(
        Stap(
            "BOETE-RECIDIVE",
            f"recidive {bevinding.wet} ({reden}, dezelfde overtreding {bevinding.code}, onherroepelijk op of na "
            f"{termijn}{status}): opslag %",
            opslag,
        )
    )
    return opslag


def _categoriebedrag(policy: Policy, sleutel: str, pleegdatum: date) -> tuple[Decimal, str]:
    """A fine category's amount in force on the date of the violation, and a note when unverified."""
    periode = next((p for p in policy.periods(sleutel) if p.covers(pleegdatum)), None)
    status = "" if periode is None or periode.status == "vastgesteld" else f" ({periode.status} [U])"
    return policy.decimal(sleutel, pleegdatum), status


def _omzet(
    totaal: Decimal, omzet_eur: Decimal | None, op: date, pleegdatum: date, policy: Policy, stappen: list[Stap]
) -> Decimal:
    """ser2025: the fine times a factor by annual turnover (EU SME bands), capped."""
    if omzet_eur is None:
        factor = Decimal(1)
        stappen.append(Stap("BOETE-OMZET", "omzet onbekend: factor 1,0 toegepast", factor))
    else:
        factor = next(
            Decimal(str(band["factor"]))
            for band in policy.value("boete_omzet_banden", op)
            if band["tot_eur"] is None or omzet_eur < Decimal(str(band["tot_eur"]))
        )
        stappen.append(Stap("BOETE-OMZET", f"omzet EUR {euro(omzet_eur)}: factor", factor))
    totaal *= factor
    maximum, status = _categoriebedrag(policy, "boete_omzet_maximum_eur", pleegdatum)
    if totaal > maximum:
        stappen.append(
            Stap(
                "BOETE-OMZET-MAXIMUM",
                f"begrensd op het maximum bij omzetkoppeling op de pleegdatum {pleegdatum}{status}",
                euro(maximum),
            )
        )
        totaal = maximum
    return totaal
