"""The claim amount at the limits of the rules a legal review found misapplied (defects 1, 2, 12, 15
and 16), each table-driven. Every expected amount is worked out by hand in the row's comment."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.loonvordering.domain.bedrag import bereken_bedrag
from services.loonvordering.domain.berekening import Stap
from services.loonvordering.domain.invoer import Blok, Vordering
from shared.policy import Period, Policy

D = Decimal
GARANTIE: dict[str, Any] = {"eerste_tewerkstelling_in_nl": True, "is_uitzendonderneming": True}
# Full-time monthly WML in 2026's first half: 14.71 x 40 x 52/12 = 2,549.7333...


def waarden(stappen: tuple[Stap, ...], stap: str) -> list[Decimal | str]:
    return [s.waarde for s in stappen if s.stap == stap]


def maand(jaar: int, m: int, uren: int, betaald: str, inhouding: str = "0") -> Blok:
    eind = date(jaar, m + 1, 1) if m < 12 else date(jaar + 1, 1, 1)
    return Blok(date(jaar, m, 1), date.fromordinal(eind.toordinal() - 1), D(uren), D(betaald), D(inhouding))


def per_maand(*blokken: Blok, leeftijd: int = 30, **rest: Any) -> Vordering:
    return Vordering(
        blokken[0].van,
        blokken[-1].tot,
        sum((b.uren for b in blokken), D(0)),
        sum((b.betaald for b in blokken), D(0)),
        leeftijd,
        per_maand=blokken,
        **rest,
    )


# -- defect 1: the seasonal exception needs the pay test ------------------------------------------
@pytest.mark.parametrize(
    ("duur", "betaald", "verwacht", "garantie"),
    [
        # The review's example: 60 h x 14.71 x 1.08 = 953.208; paid 953.16 (today: 0.05). Under the
        # guarantee: window 03-02..05-01 (61 days), 30 covered: 2 x 2,549.7333 x 30/61 = 2,507.9344;
        # x 1.08 = 2,708.5692 - 953.16 = 1,755.41.
        pytest.param(30, "953.16", "1755.41", True, id="defect-1-example-paid-below-full-time"),
        # Full-time WML over 03-02..03-31 (30/31 of a month) + 8 %: 2,549.7333 x 30/31 x 1.08 =
        # 2,664.8826. One cent below it: the guarantee applies (2,708.5692 - 2,664.88 = 43.69).
        pytest.param(30, "2664.88", "43.69", True, id="defect-1-one-cent-below-full-time"),
        # At or above it, with a contract under 2 months: the exception applies, hours only (0.00).
        pytest.param(30, "2664.89", "0.00", False, id="defect-1-full-time-paid-exception-applies"),
        pytest.param(60, "2664.89", "0.00", False, id="defect-1-60-days-is-under-2-months"),
        # 61 days from 03-02 is 2 full months: no exception whatever the pay.
        pytest.param(61, "2664.89", "43.68", True, id="defect-1-61-days-is-not-under-2-months"),
    ],
)
def test_defect_1_seasonal_exception_needs_full_time_pay(
    ser2025: Policy, duur: int, betaald: str, verwacht: str, garantie: bool
) -> None:
    """Defect 1: a seasonal contract under 2 months is out of the guarantee only if it pays at least
    the full-time WML (domain-rules §3); the computation shows the pay test (LV-GARANTIE-SEIZOEN)."""
    claim = Vordering(
        date(2026, 3, 2),
        date(2026, 3, 31),
        D(60),
        D(betaald),
        30,
        seizoenswerk=True,
        contract_duur_dagen=duur,
        **GARANTIE,
    )
    uitkomst = bereken_bedrag(claim, ser2025)
    assert (uitkomst.bedrag_eur, uitkomst.inkomensgarantie) == (D(verwacht), garantie)
    assert uitkomst.beleid == ser2025.version
    if duur < 61:
        assert waarden(uitkomst.stappen, "LV-GARANTIE-SEIZOEN") == [D("2664.88")]


def test_defect_1_current_law_has_no_guarantee(huidig: Policy) -> None:
    claim = Vordering(date(2026, 3, 2), date(2026, 3, 31), D(60), D("953.16"), 30, seizoenswerk=True, **GARANTIE)
    assert bereken_bedrag(claim, huidig).bedrag_eur == D("0.05")


# -- defect 2: the window starts at the first day of work -----------------------------------------
@pytest.mark.parametrize(
    ("eerste_werkdag", "van", "verwacht", "venster"),
    [
        # Second month alone, work began 02-01: window 02-01..03-31 (59 days), March's 31 covered:
        # 2 x 2,549.7333 x 31/59 = 2,679.3819; x 1.08 - 1,000 = 1,893.73 (a fresh window: 1,798.85).
        pytest.param(date(2026, 2, 1), date(2026, 3, 1), "1893.73", "2026-02-01 t/m 2026-03-31", id="defect-2-month-2"),
        # No first day given: the window starts at periode_van (03-01..04-30, 31 of 61 days) and says so.
        pytest.param(None, date(2026, 3, 1), "1798.85", "2026-03-01 t/m 2026-04-30", id="defect-2-unknown-start"),
        # Work began 01-05: window 01-05..03-04 (59 days). A claim from 03-04 covers its last day:
        # floor 2 x 2,549.7333 / 59 = 86.4316; that day's hours 100/20 x 14.71 = 73.55; top-up
        # 12.8816; (1,471 + 12.8816) x 1.08 - 1,000 = 602.59.
        pytest.param(date(2026, 1, 5), date(2026, 3, 4), "602.59", "2026-01-05 t/m 2026-03-04", id="defect-2-last-day"),
        # A claim from 03-05 lies after the window: no guarantee, 1,471 x 1.08 - 1,000 = 588.68.
        pytest.param(date(2026, 1, 5), date(2026, 3, 5), "588.68", None, id="defect-2-after-the-window"),
    ],
)
def test_defect_2_guarantee_window_starts_at_the_first_day_of_work(
    ser2025: Policy, eerste_werkdag: date | None, van: date, verwacht: str, venster: str | None
) -> None:
    """Defect 2: the guarantee window runs from `werknemer.eerste_werkdag`, not from the claim's start;
    a claim for a later month gets no fresh window."""
    claim = Vordering(van, date(2026, 3, 31), D(100), D("1000.00"), 30, eerste_werkdag=eerste_werkdag, **GARANTIE)
    uitkomst = bereken_bedrag(claim, ser2025)
    assert uitkomst.bedrag_eur == D(verwacht)
    assert waarden(uitkomst.stappen, "LV-GARANTIE-VENSTER") == ([venster] if venster else [])
    uitleg = [s.omschrijving for s in uitkomst.stappen if s.stap == "LV-GARANTIE-VENSTER"]
    if venster and eerste_werkdag is None:
        assert uitleg == ["garantievenster van 2 maanden eerste werkdag niet opgegeven: vanaf periode_van"]
    if venster is None:
        assert waarden(uitkomst.stappen, "LV-GARANTIE") == [
            "de periode begint na het garantievenster (2026-01-05 t/m 2026-03-04)"
        ]


# -- defect 15: BBL youth rates -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("leeftijd", "bbl", "verwacht"),
    [
        pytest.param(19, True, "1334.02", id="defect-15-bbl-19"),  # 52.5 % of 14.71 = 7.72; 160 x 7.72 x 1.08
        pytest.param(19, False, "1525.82", id="defect-15-not-bbl-19"),  # 60 %: 8.83
        pytest.param(20, True, "1563.84", id="defect-15-bbl-20"),  # 61.5 %: 9.05; 160 x 9.05 x 1.08
        pytest.param(18, True, "1156.03", id="defect-15-bbl-18"),  # 45.5 %: 6.69
        pytest.param(17, True, "1003.97", id="defect-15-bbl-17-ordinary-band"),  # 39.5 %: 5.81
        pytest.param(21, True, "2541.89", id="defect-15-bbl-21-adult"),  # 14.71
    ],
)
def test_defect_15_bbl_youth_rates(huidig: Policy, leeftijd: int, bbl: bool, verwacht: str) -> None:
    """Defect 15: on a work-study track (BBL) ages 20 / 19 / 18 have 61.5 / 52.5 / 45.5 % of the WML."""
    claim = Vordering(date(2026, 1, 5), date(2026, 1, 30), D(160), D(0), leeftijd, bbl=bbl)
    uitkomst = bereken_bedrag(claim, huidig)
    assert uitkomst.bedrag_eur == D(verwacht)
    if bbl and 18 <= leeftijd <= 20:
        assert "BBL" in uitkomst.stappen[0].omschrijving


# -- defect 16: the WML is owed per pay period ----------------------------------------------------
@pytest.mark.parametrize(
    ("januari", "februari", "verwacht", "tekorten"),
    [
        # Each month owes 160 x 14.71 x 1.08 = 2,541.888. January overpaid does not offset February
        # (offset over the period it would be 5,083.776 - 4,000 = 1,083.78).
        pytest.param("3000.00", "1000.00", "1541.89", ["0.00", "1541.89"], id="defect-16-overpaid-month-no-offset"),
        pytest.param("2541.90", "2541.88", "0.01", ["0.00", "0.01"], id="defect-16-cent-over-and-under"),
        pytest.param("2541.89", "2541.89", "0.00", ["0.00", "0.00"], id="defect-16-both-paid"),
        pytest.param("2541.88", "2541.88", "0.02", ["0.01", "0.01"], id="defect-16-both-short"),  # 0.008 + 0.008
    ],
)
def test_defect_16_shortfall_per_month(
    huidig: Policy, januari: str, februari: str, verwacht: str, tekorten: list[str]
) -> None:
    """Defect 16: with `per_maand` the shortfall is computed per month (LV-TEKORT) and summed. The
    statute over domain-rules: §2 pins one total over the period, but the WML is owed over each pay
    period (art. 7 WML; `loon_tekort_per_maand` in policy/huidig/loonvordering.yaml says so)."""
    claim = per_maand(maand(2026, 1, 160, januari), maand(2026, 2, 160, februari))
    uitkomst = bereken_bedrag(claim, huidig)
    assert uitkomst.bedrag_eur == D(verwacht)
    assert waarden(uitkomst.stappen, "LV-TEKORT") == [D(t) for t in tekorten]


def test_defect_16_the_pay_period_rule_is_policy_data(huidig: Policy) -> None:
    """Switched off in the policy, the months offset each other again (5,083.776 - 4,000)."""
    uit = dataclasses.replace(
        huidig,
        parameters={**huidig.parameters, "loon_tekort_per_maand": (Period(geldig_van=date(2015, 7, 1), waarde=False),)},
    )
    claim = per_maand(maand(2026, 1, 160, "3000.00"), maand(2026, 2, 160, "1000.00"))
    uitkomst = bereken_bedrag(claim, uit)
    assert uitkomst.bedrag_eur == D("1083.78")
    assert waarden(uitkomst.stappen, "LV-TEKORT") == []


def test_defect_16_totals_only_stay_one_pay_period(huidig: Policy) -> None:
    """Without `per_maand` the period is the only block: §2's pinned example is unchanged (741.89)."""
    uitkomst = bereken_bedrag(Vordering(date(2026, 1, 5), date(2026, 1, 30), D(160), D("1800.00"), 30), huidig)
    assert uitkomst.bedrag_eur == D("741.89")
    assert waarden(uitkomst.stappen, "LV-TEKORT") == []


