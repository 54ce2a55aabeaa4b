from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.inspectie.domain.planning import Planning, Verzoek, herplanningen, plan, regio_voor
from services.inspectie.tests.beleid import met
from shared.policy import Period, Policy, UnknownPolicyValue, load_policy

MAANDAG = date(2026, 3, 2)  # no public holidays in the following weeks


def ma_vr(dag: date) -> bool:
    return dag.weekday() < 5


def melding(id: str, uiterlijk_op: date, regio: str = "West") -> Verzoek:
    return Verzoek(id, f"kvk-{id}", regio, "melding", uiterlijk_op)


def klein(policy: Policy, capaciteit: int, horizon: int, steekproef_pct: int = 0) -> Policy:
    return met(
        policy,
        inspectie_capaciteit_per_werkdag={"West": capaciteit},
        planning_horizon_werkdagen=horizon,
        steekproef_aandeel_pct=steekproef_pct,
    )


def test_municipalities_map_to_regions_and_unknown_ones_to_the_default(huidig: Policy) -> None:
    regios = {code: regio_voor(code, MAANDAG, huidig) for code in ("GM0363", "GM0518", "GM0599", "GM1783", "GM0344")}
    assert regios == {
        "GM0363": "Noordwest",
        "GM0518": "West",
        "GM0599": "Zuidwest",
        "GM1783": "West",
        "GM0344": "Midden",
    }
    assert regio_voor("GM9999", MAANDAG, huidig) == regio_voor(None, MAANDAG, huidig) == "Landelijk"


def test_reports_earliest_deadline_first_then_risk_by_score(huidig: Policy) -> None:
    policy = klein(huidig, capaciteit=1, horizon=4)
    verzoeken = [
        Verzoek("r-laag", "k1", "West", "risico", score=Decimal("50")),
        melding("m-later", MAANDAG + timedelta(days=3)),
        Verzoek("r-hoog", "k2", "West", "risico", score=Decimal("90")),
        melding("m-eerst", MAANDAG + timedelta(days=1)),
    ]
    planning = plan(verzoeken, {}, MAANDAG, policy, ma_vr)
    assert [(i.verzoek_id, i.gepland_op.isoformat()) for i in planning.ingepland] == [
        ("m-eerst", "2026-03-02"),
        ("m-later", "2026-03-03"),
        ("r-hoog", "2026-03-04"),
        ("r-laag", "2026-03-05"),
    ]
    assert planning.tekort == () and planning.niet_ingepland == ()
    assert planning.beleid == policy.version


def test_a_deadline_capacity_cannot_meet_is_reported_and_still_planned(huidig: Policy) -> None:
    policy = klein(huidig, capaciteit=1, horizon=3)
    verzoeken = [melding("a", MAANDAG), melding("b", MAANDAG), melding("c", MAANDAG + timedelta(days=1))]
    planning = plan(verzoeken, {}, MAANDAG, policy, ma_vr)
    assert {i.verzoek_id: i.gepland_op for i in planning.ingepland} == {
        "a": MAANDAG,
        "c": MAANDAG + timedelta(days=1),  # the late one does not push c past its deadline
        "b": MAANDAG + timedelta(days=2),
    }
    assert [(t.verzoek_id, t.gepland_op) for t in planning.tekort] == [("b", MAANDAG + timedelta(days=2))]


def test_existing_bookings_count_against_capacity_and_weekends_and_holidays_are_skipped(huidig: Policy) -> None:
    vrijdag = date(2026, 4, 24)  # the next Monday is King's Day 2026-04-27
    policy = klein(huidig, capaciteit=2, horizon=2)
    verzoeken = [melding("a", date(2026, 4, 30)), melding("b", date(2026, 4, 30)), melding("c", date(2026, 4, 30))]
    planning = plan(verzoeken, {("West", vrijdag): 1}, vrijdag, policy)
    assert [i.gepland_op for i in planning.ingepland] == [vrijdag, date(2026, 4, 28), date(2026, 4, 28)]


def test_a_report_beyond_the_horizon_is_a_shortage_without_a_date(huidig: Policy) -> None:
    planning = plan([melding("a", MAANDAG), melding("b", MAANDAG)], {}, MAANDAG, klein(huidig, 1, 1), ma_vr)
    assert [(t.verzoek_id, t.gepland_op) for t in planning.tekort] == [("b", None)]


