"""The inbound models: the contract example parses; impossible combinations are rejected with reasons."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from services.huisvesting.tests.voorbeelden import CONTRACT_VOORBEELD, WEG, maak
from shared.contract.base import fouten_van
from shared.contract.gemeente import GemeenteSignaal
from shared.contract.huisvesting import HuurcontractAangeboden


def fouten(**wijzigingen: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        maak(CONTRACT_VOORBEELD, **wijzigingen)
    return {f["veld"]: f["melding"] for f in fouten_van(exc.value)}


def test_the_contract_example_parses_with_exact_values() -> None:
    contract = maak(CONTRACT_VOORBEELD)
    assert contract.borg_eur == Decimal("1560.00")
    assert contract.woning is not None and contract.woning.kleinste_slaapkamer_m2_per_persoon == Decimal("3.0")
    assert contract.einddatum is None and contract.ingangsdatum == date(2026, 3, 1)
    assert contract.werkgever_kvk == "11223344"


def test_only_identity_address_landlord_and_start_are_required() -> None:
    minimaal = {
        "contract_referentie": "R-1",
        "verhuurder": {"kvk_nummer": "11223344"},
        "adres": {"postcode": "2671AB", "huisnummer": "40", "gemeentecode": "GM1783"},
        "ingangsdatum": "2026-03-01",
    }
    contract = HuurcontractAangeboden.model_validate_json(json.dumps(minimaal))
    assert contract.woning is None and contract.werkgever_kvk is None
    for veld in minimaal:
        with pytest.raises(ValidationError) as exc:
            HuurcontractAangeboden.model_validate_json(json.dumps({k: v for k, v in minimaal.items() if k != veld}))
        assert fouten_van(exc.value) == [{"veld": veld, "melding": f"{veld} is verplicht maar ontbreekt"}]


def test_the_municipality_of_the_address_is_required_because_it_receives_the_outcome() -> None:
    assert fouten(adres={"gemeentecode": WEG}) == {
        "adres.gemeentecode": "adres.gemeentecode is verplicht maar ontbreekt"
    }


def test_landlord_as_employer_gives_the_employer() -> None:
    assert maak(CONTRACT_VOORBEELD, werkgever=None).werkgever_kvk == "11223344"
    assert maak(CONTRACT_VOORBEELD, werkgever=None, verhuurder={"is_werkgever": None}).werkgever_kvk is None


@pytest.mark.parametrize(
    ("wijzigingen", "veld", "melding"),
    [
        (
            {"einddatum": "2026-02-28"},
            "einddatum",
            "einddatum: 2026-02-28 ligt voor de ingangsdatum 2026-03-01",
        ),
        (
            {"einddatum": "2026-05-31", "verblijf_sinds": "2026-06-01"},
            "verblijf_sinds",
            "verblijf_sinds: 2026-06-01 ligt na de einddatum 2026-05-31 van de huur",
        ),
        (
            {"werkgever": {"kvk_nummer": "99999999"}},
            "werkgever",
            "werkgever: verhuurder.is_werkgever is true, maar dit is een ander KvK-nummer dan dat van de verhuurder",
        ),
        (
            {"verhuurder": {"is_werkgever": False}},
            "werkgever",
            "werkgever: verhuurder.is_werkgever is false, maar dit is het KvK-nummer van de verhuurder",
        ),
        (
            {"verhuurder": {"is_woningcorporatie": True}},
            "verhuurder",
            "verhuurder: is_werkgever en is_woningcorporatie zijn allebei true; een woningcorporatie is geen werkgever",
        ),
        (
            {"woning": {"oppervlakte_m2": 5.99}},
            "woning.slaapkamers",
            "woning.slaapkamers: 3 slaapkamers passen niet in 5.99 m2 (een slaapkamer is minstens 2 m2)",
        ),
        (
            {"woning": {"oppervlakte_m2": 6, "kleinste_slaapkamer_m2_per_persoon": 6.01}},
            "woning.kleinste_slaapkamer_m2_per_persoon",
            "woning.kleinste_slaapkamer_m2_per_persoon: de kleinste slaapkamer (6.01 m2) kan niet groter zijn "
            "dan de hele woning (6 m2)",
        ),
        ({"woning": {"bewoners": 0}}, "woning.bewoners", "woning.bewoners moet minstens 1 zijn"),
        ({"woning": {"slaapkamers": 0}}, "woning.slaapkamers", "woning.slaapkamers moet minstens 1 zijn"),
        ({"woning": {"toiletten": -1}}, "woning.toiletten", "woning.toiletten moet minstens 0 zijn"),
        (
            {"woning": {"kleinste_slaapkamer_m2_per_persoon": -3.0}},
            "woning.kleinste_slaapkamer_m2_per_persoon",
            "woning.kleinste_slaapkamer_m2_per_persoon moet minstens 0 zijn",
        ),
        ({"woning": {"oppervlakte_m2": 0}}, "woning.oppervlakte_m2", "woning.oppervlakte_m2 moet minstens 0 zijn"),
        ({"uren_per_week": 0}, "uren_per_week", "uren_per_week moet minstens 0 zijn"),
        ({"uren_per_week": 168.5}, "uren_per_week", "uren_per_week mag hoogstens 168 zijn"),
        ({"opzegtermijn_dagen": -1}, "opzegtermijn_dagen", "opzegtermijn_dagen moet minstens 0 zijn"),
        ({"borg_eur": -1}, "borg_eur", "borg_eur moet minstens 0 zijn"),
        ({"brp_ingeschreven": "nee"}, "brp_ingeschreven", "brp_ingeschreven moet true of false zijn"),
        (
            {"woningtype": "regulier"},
            "woningtype",
            "woningtype is geen veld van dit bericht; verwijder het of controleer de spelling",
        ),
    ],
)
def test_impossible_or_malformed_contracts_are_rejected_with_a_reason(
    wijzigingen: dict[str, Any], veld: str, melding: str
) -> None:
    assert fouten(**wijzigingen) == {veld: melding}


@pytest.mark.parametrize(
    ("wijzigingen", "veld", "melding"),
    [
        (
            {"ingangsdatum": "0001-01-01", "verblijf_sinds": None},
            "ingangsdatum",
            "ingangsdatum moet minstens 1900-01-01 zijn",
        ),
        (
            {"ingangsdatum": "9999-12-31", "verblijf_sinds": None},
            "ingangsdatum",
            "ingangsdatum mag hoogstens 2199-12-31 zijn",
        ),
        ({"einddatum": "9999-12-31"}, "einddatum", "einddatum mag hoogstens 2199-12-31 zijn"),
        ({"verblijf_sinds": "0001-01-01"}, "verblijf_sinds", "verblijf_sinds moet minstens 1900-01-01 zijn"),
        ({"verblijf_sinds": "9999-12-31"}, "verblijf_sinds", "verblijf_sinds mag hoogstens 2199-12-31 zijn"),
    ],
)
def test_a_date_outside_the_plausible_range_is_refused(wijzigingen: dict[str, Any], veld: str, melding: str) -> None:
    assert fouten(**wijzigingen) == {veld: melding}


def test_dates_on_the_plausible_bounds_are_accepted() -> None:
    contract = maak(CONTRACT_VOORBEELD, ingangsdatum="1900-01-01", verblijf_sinds="1900-01-01", einddatum="2199-12-31")
    assert (contract.ingangsdatum, contract.einddatum) == (date(1900, 1, 1), date(2199, 12, 31))


WITRUIMTE = "bestaat alleen uit witruimte (spaties, tabs, regeleinden); vul een tekst in"


@pytest.mark.parametrize(
    ("wijzigingen", "veld"),
    [
        ({"contract_referentie": "   "}, "contract_referentie"),
        ({"contract_referentie": "\t\n"}, "contract_referentie"),
        ({"verhuurder": {"naam": "  "}}, "verhuurder.naam"),
        ({"huurder": {"werknemer_ref": " "}}, "huurder.werknemer_ref"),
    ],
)
def test_a_reference_or_name_of_only_whitespace_is_refused(wijzigingen: dict[str, Any], veld: str) -> None:
    assert fouten(**wijzigingen) == {veld: f"{veld}: {WITRUIMTE}"}


@pytest.mark.parametrize(
    "wijzigingen",
    [
        {"einddatum": "2026-03-01"},  # a one-day lease
        {"einddatum": "2026-05-31", "verblijf_sinds": "2026-05-31"},
        {"woning": {"oppervlakte_m2": 6}},  # 3 bedrooms of exactly 2 m2
        {"woning": {"oppervlakte_m2": 6, "kleinste_slaapkamer_m2_per_persoon": 6}},
        {"uren_per_week": 168},
        {"woning": {"toiletten": 0, "douches": 0}},  # a breach of HUIS-008, not an impossibility
    ],
)
def test_limits_of_the_plausibility_checks_are_accepted(wijzigingen: dict[str, Any]) -> None:
    maak(CONTRACT_VOORBEELD, **wijzigingen)


def test_all_problems_of_one_message_are_reported_together() -> None:
    assert set(fouten(einddatum="2026-01-01", woning={"bewoners": 0, "oppervlakte_m2": 1}, borg_eur=-5)) == {
        "einddatum",
        "woning.bewoners",
        "woning.slaapkamers",
        "woning.kleinste_slaapkamer_m2_per_persoon",
        "borg_eur",
    }


GEMEENTE_SIGNAAL = {
    "signaal": "overbewoning",
    "adres": {"postcode": "2671AB", "huisnummer": "40", "gemeentecode": "GM1783"},
    "werkgever": {"kvk_nummer": "11223344"},
    "aantal_personen": 11,
    "vastgesteld_op": "2026-11-20",
}


def test_a_municipal_signal_parses() -> None:
    signaal = GemeenteSignaal.model_validate_json(json.dumps(GEMEENTE_SIGNAAL))
    assert (signaal.signaal, signaal.aantal_personen, signaal.vastgesteld_op) == (
        "overbewoning",
        11,
        date(2026, 11, 20),
    )


@pytest.mark.parametrize(
    ("wijziging", "veld"),
    [
        ({"signaal": "lawaai"}, "signaal"),
        ({"aantal_personen": 0}, "aantal_personen"),
        ({"vastgesteld_op": None}, "vastgesteld_op"),
        ({"adres": {"postcode": "2671AB", "huisnummer": "40"}}, "adres.gemeentecode"),
    ],
)
def test_a_bad_municipal_signal_is_rejected(wijziging: dict[str, Any], veld: str) -> None:
    with pytest.raises(ValidationError) as exc:
        GemeenteSignaal.model_validate_json(json.dumps({**GEMEENTE_SIGNAAL, **wijziging}))
    assert [f["veld"] for f in fouten_van(exc.value)] == [veld]
