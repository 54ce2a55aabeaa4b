from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.inspectie.domain.boetes import Boete, EerdereBoete, boete
from services.inspectie.domain.ernst import ernstig
from services.inspectie.domain.inhoudingen import OnrechtmatigeInhouding
from services.inspectie.domain.sancties import (
    Stillegging,
    Waarschuwing,
    afloop,
    geldige_waarschuwingen,
    herstelbetaling,
    stillegging,
    tijdige_bewijzen,
    waarschuwing_na,
)
from shared.contract.base import WerkgeverKvk
from shared.contract.inspectie import Betaalbewijs, Bevinding, OnderbetalingRegel
from shared.policy import Policy

OP = date(2026, 5, 12)
WERKGEVER = WerkgeverKvk(kvk_nummer="12345678")


def onderbetaald(betaald: str, van: date = date(2026, 3, 1), tot: date = date(2026, 4, 30)) -> Bevinding:
    regel = OnderbetalingRegel(
        werknemer_ref="W-001",
        periode_van=van,
        periode_tot=tot,
        gewerkte_uren=Decimal(352),
        betaald_bruto_eur=Decimal(betaald),
        leeftijd=34,
    )
    return Bevinding(wet="WML", code="WML-ONDERBETALING", onderbetaling=(regel,))


def wml_boete(policy: Policy, eerdere: list[EerdereBoete] | None = None) -> Boete:
    resultaat = boete(onderbetaald("3800.00"), OP, policy, eerdere_boetes=eerdere or [])
    assert isinstance(resultaat, Boete)
    return resultaat


def bewijs(bedrag: str, op: date = date(2026, 5, 20)) -> Betaalbewijs:
    return Betaalbewijs(inspectie_id="INS-1", werkgever=WERKGEVER, bedrag_eur=Decimal(bedrag), betaald_op=op)


def test_no_back_pay_window_under_current_law(huidig: Policy) -> None:
    besluit = herstelbetaling(wml_boete(huidig), OP, huidig)
    assert (besluit.aangehouden, besluit.tot_en_met) == (False, None)


def test_ser2025_holds_a_wml_fine_14_days(ser2025: Policy) -> None:
    besluit = herstelbetaling(wml_boete(ser2025), OP, ser2025)
    assert (besluit.aangehouden, besluit.tot_en_met, besluit.beleid) == (True, date(2026, 5, 26), ser2025.version)


def test_ser2025_excludes_repeat_offenders_and_fines_without_back_pay(ser2025: Policy) -> None:
    recidivist = wml_boete(ser2025, [EerdereBoete("WML", "WML-ONDERBETALING", date(2024, 1, 1))])
    assert not herstelbetaling(recidivist, OP, ser2025).aangehouden
    arbo = boete(Bevinding(wet="Arbowet", code="ARBO-VALGEVAAR"), OP, ser2025)
    assert isinstance(arbo, Boete) and not herstelbetaling(arbo, OP, ser2025).aangehouden


def test_full_back_pay_in_time_lapses_the_fine(ser2025: Policy) -> None:
    verschuldigd = wml_boete(ser2025).nabetaling_eur
    assert verschuldigd == Decimal("1792.15")
    einde = date(2026, 5, 26)
    uitkomst = afloop(verschuldigd, [bewijs("1000.00"), bewijs("792.15")], einde, date(2026, 5, 21), ser2025)
    assert uitkomst is not None and uitkomst.uitkomst == "vervallen"
    assert [s.waarde for s in uitkomst.berekening] == [Decimal("1792.15"), Decimal("1792.15"), "vervallen"]


def test_partial_back_pay_waits_then_the_fine_becomes_final(ser2025: Policy) -> None:
    einde = date(2026, 5, 26)
    assert afloop(Decimal("1792.15"), [bewijs("1792.14")], einde, einde, ser2025) is None
    laat = afloop(Decimal("1792.15"), [bewijs("1792.14")], einde, date(2026, 5, 27), ser2025)
    assert laat is not None and laat.uitkomst == "onherroepelijk"


