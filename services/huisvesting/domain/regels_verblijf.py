"""The stay and the lease's real nature (HUIS-009..013): short stay, notice, fixed term, BRP, SER.

These rules depend on how long the lease really lasts (see :mod:`verblijf`), so their outcome can
change with the check date alone; :mod:`controlemomenten` finds those dates.
"""

from __future__ import annotations

from datetime import date, timedelta

from services.huisvesting.domain.termijnen import plus_maanden
from services.huisvesting.domain.uitkomst import Ok, Regel, Stap, Uitkomst, beoordeel, ja, onbekend, ontbreekt, voldaan
from services.huisvesting.domain.verblijf import (
    huurduur_dagen,
    kort_van_aard,
    verblijf_start,
    wettelijke_opzegtermijn_dagen,
    wettelijke_opzegtermijn_maanden,
)
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.policy import Policy

HUIS_009 = Regel(
    code="HUIS-009",
    ernst="S",
    grondslag="BW 7:232 lid 2",
    norm="huur naar aard van korte duur alleen voor een kort verblijf",
    gegevens=("contractvorm", "ingangsdatum", "einddatum", "verblijf_sinds"),
)

HUIS_010 = Regel(
    code="HUIS-010",
    ernst="M",
    grondslag="BW 7:271 lid 5 en 6",
    norm="opzegtermijn verhuurder minstens de wettelijke termijn",
    gegevens=("contractvorm", "ingangsdatum", "einddatum", "verblijf_sinds", "opzegtermijn_dagen"),
)

HUIS_011 = Regel(
    code="HUIS-011",
    ernst="M",
    grondslag="Wet vaste huurcontracten (Stb. 2024, 152)",
    norm="geen tijdelijk huurcontract",
    gegevens=("contractvorm", "ingangsdatum", "einddatum", "verblijf_sinds"),
)

HUIS_012 = Regel(
    code="HUIS-012",
    ernst="M",
    grondslag="Wet BRP art. 2.38",
    norm="inschrijving in de BRP bij een verwacht verblijf van enkele maanden",
    gegevens=("ingangsdatum", "einddatum", "verblijf_sinds", "brp_ingeschreven"),
)

HUIS_013 = Regel(
    code="HUIS-013",
    ernst="S",
    grondslag="SER briefadvies 2025, aanbevelingen 8 en 9",
    norm="doelgroepencontract met wettelijke opzegtermijn; werkgever controleert de BRP-inschrijving",
    gegevens=(
        "contractvorm",
        "opzegtermijn_dagen",
        "ingangsdatum",
        "verblijf_sinds",
        "brp_inschrijving_gecontroleerd_door_werkgever",
    ),
)