def test_ten_percent_of_capacity_goes_to_a_repeatable_random_draw(huidig: Policy) -> None:
    policy = klein(huidig, capaciteit=2, horizon=10, steekproef_pct=10)  # 20 slots: 2 drawn at random
    risico = [Verzoek(f"r{i:02}", f"k{i}", "West", "risico", score=Decimal(i)) for i in range(30)]
    steekproef = [Verzoek(f"s{i:02}", f"s{i}", "West", "steekproef") for i in range(30)]
    planning = plan(risico + steekproef, {}, MAANDAG, policy, ma_vr, seed=7)
    soorten = Counter(i.soort for i in planning.ingepland)
    assert soorten == {"risico": 18, "steekproef": 2}
    assert {i.verzoek_id for i in planning.ingepland if i.soort == "risico"} == {f"r{i:02}" for i in range(12, 30)}
    again = plan(list(reversed(risico + steekproef)), {}, MAANDAG, policy, ma_vr, seed=7)
    assert again.ingepland == planning.ingepland
    draws = {
        frozenset(i.verzoek_id for i in plan(steekproef, {}, MAANDAG, policy, ma_vr, seed=s).ingepland)
        for s in range(5)
    }
    assert len(draws) > 1  # the seed matters
    reasons = Counter(n.reden for n in planning.niet_ingepland)
    assert reasons == {"geen_capaciteit": 12, "niet_geloot": 28}


def test_replanning_detects_changed_dates_only(huidig: Policy) -> None:
    planning = plan([melding("a", MAANDAG), melding("b", MAANDAG)], {}, MAANDAG, klein(huidig, 2, 1), ma_vr)
    vorige = {"a": MAANDAG, "b": MAANDAG - timedelta(days=3), "weg": MAANDAG}
    assert [(h.verzoek_id, h.van, h.naar) for h in herplanningen(vorige, planning)] == [
        ("b", MAANDAG - timedelta(days=3), MAANDAG)
    ]


# --- property test against a brute-force planner ------------------------------------------------

HUIDIG = load_policy("huidig")
DAGEN = [MAANDAG + timedelta(days=i) for i in range(3)]


def meeste_op_tijd(deadlines: list[date], vrij: dict[date, int]) -> int:
    """Brute force: try every assignment of deadline requests to days (or to no day in time)."""
    beste = 0
    for keuze in itertools.product([None, *DAGEN], repeat=len(deadlines)):
        gebruikt = Counter(dag for dag in keuze if dag is not None)
        if all(gebruikt[dag] <= vrij[dag] for dag in gebruikt) and all(
            dag is None or dag <= deadline for dag, deadline in zip(keuze, deadlines, strict=True)
        ):
            beste = max(beste, sum(dag is not None for dag in keuze))
    return beste


@settings(max_examples=120, deadline=None)
@given(
    capaciteit=st.integers(1, 2),
    bezet=st.lists(st.integers(0, 2), min_size=3, max_size=3),
    deadlines=st.lists(st.integers(-1, 4), max_size=5),
    risico=st.integers(0, 3),
    steekproef=st.integers(0, 3),
    pct=st.sampled_from([0, 10, 50]),
)
def test_never_over_capacity_and_never_misses_a_feasible_deadline(
    capaciteit: int, bezet: list[int], deadlines: list[int], risico: int, steekproef: int, pct: int
) -> None:
    policy = klein(HUIDIG, capaciteit, horizon=3, steekproef_pct=pct)
    bezetting = {("West", dag): n for dag, n in zip(DAGEN, bezet, strict=True)}
    uiterlijk = [MAANDAG + timedelta(days=d) for d in deadlines]
    verzoeken = [melding(f"m{i}", d) for i, d in enumerate(uiterlijk)]
    verzoeken += [Verzoek(f"r{i}", f"r{i}", "West", "risico", score=Decimal(i)) for i in range(risico)]
    verzoeken += [Verzoek(f"s{i}", f"s{i}", "West", "steekproef") for i in range(steekproef)]
    planning: Planning = plan(verzoeken, bezetting, MAANDAG, policy, ma_vr, seed=1)

    per_dag = Counter(i.gepland_op for i in planning.ingepland)
    assert all(per_dag[dag] + bezetting[("West", dag)] <= capaciteit for dag in per_dag)
    assert all(dag in DAGEN for dag in per_dag)
    op_tijd = [i for i in planning.ingepland if i.uiterlijk_op is not None and i.gepland_op <= i.uiterlijk_op]
    vrij = {dag: max(0, capaciteit - bezetting[("West", dag)]) for dag in DAGEN}
    assert len(op_tijd) == meeste_op_tijd(uiterlijk, vrij)
    assert {t.verzoek_id for t in planning.tekort} == {v.id for v in verzoeken[: len(deadlines)]} - {
        i.verzoek_id for i in op_tijd
    }
    geplande_ids = [i.verzoek_id for i in planning.ingepland]
    assert len(geplande_ids) == len(set(geplande_ids))


