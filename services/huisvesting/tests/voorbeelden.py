"""Contracts to test with: the CONTRACT.md example, and one that meets every norm.

`maak(basis, **wijzigingen)` builds a contract from JSON data exactly as the service receives it
(`model_validate_json`). A dict value is merged into the nested object of that name; the value
`WEG` removes the field.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from services.huisvesting.domain.uitkomst import Bevinding, Ok, Uitkomst
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.policy import load_policy

HUIDIG = load_policy("huidig")
SER2025 = load_policy("ser2025")
PEILDATUM = date(2026, 6, 15)
WEG = object()

CONTRACT_VOORBEELD: dict[str, Any] = {
    "contract_referentie": "GM1783-HC-2026-5512",
    "verhuurder": {"kvk_nummer": "11223344", "naam": "Flex Staffing BV", "is_werkgever": True},
    "werkgever": {"kvk_nummer": "11223344"},
    "huurder": {"werknemer_ref": "W-7781", "gedetacheerd_vanuit_eu": False},
    "adres": {"postcode": "2671AB", "huisnummer": "40", "gemeentecode": "GM1783"},
    "contractvorm": "korte_duur",
    "ingangsdatum": "2026-03-01",
    "einddatum": None,
    "opzegtermijn_dagen": 7,
    "gescheiden_van_arbeidsovereenkomst": False,
    "informatie_in_begrijpelijke_taal": True,
    "huurprijs_per_maand_eur": 520.00,
    "borg_eur": 1560.00,
    "servicekosten_gespecificeerd": True,
    "inhouding_op_loon_per_maand_eur": 620.00,
    "schriftelijke_toestemming_inhouding": True,
    "gecertificeerd": False,
    "uren_per_week": 40,
    "woning": {
        "soort": "regulier",
        "oppervlakte_m2": 60,
        "slaapkamers": 3,
        "bewoners": 8,
        "kleinste_slaapkamer_m2_per_persoon": 3.0,
        "toiletten": 1,
        "douches": 1,
    },
    "verblijf_sinds": "2026-03-01",
    "brp_ingeschreven": False,
}

IN_ORDE: dict[str, Any] = {
    **CONTRACT_VOORBEELD,
    "contractvorm": "doelgroepencontract",
    "opzegtermijn_dagen": 184,
    "gescheiden_van_arbeidsovereenkomst": True,
    "borg_eur": 1040.00,
    "inhouding_op_loon_per_maand_eur": 500.00,
    "kopie_huurcontract_bij_werkgever": True,
    "gecertificeerd": True,
    "woning": {
        **CONTRACT_VOORBEELD["woning"],
        "oppervlakte_m2": 100,
        "bewoners": 8,
        "kleinste_slaapkamer_m2_per_persoon": 4,
    },
    "brp_ingeschreven": True,
    "brp_inschrijving_gecontroleerd_door_werkgever": True,
}
"""Meets every norm under both policies on PEILDATUM."""


def maak(basis: dict[str, Any], **wijzigingen: Any) -> HuurcontractAangeboden:
    data = copy.deepcopy(basis)
    for veld, waarde in wijzigingen.items():
        if waarde is WEG:
            data.pop(veld, None)
        elif isinstance(waarde, dict) and isinstance(data.get(veld), dict):
            data[veld] = {k: v for k, v in {**data[veld], **waarde}.items() if v is not WEG}
        else:
            data[veld] = waarde
    return HuurcontractAangeboden.model_validate_json(json.dumps(data))


def samengevat(uitkomst: Uitkomst) -> str | tuple[str, ...]:
    """Either "ok", the severity of a finding ("H", "M", "S"), or the fields a rule lacks."""
    if isinstance(uitkomst, Ok):
        return "ok"
    if isinstance(uitkomst, Bevinding):
        return uitkomst.ernst
    return uitkomst.ontbrekend