def _duur_stappen(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> list[Stap]:
    einde = "einddatum" if contract.einddatum is not None else "peildatum"
    return [
        Stap(f"huurduur in dagen (vanaf {verblijf_start(contract)} tot {einde})", huurduur_dagen(contract, peildatum)),
        Stap("korte duur hoogstens (dagen)", int(policy.value("huis_korte_duur_max_dagen", peildatum))),
    ]


def huis_009_korte_duur(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """Signal a lease labelled short-stay whose real length is not short (it may be a way round tenant protection)."""
    stappen = _duur_stappen(contract, peildatum, policy)
    if kort_van_aard(contract, peildatum, policy):
        return Ok(HUIS_009.code, tuple(stappen))
    if contract.contractvorm is None:
        toets = onbekend("contractvorm")
    else:
        toets = voldaan(
            contract.contractvorm != "korte_duur",
            f"huur 'naar aard van korte duur' voor een verblijf van {huurduur_dagen(contract, peildatum)} dagen",
        )
    return beoordeel(HUIS_009, [toets], stappen)


def _huurbescherming(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> bool | None:
    """Whether the lease has tenant protection: every lease except one that really is short by nature."""
    if contract.contractvorm in ("regulier", "doelgroepencontract"):
        return True
    if not kort_van_aard(contract, peildatum, policy):
        return True
    return None if contract.contractvorm is None else False


def huis_010_opzegtermijn(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """The landlord's notice is at least the statutory term; too short a notice only takes effect after that term."""
    stappen = _duur_stappen(contract, peildatum, policy)
    beschermd = _huurbescherming(contract, peildatum, policy)
    stappen.append(Stap("huurbescherming (niet naar aard van korte duur)", beschermd))
    if beschermd is False:
        return Ok(HUIS_010.code, tuple(stappen))
    maanden = wettelijke_opzegtermijn_maanden(contract, peildatum, policy)
    dagen = wettelijke_opzegtermijn_dagen(contract, peildatum, policy)
    stappen += [
        Stap("wettelijke opzegtermijn verhuurder (maanden)", maanden),
        Stap("in dagen, ongeacht de dag van opzegging", dagen),
    ]
    if contract.opzegtermijn_dagen is None:
        return beoordeel(HUIS_010, [onbekend("opzegtermijn_dagen")], stappen)
    stappen.append(Stap("opzegtermijn in het contract (dagen)", contract.opzegtermijn_dagen))
    if contract.opzegtermijn_dagen >= dagen:
        return Ok(HUIS_010.code, tuple(stappen))
    toets = (
        onbekend("contractvorm")
        if beschermd is None
        else voldaan(
            False,
            f"opzegtermijn van {contract.opzegtermijn_dagen} dagen is korter dan de wettelijke {maanden} maanden; "
            f"een opzegging door de verhuurder op {peildatum} gaat pas in op {plus_maanden(peildatum, maanden)}",
        )
    )
    return beoordeel(HUIS_010, [toets], stappen)


def huis_011_geen_tijdelijk_contract(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """No fixed-term lease from the ban date; a lease that is really short by nature is not a fixed-term lease."""
    if contract.einddatum is None:
        return Ok(HUIS_011.code, (Stap("huur voor onbepaalde tijd", True),))
    verboden = bool(policy.value("huis_tijdelijk_huurcontract_verboden", contract.ingangsdatum))
    stappen = [Stap(f"tijdelijke huur verboden voor huur met ingang {contract.ingangsdatum}", verboden)]
    if not verboden:
        return Ok(HUIS_011.code, tuple(stappen))
    stappen += _duur_stappen(contract, peildatum, policy)
    beschermd = _huurbescherming(contract, peildatum, policy)
    if beschermd is None:
        toets = onbekend("contractvorm")
    else:
        toets = voldaan(
            not beschermd,
            f"tijdelijk huurcontract tot {contract.einddatum}, terwijl dat sinds de "
            "Wet vaste huurcontracten niet meer mag (arbeidsmigranten zijn geen uitzondering)",
        )
    return beoordeel(HUIS_011, [toets], stappen)


def huis_012_brp(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """BRP registration within the term after arrival when the stay is expected to last long enough.

    Pinned [A]: an open-ended lease, or one of at least the minimum months, is a long expected stay
    and the term runs from `verblijf_sinds`; on a shorter lease the term runs from the day the stay
    passes the minimum (if that is before the lease ends). Not registered on the term's last day
    (`verblijf_sinds` + term) is a finding.

    Defect 10: the registration may be made up to and including day `termijn` after arrival (Wet
    BRP art. 2.38: within five days), so the finding starts the day after: arrival 03-01, last day
    03-06, finding from 03-07.
    """
    if contract.brp_ingeschreven:
        return Ok(HUIS_012.code, (Stap("ingeschreven in de BRP", True),))
    if contract.brp_ingeschreven is None or contract.verblijf_sinds is None:
        velden = {"brp_ingeschreven": contract.brp_ingeschreven, "verblijf_sinds": contract.verblijf_sinds}
        return beoordeel(HUIS_012, [ontbreekt(velden)])
    minimum = int(policy.value("huis_brp_verblijf_min_maanden", peildatum))
    termijn = int(policy.value("huis_brp_aangifte_termijn_dagen", peildatum))
    einde = contract.einddatum
    lang = einde is None or einde >= plus_maanden(contract.ingangsdatum, minimum) - timedelta(days=1)
    plicht_vanaf = contract.verblijf_sinds if lang else plus_maanden(contract.verblijf_sinds, minimum)
    stappen = [Stap("ingeschreven in de BRP", False), Stap(f"verwacht verblijf minstens {minimum} maanden", lang)]
    if einde is not None and plicht_vanaf > einde:
        stappen.append(Stap("verblijf blijft korter dan het minimum: inschrijving in de RNI volstaat", True))
        return Ok(HUIS_012.code, tuple(stappen))
    uiterlijk = plicht_vanaf + timedelta(days=termijn)
    stappen.append(Stap(f"inschrijving uiterlijk ({termijn} dagen na {plicht_vanaf})", uiterlijk))
    toets = voldaan(
        peildatum <= uiterlijk,
        f"verblijf sinds {contract.verblijf_sinds} en op {peildatum} niet ingeschreven in de BRP "
        f"(inschrijving hoorde uiterlijk {uiterlijk} te zijn gedaan)",
    )
    return beoordeel(HUIS_012, [toets], stappen)


def huis_013_ser_doelgroepencontract(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Uitkomst:
    """SER 2025 only: a target-group lease with the full statutory notice, and an employer who checks the BRP."""
    actief = bool(policy.value("huis_ser_doelgroepencontract_actief", peildatum))
    stappen = [Stap("SER-aanbevelingen 8 en 9 actief in dit beleid", actief)]
    if not actief:
        return Ok(HUIS_013.code, tuple(stappen))
    dagen = wettelijke_opzegtermijn_dagen(contract, peildatum, policy)
    stappen.append(Stap("wettelijke opzegtermijn verhuurder (dagen)", dagen))
    opzeg = contract.opzegtermijn_dagen
    toetsen = [
        onbekend("contractvorm")
        if contract.contractvorm is None
        else voldaan(
            contract.contractvorm == "doelgroepencontract",
            f"contractvorm is {contract.contractvorm}, geen doelgroepencontract",
        ),
        onbekend("opzegtermijn_dagen")
        if opzeg is None
        else voldaan(opzeg >= dagen, f"opzegtermijn {opzeg} dagen is korter dan de wettelijke {dagen} dagen"),
        ja(
            contract.brp_inschrijving_gecontroleerd_door_werkgever,
            "brp_inschrijving_gecontroleerd_door_werkgever",
            "de werkgever heeft de BRP-inschrijving niet gecontroleerd",
        ),
    ]
    return beoordeel(HUIS_013, toetsen, stappen)
