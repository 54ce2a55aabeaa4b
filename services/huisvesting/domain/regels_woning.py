"""The dwelling itself (HUIS-006..008): space, bedrooms and sanitary facilities (SNF norm).

Norms are looked up on the check date: they concern how people live there now.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.huisvesting.domain.uitkomst import (
    Regel,
    Stap,
    Toets,
    Uitkomst,
    beoordeel,
    cent,
    ja,
    onbekend,
    ontbreekt,
    voldaan,
)
from shared.contract.huisvesting import HuurcontractAangeboden, Woning
from shared.policy import Policy

SNF = "SNF-norm"

HUIS_006 = Regel(
    code="HUIS-006",
    ernst="M",
    grondslag=SNF,
    norm="minimale oppervlakte per bewoner; in nieuwbouw en hotels ook bewoners per slaapkamer",
    gegevens=(
        "woning.soort",
        "woning.oppervlakte_m2",
        "woning.bewoners",
        "woning.slaapkamers",
        "woning.gedeelde_slaapkamer_schriftelijk_gekozen",
    ),
)

HUIS_007 = Regel(
    code="HUIS-007",
    ernst="M",
    grondslag=SNF,
    norm="minimale slaapkameroppervlakte per persoon",
    gegevens=("woning.kleinste_slaapkamer_m2_per_persoon",),
)

HUIS_008 = Regel(
    code="HUIS-008",
    ernst="M",
    grondslag=SNF,
    norm="genoeg toiletten en douches voor het aantal bewoners",
    gegevens=("woning.bewoners", "woning.toiletten", "woning.douches"),
)


def _slaapkamerbezetting(woning: Woning, limieten: dict[str, int], stappen: list[Stap]) -> Toets:
    if woning.bewoners is None or woning.slaapkamers is None:
        return ontbreekt({"woning.bewoners": woning.bewoners, "woning.slaapkamers": woning.slaapkamers})
    standaard, met_keuze = int(limieten["standaard"]), int(limieten["schriftelijke_keuze"])
    stappen.append(Stap("bewoners per slaapkamer hoogstens (met schriftelijke keuze)", f"{standaard} ({met_keuze})"))
    tekort = (
        f"{woning.bewoners} bewoners op {woning.slaapkamers} slaapkamers: hoogstens {standaard} per slaapkamer, "
        f"of {met_keuze} als de bewoners daar schriftelijk voor kozen"
    )
    if woning.bewoners <= standaard * woning.slaapkamers:
        return voldaan(True, "")
    if woning.bewoners > met_keuze * woning.slaapkamers:
        return voldaan(False, tekort)
    return ja(
        woning.gedeelde_slaapkamer_schriftelijk_gekozen, "woning.gedeelde_slaapkamer_schriftelijk_gekozen", tekort
    )


def huis_006_oppervlakte(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """Floor area per resident by kind of dwelling; new-build complexes and hotels also limit bedroom sharing."""
    woning = contract.woning or Woning()
    if woning.soort is None:
        velden = {
            "woning.soort": None,
            "woning.oppervlakte_m2": woning.oppervlakte_m2,
            "woning.bewoners": woning.bewoners,
        }
        return beoordeel(HUIS_006, [ontbreekt(velden)])
    minimum = Decimal(str(policy.value("huis_m2_per_persoon_min", peildatum)[woning.soort]))
    stappen = [Stap(f"minimale oppervlakte per bewoner ({woning.soort})", minimum)]
    toetsen: list[Toets] = []
    if woning.oppervlakte_m2 is None or woning.bewoners is None:
        toetsen.append(ontbreekt({"woning.oppervlakte_m2": woning.oppervlakte_m2, "woning.bewoners": woning.bewoners}))
    else:
        per_bewoner = woning.oppervlakte_m2 / woning.bewoners
        stappen.append(
            Stap(f"oppervlakte per bewoner = {woning.oppervlakte_m2} / {woning.bewoners}", cent(per_bewoner))
        )
        toetsen.append(
            voldaan(
                woning.oppervlakte_m2 >= minimum * woning.bewoners,
                f"{cent(per_bewoner)} m2 per bewoner ({woning.oppervlakte_m2} m2, {woning.bewoners} bewoners) "
                f"is minder dan {minimum} m2",
            )
        )
    limieten = policy.value("huis_personen_per_slaapkamer_max", peildatum).get(woning.soort)
    if limieten:
        toetsen.append(_slaapkamerbezetting(woning, limieten, stappen))
    return beoordeel(HUIS_006, toetsen, stappen)


def huis_007_slaapkamer(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    kleinste = (contract.woning or Woning()).kleinste_slaapkamer_m2_per_persoon
    if kleinste is None:
        return beoordeel(HUIS_007, [onbekend("woning.kleinste_slaapkamer_m2_per_persoon")])
    minimum = policy.decimal("huis_slaapkamer_m2_per_persoon_min", peildatum)
    stappen = [Stap("kleinste slaapkamer per persoon (m2)", kleinste), Stap("minimum per persoon (m2)", minimum)]
    toets = voldaan(
        kleinste >= minimum, f"de kleinste slaapkamer geeft {kleinste} m2 per persoon, minder dan {minimum} m2"
    )
    return beoordeel(HUIS_007, [toets], stappen)


def _sanitair(bewoners: int, aantal: int | None, veld: str, naam: str, maximum: int) -> Toets:
    if aantal is None:
        return onbekend(veld)
    return voldaan(
        bewoners <= maximum * aantal, f"{aantal} {naam} voor {bewoners} bewoners (hoogstens {maximum} per stuk)"
    )


def huis_008_sanitair(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    woning = contract.woning or Woning()
    if woning.bewoners is None:
        return beoordeel(HUIS_008, [onbekend("woning.bewoners")])
    per_toilet = int(policy.value("huis_personen_per_toilet_max", peildatum))
    per_douche = int(policy.value("huis_personen_per_douche_max", peildatum))
    stappen = [
        Stap("bewoners", woning.bewoners),
        Stap("bewoners per toilet hoogstens", per_toilet),
        Stap("bewoners per douche hoogstens", per_douche),
    ]
    toetsen = [
        _sanitair(woning.bewoners, woning.toiletten, "woning.toiletten", "toilet(ten)", per_toilet),
        _sanitair(woning.bewoners, woning.douches, "woning.douches", "douche(s)", per_douche),
    ]
    return beoordeel(HUIS_008, toetsen, stappen)
