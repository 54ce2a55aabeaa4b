"""Rent deducted from the minimum wage (HUIS-005; art. 13 WML, art. 2a Besluit WML).

A deduction is lawful only if every condition holds: at most a policy share of the worker's own
monthly WML in each month of deduction (`shared.inhouding`: the hourly WML in force that month for
the worker's age x `uren_per_week`, by default the policy's full-time week, x 52/12), a written
authorisation, a copy of the lease kept by the employer, certified housing or a housing
corporation as landlord, and a worker who is not posted from another EU state. Each condition whose
fact is unknown leaves the rule `niet_beoordeeld` with that field named (unless another condition is
already broken); the lease copy is `kopie_huurcontract_bij_werkgever`, a field added to the contract.

The months of deduction run from the lease's start to the check date (or the lease's end); a
lease not yet begun is judged on its first month. Defect 11: the cap was read once, at the adult
rate on the lease start. domain-rules §6 says "hourly WML at the contract date"; the statute (art.
13 WML: the deduction is measured against the minimum wage owed for the pay period) wins: each
month at its own WML, and a youth rate lowers the cap. A month whose WML is not known yet is not
judged (`niet_beoordeeld`) unless another month already breaks the cap; that holds for the minimum
wage itself only: any other policy value the cap needs (its %, the full-time week, the youth bands)
that is missing is an error, never a month not judged.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from services.huisvesting.domain.uitkomst import (
    Bevinding,
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
from shared.inhouding import MaximaleInhouding, maximale_inhouding
from shared.maanden import maand_van
from shared.policy import NoPolicyValueOn, Policy, UnknownPolicyValue
from shared.wml import OMREKENING, GeenMinimumloon

HUIS_005 = Regel(
    code="HUIS-005",
    ernst="H",
    grondslag="art. 13 WML; art. 2a Besluit WML (Stb. 2016, 419)",
    norm="inhouding van huur op het minimumloon alleen binnen het maximum, met schriftelijke volmacht, "
    "een kopie van het huurcontract bij de werkgever, gecertificeerde woning of woningcorporatie, "
    "en niet bij detachering vanuit de EU",
    gegevens=(
        "ingangsdatum",
        "inhouding_op_loon_per_maand_eur",
        "uren_per_week",
        "schriftelijke_toestemming_inhouding",
        "kopie_huurcontract_bij_werkgever",
        "gecertificeerd",
        "verhuurder.is_woningcorporatie",
        "huurder.gedetacheerd_vanuit_eu",
        "huurder.leeftijd",
        "beleid.wml_uurloon_21plus",
        "beleid.fulltime_week_uren",
    ),
)
TARIEF = "wml_uurloon_21plus"
"""The policy key of the hourly minimum wage itself, which every age band and month's cap derive from."""


def maanden_van_inhouding(contract: HuurcontractAangeboden, peildatum: date) -> list[date]:
    """The first days of the calendar months of deduction: from the lease's start up to the check
    date or the lease's end, whichever is first (at least the first month)."""
    einde = peildatum if contract.einddatum is None else min(peildatum, contract.einddatum)
    maand, laatste = contract.ingangsdatum.replace(day=1), max(contract.ingangsdatum, einde).replace(day=1)
    maanden = []
    while maand <= laatste:
        maanden.append(maand)
        maand = maand_van(maand)[1] + timedelta(days=1)
    return maanden


def _maximum_stappen(m: MaximaleInhouding, eerste: bool, stappen: list[Stap]) -> None:
    if eerste:
        stappen += [
            Stap(f"minimumuurloon {m.tarief.groep} op {m.maand}", m.tarief.bedrag),
            Stap("uren per week" + (" (beleid: voltijd)" if m.uren_uit_beleid else ""), m.uren_per_week),
            Stap(
                f"minimumloon per maand = {m.tarief.bedrag} x {m.uren_per_week} x {OMREKENING.replace('/', ' / ')}",
                cent(m.maandloon),
            ),
            Stap(f"maximale inhouding = {m.pct}% van het minimumloon per maand", cent(m.bedrag)),
        ]
    else:
        stappen.append(
            Stap(
                f"maximale inhouding vanaf {m.maand:%Y-%m} = {m.pct}% van {m.tarief.bedrag} x {m.uren_per_week} "
                f"x {OMREKENING.replace('/', ' / ')} ({m.tarief.groep})",
                cent(m.bedrag),
            )
        )


def _minimumloon_bekend(maand: date, policy: Policy) -> bool:
    """Whether the policy holds the minimum wage itself (`TARIEF`) on the month's first day, the day
    the cap reads it. Only its absence (not published yet, or before the policy's first rate) leaves
    a month not judged; any other policy value the cap needs that is missing surfaces as the error
    it is (a fault of the policy data, not a minimum wage unknown)."""
    try:
        policy.in_force(TARIEF, maand.replace(day=1))
    except (NoPolicyValueOn, UnknownPolicyValue):
        return False
    return True


