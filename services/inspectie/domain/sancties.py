"""Sanctions beyond the fine itself (domain-rules §5). Rule codes: SANCTIE-HERSTEL (ser2025 back-pay
window), SANCTIE-WAARSCHUWING (written warning), STIL-ERNSTIG-GEVAAR (art. 28 Arbowet),
STIL-HERHALING (art. 28a Arbowet / 18i WML) and STIL-ONDERBETALING (ser2025).

Back-pay window (ser2025, rec. 3): a WML fine is held for a term; if proof of back pay covering
what is owed (holiday allowance included) arrives within it, the fine lapses, otherwise it becomes
final. Repeat offenders get no window. Under current law the window is off: fines are final.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from services.inspectie.domain.berekening import Stap, euro
from services.inspectie.domain.boetes import Boete, NietBeoordeeld
from services.inspectie.domain.ernst import ernstige_onderbetaling
from services.inspectie.domain.inhoudingen import OnrechtmatigeInhouding
from services.inspectie.domain.overtreding import zelfde_overtreding
from shared.contract.inspectie import Betaalbewijs, Bevinding, Wet
from shared.maanden import plus_maanden
from shared.policy import Policy
from shared.werkdagen import is_werkdag


@dataclass(frozen=True)
class Aanhouding:
    """Whether a fine is held pending back pay, and until which day (inclusive)."""

    aangehouden: bool
    tot_en_met: date | None
    reden: str
    beleid: str
    regel: str = "SANCTIE-HERSTEL"


@dataclass(frozen=True)
class Afloop:
    """How a held fine ends: lapsed (back pay proven in time) or final."""

    uitkomst: Literal["vervallen", "onherroepelijk"]
    berekening: tuple[Stap, ...]
    beleid: str
    regel: str = "SANCTIE-HERSTEL"


def herstelbetaling(boete: Boete, opgelegd_op: date, policy: Policy) -> Aanhouding:
    """Decide whether the fine imposed on `opgelegd_op` waits for proof of back pay."""
    if not policy.value("herstelbetaling_actief", opgelegd_op):
        return Aanhouding(False, None, "geen herstelbetalingstermijn onder dit beleid", policy.version)
    if boete.nabetaling_eur is None:
        return Aanhouding(False, None, "alleen een boete wegens onderbetaling wacht op nabetaling", policy.version)
    if boete.recidive_pct > 0:
        return Aanhouding(False, None, "recidive: geen herstelbetalingstermijn", policy.version)
    termijn = int(policy.value("herstelbetaling_termijn_dagen", opgelegd_op))
    tot_en_met = opgelegd_op + timedelta(days=termijn)
    return Aanhouding(True, tot_en_met, f"aangehouden {termijn} dagen voor bewijs van nabetaling", policy.version)


def afloop(
    verschuldigd_eur: Decimal,
    bewijzen: Sequence[Betaalbewijs],
    tot_en_met: date,
    op: date,
    policy: Policy,
    *,
    ook_verschuldigd_eur: Decimal = Decimal(0),
    betaald_tot: date | None = None,
) -> Afloop | None:
    """Judge a held fine on `op` from the proofs that count for it (`tijdige_bewijzen`: paid and
    received within the window); None while it is still pending.

    The fine lapses once these proofs cover what is owed; when they do not, it becomes final on the
    first day after the window. Called on each proof, when fines are imposed, and by the timer that
    fires the day after `tot_en_met`: the window's end lapses a fine whose proofs came in time even
    when none of them was judged before (a fine imposed before stored proofs were judged at
    imposition, with a proof received before it).

    A proof names the inspection, not a fine: `ook_verschuldigd_eur` is the back pay owed under the
    inspection's other fines (held or not: a repeat offence's fine is not held, its back pay is still
    owed), which the same proofs must cover as well. Money paid once counts once, so the
    inspection's held fines lapse together, when the proofs cover all of it.

    Money counts from the day it was paid: judged before the window's end, a proof that states a day
    after `betaald_tot` (the latest day a fact received now can carry) waits for that day; it is held,
    not refused, and counts at the window's end when its day lies within the window.
    """
    if betaald_tot is not None:
        bewijzen = [bewijs for bewijs in bewijzen if bewijs.betaald_op <= betaald_tot]
    betaald = sum((bewijs.bedrag_eur for bewijs in bewijzen), Decimal(0))
    stappen: tuple[Stap, ...] = (
        Stap(
            "SANCTIE-HERSTEL-VERSCHULDIGD",
            "nabetaling verschuldigd, vakantiebijslag inbegrepen",
            euro(verschuldigd_eur),
        ),
    )
    if ook_verschuldigd_eur:
        stappen += (
            Stap(
                "SANCTIE-HERSTEL-GEDEELD",
                "nabetaling verschuldigd onder de andere boetes van de inspectie: een betaalbewijs telt een keer",
                euro(ook_verschuldigd_eur),
            ),
        )
    stappen += (Stap("SANCTIE-HERSTEL-BEWEZEN", f"nabetaling bewezen ({len(bewijzen)} betaalbewijzen)", euro(betaald)),)
    if betaald >= verschuldigd_eur + ook_verschuldigd_eur:
        slot = Stap("SANCTIE-HERSTEL", "tijdig en volledig nabetaald: de boete vervalt", "vervallen")
        return Afloop("vervallen", (*stappen, slot), policy.version)
    if op <= tot_en_met:
        return None
    slot = Stap(
        "SANCTIE-HERSTEL", f"termijn tot en met {tot_en_met} verstreken zonder volledige nabetaling", "onherroepelijk"
    )
    return Afloop("onherroepelijk", (*stappen, slot), policy.version)


def tijdige_bewijzen(bewijzen: Iterable[tuple[Betaalbewijs, date | None]], tot_en_met: date) -> list[Betaalbewijs]:
    """The proofs that count for a window ending on `tot_en_met`: paid within it and received within
    it, each given with its (Dutch) day of receipt. Of a proof stored before the day of receipt was
    kept (None) only its payment day is known: it is taken as received in time when paid in time."""
    return [
        bewijs
        for bewijs, ontvangen_op in bewijzen
        if bewijs.betaald_op <= tot_en_met and (ontvangen_op is None or ontvangen_op <= tot_en_met)
    ]


@dataclass(frozen=True)
class Waarschuwing:
    """A written warning after a fined violation; a repeat of the same violation while it stands
    allows a stoppage. Withdrawn (`ingetrokken_op`) with its fine when that lapses: a lapsed fine is
    no prior offence, so it grounds no stoppage either (defect 6)."""

    wet: Wet
    code: str
    inspectie_id: str
    gegeven_op: date
    geldig_tot_en_met: date
    regel: str = "SANCTIE-WAARSCHUWING"
    boete_id: str | None = None
    ingetrokken_op: date | None = None


def waarschuwing_na(
    bevinding: Bevinding, inspectie_id: str, op: date, policy: Policy, boete_id: str | None = None
) -> Waarschuwing | None:
    """The written warning that goes with a fine for this finding (None for laws without the regime)."""
    if bevinding.wet not in policy.value("stillegging_herhaling_wetten", op):
        return None
    jaren = int(policy.value("waarschuwing_geldig_jaren", op))
    geldig_tot_en_met = plus_maanden(op, 12 * jaren) - timedelta(days=1)
    return Waarschuwing(bevinding.wet, bevinding.code, inspectie_id, op, geldig_tot_en_met, boete_id=boete_id)


def geldige_waarschuwingen(waarschuwingen: Sequence[Waarschuwing], op: date) -> list[Waarschuwing]:
    """Warnings that stand on `op`: given before it, not expired and not withdrawn by then."""
    return [
        w
        for w in waarschuwingen
        if w.gegeven_op < op <= w.geldig_tot_en_met and (w.ingetrokken_op is None or op < w.ingetrokken_op)
    ]


@dataclass(frozen=True)
class Stillegging:
    grond: Literal["ernstig_gevaar", "herhaling", "ernstige_onderbetaling"]
    regel: str
    wet: Wet
    code: str
    vanaf: date
    uiterlijk_tot_en_met: date | None
    """None: until the danger ends; otherwise the longest stoppage the law allows."""
    berekening: tuple[Stap, ...]
    beleid: str


def stillegging(
    bevinding: Bevinding,
    op: date,
    policy: Policy,
    waarschuwingen: Sequence[Waarschuwing] = (),
    werkdag: Callable[[date], bool] = is_werkdag,
    *,
    inhoudingen: Sequence[OnrechtmatigeInhouding] = (),
) -> Stillegging | NietBeoordeeld | None:
    """Whether the finding established on `op` warrants stopping the work (the inspector decides).

    Serious danger grounds an immediate stop only for the laws of `stillegging_ernstig_gevaar_wetten`
    (art. 28 Arbowet; under ser2025 the WML as well). For a WML finding the serious danger is the
    underpayment: it counts as such only when it passes the thresholds of `ernst.ernstige_onderbetaling`
    (SER rec. 1), so the inspector's mark alone grounds no stop. A repeat counts only as the same
    violation (same law and code) while a warning for it stands.

    `inhoudingen` are the unlawful housing deductions known for the employer's workers: as in the
    fine, they do not count as wage paid. When the underpayment test decides nothing because a
    worker's minimum wage is not in the policy for (part of) the period, and no other ground stops
    the work, the outcome is `NietBeoordeeld` for the rule that could not be applied (the
    inspector sees it in `niet_beoordeeld`), never a silent None."""
    onbekend: tuple[str, ...] = ()
    onderbetaling: tuple[Stap, ...] | None = None  # a WML finding's test, run once for both grounds
    getekend = bevinding.ernstig_gevaar and bevinding.wet in policy.value("stillegging_ernstig_gevaar_wetten", op)
    if getekend:
        # a WML finding's danger is its underpayment: serious only past the thresholds (SER rec. 1)
        if bevinding.wet == "WML":
            onderbetaling, onbekend = ernstige_onderbetaling(bevinding, op, policy, werkdag, inhoudingen)
        if bevinding.wet != "WML" or onderbetaling:
            omschrijving = (
                "ernstig gevaar (art. 28 Arbowet): direct, tot het gevaar weg is"
                if bevinding.wet == "Arbowet"
                else f"ernstig gevaar bij een {bevinding.wet}-bevinding (beleid {policy.variant}): direct, "
                "tot het gevaar weg is"
            )
            stap = Stap("STIL-ERNSTIG-GEVAAR", omschrijving, "ja")
            berekening = (stap, *(onderbetaling or ()))
            return Stillegging(
                "ernstig_gevaar", stap.stap, bevinding.wet, bevinding.code, op, None, berekening, policy.version
            )
    staande = [w for w in geldige_waarschuwingen(waarschuwingen, op) if zelfde_overtreding(bevinding, w)]
    if staande and bevinding.wet in policy.value("stillegging_herhaling_wetten", op):
        eerste = min(staande, key=lambda w: w.gegeven_op)
        maanden = int(policy.value("stillegging_herhaling_max_maanden", op))
        stap = Stap(
            "STIL-HERHALING",
            f"herhaalde overtreding {bevinding.wet} {bevinding.code} terwijl de waarschuwing van {eerste.gegeven_op} "
            f"(inspectie {eerste.inspectie_id}) geldt: ten hoogste {maanden} maanden",
            str(maanden),
        )
        tot = plus_maanden(op, maanden) - timedelta(days=1)
        return Stillegging("herhaling", stap.stap, bevinding.wet, bevinding.code, op, tot, (stap,), policy.version)
    if bevinding.wet == "WML" and policy.value("stillegging_onderbetaling_actief", op):
        if onderbetaling is None:
            onderbetaling, onbekend = ernstige_onderbetaling(bevinding, op, policy, werkdag, inhoudingen)
        if onderbetaling:
            return Stillegging(
                "ernstige_onderbetaling",
                "STIL-ONDERBETALING",
                "WML",
                bevinding.code,
                op,
                None,
                onderbetaling,
                policy.version,
            )
    if onbekend:
        regel = "STIL-ERNSTIG-GEVAAR" if getekend else "STIL-ONDERBETALING"
        reden = (
            "stillegging niet beoordeeld: het minimumloon is voor (een deel van) de periode niet bekend ("
            + "; ".join(onbekend)
            + ")"
        )
        return NietBeoordeeld(bevinding.wet, bevinding.code, regel, reden, policy.version)
    return None
