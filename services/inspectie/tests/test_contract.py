from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from shared.contract.base import fouten_van
from shared.contract.belastingdienst import Loonaangifte, Omzet
from shared.contract.inspectie import Betaalbewijs, InspectieUitgevoerd

UITGEVOERD = b"""{
  "inspectie_id": "INS-2026-0001",
  "werkgever": {"kvk_nummer": "12345678"},
  "werklocatie": {"postcode": "2671AB", "huisnummer": "12", "gemeentecode": "GM1783"},
  "uitgevoerd_op": "2026-05-12",
  "bevindingen": [
    {"wet": "WML", "code": "WML-ONDERBETALING", "omschrijving": "...", "aantal_betrokkenen": 6,
     "ernstig_gevaar": false,
     "onderbetaling": [{"werknemer_ref": "W-001", "periode_van": "2026-03-01", "periode_tot": "2026-04-30",
                        "gewerkte_uren": 352, "betaald_bruto_eur": 3800.00, "leeftijd": 34}]},
    {"wet": "Arbowet", "code": "ARBO-VALGEVAAR", "omschrijving": "...", "aantal_betrokkenen": 3, "ernstig_gevaar": true}
  ]
}"""


def test_contract_example_of_inspectie_uitgevoerd_parses() -> None:
    inspectie = InspectieUitgevoerd.model_validate_json(UITGEVOERD)
    wml, arbo = inspectie.bevindingen
    assert inspectie.uitgevoerd_op == date(2026, 5, 12)
    assert wml.onderbetaling[0].gewerkte_uren == Decimal(352)
    assert wml.onderbetaling[0].betaald_bruto_eur == Decimal("3800.00")
    assert (arbo.wet, arbo.ernstig_gevaar, arbo.onderbetaling) == ("Arbowet", True, ())


def test_every_problem_of_a_bad_inspection_is_named() -> None:
    raw = UITGEVOERD.replace(b'"wet": "WML"', b'"wet": "CAO"').replace(
        b'"periode_tot": "2026-04-30"', b'"periode_tot": "2026-02-01"'
    )
    with pytest.raises(ValidationError) as fout:
        InspectieUitgevoerd.model_validate_json(raw)
    velden = {f["veld"] for f in fouten_van(fout.value)}
    assert velden == {"bevindingen.0.wet", "bevindingen.0.onderbetaling.0"}


def betaalbewijs(bedrag: str) -> bytes:
    return (
        f'{{"inspectie_id": "INS-1", "werkgever": {{"kvk_nummer": "12345678"}}, '
        f'"bedrag_eur": {bedrag}, "betaald_op": "2026-05-20"}}'
    ).encode()


def test_betaalbewijs_parses_and_refuses_fractions_of_cents() -> None:
    assert Betaalbewijs.model_validate_json(betaalbewijs("1792.15")).bedrag_eur == Decimal("1792.15")
    with pytest.raises(ValidationError) as fout:
        Betaalbewijs.model_validate_json(betaalbewijs("1.001"))
    assert [f["veld"] for f in fouten_van(fout.value)] == ["bedrag_eur"]


@pytest.mark.parametrize(
    ("tijdvak", "werknemers", "onder_wml", "fout_in"),
    [("2026-13", 40, 7, "tijdvak"), ("2026-10", 4, 7, "data")],
)
def test_loonaangifte_rejects_bad_month_and_more_underpaid_than_employed(
    tijdvak: str, werknemers: int, onder_wml: int, fout_in: str
) -> None:
    raw = (
        f'{{"werkgever": {{"kvk_nummer": "12345678"}}, "tijdvak": "{tijdvak}", '
        f'"aantal_werknemers": {werknemers}, "aantal_onder_minimumloon": {onder_wml}}}'
    )
    with pytest.raises(ValidationError) as fout:
        Loonaangifte.model_validate_json(raw)
    assert [f["veld"] for f in fouten_van(fout.value)] == [fout_in]


def test_loonaangifte_parses() -> None:
    aangifte = Loonaangifte.model_validate_json(
        b'{"werkgever": {"kvk_nummer": "12345678"}, "tijdvak": "2026-10", "aantal_werknemers": 40, '
        b'"aantal_onder_minimumloon": 7}'
    )
    assert (aangifte.tijdvak, aangifte.aantal_werknemers, aangifte.aantal_onder_minimumloon) == ("2026-10", 40, 7)


def test_omzet_parses() -> None:
    omzet = Omzet.model_validate_json(
        b'{"werkgever": {"kvk_nummer": "12345678"}, "boekjaar": 2025, "omzet_eur": 4500000}'
    )
    assert (omzet.boekjaar, omzet.omzet_eur) == (2025, Decimal(4500000))
