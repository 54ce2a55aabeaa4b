"""The rule defects a legal review found in inspectie's domain (defects 4-6, 8, 9, 12, 17, 18, 20
and the SER §4.1 agency line), each as a table at its limits. Every table failed on the code before
the fix; the docstring of each test names the defect and, where domain-rules departs from the
statute, says which one the test follows (the statute)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from services.inspectie.domain.boetes import Boete, EerdereBoete, NietBeoordeeld, boete
from services.inspectie.domain.inhoudingen import OnrechtmatigeInhouding
from services.inspectie.domain.risico import Signaal, Uitzendonderneming, loonaangifte_sterkte, score
from services.inspectie.domain.sancties import Stillegging, Waarschuwing, stillegging
from services.inspectie.tests.beleid import met
from shared.contract.inspectie import Bevinding, OnderbetalingRegel, Wet
from shared.policy import Period, Policy

OP = date(2026, 5, 12)


def regel(
    betaald: str,
    uren: str = "352",
    van: date = date(2026, 3, 1),
    tot: date = date(2026, 4, 30),
    vakantiebijslag: str | None = None,
    ref: str = "W-001",
) -> OnderbetalingRegel:
    return OnderbetalingRegel(
        werknemer_ref=ref,
        periode_van=van,
        periode_tot=tot,
        gewerkte_uren=Decimal(uren),
        betaald_bruto_eur=Decimal(betaald),
        leeftijd=34,
        vakantiebijslag_betaald_eur=None if vakantiebijslag is None else Decimal(vakantiebijslag),
    )


def wml(*regels: OnderbetalingRegel) -> Bevinding:
    return Bevinding(wet="WML", code="WML-ONDERBETALING", onderbetaling=regels)


def stappen(resultaat: Boete | NietBeoordeeld | None) -> dict[str, Decimal | str]:
    assert isinstance(resultaat, Boete)
    return {stap.stap: stap.waarde for stap in resultaat.berekening}


def met_perioden(policy: Policy, sleutel: str, *perioden: Period) -> Policy:
    return dataclasses.replace(policy, parameters={**policy.parameters, sleutel: perioden}, digest="test")


# -- defect 4 -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("variant", "wet", "ernstig", "verwacht"),
    [
        ("huidig", "WML", True, None),  # today: a stoppage; art. 28 is an Arbowet power
        ("huidig", "Atw", True, None),
        ("huidig", "Arbowet", True, "ernstig_gevaar"),
        ("huidig", "Arbowet", False, None),
        ("ser2025", "WML", True, None),  # SER rec. 1: serious only past the underpayment thresholds (none here)
        ("ser2025", "Atw", True, None),
    ],
)
def test_defect_4_art_28_stoppage_for_serious_danger_only_under_the_laws_policy_names(
    huidig: Policy, ser2025: Policy, variant: str, wet: Wet, ernstig: bool, verwacht: str | None
) -> None:
    """Defect 4: under `huidig` art. 28 Arbowet grounds a stop only for an Arbowet finding."""
    policy = huidig if variant == "huidig" else ser2025
    besluit = stillegging(Bevinding(wet=wet, code="X-1", ernstig_gevaar=ernstig), OP, policy)
    assert (besluit.grond if isinstance(besluit, Stillegging) else None) == verwacht
    if besluit is not None:
        assert besluit.beleid == policy.version


# -- defect 5 -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("eerder", "nu", "herhaling"),
    [
        (("Arbowet", "ARBO-VALGEVAAR"), ("Arbowet", "ARBO-VALGEVAAR"), True),
        (("Arbowet", "ARBO-VALGEVAAR"), ("Arbowet", "ARBO-GELUID"), False),  # today: a stoppage, no recidive
        (("Wav", "ARBO-VALGEVAAR"), ("Arbowet", "ARBO-VALGEVAAR"), False),
        (("Atw", "ATW-RUSTTIJD"), ("Atw", "ATW-RUSTTIJD"), True),
    ],
)
def test_defect_5_stoppage_and_recidive_share_one_notion_of_the_same_violation(
    huidig: Policy, eerder: tuple[Wet, str], nu: tuple[Wet, str], herhaling: bool
) -> None:
    """Defect 5: a repeat is the same violation (law and code) for the art. 28a stoppage and for recidive alike."""
    bevinding = Bevinding(wet=nu[0], code=nu[1])
    waarschuwing = Waarschuwing(eerder[0], eerder[1], "INS-0", date(2024, 1, 10), date(2029, 1, 9))
    besluit = stillegging(bevinding, OP, huidig, [waarschuwing])
    opgelegd = boete(bevinding, OP, huidig, eerdere_boetes=[EerdereBoete(eerder[0], eerder[1], date(2024, 1, 10))])
    assert isinstance(opgelegd, Boete)
    assert (isinstance(besluit, Stillegging), opgelegd.recidive_pct > 0) == (herhaling, herhaling)
    if isinstance(besluit, Stillegging):
        assert besluit.grond == "herhaling" and nu[1] in besluit.berekening[0].omschrijving


# -- defect 6 -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ingetrokken_op", "vastgesteld_op", "stil"),
    [
        (date(2026, 5, 21), date(2026, 5, 20), True),  # the day before the fine lapsed: the warning still stood
        (date(2026, 5, 21), date(2026, 5, 21), False),  # withdrawn with the lapsed fine
        (date(2026, 5, 21), date(2027, 1, 4), False),
        (None, date(2027, 1, 4), True),  # a fine that became final keeps its warning
    ],
)
def test_defect_6_a_warning_withdrawn_with_its_lapsed_fine_grounds_no_stoppage(
    huidig: Policy, ingetrokken_op: date | None, vastgesteld_op: date, stil: bool
) -> None:
    """Defect 6: a lapsed fine is no prior offence (domain-rules §5), so its warning goes with it."""
    waarschuwing = Waarschuwing(
        "WML",
        "WML-ONDERBETALING",
        "INS-0",
        date(2026, 5, 12),
        date(2031, 5, 11),
        boete_id="B-INS-0-1",
        ingetrokken_op=ingetrokken_op,
    )
    besluit = stillegging(wml(regel("5177.92")), vastgesteld_op, huidig, [waarschuwing])
    assert (besluit is not None) == stil


# -- defect 8 -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vakantiebijslag", "verwacht", "nabetaling"),
    [
        (None, None, None),  # nothing known about the allowance: not judged, as before
        ("117.68", None, None),  # 8 % of 1471.00 paid in full
        ("117.67", "500", "0.01"),  # EUR 0.01 short: below the EUR 50 floor
        ("67.68", "2000", "50.00"),  # EUR 50.00 short = 42.5 % of the allowance, 1 month
        ("0", "3000", "117.68"),  # none paid: 100 %, 1 month
    ],
)
def test_defect_8_unpaid_holiday_allowance_alone_is_a_violation(
    huidig: Policy, vakantiebijslag: str | None, verwacht: str | None, nabetaling: str | None
) -> None:
    """Defect 8: wage paid in full (100 h x 14.71 = 1471.00), holiday allowance (art. 15 WML) not."""
    resultaat = boete(
        wml(regel("1471.00", uren="100", van=date(2026, 1, 1), tot=date(2026, 1, 31), vakantiebijslag=vakantiebijslag)),
        OP,
        huidig,
    )
    if verwacht is None:
        assert resultaat is None
        return
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(verwacht)
    assert resultaat.nabetaling_eur == Decimal(str(nabetaling))
    assert stappen(resultaat)["BOETE-MVB-VERSCHULDIGD"] == Decimal("117.68")


def test_defect_8_holiday_allowance_paid_lowers_the_back_pay_of_an_underpaid_worker(huidig: Policy) -> None:
    """Defect 8: what was paid as allowance counts against the back pay owed (5177.92 x 1.08 - 3800 - 100)."""
    resultaat = boete(wml(regel("3800.00", vakantiebijslag="100.00")), OP, huidig)
    assert isinstance(resultaat, Boete) and resultaat.nabetaling_eur == Decimal("1692.15")


# -- defect 9 -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tot", "beoordeeld"),
    [
        (date(2026, 6, 30), True),  # the last day whose WML is known
        (date(2026, 7, 1), False),  # one day into the unknown rate
        (date(2026, 8, 31), False),
    ],
)
def test_defect_9_an_unknown_rate_refuses_only_the_wml_fine(
    huidig: Policy, ser2025: Policy, tot: date, beoordeeld: bool
) -> None:
    """Defect 9: a WML line reaching 2026-07-01 (rate not set) is `niet beoordeeld`, with the reason; no exception."""
    bevinding = wml(regel("1000.00", uren="200", van=date(2026, 6, 1), tot=tot))
    resultaat = boete(bevinding, OP, huidig)
    if beoordeeld:
        assert isinstance(resultaat, Boete)
    else:
        assert isinstance(resultaat, NietBeoordeeld)
        assert (resultaat.wet, resultaat.regel, resultaat.beleid) == ("WML", "BOETE-WML", huidig.version)
        assert "2026-07-01" in resultaat.reden and "niet beoordeeld" in resultaat.reden
    # the ser2025 stoppage test on the same line does not raise either
    stillegging(bevinding, OP, ser2025)
    # and the other findings of the inspection are decided as usual
    assert stillegging(Bevinding(wet="Arbowet", code="ARBO-VALGEVAAR", ernstig_gevaar=True), OP, huidig) is not None


# -- defect 12 ------------------------------------------------------------------------------------
def inhouding(
    per_maand: str,
    van: date = date(2026, 3, 1),
    tot: date | None = None,
    voorwaarden: bool = False,
    ref: str = "W-001",
    leeftijd: int | None = None,
) -> OnrechtmatigeInhouding:
    return OnrechtmatigeInhouding(ref, van, tot, Decimal(per_maand), voorwaarden, None, leeftijd)


@pytest.mark.parametrize(
    ("inhoudingen", "niet_als_loon", "verwacht"),
    [
        ((), None, "2000"),  # 4000 paid of 5177.92: 22.7 % over 2 months; 25 % is 116.56 more unpaid
        ((inhouding("300", ref="W-002"),), None, "2000"),  # another worker's deduction
        ((inhouding("300", van=date(2026, 5, 1)),), None, "2000"),  # other months
        ((inhouding("300"),), "600.00", "3000"),  # no authorisation etc.: all of it, 2 months -> 34.3 %
        ((inhouding("300", van=date(2026, 4, 16)),), "150.00", "3000"),  # half of April -> 25.6 %
        ((inhouding("300", tot=date(2026, 3, 31)),), "300.00", "3000"),  # March only -> 28.5 %
        ((inhouding("100", tot=date(2026, 3, 31)),), "100.00", "2000"),  # 24.7 %: still below 25 %
        ((inhouding("700", voorwaarden=True),), "125.13", "3000"),  # only above the cap 637.4333.. x 2 -> 25.2 %
        ((inhouding("700", voorwaarden=True, leeftijd=20),), "379.93", "3000"),  # own cap: 80 % -> 510.0333..
        ((inhouding("600", voorwaarden=True),), None, "2000"),  # within the cap: lawful
    ],
)
def test_defect_12_an_unlawful_housing_deduction_does_not_count_as_paid(
    huidig: Policy, inhoudingen: tuple[OnrechtmatigeInhouding, ...], niet_als_loon: str | None, verwacht: str
) -> None:
    """Defect 12: a deduction that breaks HUIS-005 does not count toward the WML (domain-rules §2 step 3)
    for the same worker and months; only the part above the cap when the cap is the only broken condition."""
    resultaat = boete(wml(regel("4000.00")), OP, huidig, inhoudingen=inhoudingen)
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(verwacht)
    assert stappen(resultaat).get("BOETE-WML-INHOUDING") == (None if niet_als_loon is None else Decimal(niet_als_loon))


# -- defect 17 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("wet", "eerdere", "opslag", "ongeverifieerd"),
    [
        ("WML", 1, 100, False),  # art. 18f WML
        ("WML", 2, 200, False),
        ("Arbowet", 1, 50, True),  # today: art. 18f's 100 %
        ("Arbowet", 2, 100, True),
        ("Wav", 1, 100, True),
        ("Wgv", 1, 0, False),  # no SZW recidive regime: today 100 %
    ],
)
def test_defect_17_each_law_its_own_recidive_regime(
    huidig: Policy, wet: Wet, eerdere: int, opslag: int, ongeverifieerd: bool
) -> None:
    """Defect 17: the percentages of art. 18f WML apply to the WML only; others per policy, unverified ones say so."""
    code = "X-1"
    bevinding = wml(regel("3800.00")) if wet == "WML" else Bevinding(wet=wet, code=code, aantal_betrokkenen=1)
    vorige = [EerdereBoete(wet, bevinding.code, date(2024, 1, 10 + n)) for n in range(eerdere)]
    resultaat = boete(bevinding, OP, huidig, eerdere_boetes=vorige, aantal_werknemers=600)
    assert isinstance(resultaat, Boete) and resultaat.recidive_pct == opslag
    regels = [s.omschrijving for s in resultaat.berekening if s.stap == "BOETE-RECIDIVE"]
    assert len(regels) == (1 if opslag else 0)
    assert any("ongeverifieerd" in r for r in regels) == ongeverifieerd


# -- defect 18 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("van", "tot", "maximum", "ongeverifieerd"),
    [
        (date(2025, 11, 1), date(2025, 12, 31), "5000.00", False),  # committed in 2025, decided 2026-05-12
        (date(2025, 12, 1), date(2026, 1, 31), "8000.00", True),  # the violation lasted into 2026
        (date(2026, 3, 1), date(2026, 4, 30), "8000.00", True),
    ],
)
def test_defect_18_the_fine_category_is_the_one_in_force_on_the_date_of_the_violation(
    huidig: Policy, van: date, tot: date, maximum: str, ongeverifieerd: bool
) -> None:
    """Defect 18: the category amount is picked by the date the violation was committed (its last day), not the
    decision date; an amount the policy marks unverified is named so in the computation."""
    policy = met_perioden(
        huidig,
        "boete_maximum_per_overtreding_eur",
        Period(geldig_van=date(2024, 1, 1), geldig_tot=date(2025, 12, 31), waarde=5000),
        Period(geldig_van=date(2026, 1, 1), waarde=8000, status="ongeverifieerd"),
    )
    uren = "352" if van.month == 3 else "300"
    twee_eerdere = [EerdereBoete("WML", "WML-ONDERBETALING", date(2024, 1, d)) for d in (10, 11)]
    resultaat = boete(wml(regel("1000.00", uren=uren, van=van, tot=tot)), OP, policy, eerdere_boetes=twee_eerdere)
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(maximum)
    stap = next(s for s in resultaat.berekening if s.stap == "BOETE-MAXIMUM")
    assert str(tot) in stap.omschrijving and ("ongeverifieerd" in stap.omschrijving) == ongeverifieerd


def test_defect_18_policy_holds_the_2024_amounts_and_marks_the_2026_indexation_unverified(huidig: Policy) -> None:
    """Defect 18: EUR 103,000 / 1,030,000 are the 2024 amounts (domain-rules calls the latter 2026's: the 2024
    indexation of art. 23 Sr wins); the 2026 rows are marked, not invented."""
    for sleutel, bedrag in (("boete_maximum_per_overtreding_eur", 103000), ("boete_omzet_maximum_eur", 1030000)):
        per_jaar = {p.geldig_van.year: p for p in huidig.periods(sleutel)}
        assert (per_jaar[2024].waarde, per_jaar[2024].status, per_jaar[2024].geldig_tot) == (
            bedrag,
            "vastgesteld",
            date(2025, 12, 31),
        )
        assert per_jaar[2026].status == "ongeverifieerd" and "[U]" in str(per_jaar[2026].bron)


# -- defect 20 and SER §4.1 -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("onder", "werknemers", "factor", "verwacht"),
    [(1, 8, 4, "0.500"), (2, 8, 4, "1.000"), (3, 8, 4, "1"), (1, 8, 2, "0.250"), (0, 0, 4, "0.000")],
)
def test_defect_20_payroll_signal_strength_factor_is_policy(
    huidig: Policy, onder: int, werknemers: int, factor: int, verwacht: str
) -> None:
    """Defect 20: min(1, share below the WML x factor), the factor from policy (was the literal 4)."""
    policy = met(huidig, loonaangifte_sterkte_factor=factor)
    assert loonaangifte_sterkte(onder, werknemers, OP, policy) == Decimal(verwacht)


@pytest.mark.parametrize(
    ("signalen", "uitzend", "opslag_pct", "score_verwacht", "regel"),
    [
        ((Signaal("melding_or", "e-1", OP),), None, 100, "40.000", None),
        ((Signaal("melding_or", "e-1", OP),), Uitzendonderneming("la-1", OP), 100, "80.000", "40.000"),
        ((Signaal("melding_or", "e-1", OP),), Uitzendonderneming("la-1", OP), 50, "60.000", "20.000"),
        ((), Uitzendonderneming("la-1", OP), 100, "0.000", None),  # being an agency alone is no reason
        ((Signaal("melding_or", "e-1", OP),), Uitzendonderneming("la-1", date(2026, 5, 13)), 100, "40.000", None),
    ],
)
def test_ser_4_1_agency_work_is_a_weighted_explained_risk_line(
    huidig: Policy,
    signalen: tuple[Signaal, ...],
    uitzend: Uitzendonderneming | None,
    opslag_pct: int,
    score_verwacht: str,
    regel: str | None,
) -> None:
    """SER §4.1: agency work doubles the risk; the raise is a line of its own, its % from policy."""
    policy = met(huidig, risico_uitzendonderneming_opslag_pct=opslag_pct)
    risico = score(signalen, OP, policy, uitzendonderneming=uitzend)
    assert risico.score == Decimal(score_verwacht)
    assert sum(o.bijdrage for o in risico.onderdelen) == risico.score
    lijn = [o for o in risico.onderdelen if o.signaal == "uitzendonderneming"]
    assert [str(o.bijdrage) for o in lijn] == ([regel] if regel else [])
    if lijn:
        assert (lijn[0].gewicht, lijn[0].bron_event_id) == (Decimal(opslag_pct), "la-1")
