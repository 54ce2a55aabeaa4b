"""The inbound `nl.waardigwerk.melding.ingediend` model (CONTRACT §2) and the rejection's fouten."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, get_args

import pytest
from pydantic import ValidationError

from shared.contract.base import fouten_van
from shared.contract.melding import Categorie, MeldingIngediend, melder_referentie_uit
from shared.policy import Policy

VOORBEELD: dict[str, Any] = {
    "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": "FNV-2026-000123"},
    "werkgever": {"kvk_nummer": "12345678", "naam": "Kas Westland BV"},
    "inlener": {"kvk_nummer": "87654321", "naam": "Veiling Logistiek BV"},
    "werklocatie": {"postcode": "2671AB", "huisnummer": "12", "gemeentecode": "GM1783"},
    "sector": "glastuinbouw",
    "categorieen": ["onderbetaling", "arbeidstijden"],
    "aantal_betrokkenen": 14,
    "omschrijving": "Uitzendkrachten krijgen geen toeslag voor nachtwerk ...",
    "waargenomen_op": "2026-11-20",
}


def raw(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


def met(**wijzigingen: Any) -> dict[str, Any]:
    """The example with top-level fields replaced; a value of ... removes the field."""
    data = {**VOORBEELD, **wijzigingen}
    return {k: v for k, v in data.items() if v is not ...}


def fouten(data: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as exc:
        MeldingIngediend.model_validate_json(raw(data))
    return fouten_van(exc.value)


def test_the_contract_example_parses() -> None:
    melding = MeldingIngediend.model_validate_json(raw(VOORBEELD))
    assert melding.melder.referentie == "FNV-2026-000123"
    assert melding.werkgever.kvk_nummer == "12345678"
    assert melding.inlener is not None and melding.inlener.kvk_nummer == "87654321"
    assert melding.werklocatie is not None and melding.werklocatie.gemeentecode == "GM1783"
    assert melding.categorieen == ["onderbetaling", "arbeidstijden"]
    assert melding.waargenomen_op == date(2026, 11, 20)


def test_only_the_required_fields_suffice() -> None:
    minimaal = {k: VOORBEELD[k] for k in ("melder", "werkgever", "categorieen", "omschrijving")}
    minimaal["werkgever"] = {"kvk_nummer": "12345678"}
    melding = MeldingIngediend.model_validate_json(raw(minimaal))
    assert (melding.inlener, melding.werklocatie, melding.sector) == (None, None, None)
    assert (melding.aantal_betrokkenen, melding.waargenomen_op) == (None, None)


def test_missing_werkgever_and_unknown_category_are_both_reported() -> None:
    result = fouten(met(werkgever=..., categorieen=["onderbetaling", "loonroof"]))
    assert len(result) >= 2
    per_veld = {f["veld"]: f["melding"] for f in result}
    assert per_veld["werkgever"] == "werkgever is verplicht maar ontbreekt"
    assert per_veld["categorieen.1"].startswith("categorieen.1 heeft een waarde die niet is toegestaan; kies uit")
    assert "'onderbetaling'" in per_veld["categorieen.1"]


def test_a_category_named_twice_is_refused_with_its_name() -> None:
    [fout] = fouten(met(categorieen=["huisvesting", "overig", "huisvesting"]))
    assert fout == {
        "veld": "categorieen",
        "melding": "categorieen: noem elke categorie maar één keer (dubbel: huisvesting)",
    }


@pytest.mark.parametrize(
    ("wijziging", "veld"),
    [
        ({"categorieen": []}, "categorieen"),
        ({"omschrijving": ""}, "omschrijving"),
        ({"omschrijving": "x" * 10_001}, "omschrijving"),
        ({"aantal_betrokkenen": 0}, "aantal_betrokkenen"),
        ({"aantal_betrokkenen": "14"}, "aantal_betrokkenen"),  # strict: no silent coercion
        ({"waargenomen_op": "20-11-2026"}, "waargenomen_op"),
        ({"melder": {"soort": "werknemer", "organisatie": "fnv", "referentie": "R-1"}}, "melder.soort"),
        ({"melder": {"soort": "vakbond", "organisatie": "FNV", "referentie": "R-1"}}, "melder.organisatie"),
        ({"melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": ""}}, "melder.referentie"),
        ({"werkgever": {"kvk_nummer": "1234567"}}, "werkgever.kvk_nummer"),
        ({"werklocatie": {"postcode": "2671 AB", "huisnummer": "12"}}, "werklocatie.postcode"),
        ({"bsn": "123456782"}, "bsn"),  # unknown fields are refused, not stored
    ],
)
def test_each_violation_names_its_field(wijziging: dict[str, Any], veld: str) -> None:
    assert [f["veld"] for f in fouten(met(**wijziging))] == [veld]


WITRUIMTE = "bestaat alleen uit witruimte (spaties, tabs, regeleinden); vul een tekst in"


@pytest.mark.parametrize(
    ("wijziging", "veld"),
    [
        ({"melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": "   "}}, "melder.referentie"),
        ({"melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": "\u00a0"}}, "melder.referentie"),
        ({"omschrijving": " "}, "omschrijving"),
        ({"omschrijving": " \n\t\r\n "}, "omschrijving"),
        ({"sector": "  "}, "sector"),
        ({"werkgever": {"kvk_nummer": "12345678", "naam": "  "}}, "werkgever.naam"),
        ({"werklocatie": {"postcode": "1012AB", "huisnummer": " "}}, "werklocatie.huisnummer"),
    ],
)
def test_a_text_or_reference_of_only_whitespace_is_refused(wijziging: dict[str, Any], veld: str) -> None:
    assert fouten(met(**wijziging)) == [{"veld": veld, "melding": f"{veld}: {WITRUIMTE}"}]


def test_text_around_whitespace_is_kept_as_sent() -> None:
    melding = MeldingIngediend.model_validate_json(raw(met(omschrijving=" Geen toeslag. \n", sector=" bouw")))
    assert (melding.omschrijving, melding.sector) == (" Geen toeslag. \n", " bouw")


@pytest.mark.parametrize("waargenomen_op", ["0001-01-01", "1899-12-31"])
def test_an_observation_before_the_earliest_plausible_date_is_refused(waargenomen_op: str) -> None:
    assert fouten(met(waargenomen_op=waargenomen_op)) == [
        {"veld": "waargenomen_op", "melding": "waargenomen_op moet minstens 1900-01-01 zijn"}
    ]


def test_an_observation_on_the_earliest_plausible_date_is_accepted() -> None:
    melding = MeldingIngediend.model_validate_json(raw(met(waargenomen_op="1900-01-01")))
    assert melding.waargenomen_op == date(1900, 1, 1)


def test_omschrijving_of_exactly_10000_characters_is_accepted() -> None:
    assert len(MeldingIngediend.model_validate_json(raw(met(omschrijving="x" * 10_000))).omschrijving) == 10_000


def test_policy_names_laws_for_exactly_the_contract_categories(huidig: Policy, ser2025: Policy) -> None:
    for policy in (huidig, ser2025):
        assert set(policy.value("melding_categorie_wetten", date(2026, 12, 1))) == set(get_args(Categorie))


@pytest.mark.parametrize(
    ("payload", "verwacht"),
    [
        (raw(met(werkgever=...)), ("fnv", "FNV-2026-000123")),
        (b'{"melder": {"organisatie": "cnv-vakmensen", "referentie": 42}}', ("cnv-vakmensen", None)),
        (b'{"melder": {"organisatie": "FNV", "referentie": "R-1"}}', (None, "R-1")),
        (b'{"melder": {"organisatie": "fnv\\n", "referentie": "R-1"}}', (None, "R-1")),
        (b'{"melder": {"organisatie": "fnv", "referentie": "' + b"R" * 101 + b'"}}', ("fnv", None)),
        (b'{"melder": "fnv"}', (None, None)),
        (b"[1, 2]", (None, None)),
        (b"not json", (None, None)),
        (b"\xff\xfe", (None, None)),
        (b"[" * 100_000 + b"]" * 100_000, (None, None)),
    ],
)
def test_melder_referentie_uit_reads_what_it_can_and_never_raises(
    payload: bytes, verwacht: tuple[str | None, str | None]
) -> None:
    assert melder_referentie_uit(payload) == verwacht
