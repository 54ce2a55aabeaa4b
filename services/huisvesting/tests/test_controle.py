"""The whole check: the contract example, the verdict's rules, the output shape, and invariants."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.huisvesting.domain.controle import controleer
from services.huisvesting.domain.regels import REGELS
from services.huisvesting.tests.voorbeelden import (
    CONTRACT_VOORBEELD,
    HUIDIG,
    IN_ORDE,
    PEILDATUM,
    SER2025,
    WEG,
    maak,
)

CODES = {regel.code: regel for regel, _ in REGELS}


def test_every_rule_huis_001_to_013_is_in_the_catalogue_once() -> None:
    assert list(CODES) == [f"HUIS-{n:03d}" for n in range(1, 14)]


def test_contract_example_on_2026_06_15_has_shortcomings() -> None:
    controle = controleer(maak(CONTRACT_VOORBEELD), PEILDATUM, HUIDIG)
    assert controle.oordeel == "tekortkomingen"
    assert [(b.code, b.ernst) for b in controle.bevindingen] == [
        ("HUIS-001", "H"),  # lease tied to the job
        ("HUIS-003", "M"),  # deposit 1,560 > 2 x 520
        ("HUIS-005", "H"),  # 620 is within the 637.43 cap, but the housing is not certified
        ("HUIS-006", "M"),  # 7.5 m2 per resident < 12
        ("HUIS-007", "M"),  # 3.0 m2 per person in the smallest bedroom < 3.5
        ("HUIS-009", "S"),  # short-stay label, 107 days
        ("HUIS-010", "M"),  # 7 days' notice < 3 months
        ("HUIS-012", "M"),  # not in the BRP since 2026-03-06
    ]
    assert controle.niet_beoordeeld == ()  # HUIS-008: 8 residents on 1 toilet and 1 shower is exactly the norm


def test_under_ser2025_the_example_also_gets_the_target_group_signal() -> None:
    controle = controleer(maak(CONTRACT_VOORBEELD), PEILDATUM, SER2025)
    [signaal] = [b for b in controle.bevindingen if b.code == "HUIS-013"]
    assert signaal.ernst == "S"
    assert signaal.toelichting == (
        "contractvorm is korte_duur, geen doelgroepencontract; "
        "opzegtermijn 7 dagen is korter dan de wettelijke 92 dagen"
    )
    assert controle.beleid == SER2025.version != HUIDIG.version


def test_als_data_has_the_contract_shape_and_is_json() -> None:
    data = controleer(maak(CONTRACT_VOORBEELD), PEILDATUM, HUIDIG).als_data()
    assert json.loads(json.dumps(data)) == data
    assert data["contract_referentie"] == "GM1783-HC-2026-5512"
    assert data["adres"] == {"postcode": "2671AB", "huisnummer": "40", "gemeentecode": "GM1783"}
    assert data["oordeel"] == "tekortkomingen"
    assert data["beleid"] == HUIDIG.version
    assert data["werkgever"] == {"kvk_nummer": "11223344"}
    assert data["bevindingen"][1] == {
        "code": "HUIS-003",
        "ernst": "M",
        "grondslag": "Wet goed verhuurderschap (Stb. 2023, 103)",
        "toelichting": "borg 1560.00 euro is meer dan 2 x de kale huur 520.00 euro = 1040.00 euro",
    }
    stappen = {(s["stap"], s["omschrijving"]): s["waarde"] for s in data["berekening"]}
    assert stappen[("HUIS-005", "maximale inhouding = 25% van het minimumloon per maand")] == 637.43
    assert stappen[("HUIS-012", "inschrijving uiterlijk (5 dagen na 2026-03-01)")] == "2026-03-06"


def test_missing_data_is_listed_and_does_not_change_the_verdict() -> None:
    controle = controleer(maak(IN_ORDE, servicekosten_gespecificeerd=None, woning=None), PEILDATUM, HUIDIG)
    assert controle.oordeel == "in_orde"
    assert controle.als_data()["niet_beoordeeld"] == [
        {"code": "HUIS-004", "ontbrekend": ["servicekosten_gespecificeerd"]},
        {"code": "HUIS-006", "ontbrekend": ["woning.soort", "woning.oppervlakte_m2", "woning.bewoners"]},
        {"code": "HUIS-007", "ontbrekend": ["woning.kleinste_slaapkamer_m2_per_persoon"]},
        {"code": "HUIS-008", "ontbrekend": ["woning.bewoners"]},
    ]


def test_a_deduction_whose_lease_copy_is_unknown_lists_huis_005_as_not_judged() -> None:
    controle = controleer(maak(IN_ORDE, kopie_huurcontract_bij_werkgever=WEG), PEILDATUM, HUIDIG)
    assert controle.oordeel == "in_orde"
    assert controle.als_data()["niet_beoordeeld"] == [
        {"code": "HUIS-005", "ontbrekend": ["kopie_huurcontract_bij_werkgever"]}
    ]


def test_a_signal_alone_does_not_change_the_verdict() -> None:
    # a short-stay lease 40 days on, with a notice long enough for a protected lease: only HUIS-009
    contract = maak(IN_ORDE, contractvorm="korte_duur", einddatum=None)
    controle = controleer(contract, date(2026, 4, 9), HUIDIG)
    assert [(b.code, b.ernst) for b in controle.bevindingen] == [("HUIS-009", "S")]
    assert controle.oordeel == "in_orde"


def test_one_breach_makes_shortcomings() -> None:
    controle = controleer(maak(IN_ORDE, informatie_in_begrijpelijke_taal=False), PEILDATUM, HUIDIG)
    assert (controle.oordeel, [b.code for b in controle.bevindingen]) == ("tekortkomingen", ["HUIS-002"])


def test_the_contract_that_meets_every_norm_is_in_order_under_both_policies() -> None:
    for policy in (HUIDIG, SER2025):
        controle = controleer(maak(IN_ORDE), PEILDATUM, policy)
        assert (controle.oordeel, controle.bevindingen, controle.niet_beoordeeld) == ("in_orde", (), ())


def _cents(minimum: int, maximum: int) -> st.SearchStrategy[float]:
    return st.integers(min_value=minimum, max_value=maximum).map(lambda c: c / 100)


LAATSTE_BEKENDE_WML_DAG = date(2026, 6, 30)


@st.composite
def contracten_in_orde(draw: st.DrawFn) -> tuple[dict[str, Any], date]:
    """Contracts meeting every norm: each number drawn on the safe side of its limit, limits included."""
    ingang = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 30)))
    peildatum = ingang + timedelta(days=draw(st.integers(min_value=0, max_value=3 * 365)))
    bewoners = draw(st.integers(min_value=1, max_value=24))
    slaapkamers = draw(st.integers(min_value=bewoners, max_value=bewoners + 3))  # one per bedroom suits every kind
    oppervlakte = max(15 * bewoners, 2 * slaapkamers) + draw(st.integers(min_value=0, max_value=50))
    per_sanitair = -(-bewoners // 8)
    huur_centen = draw(st.integers(min_value=10_000, max_value=200_000))
    einddatum = None
    if ingang < date(2024, 7, 1) and draw(st.booleans()):  # fixed terms were still allowed then
        einddatum = ingang + timedelta(days=draw(st.integers(min_value=0, max_value=900)))
    data = {
        **IN_ORDE,
        "contractvorm": draw(st.sampled_from(["regulier", "doelgroepencontract"])),
        "ingangsdatum": ingang.isoformat(),
        "einddatum": None if einddatum is None else einddatum.isoformat(),
        "verblijf_sinds": draw(st.sampled_from([None, ingang.isoformat()])),
        "opzegtermijn_dagen": draw(st.integers(min_value=184, max_value=400)),
        "huurprijs_per_maand_eur": huur_centen / 100,
        "borg_eur": draw(_cents(0, 2 * huur_centen)),
        # below 25 % of the lowest monthly WML in policy at the fewest hours drawn (13.27 x 24 x 52/12 x 25 %)
        "uren_per_week": draw(st.integers(min_value=24, max_value=40)),
        # HUIS-005 reads the WML of every month of deduction: past the last published rate only a zero deduction
        # can be judged
        "inhouding_op_loon_per_maand_eur": draw(_cents(0, 34_500))
        if min(peildatum, einddatum or peildatum) <= LAATSTE_BEKENDE_WML_DAG
        else 0,
        "woning": {
            "soort": draw(st.sampled_from(["regulier", "logies", "nieuwbouw_complex", "hotel"])),
            "oppervlakte_m2": oppervlakte,
            "slaapkamers": slaapkamers,
            "bewoners": bewoners,
            "kleinste_slaapkamer_m2_per_persoon": draw(_cents(350, 100 * min(oppervlakte, 30))),
            "toiletten": per_sanitair + draw(st.integers(min_value=0, max_value=2)),
            "douches": per_sanitair + draw(st.integers(min_value=0, max_value=2)),
        },
    }
    return data, peildatum


@settings(max_examples=150, deadline=None)
@given(contracten_in_orde())
def test_a_contract_meeting_every_norm_is_in_order(geval: tuple[dict[str, Any], date]) -> None:
    data, peildatum = geval
    contract = maak(data)
    huidig = controleer(contract, peildatum, HUIDIG)
    assert (huidig.oordeel, huidig.bevindingen, huidig.niet_beoordeeld) == ("in_orde", (), ())
    ser = controleer(contract, peildatum, SER2025)
    assert ser.oordeel == "in_orde" and ser.niet_beoordeeld == ()
    assert [b.code for b in ser.bevindingen] == ([] if contract.contractvorm == "doelgroepencontract" else ["HUIS-013"])


WEGLAATBAAR = [
    "werkgever",
    "huurder",
    "contractvorm",
    "einddatum",
    "opzegtermijn_dagen",
    "gescheiden_van_arbeidsovereenkomst",
    "informatie_in_begrijpelijke_taal",
    "huurprijs_per_maand_eur",
    "borg_eur",
    "servicekosten_gespecificeerd",
    "inhouding_op_loon_per_maand_eur",
    "schriftelijke_toestemming_inhouding",
    "kopie_huurcontract_bij_werkgever",
    "gecertificeerd",
    "uren_per_week",
    "woning",
    "verblijf_sinds",
    "brp_ingeschreven",
]
WONING_WEGLAATBAAR = [
    "soort",
    "oppervlakte_m2",
    "slaapkamers",
    "bewoners",
    "kleinste_slaapkamer_m2_per_persoon",
    "toiletten",
    "douches",
]


@settings(max_examples=150, deadline=None)
@given(
    basis=st.sampled_from([CONTRACT_VOORBEELD, IN_ORDE]),
    weg=st.sets(st.sampled_from(WEGLAATBAAR)),
    woning_weg=st.sets(st.sampled_from(WONING_WEGLAATBAAR)),
    peildatum=st.dates(min_value=date(2026, 3, 1), max_value=date(2030, 12, 31)),
    policy=st.sampled_from([HUIDIG, SER2025]),
)
def test_any_partial_contract_gets_a_consistent_verdict(
    basis: dict[str, Any], weg: set[str], woning_weg: set[str], peildatum: date, policy: Any
) -> None:
    wijzigingen: dict[str, Any] = {"woning": dict.fromkeys(woning_weg, WEG), **dict.fromkeys(weg, WEG)}
    contract = maak(basis, **wijzigingen)
    controle = controleer(contract, peildatum, policy)
    assert {u.code for u in controle.uitkomsten} == set(CODES)
    assert (controle.oordeel == "tekortkomingen") == any(b.ernst in ("H", "M") for b in controle.bevindingen)
    for bevinding in controle.bevindingen:
        assert (bevinding.ernst, bevinding.grondslag) == (CODES[bevinding.code].ernst, CODES[bevinding.code].grondslag)
    for niet in controle.niet_beoordeeld:  # a rule only ever lacks data it declares it reads
        assert niet.ontbrekend and set(niet.ontbrekend) <= set(CODES[niet.code].gegevens)
    json.dumps(controle.als_data())
