from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.inspectie.domain.boetes import Boete, EerdereBoete, NietBeoordeeld, OnvoldoendeGegevens, boete
from services.inspectie.domain.sancties import stillegging
from services.inspectie.tests.beleid import met
from shared.contract.inspectie import Bevinding, OnderbetalingRegel, Wet
from shared.policy import Policy

OP = date(2026, 5, 12)


def wml_bevinding(*regels: OnderbetalingRegel, ernstig: bool = False) -> Bevinding:
    return Bevinding(wet="WML", code="WML-ONDERBETALING", onderbetaling=regels, ernstig_gevaar=ernstig)


def regel(
    betaald: str,
    uren: str = "352",
    van: date = date(2026, 3, 1),
    tot: date = date(2026, 4, 30),
    leeftijd: int | None = 34,
) -> OnderbetalingRegel:
    return OnderbetalingRegel(
        werknemer_ref="W-001",
        periode_van=van,
        periode_tot=tot,
        gewerkte_uren=Decimal(uren),
        betaald_bruto_eur=Decimal(betaald),
        leeftijd=leeftijd,
    )


def bevinding(wet: Wet, code: str = "X-1", betrokkenen: int | None = None, ernstig: bool = False) -> Bevinding:
    return Bevinding(wet=wet, code=code, aantal_betrokkenen=betrokkenen, ernstig_gevaar=ernstig)


def waarden(resultaat: Boete | NietBeoordeeld | None) -> dict[str, Decimal | str]:
    assert isinstance(resultaat, Boete)
    return {stap.stap: stap.waarde for stap in resultaat.berekening}


def test_worked_example_352_hours_underpaid_26_6_percent_over_2_months_is_3000(huidig: Policy) -> None:
    resultaat = boete(wml_bevinding(regel("3800.00")), OP, huidig)
    assert isinstance(resultaat, Boete)
    assert (resultaat.wet, resultaat.regel, resultaat.bedrag_eur) == ("WML", "BOETE-WML", Decimal("3000.00"))
    stappen = waarden(resultaat)
    assert stappen["BOETE-WML-LOON"] == Decimal("5177.92")
    assert stappen["BOETE-WML-PCT"] == Decimal("26.6")
    assert stappen["BOETE-WML-MAANDEN"] == Decimal(2)
    assert stappen["BOETE-WML-TABEL"] == Decimal(3000)
    assert resultaat.nabetaling_eur == Decimal("1792.15")  # 5177.92 x 1.08 - 3800
    assert resultaat.beleid == huidig.version


@pytest.mark.parametrize(
    ("betaald", "van", "tot", "verwacht"),
    [
        ("1323.90", date(2026, 1, 1), date(2026, 3, 31), "3000"),  # exactly 10 % over exactly 3 months
        ("735.50", date(2026, 1, 1), date(2026, 6, 30), "10000"),  # exactly 50 % over 6 months
        ("1400.00", date(2026, 1, 1), date(2026, 1, 31), "500"),  # 4.8 % (EUR 71) in 1 month
        ("1400.00", date(2026, 1, 1), date(2026, 2, 1), "750"),  # just over 1 month, < 5 %
        ("1323.91", date(2026, 1, 1), date(2026, 2, 1), "1000"),  # just under 10 %, just over 1 month
        ("1440.00", date(2026, 1, 1), date(2026, 6, 30), "500"),  # EUR 31 underpaid: below the EUR 50 floor
    ],
)
def test_beleidsregel_table_cells(huidig: Policy, betaald: str, van: date, tot: date, verwacht: str) -> None:
    # 100 h at 14.71 = 1471.00 owed
    resultaat = boete(wml_bevinding(regel(betaald, uren="100", van=van, tot=tot)), OP, huidig)
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(verwacht)


def test_youth_rate_applies_and_nobody_underpaid_means_no_fine(huidig: Policy) -> None:
    # age 18: 50 % of 14.71 = 7.36/h; 352 h = 2590.72 owed; 2590.72 paid is not underpaid
    assert boete(wml_bevinding(regel("2590.72", leeftijd=18)), OP, huidig) is None
    jong = boete(wml_bevinding(regel("2000.00", leeftijd=18)), OP, huidig)
    assert waarden(jong)["BOETE-WML-LOON"] == Decimal("2590.72")
    assert isinstance(jong, Boete) and jong.bedrag_eur == Decimal(2000)  # 22.8 % over 2 months


def test_fine_per_underpaid_worker_adds_up(huidig: Policy) -> None:
    resultaat = boete(wml_bevinding(regel("3800.00"), regel("100.00", uren="10")), OP, huidig)
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(3500)  # 3000 + 500 (EUR 47.10 underpaid)