def test_proof_arriving_after_the_window_does_not_lapse_the_fine(ser2025: Policy) -> None:
    """Paid within the window but received the day after it: it does not count (`tijdige_bewijzen`)."""
    einde = date(2026, 5, 26)
    tijdig = tijdige_bewijzen([(bewijs("1792.15"), date(2026, 5, 27))], einde)
    assert tijdig == []
    uitkomst = afloop(Decimal("1792.15"), tijdig, einde, date(2026, 5, 27), ser2025)
    assert uitkomst is not None and uitkomst.uitkomst == "onherroepelijk"
    laat_betaald = bewijs("1792.15", date(2026, 5, 27))
    assert tijdige_bewijzen([(laat_betaald, date(2026, 5, 26)), (bewijs("1.00"), einde)], einde) == [bewijs("1.00")]
    assert tijdige_bewijzen([(bewijs("1.00"), None)], einde) == [bewijs("1.00")], "received before receipt was kept"


def test_warning_stands_five_years_then_expires(huidig: Policy) -> None:
    waarschuwing = waarschuwing_na(Bevinding(wet="Arbowet", code="ARBO-VALGEVAAR"), "INS-0", date(2024, 3, 15), huidig)
    assert waarschuwing is not None and waarschuwing.geldig_tot_en_met == date(2029, 3, 14)
    assert geldige_waarschuwingen([waarschuwing], date(2024, 3, 15)) == []  # not against its own finding
    assert geldige_waarschuwingen([waarschuwing], date(2029, 3, 14)) == [waarschuwing]
    assert geldige_waarschuwingen([waarschuwing], date(2029, 3, 15)) == []
    assert waarschuwing_na(Bevinding(wet="Wgv", code="WGV-1"), "INS-0", OP, huidig) is None


def test_serious_danger_stops_work_immediately_until_it_ends(huidig: Policy) -> None:
    besluit = stillegging(Bevinding(wet="Arbowet", code="ARBO-VALGEVAAR", ernstig_gevaar=True), OP, huidig)
    assert isinstance(besluit, Stillegging)
    assert (besluit.grond, besluit.regel, besluit.vanaf, besluit.uiterlijk_tot_en_met) == (
        "ernstig_gevaar",
        "STIL-ERNSTIG-GEVAAR",
        OP,
        None,
    )


def test_a_repeat_while_a_warning_stands_allows_three_months(huidig: Policy) -> None:
    bevinding = Bevinding(wet="Arbowet", code="ARBO-VALGEVAAR")
    staand = Waarschuwing("Arbowet", "ARBO-VALGEVAAR", "INS-0", date(2023, 1, 10), date(2028, 1, 9))
    verlopen = Waarschuwing("Arbowet", "ARBO-VALGEVAAR", "INS-0", date(2020, 1, 10), date(2025, 1, 9))
    andere_wet = Waarschuwing("Wav", "ARBO-VALGEVAAR", "INS-0", date(2023, 1, 10), date(2028, 1, 9))
    besluit = stillegging(bevinding, OP, huidig, [staand])
    assert isinstance(besluit, Stillegging)
    assert (besluit.grond, besluit.uiterlijk_tot_en_met) == ("herhaling", date(2026, 8, 11))
    assert stillegging(bevinding, OP, huidig, [verlopen, andere_wet]) is None


def test_serious_underpayment_stops_work_only_under_ser2025(huidig: Policy, ser2025: Policy) -> None:
    helft = onderbetaald("2588.96")  # exactly 50 % of 5177.92 paid
    assert stillegging(helft, OP, huidig) is None
    besluit = stillegging(helft, OP, ser2025)
    assert isinstance(besluit, Stillegging) and (besluit.grond, besluit.regel) == (
        "ernstige_onderbetaling",
        "STIL-ONDERBETALING",
    )
    assert [s.waarde for s in besluit.berekening] == [Decimal("50.0")]


def test_ser2025_below_70_percent_of_wml_counts_only_over_three_months(ser2025: Policy) -> None:
    # 352 h at 14.71 = 5177.92; 3500 paid = 67.6 % of the WML (32.4 % underpaid)
    assert stillegging(onderbetaald("3500.00"), OP, ser2025) is None  # 2 months
    drie_maanden = onderbetaald("3500.00", van=date(2026, 1, 1), tot=date(2026, 3, 31))
    besluit = stillegging(drie_maanden, OP, ser2025)
    assert isinstance(besluit, Stillegging) and besluit.grond == "ernstige_onderbetaling"
    assert stillegging(onderbetaald("3700.00", van=date(2026, 1, 1), tot=date(2026, 3, 31)), OP, ser2025) is None


