from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from services.loonvordering.domain.invoer import Blok, Vordering
from shared.contract.base import fouten_van
from shared.contract.loonvordering import (
    Aanzegging,
    Betaling,
    Keteninformatie,
    KeteninformatieGevraagd,
    LoonvorderingIngediend,
    PartijStatus,
)

# CONTRACT §2's example, with a BSN that passes the elfproef.
INGEDIEND = b"""{
  "indiener": {"organisatie": "fnv", "referentie": "FNV-LV-2026-0042"},
  "werknemer": {"werknemer_ref": "W-7781", "bsn": "111222333", "leeftijd": 27,
                "eerste_tewerkstelling_in_nl": true},
  "werkgever": {"kvk_nummer": "11223344", "naam": "Flex Staffing BV", "is_uitzendonderneming": true},
  "keten": [
    {"kvk_nummer": "12345678", "naam": "Kas Westland BV", "rol": "inlener", "keurmerk": false},
    {"kvk_nummer": "99887766", "naam": "Retail Fresh NV", "rol": "hoofdopdrachtgever", "keurmerk": true}
  ],
  "periode_van": "2026-03-01", "periode_tot": "2026-04-30",
  "gewerkte_uren": 300, "betaald_bruto_eur": 2500.00,
  "seizoenswerk": false, "contract_duur_dagen": 61,
  "per_maand": [{"maand": "2026-03", "gewerkte_uren": 150, "betaald_bruto_eur": 1250.00},
                {"maand": "2026-04", "gewerkte_uren": 150, "betaald_bruto_eur": 1250.00}]
}"""


def fouten(raw: bytes) -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as fout:
        LoonvorderingIngediend.model_validate_json(raw)
    return fouten_van(fout.value)


def test_contract_example_parses() -> None:
    claim = LoonvorderingIngediend.model_validate_json(INGEDIEND)
    assert claim.werknemer.bsn == "111222333"
    assert [(p.kvk_nummer, p.rol, p.keurmerk) for p in claim.keten] == [
        ("12345678", "inlener", False),
        ("99887766", "hoofdopdrachtgever", True),
    ]
    assert claim.gewerkte_uren == Decimal(300)
    assert claim.per_maand is not None and claim.per_maand[1].laatste_dag == date(2026, 4, 30)


def test_bsn_is_optional_and_never_in_the_text_of_an_error() -> None:
    zonder = INGEDIEND.replace(b'"bsn": "111222333", ', b"")
    assert LoonvorderingIngediend.model_validate_json(zonder).werknemer.bsn is None
    # 111222334 fails the elfproef: 9+8+7+12+10+8+9+6 - 4 = 65, not divisible by 11.
    with pytest.raises(ValidationError) as fout:
        LoonvorderingIngediend.model_validate_json(INGEDIEND.replace(b"111222333", b"111222334"))
    assert "111222334" not in str(fout.value)
    assert fouten_van(fout.value) == [
        {
            "veld": "werknemer.bsn",
            "melding": "werknemer.bsn: is geen geldig BSN: de elfproef klopt niet; controleer de cijfers",
        }
    ]
    assert "111222333" not in repr(LoonvorderingIngediend.model_validate_json(INGEDIEND))


@pytest.mark.parametrize("bsn", [b"11122233", b"1112223330", b"11122233a", b"\xd9\xa1\xd9\xa1\xd9\xa1222333"])
def test_bsn_is_exactly_nine_ascii_digits(bsn: bytes) -> None:
    assert fouten(INGEDIEND.replace(b"111222333", bsn)) == [
        {"veld": "werknemer.bsn", "melding": "werknemer.bsn: een BSN bestaat uit precies 9 cijfers"}
    ]


def test_per_maand_must_add_up_to_the_totals() -> None:
    raw = INGEDIEND.replace(b'"gewerkte_uren": 300', b'"gewerkte_uren": 310').replace(
        b'"betaald_bruto_eur": 2500.00', b'"betaald_bruto_eur": 2400.00'
    )
    (fout,) = fouten(raw)
    assert fout["veld"] == "data"
    assert "per_maand telt op tot 300 uur, maar gewerkte_uren is 310" in fout["melding"]
    assert "per_maand telt op tot € 2500.00 betaald, maar betaald_bruto_eur is € 2400.00" in fout["melding"]


def test_per_maand_months_lie_in_the_period_and_appear_once() -> None:
    raw = INGEDIEND.replace(b'"maand": "2026-04"', b'"maand": "2026-05"')
    assert "per_maand maand 2026-05 valt buiten periode_van..periode_tot" in fouten(raw)[0]["melding"]
    raw = INGEDIEND.replace(b'"maand": "2026-04"', b'"maand": "2026-03"')
    assert "per_maand noemt maand 2026-03 meer dan eens" in fouten(raw)[0]["melding"]
    assert fouten(INGEDIEND.replace(b'"maand": "2026-04"', b'"maand": "2026-13"'))[0]["veld"] == "per_maand.1.maand"