def test_wml_finding_without_underpayment_lines_cannot_be_fined(huidig: Policy) -> None:
    with pytest.raises(OnvoldoendeGegevens):
        boete(wml_bevinding(), OP, huidig)


@pytest.mark.parametrize(
    ("eerdere", "verwacht"),
    [
        ([EerdereBoete("WML", "WML-ONDERBETALING", date(2022, 6, 1))], "6000"),
        ([EerdereBoete("WML", "WML-ONDERBETALING", date(2021, 5, 12))], "6000"),  # exactly 5 years back
        ([EerdereBoete("WML", "WML-ONDERBETALING", date(2021, 5, 11))], "3000"),  # outside the term
        ([EerdereBoete("Arbowet", "WML-ONDERBETALING", date(2022, 6, 1))], "3000"),  # other law
        ([EerdereBoete("WML", "WML-ONDERBETALING", date(2022, 6, 1))] * 2, "9000"),  # two earlier fines: +200 %
    ],
)
def test_recidive_raises_by_100_or_200_percent(huidig: Policy, eerdere: list[EerdereBoete], verwacht: str) -> None:
    resultaat = boete(wml_bevinding(regel("3800.00")), OP, huidig, eerdere_boetes=eerdere)
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(verwacht)


def test_two_serious_violations_within_10_years_raise_by_the_laws_own_heavy_percentage(huidig: Policy) -> None:
    """Arbowet has a regime of its own (defect 17): +100 % for two serious violations, not art. 18f WML's 200."""
    ernstig_2018 = EerdereBoete("Arbowet", "ARBO-VALGEVAAR", date(2018, 1, 1), ernstig=True)
    gewoon_2018 = EerdereBoete("Arbowet", "ARBO-VALGEVAAR", date(2018, 1, 1), ernstig=False)
    nu = bevinding("Arbowet", "ARBO-VALGEVAAR", ernstig=True)
    zwaar = boete(nu, OP, huidig, eerdere_boetes=[ernstig_2018], aantal_werknemers=600)
    assert isinstance(zwaar, Boete) and (zwaar.recidive_pct, zwaar.bedrag_eur) == (Decimal(100), Decimal(9000))
    verjaard = boete(nu, OP, huidig, eerdere_boetes=[gewoon_2018], aantal_werknemers=600)
    assert isinstance(verjaard, Boete) and verjaard.bedrag_eur == Decimal(4500)


def test_a_violation_is_capped_at_the_5th_category(huidig: Policy) -> None:
    policy = met(huidig, boete_maximum_per_overtreding_eur=5000)
    resultaat = boete(
        wml_bevinding(regel("3800.00")),
        OP,
        policy,
        eerdere_boetes=[EerdereBoete("WML", "WML-ONDERBETALING", date(2024, 1, 1))],
    )
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(5000)  # 6000 capped
    assert waarden(resultaat)["BOETE-MAXIMUM"] == Decimal("5000.00")


@pytest.mark.parametrize(
    ("ernstig", "werknemers", "betrokkenen", "verwacht"),
    [
        (True, 30, 3, "1800.00"),  # category 5 (4500) x 40 % for 10-49 workers
        (False, 600, 3, "1500.00"),  # category 3 (1500) x 100 % from 500 workers
        (True, None, 3, "450.00"),  # headcount unknown: 3 involved, 10 %
        (False, 4, None, "150.00"),  # 1500 x 10 %
    ],
)
def test_arbowet_by_severity_scaled_by_headcount(
    huidig: Policy, ernstig: bool, werknemers: int | None, betrokkenen: int | None, verwacht: str
) -> None:
    resultaat = boete(
        bevinding("Arbowet", betrokkenen=betrokkenen, ernstig=ernstig), OP, huidig, aantal_werknemers=werknemers
    )
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(verwacht)


def test_wav_12000_per_worker_and_other_laws_a_default(huidig: Policy) -> None:
    wav = boete(bevinding("Wav", betrokkenen=4), OP, huidig)
    atw = boete(bevinding("Atw"), OP, huidig)
    assert isinstance(wav, Boete) and wav.bedrag_eur == Decimal(48000)
    assert isinstance(atw, Boete) and (atw.regel, atw.bedrag_eur) == ("BOETE-STANDAARD", Decimal(1500))


def test_wtta_is_fined_only_from_2028(huidig: Policy) -> None:
    assert boete(bevinding("Wtta"), date(2027, 6, 1), huidig) is None
    wtta = boete(bevinding("Wtta"), date(2028, 3, 1), huidig)
    assert isinstance(wtta, Boete) and wtta.bedrag_eur == Decimal(6000)


