"""HUIS-009..013: the lease's real length, the landlord's notice, fixed terms, BRP, and the SER signal.

Lengths count first and last day: a stay from 2026-03-01 is 30 days long on 2026-03-30 and 31 on
2026-03-31, the first day it exceeds the 30-day short-stay limit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.huisvesting.domain.regels_verblijf import (
    huis_009_korte_duur,
    huis_010_opzegtermijn,
    huis_011_geen_tijdelijk_contract,
    huis_012_brp,
    huis_013_ser_doelgroepencontract,
)
from services.huisvesting.domain.uitkomst import Bevinding
from services.huisvesting.tests.voorbeelden import (
    CONTRACT_VOORBEELD,
    HUIDIG,
    IN_ORDE,
    PEILDATUM,
    SER2025,
    maak,
    samengevat,
)

KORT = {"contractvorm": "korte_duur", "ingangsdatum": "2026-03-01", "verblijf_sinds": "2026-03-01", "einddatum": None}
DAG_30 = date(2026, 3, 30)
DAG_31 = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("wijzigingen", "peildatum", "verwacht"),
    [
        (KORT, DAG_30, "ok"),
        (KORT, DAG_31, "S"),
        ({**KORT, "einddatum": "2026-03-30"}, PEILDATUM, "ok"),  # agreed 30 days: short by nature
        ({**KORT, "einddatum": "2026-03-31"}, date(2026, 3, 1), "S"),  # agreed 31 days: not short, from day one
        # chained leases at the same address add up: stay since 02-01, this lease 03-01..03-15
        ({**KORT, "verblijf_sinds": "2026-02-01", "einddatum": "2026-03-15"}, date(2026, 3, 1), "S"),
        ({**KORT, "contractvorm": "regulier"}, PEILDATUM, "ok"),
        ({**KORT, "contractvorm": None}, DAG_31, ("contractvorm",)),
        ({**KORT, "contractvorm": None}, DAG_30, "ok"),
    ],
)
def test_huis_009_short_stay_label_on_a_long_stay(
    wijzigingen: dict[str, Any], peildatum: date, verwacht: object
) -> None:
    assert samengevat(huis_009_korte_duur(maak(IN_ORDE, **wijzigingen), peildatum, HUIDIG)) == verwacht


REGULIER = {"contractvorm": "regulier", "ingangsdatum": "2026-03-01", "verblijf_sinds": "2026-03-01", "einddatum": None}


@pytest.mark.parametrize(
    ("wijzigingen", "peildatum", "verwacht"),
    [
        # 3 months, at most 92 days whatever the day of notice
        ({**REGULIER, "opzegtermijn_dagen": 92}, PEILDATUM, "ok"),
        ({**REGULIER, "opzegtermijn_dagen": 91}, PEILDATUM, "M"),
        ({**REGULIER, "opzegtermijn_dagen": 93}, PEILDATUM, "ok"),
        # + 1 month per full year: 4 months (123 days) from the first anniversary
        ({**REGULIER, "opzegtermijn_dagen": 92}, date(2027, 2, 28), "ok"),
        ({**REGULIER, "opzegtermijn_dagen": 92}, date(2027, 3, 1), "M"),
        ({**REGULIER, "opzegtermijn_dagen": 123}, date(2027, 3, 1), "ok"),
        # at most 6 months (184 days)
        ({**REGULIER, "opzegtermijn_dagen": 183}, date(2029, 3, 1), "M"),
        ({**REGULIER, "opzegtermijn_dagen": 184}, date(2029, 3, 1), "ok"),
        ({**REGULIER, "opzegtermijn_dagen": 184}, date(2036, 3, 1), "ok"),
        # a real short stay has no tenant protection; once longer than 30 days it has, whatever the label
        ({**KORT, "opzegtermijn_dagen": 7}, DAG_30, "ok"),
        ({**KORT, "opzegtermijn_dagen": 7}, DAG_31, "M"),
        ({**REGULIER, "opzegtermijn_dagen": 7}, date(2026, 3, 2), "M"),
        ({**KORT, "contractvorm": None, "opzegtermijn_dagen": 7}, DAG_30, ("contractvorm",)),
        ({**KORT, "contractvorm": None, "opzegtermijn_dagen": 92}, DAG_30, "ok"),
        ({**REGULIER, "opzegtermijn_dagen": None}, PEILDATUM, ("opzegtermijn_dagen",)),
    ],
)
def test_huis_010_landlords_notice(wijzigingen: dict[str, Any], peildatum: date, verwacht: object) -> None:
    assert samengevat(huis_010_opzegtermijn(maak(IN_ORDE, **wijzigingen), peildatum, HUIDIG)) == verwacht


def test_huis_010_says_when_a_too_short_notice_takes_effect() -> None:
    uitkomst = huis_010_opzegtermijn(maak(CONTRACT_VOORBEELD), PEILDATUM, HUIDIG)
    assert isinstance(uitkomst, Bevinding)
    assert uitkomst.toelichting == (
        "opzegtermijn van 7 dagen is korter dan de wettelijke 3 maanden; "
        "een opzegging door de verhuurder op 2026-06-15 gaat pas in op 2026-09-15"
    )


@pytest.mark.parametrize(
    ("wijzigingen", "verwacht"),
    [
        ({**REGULIER, "einddatum": None}, "ok"),
        ({**REGULIER, "ingangsdatum": "2024-07-01", "verblijf_sinds": "2024-07-01", "einddatum": "2027-06-30"}, "M"),
        ({**REGULIER, "ingangsdatum": "2024-06-30", "verblijf_sinds": "2024-06-30", "einddatum": "2027-06-30"}, "ok"),
        ({**REGULIER, "contractvorm": "doelgroepencontract", "einddatum": "2027-02-28"}, "M"),
        ({**KORT, "einddatum": "2026-03-30"}, "ok"),  # really short by nature: not a fixed-term lease
        ({**KORT, "einddatum": "2026-03-31"}, "M"),
        ({**KORT, "contractvorm": None, "einddatum": "2026-03-30"}, ("contractvorm",)),
        ({**KORT, "contractvorm": None, "einddatum": "2026-03-31"}, "M"),
    ],
)
def test_huis_011_no_fixed_term_leases_from_2024_07_01(wijzigingen: dict[str, Any], verwacht: object) -> None:
    assert samengevat(huis_011_geen_tijdelijk_contract(maak(IN_ORDE, **wijzigingen), DAG_30, HUIDIG)) == verwacht


NIET_INGESCHREVEN = {**REGULIER, "brp_ingeschreven": False}


@pytest.mark.parametrize(
    ("wijzigingen", "peildatum", "verwacht"),
    [
        (NIET_INGESCHREVEN, date(2026, 3, 6), "ok"),  # verblijf_sinds + 5 days: the last day to register
        (NIET_INGESCHREVEN, date(2026, 3, 7), "M"),
        ({**NIET_INGESCHREVEN, "brp_ingeschreven": True}, PEILDATUM, "ok"),
        ({**NIET_INGESCHREVEN, "brp_ingeschreven": None}, PEILDATUM, ("brp_ingeschreven",)),
        ({**NIET_INGESCHREVEN, "verblijf_sinds": None}, PEILDATUM, ("verblijf_sinds",)),
        # a lease of exactly 4 months counts as a long expected stay
        ({**NIET_INGESCHREVEN, "einddatum": "2026-06-30"}, date(2026, 3, 7), "M"),
        # one day shorter: RNI is enough, the stay never passes 4 months under this lease
        ({**NIET_INGESCHREVEN, "einddatum": "2026-06-29"}, date(2026, 6, 29), "ok"),
        # chained: here since 01-01 on a short lease 03-01..06-29: past 4 months on 05-01, term to 05-06
        ({**NIET_INGESCHREVEN, "verblijf_sinds": "2026-01-01", "einddatum": "2026-06-29"}, date(2026, 5, 6), "ok"),
        ({**NIET_INGESCHREVEN, "verblijf_sinds": "2026-01-01", "einddatum": "2026-06-29"}, date(2026, 5, 7), "M"),
    ],
)
def test_huis_012_brp_registration(wijzigingen: dict[str, Any], peildatum: date, verwacht: object) -> None:
    """Defect 10: registration is possible up to and including day 5 after arrival; the finding starts on day 6."""
    assert samengevat(huis_012_brp(maak(IN_ORDE, **wijzigingen), peildatum, HUIDIG)) == verwacht


SER_IN_ORDE = {
    **REGULIER,
    "contractvorm": "doelgroepencontract",
    "opzegtermijn_dagen": 92,
    "brp_inschrijving_gecontroleerd_door_werkgever": True,
}


@pytest.mark.parametrize(
    ("wijzigingen", "verwacht"),
    [
        (SER_IN_ORDE, "ok"),
        ({**SER_IN_ORDE, "opzegtermijn_dagen": 91}, "S"),
        ({**SER_IN_ORDE, "contractvorm": "regulier"}, "S"),
        ({**SER_IN_ORDE, "brp_inschrijving_gecontroleerd_door_werkgever": False}, "S"),
        (
            {**SER_IN_ORDE, "brp_inschrijving_gecontroleerd_door_werkgever": None},
            ("brp_inschrijving_gecontroleerd_door_werkgever",),
        ),
        ({**SER_IN_ORDE, "contractvorm": None, "opzegtermijn_dagen": None}, ("contractvorm", "opzegtermijn_dagen")),
    ],
)
def test_huis_013_ser_target_group_lease(wijzigingen: dict[str, Any], verwacht: object) -> None:
    contract = maak(IN_ORDE, **wijzigingen)
    assert samengevat(huis_013_ser_doelgroepencontract(contract, PEILDATUM, SER2025)) == verwacht
    assert samengevat(huis_013_ser_doelgroepencontract(contract, PEILDATUM, HUIDIG)) == "ok"  # not current law