def test_period_hours_and_chain_are_checked_together() -> None:
    raw = INGEDIEND.replace(b'"periode_tot": "2026-04-30"', b'"periode_tot": "2026-02-28"').replace(
        b'"kvk_nummer": "99887766"', b'"kvk_nummer": "11223344"'
    )
    (fout,) = fouten(raw)
    assert "periode_tot ligt voor periode_van" in fout["melding"]
    assert "keten noemt kvk_nummer 11223344 meer dan eens (of ook als werkgever)" in fout["melding"]


def test_more_hours_than_the_period_holds_is_a_typo() -> None:
    data = json.loads(INGEDIEND)
    del data["per_maand"]
    data["gewerkte_uren"] = 61 * 24 + 1
    (fout,) = fouten(json.dumps(data).encode())
    assert fout["melding"] == "data: gewerkte_uren (1465) is meer dan er in 61 dagen passen"
    data["gewerkte_uren"] = 61 * 24
    assert LoonvorderingIngediend.model_validate_json(json.dumps(data).encode()).gewerkte_uren == Decimal(1464)


def test_hours_are_a_non_negative_number_and_literals_are_named() -> None:
    raw = (
        INGEDIEND.replace(b'"gewerkte_uren": 300', b'"gewerkte_uren": -1')
        .replace(b'"rol": "inlener"', b'"rol": "klant"')
        .replace(b'"leeftijd": 27', b'"leeftijd": "27"')
    )
    meldingen = {f["veld"]: f["melding"] for f in fouten(raw)}
    assert meldingen["gewerkte_uren"] == "gewerkte_uren moet minstens 0 zijn"
    assert meldingen["keten.0.rol"].startswith("keten.0.rol heeft een waarde die niet is toegestaan; kies uit")
    assert "'hoofdopdrachtgever'" in meldingen["keten.0.rol"]
    assert meldingen["werknemer.leeftijd"] == "werknemer.leeftijd moet een geheel getal zijn"


def test_follow_up_events_parse_and_reject_bad_values() -> None:
    assert Aanzegging.model_validate_json(
        b'{"vordering_id": "LV-1", "aan": {"kvk_nummer": "99887766"}, "op": "2026-05-02"}'
    ).op == date(2026, 5, 2)
    status = PartijStatus.model_validate_json(
        b'{"vordering_id": "LV-1", "partij": {"kvk_nummer": "11223344"}, "status": "failliet",'
        b' "vastgesteld_op": "2026-06-30"}'
    )
    assert (status.partij.kvk_nummer, status.status) == ("11223344", "failliet")
    info = Keteninformatie.model_validate_json(
        b'{"vordering_id": "LV-1", "verstrekt_door": {"kvk_nummer": "12345678"},'
        b' "keten": [{"kvk_nummer": "99887766", "rol": "hoofdopdrachtgever"}]}'
    )
    assert info.keten[0].rol == "hoofdopdrachtgever"
    betaling = Betaling.model_validate_json(
        b'{"vordering_id": "LV-1", "betaald_door": {"kvk_nummer": "11223344"}, "bedrag_eur": 741.89,'
        b' "betaald_op": "2026-03-01"}'
    )
    assert betaling.bedrag_eur == Decimal("741.89")
    with pytest.raises(ValidationError) as fout:
        PartijStatus.model_validate_json(
            b'{"vordering_id": "LV-1", "partij": {"kvk_nummer": "1122"}, "status": "weg",'
            b' "vastgesteld_op": "2026-06-30"}'
        )
    assert {f["veld"] for f in fouten_van(fout.value)} == {"partij.kvk_nummer", "status"}
    with pytest.raises(ValidationError):
        Betaling.model_validate_json(
            b'{"vordering_id": "LV-1", "betaald_door": {"kvk_nummer": "11223344"}, "bedrag_eur": 0,'
            b' "betaald_op": "2026-03-01"}'
        )


def test_claim_becomes_domain_input_with_month_blocks_clipped_to_the_period() -> None:
    raw = INGEDIEND.replace(b'"periode_van": "2026-03-01"', b'"periode_van": "2026-03-10"')
    vordering = Vordering.uit_ingediend(LoonvorderingIngediend.model_validate_json(raw))
    assert vordering.per_maand == (
        Blok(date(2026, 3, 10), date(2026, 3, 31), Decimal(150), Decimal("1250.00")),
        Blok(date(2026, 4, 1), date(2026, 4, 30), Decimal(150), Decimal("1250.00")),
    )
    assert (vordering.leeftijd, vordering.eerste_tewerkstelling_in_nl, vordering.is_uitzendonderneming) == (
        27,
        True,
        True,
    )
    assert vordering.contract_duur_dagen == 61


