"""The claim amount: domain-rules §2 and §3 worked examples, to the cent, plus the edges around them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.loonvordering.domain.bedrag import bereken_bedrag
from services.loonvordering.domain.berekening import Stap
from services.loonvordering.domain.invoer import Blok, Vordering
from shared.policy import Policy, UnknownPolicyValue
from shared.wml import GeenMinimumloon

D = Decimal


def vordering(van: date, tot: date, uren: int, betaald: str, leeftijd: int = 30, **rest: Any) -> Vordering:
    return Vordering(van, tot, D(uren), D(betaald), leeftijd, **rest)


def waarden(stappen: tuple[Stap, ...], stap: str) -> list[Decimal | str]:
    return [s.waarde for s in stappen if s.stap == stap]


# §3's example worker: first stay, through an agency, not seasonal.
GARANTIE = {"eerste_tewerkstelling_in_nl": True, "is_uitzendonderneming": True}


def test_example_a_age_30_january_2026(huidig: Policy) -> None:
    """§2: 160 x 14.71 = 2,353.60; + 188.288 = 2,541.888; - 1,800 = 741.89."""
    uitkomst = bereken_bedrag(vordering(date(2026, 1, 5), date(2026, 1, 30), 160, "1800.00"), huidig)
    assert uitkomst.bedrag_eur == D("741.89")
    assert uitkomst.wml_loon == D("2353.60")
    assert uitkomst.vakantiebijslag == D("188.288")
    assert uitkomst.beleid == huidig.version
    assert uitkomst.als_data()[0] == {
        "stap": "LV-WML",
        "omschrijving": "2026-01-05 t/m 2026-01-30: 160 uur x € 14.71 (20 werkdagen)",
        "waarde": D("2353.60"),
    }
    assert uitkomst.als_data()[-1]["stap"] == "LV-BEDRAG"


def test_example_b_income_guarantee_under_ser2025_only(huidig: Policy, ser2025: Policy) -> None:
    """§3: the floor 2 x 14.71 x 40 x 52/12 = 5,099.4666...; + 8 % - 2,800 = 2,707.42 (huidig 377.36)."""
    claim = vordering(date(2026, 3, 1), date(2026, 4, 30), 200, "2800.00", **GARANTIE)
    ser = bereken_bedrag(claim, ser2025)
    assert ser.bedrag_eur == D("2707.42")
    assert ser.inkomensgarantie
    assert waarden(ser.stappen, "LV-GARANTIE") == [D("5099.47")]
    assert waarden(ser.stappen, "LV-GARANTIE-AANVULLING") == [D("2157.47")]
    assert ser.beleid.startswith("ser2025@")
    assert bereken_bedrag(claim, huidig).bedrag_eur == D("377.36")
    assert not bereken_bedrag(claim, huidig).inkomensgarantie


def test_example_c_chain_example_q1_2025(huidig: Policy) -> None:
    """§4: 7,198.72 + 575.90 - 3,072.00 = 4,702.62 (1 January is no working day; the rate is the same)."""
    uitkomst = bereken_bedrag(vordering(date(2025, 1, 1), date(2025, 3, 31), 512, "3072.00"), huidig)
    assert uitkomst.bedrag_eur == D("4702.62")
    assert waarden(uitkomst.stappen, "LV-WML-TOTAAL") == [D("7198.72")]


def test_example_d_split_at_the_july_rate_change(huidig: Policy) -> None:
    """§2: 88 x 14.06 + 72 x 14.40 = 2,274.08, plus 8 % (181.93) = 2,456.01."""
    uitkomst = bereken_bedrag(vordering(date(2025, 6, 16), date(2025, 7, 13), 160, "0"), huidig)
    assert uitkomst.bedrag_eur == D("2456.01")
    assert [(s.omschrijving, s.waarde) for s in uitkomst.stappen if s.stap == "LV-WML"] == [
        ("2025-06-16 t/m 2025-06-30: 88 uur x € 14.06 (11 werkdagen)", D("1237.28")),
        ("2025-07-01 t/m 2025-07-13: 72 uur x € 14.40 (9 werkdagen)", D("1036.80")),
    ]
    assert waarden(uitkomst.stappen, "LV-VAKANTIEBIJSLAG") == [D("181.93")]


@pytest.mark.parametrize("tot", [date(2026, 7, 1), date(2026, 9, 30)])
def test_a_period_reaching_the_unknown_july_2026_rate_is_refused(huidig: Policy, ser2025: Policy, tot: date) -> None:
    for policy in (huidig, ser2025):
        with pytest.raises(UnknownPolicyValue, match="wml_uurloon_21plus"):
            bereken_bedrag(vordering(date(2026, 6, 1), tot, 100, "0"), policy)


def test_undated_hours_skip_public_holidays(huidig: Policy) -> None:
    """32 h over 2025-12-29..2026-01-02: 1 January is no working day, so 8 h on each of 4 days:
    24 x 14.40 + 8 x 14.71 = 463.28 (spread over 5 weekdays it would be 464.77)."""
    uitkomst = bereken_bedrag(vordering(date(2025, 12, 29), date(2026, 1, 2), 32, "0"), huidig)
    assert uitkomst.wml_loon == D("463.28")


def test_a_weekend_only_period_spreads_over_its_calendar_days(huidig: Policy) -> None:
    uitkomst = bereken_bedrag(vordering(date(2026, 1, 3), date(2026, 1, 4), 10, "0"), huidig)
    assert uitkomst.wml_loon == D("147.10")


def test_per_maand_hours_stay_in_their_month(huidig: Policy) -> None:
    """Example d with 100 h in June and 60 h in July: (100 x 14.06 + 60 x 14.40) x 1.08 = 2,451.60,
    not the 2,456.01 of an even spread."""
    maanden = (
        Blok(date(2025, 6, 16), date(2025, 6, 30), D(100), D(0)),
        Blok(date(2025, 7, 1), date(2025, 7, 13), D(60), D(0)),
    )
    uitkomst = bereken_bedrag(vordering(date(2025, 6, 16), date(2025, 7, 13), 160, "0", per_maand=maanden), huidig)
    assert uitkomst.bedrag_eur == D("2451.60")


def test_youth_rate_is_rounded_to_cents_before_use(huidig: Policy) -> None:
    """Age 18: 50 % of 14.71 = 7.355 -> 7.36; 160 x 7.36 x 1.08 = 1,271.81."""
    uitkomst = bereken_bedrag(vordering(date(2026, 1, 5), date(2026, 1, 30), 160, "0", leeftijd=18), huidig)
    assert uitkomst.bedrag_eur == D("1271.81")
    with pytest.raises(GeenMinimumloon, match="onder 15 jaar"):
        bereken_bedrag(vordering(date(2026, 1, 5), date(2026, 1, 30), 160, "0", leeftijd=14), huidig)


def test_overpayment_claims_nothing_rather_than_a_negative_amount(huidig: Policy) -> None:
    uitkomst = bereken_bedrag(vordering(date(2026, 1, 5), date(2026, 1, 30), 160, "3000.00"), huidig)
    assert uitkomst.bedrag_eur == D("0.00")


def test_guarantee_floor_for_the_covered_part_of_the_window(ser2025: Policy) -> None:
    """March only: 31 of the window's 61 days -> floor 5,099.4666... x 31/61 = 2,591.5322...;
    x 1.08 - 1,000 = 1,798.85 (the hours give only 100 x 14.71 = 1,471)."""
    uitkomst = bereken_bedrag(vordering(date(2026, 3, 1), date(2026, 3, 31), 100, "1000.00", **GARANTIE), ser2025)
    assert uitkomst.bedrag_eur == D("1798.85")


def test_hours_after_the_window_are_added_to_the_floor(ser2025: Policy) -> None:
    """8 h a working day, 2026-03-01..05-31 (41 working days in the window, 18 in May): the window's
    328 h give 4,824.88 < 5,099.4666..., May adds 144 x 14.71; (5,099.4666 + 2,118.24) x 1.08 - 3,000."""
    uitkomst = bereken_bedrag(vordering(date(2026, 3, 1), date(2026, 5, 31), 472, "3000.00", **GARANTIE), ser2025)
    assert uitkomst.bedrag_eur == D("4795.12")
    assert waarden(uitkomst.stappen, "LV-WML") == [D("4824.88"), D("2118.24")]


@pytest.mark.parametrize(
    ("anders", "reden"),
    [
        ({"eerste_tewerkstelling_in_nl": False}, "geen eerste tewerkstelling in Nederland"),
        ({"is_uitzendonderneming": False}, "de werkgever is geen uitzendonderneming"),
    ],
)
def test_who_the_guarantee_does_not_cover(ser2025: Policy, anders: dict[str, Any], reden: str) -> None:
    claim = vordering(date(2026, 3, 1), date(2026, 4, 30), 200, "2800.00", **{**GARANTIE, **anders})
    uitkomst = bereken_bedrag(claim, ser2025)
    assert uitkomst.bedrag_eur == D("377.36")
    assert waarden(uitkomst.stappen, "LV-GARANTIE") == [reden]


def test_seasonal_work_of_a_full_two_months_keeps_the_guarantee(ser2025: Policy) -> None:
    claim = vordering(
        date(2026, 3, 1), date(2026, 4, 30), 200, "2800.00", seizoenswerk=True, contract_duur_dagen=61, **GARANTIE
    )
    assert bereken_bedrag(claim, ser2025).bedrag_eur == D("2707.42")
