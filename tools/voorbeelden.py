"""Example partner payloads (CONTRACT §2 shapes), shared by the demo and the end-to-end tests."""

from __future__ import annotations

from typing import Any


def huurcontract(referentie: str, verhuurder_kvk: str, adres: dict[str, str], **anders: Any) -> dict[str, Any]:
    """The contract example of the contract: an employer's short-stay lease that breaks several rules."""
    data: dict[str, Any] = {
        "contract_referentie": referentie,
        "verhuurder": {"kvk_nummer": verhuurder_kvk, "naam": "Flex Staffing BV", "is_werkgever": True},
        "werkgever": {"kvk_nummer": verhuurder_kvk},
        "huurder": {"werknemer_ref": f"W-{referentie}", "gedetacheerd_vanuit_eu": False},
        "adres": adres,
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
    data.update(anders)
    return data


def goed_huurcontract(referentie: str, werkgever_kvk: str, adres: dict[str, str]) -> dict[str, Any]:
    """A lease from a housing corporation that meets every norm."""
    return huurcontract(
        referentie,
        "41000001",
        adres,
        verhuurder={"kvk_nummer": "41000001", "naam": "Woonstichting Stad", "is_werkgever": False},
        werkgever={"kvk_nummer": werkgever_kvk},
        contractvorm="regulier",
        ingangsdatum="2026-02-01",
        opzegtermijn_dagen=92,
        gescheiden_van_arbeidsovereenkomst=True,
        huurprijs_per_maand_eur=600.00,
        borg_eur=600.00,
        inhouding_op_loon_per_maand_eur=0.00,
        schriftelijke_toestemming_inhouding=False,
        gecertificeerd=True,
        woning={
            "soort": "regulier",
            "oppervlakte_m2": 50,
            "slaapkamers": 2,
            "bewoners": 2,
            "kleinste_slaapkamer_m2_per_persoon": 9.0,
            "toiletten": 1,
            "douches": 1,
        },
        verblijf_sinds="2026-02-01",
        brp_ingeschreven=True,
    )