def test_capacity_follows_its_period_day_by_day_within_the_horizon(huidig: Policy) -> None:
    """The capacity of each day is the one in force that day: a change on Wednesday; a region the
    next period drops is refused from the day it is missing; an unknown value is refused, not guessed."""
    dinsdag, woensdag, donderdag, vrijdag = (MAANDAG + timedelta(days=d) for d in (1, 2, 3, 4))

    def met_capaciteit(*periods: Period, horizon: int) -> Policy:
        return met(klein(huidig, capaciteit=1, horizon=horizon), inspectie_capaciteit_per_werkdag=periods)

    periods = (
        Period(geldig_van=date(2000, 1, 1), geldig_tot=dinsdag, waarde={"West": 1}),
        Period(geldig_van=woensdag, geldig_tot=donderdag, waarde={"West": 3}),
    )
    verzoeken = [melding(f"m{i}", MAANDAG + timedelta(days=30)) for i in range(10)]
    uitkomst = plan(verzoeken, {}, MAANDAG, met_capaciteit(*periods, horizon=4), werkdag=ma_vr)
    assert Counter(i.gepland_op.weekday() for i in uitkomst.ingepland) == {0: 1, 1: 1, 2: 3, 3: 3}
    zonder_west = Period(geldig_van=vrijdag, waarde={"Noord": 1})
    with pytest.raises(ValueError, match="no capacity"):
        plan(verzoeken, {}, MAANDAG, met_capaciteit(*periods, zonder_west, horizon=5), werkdag=ma_vr)
    onbekend = Period(geldig_van=vrijdag, waarde=None, status="ongeverifieerd")
    with pytest.raises(UnknownPolicyValue):
        plan(verzoeken, {}, MAANDAG, met_capaciteit(*periods, onbekend, horizon=5), werkdag=ma_vr)


def test_a_stored_housing_address_gives_way_to_a_reports_work_location() -> None:
    """Before e70d73c an inspection planned on a municipality's or huisvesting's signal stored the
    housing address as its werklocatie. It can be told apart: no reason of the inspection can carry
    a work location (a report, a posting). A report's work location then replaces it; one stored
    with a report or posting among the reasons stays, and a missing one is filled in."""
    from services.inspectie.domain.planning import werklocatie_na

    woning = {"postcode": "2671AB", "huisnummer": "40", "gemeentecode": "GM1783"}
    werk = {"postcode": "9999ZZ", "huisnummer": "1", "gemeentecode": "GM9999"}
    uit_adres = [{"soort": "gemeente_overbewoning", "id": "e1"}, {"soort": "loonaangifte_onder_wml", "id": "e2"}]
    assert werklocatie_na(woning, uit_adres, werk) == werk
    assert werklocatie_na(woning, uit_adres, None) == woning, "no work location to replace it with"
    met_melding = [*uit_adres, {"soort": "melding", "id": "Z1"}]
    assert werklocatie_na(werk, met_melding, woning) == werk, "a report's own work location stays"
    met_detachering = [{"soort": "a1_ongeldig", "id": "e3"}]
    assert werklocatie_na(werk, met_detachering, woning) == werk
    assert werklocatie_na(None, uit_adres, werk) == werk
    assert werklocatie_na(woning, [], werk) == woning, "no reasons: nothing tells where it came from"