def test_optional_additions_first_day_bbl_and_housing_deduction_reach_the_domain() -> None:
    """Defects 2, 15 and 12: `werknemer.eerste_werkdag`, `werknemer.bbl` and
    `per_maand[].inhouding_huisvesting_eur` are optional; a claim without them parses as before."""
    raw = INGEDIEND.replace(
        b'"eerste_tewerkstelling_in_nl": true}',
        b'"eerste_tewerkstelling_in_nl": true, "eerste_werkdag": "2026-02-01", "bbl": true}',
    ).replace(
        b'"gewerkte_uren": 150, "betaald_bruto_eur": 1250.00}',
        b'"gewerkte_uren": 150, "betaald_bruto_eur": 1250.00, "inhouding_huisvesting_eur": 400.00}',
        1,
    )
    vordering = Vordering.uit_ingediend(LoonvorderingIngediend.model_validate_json(raw))
    assert (vordering.eerste_werkdag, vordering.bbl) == (date(2026, 2, 1), True)
    assert [b.inhouding_huisvesting for b in vordering.per_maand] == [Decimal("400.00"), Decimal(0)]
    zonder = Vordering.uit_ingediend(LoonvorderingIngediend.model_validate_json(INGEDIEND))
    assert (zonder.eerste_werkdag, zonder.bbl) == (None, False)


@pytest.mark.parametrize(
    ("vervang", "melding"),
    [
        (
            (
                b'"eerste_tewerkstelling_in_nl": true}',
                b'"eerste_tewerkstelling_in_nl": true, "eerste_werkdag": "2026-03-02"}',
            ),
            "werknemer.eerste_werkdag ligt na periode_van",
        ),
        (
            (
                b'"gewerkte_uren": 150, "betaald_bruto_eur": 1250.00}',
                b'"gewerkte_uren": 150, "betaald_bruto_eur": 1250.00, "inhouding_huisvesting_eur": 1250.01}',
            ),
            "per_maand maand 2026-03: inhouding_huisvesting_eur is meer dan betaald",
        ),
    ],
)
def test_optional_additions_are_checked_against_the_claim(vervang: tuple[bytes, bytes], melding: str) -> None:
    (fout,) = fouten(INGEDIEND.replace(*vervang, 1))
    assert melding in fout["melding"]


def test_keteninformatie_gevraagd_names_who_asked_whom_and_when() -> None:
    """Defect 13: the worker's (or the union's) request of BW 7:616e is an inbound fact."""
    verzoek = KeteninformatieGevraagd.model_validate_json(
        b'{"vordering_id": "LV-1", "gevraagd_door": "werknemer", "aan": {"kvk_nummer": "30000003"},'
        b' "gevraagd_op": "2025-04-11"}'
    )
    assert (verzoek.gevraagd_door, verzoek.aan.kvk_nummer, verzoek.gevraagd_op) == (
        "werknemer",
        "30000003",
        date(2025, 4, 11),
    )
    with pytest.raises(ValidationError) as fout:
        KeteninformatieGevraagd.model_validate_json(
            b'{"vordering_id": "LV-1", "gevraagd_door": "systeem", "aan": {"kvk_nummer": "30000003"}}'
        )
    assert {f["veld"] for f in fouten_van(fout.value)} == {"gevraagd_door", "gevraagd_op"}


@pytest.mark.parametrize(("leeftijd", "verwacht"), [(0, 0), (None, 21), (17, 17)], ids=["age-0", "unknown", "17"])
def test_defect_20_an_inspection_claim_keeps_the_recorded_age(leeftijd: int | None, verwacht: int) -> None:
    """Defect 20 (loonvordering side): `leeftijd or 21` made an age of 0 the adult rate. Only an age
    the inspection did not record takes the adult age, and that age comes from the policy's bands."""
    from services.loonvordering.handlers import claim_uit_onderbetaling
    from shared.policy import load_policy

    data = {
        "inspectie_id": "INS-1",
        "werkgever": {"kvk_nummer": "11223344"},
        "werknemer_ref": "W-1",
        "periode_van": "2026-03-02",
        "periode_tot": "2026-03-27",
        "gewerkte_uren": 160,
        "betaald_bruto_eur": 1500.0,
        "leeftijd": leeftijd,
    }
    assert claim_uit_onderbetaling(data, load_policy("huidig")).werknemer.leeftijd == verwacht