def test_huidig_ignores_turnover(huidig: Policy) -> None:
    resultaat = boete(wml_bevinding(regel("3800.00")), OP, huidig, omzet_eur=Decimal(60_000_000))
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(3000)
    assert "BOETE-OMZET" not in waarden(resultaat)


@pytest.mark.parametrize(
    ("omzet", "verwacht"),
    [("1999999.99", "3000"), ("2000000", "4500"), ("9999999", "4500"), ("10000000", "6000"), ("50000000", "9000")],
)
def test_ser2025_multiplies_by_turnover_band(ser2025: Policy, omzet: str, verwacht: str) -> None:
    resultaat = boete(wml_bevinding(regel("3800.00")), OP, ser2025, omzet_eur=Decimal(omzet))
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(verwacht)
    assert resultaat.beleid.startswith("ser2025@")


def test_ser2025_without_known_turnover_says_factor_1(ser2025: Policy) -> None:
    resultaat = boete(wml_bevinding(regel("3800.00")), OP, ser2025)
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(3000)
    omzet = next(stap for stap in resultaat.berekening if stap.stap == "BOETE-OMZET")
    assert (omzet.waarde, "omzet onbekend" in omzet.omschrijving) == (Decimal(1), True)


def test_ser2025_result_is_capped_at_1030000(ser2025: Policy) -> None:
    resultaat = boete(bevinding("Wav", betrokkenen=100), OP, ser2025, omzet_eur=Decimal(80_000_000))
    assert isinstance(resultaat, Boete) and resultaat.bedrag_eur == Decimal(1_030_000)  # 1.2 M x 3.0 capped


def test_undated_hours_spread_over_working_days_at_the_rate_of_each_day(huidig: Policy) -> None:
    # 2025-12-01..2026-01-31: 21 working days at 14.40 (Christmas excluded), 21 at 14.71 (New Year excluded)
    resultaat = boete(
        wml_bevinding(regel("5000.00", uren="420", van=date(2025, 12, 1), tot=date(2026, 1, 31))), OP, huidig
    )
    assert waarden(resultaat)["BOETE-WML-LOON"] == Decimal("6113.10")  # 210 x 14.40 + 210 x 14.71


def test_a_wml_period_before_the_policys_first_rate_is_not_judged_and_stops_nothing(
    huidig: Policy, ser2025: Policy
) -> None:
    """The policy holds the minimum wage from 2024 on; a finding over December 2023 cannot be
    fined by it. That is a fine not judged, not an error that loses the visit's other findings; the
    ser2025 stoppage test stops nothing and says it was not judged either."""
    vroeg = wml_bevinding(regel("3000", uren="320", van=date(2023, 12, 1), tot=date(2024, 1, 31)))
    for policy in (huidig, ser2025):
        resultaat = boete(vroeg, OP, policy)
        assert isinstance(resultaat, NietBeoordeeld), policy.version
        assert "2023-12-01" in resultaat.reden
    stil = stillegging(vroeg, OP, ser2025)
    assert isinstance(stil, NietBeoordeeld) and stil.regel == "STIL-ONDERBETALING"


def test_under_ser2025_an_arbowet_fine_follows_turnover_instead_of_headcount(huidig: Policy, ser2025: Policy) -> None:
    """SER rec. 1 replaces the scale by headcount with a factor by turnover; applying both shrank
    the fine of a large employer (4 500 x 85 % x 2.0 instead of 4 500 x 2.0)."""
    arbo = bevinding("Arbowet", ernstig=True)
    nieuw = boete(arbo, OP, ser2025, aantal_werknemers=300, omzet_eur=Decimal(20_000_000))
    assert isinstance(nieuw, Boete)
    codes = [s.stap for s in nieuw.berekening]
    assert "BOETE-OMZET" in codes and "BOETE-ARBO-OMVANG" not in codes
    normbedrag = next(s.waarde for s in nieuw.berekening if s.stap == "BOETE-ARBO-CATEGORIE")
    factor = next(s.waarde for s in nieuw.berekening if s.stap == "BOETE-OMZET")
    assert nieuw.bedrag_eur == Decimal(str(normbedrag)) * Decimal(str(factor))
    oud = boete(arbo, OP, huidig, aantal_werknemers=300, omzet_eur=Decimal(20_000_000))
    assert isinstance(oud, Boete) and "BOETE-ARBO-OMVANG" in [s.stap for s in oud.berekening]
    assert oud.bedrag_eur < Decimal(str(normbedrag))
