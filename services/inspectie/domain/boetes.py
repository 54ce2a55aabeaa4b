"""Fines per finding (domain-rules §5). Rule codes: BOETE-WML, BOETE-ARBO, BOETE-WAV,
BOETE-STANDAARD, plus BOETE-RECIDIVE, BOETE-MAXIMUM and BOETE-OMZET applied on top.

A finding is one or more violations: every underpaid worker (WML) or every worker employed without
a permit (Wav) is a violation of its own; an Arbowet or other finding is one violation. Per
violation: the base amount, raised for a repeat offence (art. 18f WML) and capped at the 5th fine
category. Under ser2025 the finding's total is then multiplied by a turnover factor and capped.
Every step is a line of `berekening`; every number comes from policy.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.inspectie.domain.berekening import Stap, euro, getal
from services.inspectie.domain.datums import plus_maanden
from services.inspectie.domain.wml import HONDERD, analyseer
from shared.contract.inspectie import Bevinding, Wet
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


@dataclass(frozen=True)
class _Overtreding:
    """`aantal` identical violations of `bedrag` each (Wav: one per worker)."""

    wie: str
    bedrag: Decimal
    aantal: int = 1


def boete(
    bevinding: Bevinding,
    op: date,
    policy: Policy,
    *,
    eerdere_boetes: Sequence[EerdereBoete] = (),
    aantal_werknemers: int | None = None,
    omzet_eur: Decimal | None = None,
    werkdag: Callable[[date], bool] = is_werkdag,
) -> Boete | None:
    """The fine for one finding established on `op`; None when the finding carries no fine (nobody
    underpaid, or a law that is not fined on that date, such as the Wtta before 2028)."""
    stappen: list[Stap] = []
    nabetaling: Decimal | None = None
    if bevinding.wet == "WML":
        regel = "BOETE-WML"
        overtredingen, nabetaling = _wml(bevinding, op, policy, werkdag, stappen)
    elif bevinding.wet == "Arbowet":
        regel, overtredingen = "BOETE-ARBO", _arbo(bevinding, op, policy, aantal_werknemers, stappen)
    elif bevinding.wet == "Wav":
        regel, overtredingen = "BOETE-WAV", _wav(bevinding, op, policy, stappen)
    else:
        regel, overtredingen = "BOETE-STANDAARD", _standaard(bevinding, op, policy, stappen)
    if not overtredingen:
        return None

    opslag = _recidive(bevinding, op, eerdere_boetes, policy, stappen)
    maximum = policy.decimal("boete_maximum_per_overtreding_eur", op)
    totaal = Decimal(0)
    for overtreding in overtredingen:
        bedrag = overtreding.bedrag * (1 + opslag / HONDERD)
        if bedrag > maximum:
            stappen.append(Stap("BOETE-MAXIMUM", f"{overtreding.wie}: begrensd op de 5e boetecategorie", euro(maximum)))
            bedrag = maximum
        totaal += bedrag * overtreding.aantal
    if policy.value("boete_omzet_koppeling", op):
        totaal = _omzet(totaal, omzet_eur, op, policy, stappen)
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
    )


def _wml(
    bevinding: Bevinding, op: date, policy: Policy, werkdag: Callable[[date], bool], stappen: list[Stap]
) -> tuple[list[_Overtreding], Decimal]:
    """Per underpaid worker: the Beleidsregel table by underpaid % (wage part) and months."""
    if not bevinding.onderbetaling:
        raise OnvoldoendeGegevens(f"WML finding {bevinding.code} has no underpayment lines to compute a fine from")
    tabel: dict[str, Any] = policy.value("wml_boete_tabel", op)
    overtredingen: list[_Overtreding] = []
    nabetaling = Decimal(0)
    for nummer, regel in enumerate(bevinding.onderbetaling, 1):
        ref = f"werknemer {nummer}"  # by position: a computation that leaves the system names no person
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
        if analyse.tekort <= 0:
            stappen.append(Stap("BOETE-WML-GEEN", f"{ref}: niet onderbetaald, geen boete", "0"))
            continue
        nabetaling += analyse.nabetaling
        pct = analyse.pct_onderbetaald.quantize(EEN_DECIMAAL)
        stappen += [
            Stap("BOETE-WML-PCT", f"{ref}: onderbetaald deel van het WML-loon (%)", pct),
            Stap("BOETE-WML-MAANDEN", f"{ref}: duur van de onderbetaling in kalendermaanden", getal(analyse.maanden)),
        ]
        ondergrens = Decimal(str(tabel["ondergrens_onderbetaling_eur"]))
        if analyse.tekort < ondergrens:
            bedrag = Decimal(str(tabel["bedrag_onder_ondergrens_eur"]))
            stappen.append(Stap("BOETE-WML-ONDERGRENS", f"{ref}: onderbetaling onder EUR {ondergrens}", bedrag))
        else:
            bedrag = _tabelbedrag(tabel, analyse.pct_onderbetaald, analyse.maanden)
            stappen.append(Stap("BOETE-WML-TABEL", f"{ref}: bedrag uit de tabel van de Beleidsregel WML", bedrag))
        overtredingen.append(_Overtreding(ref, bedrag))
    return overtredingen, nabetaling


def _tabelbedrag(tabel: dict[str, Any], pct: Decimal, maanden: Decimal) -> Decimal:
    pct_grenzen = [Decimal(str(grens)) for grens in tabel["pct_grenzen"]]
    maand_grenzen = [Decimal(str(grens)) for grens in tabel["maand_grenzen"]]
    rij = bisect.bisect_right(pct_grenzen, pct)
    kolom = 0 if maanden <= maand_grenzen[0] else 1 + bisect.bisect_right(maand_grenzen[1:], maanden)
    return Decimal(str(tabel["bedragen"][rij][kolom]))


def _arbo(
    bevinding: Bevinding, op: date, policy: Policy, aantal_werknemers: int | None, stappen: list[Stap]
) -> list[_Overtreding]:
    """Base amount by severity category, scaled by the employer's headcount [A]."""
    categorieen: dict[str, int] = policy.value("arbo_boete_categorie", op)
    categorie = categorieen["ernstig_gevaar" if bevinding.ernstig_gevaar else "overig"]
    normbedrag = Decimal(str(policy.value("arbo_boete_bedragen", op)[categorie - 1]))
    stappen.append(Stap("BOETE-ARBO-CATEGORIE", f"boetecategorie {categorie}: normbedrag", normbedrag))
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
    return [_Overtreding(bevinding.code, bedrag)]


