"""Rent deducted from the minimum wage (HUIS-005; art. 13 WML, art. 2a Besluit WML).

A deduction is lawful only if every condition holds: at most a policy share of the monthly WML
(hourly WML on the lease's start x `uren_per_week`, by default the policy's full-time week, x 52/12),
a written authorisation, certified housing or a housing corporation as landlord, and a worker who is
not posted from another EU state. Whether the employer keeps a copy of the lease is a condition too,
but the contract carries no data on it, so it is not checked.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.huisvesting.domain.uitkomst import (
    Ok,
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
from shared.contract.huisvesting import HuurcontractAangeboden, Huurder
from shared.policy import Policy, PolicyError

WEKEN_PER_JAAR = 52
MAANDEN_PER_JAAR = 12

HUIS_005 = Regel(
    code="HUIS-005",
    ernst="H",
    grondslag="art. 13 WML; art. 2a Besluit WML (Stb. 2016, 419)",
    norm="inhouding van huur op het minimumloon alleen binnen het maximum, met schriftelijke volmacht, "
    "gecertificeerde woning of woningcorporatie, en niet bij detachering vanuit de EU",
    gegevens=(
        "ingangsdatum",
        "inhouding_op_loon_per_maand_eur",
        "uren_per_week",
        "schriftelijke_toestemming_inhouding",
        "gecertificeerd",
        "verhuurder.is_woningcorporatie",
        "huurder.gedetacheerd_vanuit_eu",
        "beleid.wml_uurloon_21plus",
        "beleid.fulltime_week_uren",
    ),
)


def _beleid(policy: Policy, sleutel: str, op: date) -> Decimal | None:
    """A policy value that may be missing or not yet known for `op` (e.g. a future minimum wage)."""
    try:
        return policy.decimal(sleutel, op)
    except PolicyError:
        return None


def _inhouding_binnen_maximum(
    contract: HuurcontractAangeboden, inhouding: Decimal, policy: Policy, stappen: list[Stap]
) -> Toets:
    op = contract.ingangsdatum
    uurloon = _beleid(policy, "wml_uurloon_21plus", op)
    uren = contract.uren_per_week if contract.uren_per_week is not None else _beleid(policy, "fulltime_week_uren", op)
    if uurloon is None or uren is None:
        return ontbreekt({"beleid.wml_uurloon_21plus": uurloon, "beleid.fulltime_week_uren": uren})
    pct = policy.decimal("huis_inhouding_max_pct_wml", op)
    maandloon = uurloon * uren * WEKEN_PER_JAAR / MAANDEN_PER_JAAR
    maximum = cent(maandloon * pct / 100)
    stappen += [
        Stap(f"minimumuurloon 21+ op {op}", uurloon),
        Stap("uren per week" + ("" if contract.uren_per_week is not None else " (beleid: voltijd)"), uren),
        Stap(f"minimumloon per maand = {uurloon} x {uren} x 52 / 12", cent(maandloon)),
        Stap(f"maximale inhouding = {pct}% van het minimumloon per maand", maximum),
    ]
    return voldaan(
        inhouding <= maximum,
        f"inhouding {cent(inhouding)} euro per maand is meer dan {pct}% van het minimumloon "
        f"({cent(maandloon)} euro) = {maximum} euro",
    )


def _woning_toegestaan(contract: HuurcontractAangeboden) -> Toets:
    """Certified housing, or a housing corporation as landlord.

    A housing corporation (*toegelaten instelling*) works only in housing, so a landlord that is the
    worker's employer is not one: that settles an unknown `is_woningcorporatie`.
    """
    verhuurder = contract.verhuurder
    corporatie = (
        False if verhuurder.is_woningcorporatie is None and verhuurder.is_werkgever else verhuurder.is_woningcorporatie
    )
    if contract.gecertificeerd or corporatie:
        return voldaan(True, "")
    if contract.gecertificeerd is None or corporatie is None:
        return ontbreekt({"gecertificeerd": contract.gecertificeerd, "verhuurder.is_woningcorporatie": corporatie})
    return voldaan(False, "de woning is niet gecertificeerd en de verhuurder is geen woningcorporatie")


def huis_005_inhouding_op_loon(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """Rent may come off the minimum wage only if every condition of art. 2a Besluit WML holds."""
    inhouding = contract.inhouding_op_loon_per_maand_eur
    if inhouding is None:
        return beoordeel(HUIS_005, [onbekend("inhouding_op_loon_per_maand_eur")])
    stappen = [Stap("inhouding op het loon per maand", cent(inhouding))]
    if inhouding == 0:
        return Ok(HUIS_005.code, tuple(stappen))
    huurder = contract.huurder or Huurder()
    toetsen = [
        _inhouding_binnen_maximum(contract, inhouding, policy, stappen),
        ja(
            contract.schriftelijke_toestemming_inhouding,
            "schriftelijke_toestemming_inhouding",
            "er is geen schriftelijke volmacht van de werknemer voor de inhouding",
        ),
        _woning_toegestaan(contract),
        ja(
            None if huurder.gedetacheerd_vanuit_eu is None else not huurder.gedetacheerd_vanuit_eu,
            "huurder.gedetacheerd_vanuit_eu",
            "bij een vanuit de EU gedetacheerde werknemer mag geen huur op het minimumloon worden ingehouden",
        ),
    ]
    return beoordeel(HUIS_005, toetsen, stappen)