def test_ser2025_a_wml_finding_marked_serious_danger_stops_work_only_above_the_underpayment_thresholds(
    ser2025: Policy,
) -> None:
    """SER rec. 1: underpayment counts as serious danger when >= 50 % is underpaid or < 70 % of the
    WML is paid over >= 3 months. The inspector's mark on a WML finding does not replace that test:
    26.6 % underpaid over 2 months (73.4 % paid) grounds no immediate stop, marked or not."""
    licht = onderbetaald("3800.00").model_copy(update={"ernstig_gevaar": True})
    assert stillegging(licht, OP, ser2025) is None
    zwaar = onderbetaald("2588.96").model_copy(update={"ernstig_gevaar": True})  # exactly 50 % paid
    besluit = stillegging(zwaar, OP, ser2025)
    assert isinstance(besluit, Stillegging) and (besluit.grond, besluit.uiterlijk_tot_en_met) == (
        "ernstig_gevaar",
        None,
    )
    assert [(s.stap, s.waarde) for s in besluit.berekening][1:] == [("STIL-ONDERBETALING", Decimal("50.0"))]


def test_ser2025_a_marked_wml_finding_below_the_thresholds_is_still_a_repeat_while_a_warning_stands(
    ser2025: Policy,
) -> None:
    licht = onderbetaald("3800.00").model_copy(update={"ernstig_gevaar": True})
    staand = Waarschuwing("WML", "WML-ONDERBETALING", "INS-0", date(2023, 1, 10), date(2028, 1, 9))
    besluit = stillegging(licht, OP, ser2025, [staand])
    assert isinstance(besluit, Stillegging) and (besluit.grond, besluit.uiterlijk_tot_en_met) == (
        "herhaling",
        date(2026, 8, 11),
    )


def test_proofs_shared_by_the_held_fines_of_an_inspection_count_once(ser2025: Policy) -> None:
    """Two held fines of one inspection owe 1792.15 each. The proofs name the inspection only, so a
    fine lapses when they cover both (3584.30); 1792.15 proven leaves both pending, then final."""
    einde, binnen, na = date(2026, 5, 26), date(2026, 5, 21), date(2026, 5, 27)
    ander = Decimal("1792.15")
    assert afloop(Decimal("1792.15"), [bewijs("1792.15")], einde, binnen, ser2025, ook_verschuldigd_eur=ander) is None
    laat = afloop(Decimal("1792.15"), [bewijs("1792.15")], einde, na, ser2025, ook_verschuldigd_eur=ander)
    assert laat is not None and laat.uitkomst == "onherroepelijk"
    beide = [bewijs("1792.15"), bewijs("1792.15", date(2026, 5, 21))]
    uitkomst = afloop(Decimal("1792.15"), beide, einde, binnen, ser2025, ook_verschuldigd_eur=ander)
    assert uitkomst is not None and uitkomst.uitkomst == "vervallen"
    assert [(s.stap, s.waarde) for s in uitkomst.berekening][:3] == [
        ("SANCTIE-HERSTEL-VERSCHULDIGD", Decimal("1792.15")),
        ("SANCTIE-HERSTEL-GEDEELD", Decimal("1792.15")),
        ("SANCTIE-HERSTEL-BEWEZEN", Decimal("3584.30")),
    ]


def test_the_ser2025_stoppage_test_does_not_count_an_unlawful_housing_deduction_as_paid(ser2025: Policy) -> None:
    """EUR 400 a month deducted for housing without the conditions (all of it unlawful) does not count
    as wage paid: of the 3000 paid, 2200 counts, 57.5 % underpaid, past 50 %. The fine read it so;
    the stoppage test read the 3000 (42.1 % over 2 months, below both thresholds) and ordered nothing."""
    bevinding = onderbetaald("3000.00").model_copy(update={"ernstig_gevaar": True})
    inhouding = OnrechtmatigeInhouding("W-001", date(2026, 3, 1), None, Decimal(400), False)
    fine = boete(bevinding, OP, ser2025, inhoudingen=(inhouding,))
    assert isinstance(fine, Boete)
    assert {s.stap: s.waarde for s in fine.berekening}["BOETE-WML-PCT"] == Decimal("57.5")
    assert stillegging(bevinding, OP, ser2025) is None
    stil = stillegging(bevinding, OP, ser2025, inhoudingen=(inhouding,))
    assert isinstance(stil, Stillegging) and stil.grond == "ernstig_gevaar"
    assert [(s.stap, s.waarde) for s in stil.berekening] == [
        ("STIL-ERNSTIG-GEVAAR", "ja"),
        ("STIL-ONDERBETALING", Decimal("57.5")),
    ]
    zonder_teken = stillegging(onderbetaald("3000.00"), OP, ser2025, inhoudingen=(inhouding,))
    assert isinstance(zonder_teken, Stillegging) and zonder_teken.grond == "ernstige_onderbetaling"


