"""The terms of the lease itself (HUIS-001..004): Wet goed verhuurderschap and BW 7:259.

The Wgv binds leases that start on or after its entry into force, so the law is looked up on the
lease's `ingangsdatum`; a lease from before is judged by the law of its own day.
"""

from __future__ import annotations

from datetime import date

from services.huisvesting.domain.uitkomst import (
    Ok,
    Regel,
    Stap,
    Uitkomst,
    beoordeel,
    cent,
    ja,
    onbekend,
    ontbreekt,
    voldaan,
)
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.policy import Policy

WGV = "Wet goed verhuurderschap (Stb. 2023, 103)"

HUIS_001 = Regel(
    code="HUIS-001",
    ernst="H",
    grondslag=WGV,
    norm="huurovereenkomst gescheiden van de arbeidsovereenkomst (huur vanaf Wgv)",
    gegevens=("ingangsdatum", "gescheiden_van_arbeidsovereenkomst"),
)

HUIS_002 = Regel(
    code="HUIS-002",
    ernst="M",
    grondslag=WGV,
    norm="schriftelijke informatie over rechten in een taal die de huurder begrijpt",
    gegevens=("ingangsdatum", "informatie_in_begrijpelijke_taal"),
)

HUIS_003 = Regel(
    code="HUIS-003",
    ernst="M",
    grondslag=WGV,
    norm="borg hoogstens het beleidsveelvoud van de kale huur",
    gegevens=("ingangsdatum", "borg_eur", "huurprijs_per_maand_eur"),
)

HUIS_004 = Regel(
    code="HUIS-004",
    ernst="M",
    grondslag=f"{WGV}; BW 7:259",
    norm="servicekosten gespecificeerd, met jaarlijks overzicht",
    gegevens=("servicekosten_gespecificeerd",),
)


def _wgv(contract: HuurcontractAangeboden, policy: Policy) -> tuple[bool, Stap]:
    geldt = bool(policy.value("huis_wgv_van_kracht", contract.ingangsdatum))
    return geldt, Stap(f"Wgv van toepassing op huur met ingang {contract.ingangsdatum}", geldt)


def huis_001_gescheiden_contracten(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """A lease under the Wgv stands apart from the job contract, so losing the job is not losing the home."""
    geldt, stap = _wgv(contract, policy)
    if not geldt:
        return Ok(HUIS_001.code, (stap,))
    toets = ja(
        contract.gescheiden_van_arbeidsovereenkomst,
        "gescheiden_van_arbeidsovereenkomst",
        "de huurovereenkomst is niet gescheiden van de arbeidsovereenkomst en kan met het werk eindigen",
    )
    return beoordeel(HUIS_001, [toets], [stap])


def huis_002_informatie(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    geldt, stap = _wgv(contract, policy)
    if not geldt:
        return Ok(HUIS_002.code, (stap,))
    toets = ja(
        contract.informatie_in_begrijpelijke_taal,
        "informatie_in_begrijpelijke_taal",
        "de huurder kreeg geen schriftelijke informatie over zijn rechten in een taal die hij begrijpt",
    )
    return beoordeel(HUIS_002, [toets], [stap])


def huis_003_borg(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """Deposit at most a policy multiple of the bare monthly rent (a zero deposit needs no rent to judge)."""
    geldt, stap = _wgv(contract, policy)
    if not geldt:
        return Ok(HUIS_003.code, (stap,))
    borg, huur = contract.borg_eur, contract.huurprijs_per_maand_eur
    stappen = [stap]
    if borg is None:
        toets = ontbreekt({"borg_eur": borg, "huurprijs_per_maand_eur": huur})
    elif borg == 0:
        toets = voldaan(True, "")
    elif huur is None:
        toets = onbekend("huurprijs_per_maand_eur")
    else:
        factor = policy.decimal("huis_borg_max_maal_kale_huur", contract.ingangsdatum)
        maximum = cent(factor * huur)
        stappen += [
            Stap("borg", cent(borg)),
            Stap("maximale borg (x kale huur)", factor),
            Stap(f"maximale borg = {factor} x {cent(huur)}", maximum),
        ]
        toets = voldaan(
            borg <= maximum,
            f"borg {cent(borg)} euro is meer dan {factor} x de kale huur {cent(huur)} euro = {maximum} euro",
        )
    return beoordeel(HUIS_003, [toets], stappen)


def huis_004_servicekosten(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    toets = ja(
        contract.servicekosten_gespecificeerd,
        "servicekosten_gespecificeerd",
        "de servicekosten zijn niet per post gespecificeerd met een jaarlijks overzicht",
    )
    return beoordeel(HUIS_004, [toets])