def _wav(bevinding: Bevinding, op: date, policy: Policy, stappen: list[Stap]) -> list[_Overtreding]:
    per_werknemer = policy.decimal("wav_boete_per_werknemer_eur", op)
    aantal = bevinding.aantal_betrokkenen or 1
    bron = "" if bevinding.aantal_betrokkenen else " (aantal betrokkenen onbekend: 1 [A])"
    stappen.append(Stap("BOETE-WAV", f"{aantal} werknemer(s){bron} x bedrag per werknemer", per_werknemer))
    return [_Overtreding("per werknemer", per_werknemer, aantal)]


def _standaard(bevinding: Bevinding, op: date, policy: Policy, stappen: list[Stap]) -> list[_Overtreding]:
    bedragen: dict[str, int] = policy.value("boete_standaard_per_wet_eur", op)
    if bevinding.wet not in bedragen:
        return []
    bedrag = Decimal(str(bedragen[bevinding.wet]))
    stappen.append(Stap("BOETE-STANDAARD", f"standaardbedrag per bevinding {bevinding.wet} [A]", bedrag))
    return [_Overtreding(bevinding.code, bedrag)]


def _recidive(
    bevinding: Bevinding, op: date, eerdere: Sequence[EerdereBoete], policy: Policy, stappen: list[Stap]
) -> Decimal:
    """+100 % after one final fine for the same violation within the term, +200 % after two, or when
    this and an earlier violation are both serious within the longer term (art. 18f WML)."""
    zelfde = [b for b in eerdere if b.wet == bevinding.wet and b.code == bevinding.code]
    termijn = plus_maanden(op, -12 * int(policy.value("recidive_termijn_jaren", op)))
    termijn_ernstig = plus_maanden(op, -12 * int(policy.value("recidive_termijn_ernstig_jaren", op)))
    binnen_termijn = [b for b in zelfde if termijn <= b.onherroepelijk_op <= op]
    beide_ernstig = bevinding.ernstig_gevaar and any(
        b.ernstig and termijn_ernstig <= b.onherroepelijk_op <= op for b in zelfde
    )
    opslagen: dict[str, int] = policy.value("recidive_opslag_pct", op)
    if len(binnen_termijn) >= 2 or beide_ernstig:
        reden = "beide overtredingen ernstig" if beide_ernstig else f"{len(binnen_termijn)} eerdere boetes"
        opslag = Decimal(opslagen["zwaar"])
    elif binnen_termijn:
        reden, opslag = "1 eerdere boete", Decimal(opslagen["herhaling"])
    else:
        return Decimal(0)
    stappen.append(Stap("BOETE-RECIDIVE", f"recidive ({reden}, onherroepelijk op of na {termijn}): opslag %", opslag))
    return opslag


def _omzet(totaal: Decimal, omzet_eur: Decimal | None, op: date, policy: Policy, stappen: list[Stap]) -> Decimal:
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
    maximum = policy.decimal("boete_omzet_maximum_eur", op)
    if totaal > maximum:
        stappen.append(Stap("BOETE-OMZET-MAXIMUM", "begrensd op het maximum bij omzetkoppeling", euro(maximum)))
        totaal = maximum
    return totaal