def test_ser2025_a_marked_wml_finding_below_the_thresholds_is_no_serious_repeat(
    huidig: Policy, ser2025: Policy
) -> None:
    """Recidive: +200 % when both violations are serious. Under ser2025 a WML finding's danger is its
    underpayment, serious only past the stoppage thresholds (as the stoppage reads the mark): 26.6 %
    underpaid, marked, after a serious earlier fine is a repeat (+100 %), not a serious one; half
    underpaid, marked, is (+200 %). Under current law the inspector's mark is what makes it serious."""
    eerdere = [EerdereBoete("WML", "WML-ONDERBETALING", date(2024, 1, 1), ernstig=True)]

    def uitkomst(betaald: str, policy: Policy) -> tuple[Decimal, bool]:
        bevinding = onderbetaald(betaald).model_copy(update={"ernstig_gevaar": True})
        resultaat = boete(bevinding, OP, policy, eerdere_boetes=eerdere)
        assert isinstance(resultaat, Boete)
        return resultaat.recidive_pct, resultaat.ernstig

    assert uitkomst("3800.00", ser2025) == (Decimal(100), False)
    assert uitkomst("2588.96", ser2025) == (Decimal(200), True)
    assert uitkomst("3800.00", huidig) == (Decimal(200), True)


def test_ser2025_a_wml_finding_past_the_thresholds_is_serious_whether_or_not_it_is_marked(
    huidig: Policy, ser2025: Policy
) -> None:
    """One reading of seriousness: under ser2025 the same unmarked finding that stops work for serious
    underpayment (half the WML unpaid) is a serious violation for recidive too; marked but below the
    thresholds it is not. Under current law the inspector's mark decides."""
    zwaar, licht = onderbetaald("2588.96"), onderbetaald("3800.00")
    assert isinstance(stillegging(zwaar, OP, ser2025), Stillegging)
    assert ernstig(zwaar, OP, ser2025) is True
    assert ernstig(licht.model_copy(update={"ernstig_gevaar": True}), OP, ser2025) is False
    assert ernstig(zwaar, OP, huidig) is False
    assert ernstig(licht.model_copy(update={"ernstig_gevaar": True}), OP, huidig) is True
    eerdere = [EerdereBoete("WML", "WML-ONDERBETALING", date(2024, 1, 1), ernstig=True)]
    resultaat = boete(zwaar, OP, ser2025, eerdere_boetes=eerdere)
    assert isinstance(resultaat, Boete) and (resultaat.recidive_pct, resultaat.ernstig) == (Decimal(200), True)


def test_the_windows_end_lapses_a_fine_the_proofs_received_in_time_cover(ser2025: Policy) -> None:
    """`afloop` is given the proofs that count (paid and received within the window): when they cover
    the back pay, the window's end lapses the fine, also when no proof was judged before it (a fine
    imposed before proofs were judged at imposition, with its proof stored earlier)."""
    einde = date(2026, 5, 26)
    uitkomst = afloop(Decimal("1792.15"), [bewijs("1792.15")], einde, date(2026, 5, 27), ser2025)
    assert uitkomst is not None and uitkomst.uitkomst == "vervallen"
    assert afloop(Decimal("1792.15"), [], einde, date(2026, 5, 27), ser2025).uitkomst == "onherroepelijk"  # type: ignore[union-attr]


def test_a_proof_of_a_payment_still_to_come_lapses_nothing_until_its_day(ser2025: Policy) -> None:
    """Proof of back pay is proof of money paid: a proof received on 05-13 that states 05-20 counts
    from 05-20 (held, not refused: the contract bounds betaald_op not), so the fine does not lapse on
    the day of receipt; by the window's end (05-26) it counts."""
    einde, nabetaling = date(2026, 5, 26), Decimal("1792.15")
    vooruit = [bewijs("1792.15", date(2026, 5, 20))]
    assert afloop(nabetaling, vooruit, einde, date(2026, 5, 13), ser2025, betaald_tot=date(2026, 5, 13)) is None
    op_de_dag = afloop(nabetaling, vooruit, einde, date(2026, 5, 20), ser2025, betaald_tot=date(2026, 5, 20))
    assert op_de_dag is not None and op_de_dag.uitkomst == "vervallen"
    aan_het_eind = afloop(nabetaling, vooruit, einde, date(2026, 5, 27), ser2025)
    assert aan_het_eind is not None and aan_het_eind.uitkomst == "vervallen"
