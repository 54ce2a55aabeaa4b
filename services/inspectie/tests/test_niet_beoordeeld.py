"""A WML fine is "not judged" (`NietBeoordeeld`) only when the minimum wage itself is missing for a
day of the underpaid period: before the policy's first rate, or a rate not published yet. Any other
policy value the fine or the ser2025 stoppage test needs (the fine table, the holiday allowance %,
the housing-deduction cap) that is missing is a fault of the policy data: it surfaces, it is not
turned into a fine not judged or a worker silently left out of the stoppage test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.inspectie.domain.boetes import Boete, NietBeoordeeld, boete
from services.inspectie.domain.inhoudingen import OnrechtmatigeInhouding
from services.inspectie.domain.sancties import Stillegging, stillegging
from services.inspectie.tests.beleid import met
from services.inspectie.tests.test_boetes import regel, wml_bevinding
from shared.contract.inspectie import Bevinding
from shared.policy import NoPolicyValueOn, Period, Policy, UnknownPolicyValue

OP = date(2026, 5, 12)
MAART = date(2026, 3, 1)


def wml(betaald: str, van: date = MAART, tot: date = date(2026, 4, 30)) -> Bevinding:
    return wml_bevinding(regel(betaald, van=van, tot=tot))


def pas_vanaf(policy: Policy, sleutel: str, vanaf: date) -> Policy:
    """The policy with `sleutel` holding its current value only from `vanaf` (nothing before)."""
    waarde = policy.value(sleutel, OP)
    return met(policy, **{sleutel: (Period(geldig_van=vanaf, waarde=waarde),)})


def onbekend_vanaf(policy: Policy, sleutel: str, vanaf: date) -> Policy:
    """The policy with `sleutel` known until the day before `vanaf` and unknown (null) from it."""
    waarde = policy.value(sleutel, OP)
    return met(
        policy,
        **{
            sleutel: (
                Period(geldig_van=date(2000, 1, 1), geldig_tot=date.fromordinal(vanaf.toordinal() - 1), waarde=waarde),
                Period(geldig_van=vanaf, waarde=None, status="onbekend"),
            )
        },
    )


@pytest.mark.parametrize(
    ("sleutel", "fout"),
    [
        ("mvb_pct", NoPolicyValueOn),  # the holiday allowance %, read on the period's first day
        ("wml_boete_tabel", NoPolicyValueOn),  # the Beleidsregel table, read on the day of the visit
    ],
)
def test_a_missing_policy_value_other_than_the_rate_surfaces_instead_of_a_fine_not_judged(
    huidig: Policy, sleutel: str, fout: type[Exception]
) -> None:
    """The minimum wage is known for every day of March-April 2026; only `sleutel` is not (it starts
    after both the period and the visit). The fine cannot be computed, and that is a policy fault."""
    policy = pas_vanaf(huidig, sleutel, date(2026, 6, 1))
    with pytest.raises(fout, match=sleutel):
        boete(wml("3800.00"), OP, policy)


def test_an_unknown_value_other_than_the_rate_surfaces_too(huidig: Policy) -> None:
    policy = onbekend_vanaf(huidig, "mvb_pct", MAART)
    with pytest.raises(UnknownPolicyValue, match="mvb_pct"):
        boete(wml("3800.00"), OP, policy)


def test_a_missing_housing_cap_parameter_surfaces_instead_of_a_fine_not_judged(huidig: Policy) -> None:
    """A deduction within HUIS-005's other conditions counts only above the cap: the cap's % is needed."""
    inhouding = OnrechtmatigeInhouding("W-001", MAART, None, Decimal(700), True)
    policy = pas_vanaf(huidig, "huis_inhouding_max_pct_wml", date(2026, 6, 1))
    with pytest.raises(NoPolicyValueOn, match="huis_inhouding_max_pct_wml"):
        boete(wml("4000.00"), OP, policy, inhoudingen=(inhouding,))


def test_the_rate_missing_for_a_day_of_the_period_is_still_a_fine_not_judged(huidig: Policy) -> None:
    """The narrowed catch keeps what it is for: no rate before the policy's first one, and an
    unpublished rate, each leave only this fine undecided."""
    voor_eerste = pas_vanaf(huidig, "wml_uurloon_21plus", date(2026, 4, 1))
    resultaat = boete(wml("3800.00"), OP, voor_eerste)
    assert isinstance(resultaat, NietBeoordeeld)
    assert "wml_uurloon_21plus" in resultaat.reden and "2026-03-02" in resultaat.reden  # the first working day
    niet_gepubliceerd = onbekend_vanaf(huidig, "wml_uurloon_21plus", date(2026, 4, 15))
    resultaat = boete(wml("3800.00"), OP, niet_gepubliceerd)
    assert isinstance(resultaat, NietBeoordeeld)
    assert "wml_uurloon_21plus" in resultaat.reden and "2026-04-15" in resultaat.reden
    assert isinstance(boete(wml("3800.00"), OP, huidig), Boete)


def test_the_ser2025_stoppage_test_does_not_skip_a_worker_for_a_missing_unrelated_value(ser2025: Policy) -> None:
    """Half the WML paid is serious underpayment under ser2025. With the holiday allowance % missing
    the worker was silently left out of the test, so no stoppage and no error; now the fault surfaces."""
    helft = wml("2588.96")
    assert stillegging(helft, OP, ser2025) is not None
    with pytest.raises(NoPolicyValueOn, match="mvb_pct"):
        stillegging(helft, OP, pas_vanaf(ser2025, "mvb_pct", date(2026, 6, 1)))


def test_the_ser2025_stoppage_test_says_it_did_not_judge_a_worker_whose_rate_is_missing(ser2025: Policy) -> None:
    """The worker is left out of the test, and the rule says so (it used to order nothing, silently)."""
    helft = wml("2588.96")
    uitkomst = stillegging(helft, OP, pas_vanaf(ser2025, "wml_uurloon_21plus", date(2026, 4, 1)))
    assert isinstance(uitkomst, NietBeoordeeld)
    assert (uitkomst.wet, uitkomst.regel) == ("WML", "STIL-ONDERBETALING") and "2026-03-02" in uitkomst.reden


def test_a_marked_wml_finding_whose_rate_is_not_published_leaves_the_stoppage_not_judged(ser2025: Policy) -> None:
    """June-July 2026, 352 h, EUR 500 paid, marked ernstig_gevaar, judged 2026-08-12: July's minimum
    wage is not published, so neither the fine nor the stoppage can be decided. Both say so."""
    bevinding = wml_bevinding(regel("500.00", van=date(2026, 6, 1), tot=date(2026, 7, 31)), ernstig=True)
    op = date(2026, 8, 12)
    assert isinstance(boete(bevinding, op, ser2025), NietBeoordeeld)
    uitkomst = stillegging(bevinding, op, ser2025)
    assert isinstance(uitkomst, NietBeoordeeld)
    assert (uitkomst.wet, uitkomst.code, uitkomst.regel) == ("WML", "WML-ONDERBETALING", "STIL-ERNSTIG-GEVAAR")
    assert "stillegging niet beoordeeld" in uitkomst.reden and "2026-07-01" in uitkomst.reden


def test_a_worker_past_the_thresholds_stops_work_though_another_worker_s_rate_is_missing(ser2025: Policy) -> None:
    """One worker is underpaid by half in April (known), the other works in July (not published): the
    stoppage is ordered on the first, and its computation says the second was not judged."""
    bekend = regel("1290.00", uren="176", van=date(2026, 4, 1), tot=date(2026, 4, 30))
    onbekend = regel("500.00", van=date(2026, 6, 1), tot=date(2026, 7, 31))
    uitkomst = stillegging(wml_bevinding(bekend, onbekend, ernstig=True), date(2026, 8, 12), ser2025)
    assert isinstance(uitkomst, Stillegging)
    assert [s.stap for s in uitkomst.berekening] == [
        "STIL-ERNSTIG-GEVAAR",
        "STIL-ONDERBETALING",
        "STIL-ONDERBETALING-NIET-BEOORDEELD",
    ]


def test_a_housing_cap_in_a_month_without_a_published_rate_leaves_the_fine_not_judged(huidig: Policy) -> None:
    """The cap of July 2026 is a share of July's minimum wage, which is not published: the rate, so
    the fine is not judged (the deduction is weighed before the wage itself)."""
    inhouding = OnrechtmatigeInhouding("W-001", date(2026, 6, 1), None, Decimal(700), True)
    resultaat = boete(wml("3000.00", date(2026, 6, 1), date(2026, 7, 10)), OP, huidig, inhoudingen=(inhouding,))
    assert isinstance(resultaat, NietBeoordeeld) and "2026-07-01" in resultaat.reden