@pytest.mark.parametrize("bedrag", [b"1e30", b'"9.9E+999999"', b"1000000000000.01"])
def test_an_amount_beyond_any_wage_or_turnover_is_refused_with_a_reason(bedrag: bytes) -> None:
    """A number no wage, rent or turnover comes near is a typo; refused with a reason for the
    sender instead of failing the arithmetic after it was accepted."""
    data = json.loads(INGEDIEND)
    del data["per_maand"]
    raw = json.dumps(data).encode().replace(b'"betaald_bruto_eur": 2500.0', b'"betaald_bruto_eur": ' + bedrag)
    assert fouten(raw) == [
        {"veld": "betaald_bruto_eur", "melding": "betaald_bruto_eur mag hoogstens 1000000000000 zijn"}
    ]


def test_hours_beyond_any_period_are_refused_before_they_are_added_up() -> None:
    raw = INGEDIEND.replace(
        b'{"maand": "2026-03", "gewerkte_uren": 150', b'{"maand": "2026-03", "gewerkte_uren": "9.9E+999999"'
    )
    raw = raw.replace(
        b'{"maand": "2026-04", "gewerkte_uren": 150', b'{"maand": "2026-04", "gewerkte_uren": "9.9E+999999"'
    )
    assert {f["veld"] for f in fouten(raw)} == {"per_maand.0.gewerkte_uren", "per_maand.1.gewerkte_uren"}


def keteninformatie(door: str, *kvks: str) -> bytes:
    keten = [{"kvk_nummer": kvk, "rol": "opdrachtgever"} for kvk in kvks]
    return json.dumps({"vordering_id": "LV-1", "verstrekt_door": {"kvk_nummer": door}, "keten": keten}).encode()


def test_an_answer_naming_its_own_party_or_a_party_twice_is_understood() -> None:
    """Such an answer can be read (the handler leaves out what says nothing): it is not refused, so
    the party that answered has answered (616e)."""
    antwoord = Keteninformatie.model_validate_json(keteninformatie("12345678", "23456789", "12345678", "23456789"))
    assert [p.kvk_nummer for p in antwoord.keten] == ["23456789", "12345678", "23456789"]


def test_a_stored_claim_is_read_without_the_bounds_added_after_it_was_stored() -> None:
    """Claims stored before the 100-party and the hour bounds are read as they were accepted."""
    data = json.loads(INGEDIEND)
    data["keten"] = [{"kvk_nummer": f"7{i:07d}", "rol": "opdrachtgever"} for i in range(101)]
    data.update(periode_van="1990-01-01", periode_tot="2019-12-31", gewerkte_uren="150000.5", per_maand=None)
    claim = LoonvorderingIngediend.uit_opslag(data)
    assert len(claim.keten) == 101 and claim.gewerkte_uren == Decimal("150000.5")
    with pytest.raises(ValidationError):
        LoonvorderingIngediend.model_validate(data, strict=False)


def test_a_chain_has_at_most_a_hundred_parties() -> None:
    kvks = [f"7{i:07d}" for i in range(1, 102)]
    assert len(Keteninformatie.model_validate_json(keteninformatie("12345678", *kvks[:100])).keten) == 100
    with pytest.raises(ValidationError) as fout:
        Keteninformatie.model_validate_json(keteninformatie("12345678", *kvks))
    assert fouten_van(fout.value) == [{"veld": "keten", "melding": "keten: bevat te veel elementen (hoogstens 100)"}]
    data = json.loads(INGEDIEND)
    data["keten"] = [{"kvk_nummer": kvk, "rol": "opdrachtgever"} for kvk in kvks]
    assert fouten(json.dumps(data).encode()) == [
        {"veld": "keten", "melding": "keten: bevat te veel elementen (hoogstens 100)"}
    ]


def test_a_stored_claim_is_read_without_the_amount_bound_and_keeps_the_other_amount_checks() -> None:
    """A claim stored before HOOGSTE_BEDRAG with a larger amount (total and per month) is read as it
    was accepted, so later facts about it apply; a negative amount or one with three decimals is
    refused there as before, and a new claim is still held to the bound."""
    data = json.loads(INGEDIEND)
    maand = {"maand": "2025-01", "gewerkte_uren": "10", "betaald_bruto_eur": "2000000000000.00"}
    data.update(
        periode_van="2025-01-01",
        periode_tot="2025-01-31",
        betaald_bruto_eur="2000000000000.00",
        per_maand=[{**maand, "inhouding_huisvesting_eur": "1500000000000"}],
    )
    data["gewerkte_uren"] = "10"
    claim = LoonvorderingIngediend.uit_opslag(data)
    assert claim.betaald_bruto_eur == Decimal("2000000000000.00")
    assert claim.per_maand is not None and claim.per_maand[0].inhouding_huisvesting_eur == Decimal(1_500_000_000_000)
    with pytest.raises(ValidationError, match="less than or equal to 1000000000000"):
        LoonvorderingIngediend.model_validate(data, strict=False)
    for fout in ("-1.00", "12.345", "NaN"):
        with pytest.raises(ValidationError):
            LoonvorderingIngediend.uit_opslag({**data, "betaald_bruto_eur": fout})