def _inhouding_binnen_maximum(
    contract: HuurcontractAangeboden, inhouding: Decimal, peildatum: date, policy: Policy, stappen: list[Stap]
) -> Toets:
    """The deduction is within the cap of every month of deduction (each at its own WML and age)."""
    leeftijd = (contract.huurder or Huurder()).leeftijd
    vorige: Decimal | None = None
    onbekende_maanden: list[date] = []
    for maand in maanden_van_inhouding(contract, peildatum):
        if not _minimumloon_bekend(maand, policy):
            onbekende_maanden.append(maand)
            continue
        try:
            m = maximale_inhouding(maand, leeftijd, contract.uren_per_week, policy)
        except GeenMinimumloon:
            continue  # no minimum wage at this age: nothing to deduct it from
        maximum = cent(m.bedrag)
        if maximum != vorige:
            _maximum_stappen(m, vorige is None, stappen)
            vorige = maximum
        if inhouding > maximum:
            vanaf = "" if maand == contract.ingangsdatum.replace(day=1) else f" (vanaf {maand:%Y-%m})"
            return voldaan(
                False,
                f"inhouding {cent(inhouding)} euro per maand is meer dan {m.pct}% van het minimumloon "
                f"({cent(m.maandloon)} euro) = {maximum} euro{vanaf}",
            )
    if onbekende_maanden:
        stappen.append(
            Stap("minimumloon nog niet bekend voor", ", ".join(f"{maand:%Y-%m}" for maand in onbekende_maanden))
        )
        return ontbreekt({"beleid.wml_uurloon_21plus": None})
    return voldaan(True, "")


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


def _voorwaarden(contract: HuurcontractAangeboden) -> list[Toets]:
    """The conditions of art. 2a Besluit WML other than the cap."""
    huurder = contract.huurder or Huurder()
    return [
        ja(
            contract.schriftelijke_toestemming_inhouding,
            "schriftelijke_toestemming_inhouding",
            "er is geen schriftelijke volmacht van de werknemer voor de inhouding",
        ),
        ja(
            contract.kopie_huurcontract_bij_werkgever,
            "kopie_huurcontract_bij_werkgever",
            "de werkgever bewaart geen kopie van het huurcontract",
        ),
        _woning_toegestaan(contract),
        ja(
            None if huurder.gedetacheerd_vanuit_eu is None else not huurder.gedetacheerd_vanuit_eu,
            "huurder.gedetacheerd_vanuit_eu",
            "bij een vanuit de EU gedetacheerde werknemer mag geen huur op het minimumloon worden ingehouden",
        ),
    ]


def huis_005_inhouding_op_loon(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """Rent may come off the minimum wage only if every condition of art. 2a Besluit WML holds."""
    inhouding = contract.inhouding_op_loon_per_maand_eur
    if inhouding is None:
        return beoordeel(HUIS_005, [onbekend("inhouding_op_loon_per_maand_eur")])
    stappen = [Stap("inhouding op het loon per maand", cent(inhouding))]
    if inhouding == 0:
        return Ok(HUIS_005.code, tuple(stappen))
    toetsen = [_inhouding_binnen_maximum(contract, inhouding, peildatum, policy, stappen), *_voorwaarden(contract)]
    return beoordeel(HUIS_005, toetsen, stappen)


def onrechtmatige_inhouding(contract: HuurcontractAangeboden, uitkomst: Uitkomst) -> dict[str, Any] | None:
    """What a wage computation needs of a deduction that breaks HUIS-005 (domain-rules §2 step 3: an
    unlawful deduction does not count as paid): the worker, the months (the lease), the monthly
    amount, and whether only the cap is broken (then only the part above each month's cap is
    unlawful, `shared.inhouding`). None when HUIS-005 holds or the worker is not named."""
    huurder = contract.huurder or Huurder()
    if (
        not isinstance(uitkomst, Bevinding)
        or huurder.werknemer_ref is None
        or not contract.inhouding_op_loon_per_maand_eur
    ):
        return None
    return {
        "werknemer_ref": huurder.werknemer_ref,
        "van": contract.ingangsdatum.isoformat(),
        "tot": None if contract.einddatum is None else contract.einddatum.isoformat(),
        "per_maand_eur": contract.inhouding_op_loon_per_maand_eur,
        "voorwaarden_voldaan": not any(t.voldaan is False for t in _voorwaarden(contract)),
        "uren_per_week": contract.uren_per_week,
        "leeftijd": huurder.leeftijd,
    }