# -- defect 12: an unlawful housing deduction does not count as paid ------------------------------
# February 2026, 150 h, paid exactly what is owed (150 x rate x 1.08). The month's cap is 25 % of the
# worker's own monthly WML on the full-time week: rate x 40 x 52/12 / 4 (shared.inhouding).
@pytest.mark.parametrize(
    ("leeftijd", "bbl", "betaald", "inhouding", "verwacht"),
    [
        # Adult: 25 % of 14.71 x 40 x 52/12 = 637.4333 may be withheld.
        pytest.param(30, False, "2383.02", "637.43", "0.00", id="defect-12-at-the-cap"),
        pytest.param(30, False, "2383.02", "637.44", "0.01", id="defect-12-a-cent-over"),  # 0.0067
        pytest.param(30, False, "2383.02", "700.00", "62.57", id="defect-12-over"),  # 62.5667
        # The worker's own WML: at 18 the cap is 25 % of 7.36 x 40 x 52/12 = 318.9333; 320 withheld
        # leaves 1.0667 unpaid. The adult cap (637.43) would miss it.
        pytest.param(18, False, "1192.32", "320.00", "1.07", id="defect-12-youth-cap"),
        # BBL at 19: 25 % of 7.72 x 40 x 52/12 = 334.5333; 335 withheld -> 0.4667.
        pytest.param(19, True, "1250.64", "335.00", "0.47", id="defect-12-bbl-cap"),
    ],
)
def test_defect_12_housing_deduction_above_huis_005_does_not_count_as_paid(
    huidig: Policy, leeftijd: int, bbl: bool, betaald: str, inhouding: str, verwacht: str
) -> None:
    """Defect 12 (domain-rules §2 step 3, HUIS-005): a housing deduction above 25 % of the worker's own
    WML of that month does not count as paid toward the WML in the claim. Statute over domain-rules:
    only the part above the cap, since art. 13 WML allows the deduction "voor zover" it stays within
    it (art. 2a Besluit WML: at most 25 %); domain-rules' HUIS-005 reads as all-or-nothing."""
    claim = per_maand(maand(2026, 2, 150, betaald, inhouding), leeftijd=leeftijd, bbl=bbl)
    uitkomst = bereken_bedrag(claim, huidig)
    assert uitkomst.bedrag_eur == D(verwacht)
    assert waarden(uitkomst.stappen, "LV-INHOUDING") == [D(verwacht)]
    assert waarden(uitkomst.stappen, "LV-BETAALD") == [D(betaald)]


def test_defect_12_a_lawful_deduction_month_beside_an_unlawful_one(huidig: Policy) -> None:
    """Per month: January's deduction within its cap counts, February's excess (62.5667) does not:
    counted as paid 2 x 2,383.02 - 62.5667 = 4,703.47."""
    claim = per_maand(maand(2026, 1, 150, "2383.02", "500.00"), maand(2026, 2, 150, "2383.02", "700.00"))
    uitkomst = bereken_bedrag(claim, huidig)
    assert uitkomst.bedrag_eur == D("62.57")
    assert waarden(uitkomst.stappen, "LV-BETAALD-TELT") == [D("4703.47")]
    assert "€ 14.71 x 40 uur x 52/12 = € 2549.73): € 637.43" in uitkomst.stappen[3].omschrijving
