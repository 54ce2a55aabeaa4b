"""The days on which a checked contract gets a new finding by the passing of time alone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.huisvesting.domain.controle import controleer
from services.huisvesting.domain.controlemomenten import volgende_controlemomenten
from services.huisvesting.tests.voorbeelden import CONTRACT_VOORBEELD, HUIDIG, IN_ORDE, PEILDATUM, SER2025, maak
from shared.contract.huisvesting import LAATSTE_DATUM, VROEGSTE_DATUM


def test_contract_example_brp_term_and_short_stay_limit() -> None:
    momenten = volgende_controlemomenten(maak(CONTRACT_VOORBEELD), HUIDIG, na=date(2026, 3, 1))
    assert [(dag, reden.split(":")[0]) for dag, reden in momenten] == [
        (date(2026, 3, 7), "HUIS-012"),  # the day after verblijf_sinds + 5 days, not registered (defect 10)
        (date(2026, 3, 31), "HUIS-009"),  # the 31st day of a short-stay lease
        (date(2026, 3, 31), "HUIS-010"),  # ... which then has tenant protection and too short a notice
    ]
    assert momenten[0][1] == (
        "HUIS-012: verblijf sinds 2026-03-01 en op 2026-03-07 niet ingeschreven in de BRP "
        "(inschrijving hoorde uiterlijk 2026-03-06 te zijn gedaan)"
    )


def test_only_days_after_na_are_returned() -> None:
    assert volgende_controlemomenten(maak(CONTRACT_VOORBEELD), HUIDIG, na=PEILDATUM) == []
    assert [d for d, _ in volgende_controlemomenten(maak(CONTRACT_VOORBEELD), HUIDIG, na=date(2026, 3, 7))] == [
        date(2026, 3, 31),
        date(2026, 3, 31),
    ]


def test_registered_residents_get_no_brp_moment() -> None:
    momenten = volgende_controlemomenten(maak(CONTRACT_VOORBEELD, brp_ingeschreven=True), HUIDIG, na=date(2026, 3, 1))
    assert [reden.split(":")[0] for _, reden in momenten] == ["HUIS-009", "HUIS-010"]


def test_the_notice_grows_on_the_first_anniversary() -> None:
    contract = maak(IN_ORDE, opzegtermijn_dagen=100)  # enough for 3 months (92 days), not for 4 (123)
    assert [(d, r.split(":")[0]) for d, r in volgende_controlemomenten(contract, HUIDIG, na=PEILDATUM)] == [
        (date(2027, 3, 1), "HUIS-010")
    ]
    assert volgende_controlemomenten(maak(IN_ORDE, opzegtermijn_dagen=130), HUIDIG, na=PEILDATUM) == [
        (
            date(2028, 3, 1),
            "HUIS-010: opzegtermijn van 130 dagen is korter dan de wettelijke 5 maanden; "
            "een opzegging door de verhuurder op 2028-03-01 gaat pas in op 2028-08-01",
        )
    ]


def test_a_policy_change_read_on_the_check_date_is_a_moment() -> None:
    # a hotel at 12 m2 per guest: enough before 2025-07-01, too little from then on (15 m2)
    contract = maak(
        IN_ORDE,
        ingangsdatum="2025-01-01",
        verblijf_sinds="2025-01-01",
        woning={"soort": "hotel", "oppervlakte_m2": 48, "bewoners": 4, "slaapkamers": 4},
    )
    assert [(d, r.split(":")[0]) for d, r in volgende_controlemomenten(contract, HUIDIG, na=date(2025, 1, 1))] == [
        (date(2025, 7, 1), "HUIS-006")
    ]


def test_no_moments_after_the_lease_ends() -> None:
    # a one-year lease from before the fixed-term ban; its notice of 100 days falls short only from the
    # first anniversary (4 months), which is the lease's last day or the day after it
    def momenten(einddatum: str) -> list[tuple[date, str]]:
        contract = maak(
            IN_ORDE, ingangsdatum="2024-01-01", verblijf_sinds="2024-01-01", einddatum=einddatum, opzegtermijn_dagen=100
        )
        return volgende_controlemomenten(contract, HUIDIG, na=date(2024, 1, 1))

    assert [(d, r.split(":")[0]) for d, r in momenten("2025-01-01")] == [(date(2025, 1, 1), "HUIS-010")]
    assert momenten("2024-12-31") == []


@settings(max_examples=60, deadline=None)
@given(
    vorm=st.sampled_from(["regulier", "korte_duur", "doelgroepencontract"]),
    opzeg=st.integers(min_value=0, max_value=200),
    ingeschreven=st.booleans(),
    aankomst_dagen_eerder=st.integers(min_value=0, max_value=200),
)
def test_every_moment_is_a_day_on_which_controleer_finds_something_new(
    vorm: str, opzeg: int, ingeschreven: bool, aankomst_dagen_eerder: int
) -> None:
    aankomst = date(2026, 3, 1) - timedelta(days=aankomst_dagen_eerder)
    contract = maak(
        CONTRACT_VOORBEELD,
        contractvorm=vorm,
        opzegtermijn_dagen=opzeg,
        brp_ingeschreven=ingeschreven,
        verblijf_sinds=aankomst.isoformat(),
    )
    for dag, reden in volgende_controlemomenten(contract, HUIDIG):
        code = reden.split(":")[0]
        assert code in {b.code for b in controleer(contract, dag, HUIDIG).bevindingen}
        assert code not in {b.code for b in controleer(contract, dag - timedelta(days=1), HUIDIG).bevindingen}


@st.composite
def contracten_binnen_de_grenzen(draw: st.DrawFn) -> tuple[dict[str, Any], date]:
    """Any lease whose dates the contract accepts, checked on a day the service can check on: today or a
    later re-check day (the norms read on the check day are in policy from 2024-01-01)."""
    datum = st.dates(min_value=VROEGSTE_DATUM, max_value=LAATSTE_DATUM)
    ingang = draw(datum)
    einde = draw(st.none() | st.dates(min_value=ingang, max_value=LAATSTE_DATUM))
    verblijf = draw(st.none() | st.dates(min_value=VROEGSTE_DATUM, max_value=einde or LAATSTE_DATUM))
    data = {
        **draw(st.sampled_from([CONTRACT_VOORBEELD, IN_ORDE])),
        "ingangsdatum": ingang.isoformat(),
        "einddatum": None if einde is None else einde.isoformat(),
        "verblijf_sinds": None if verblijf is None else verblijf.isoformat(),
    }
    return data, draw(st.dates(min_value=date(2024, 1, 1), max_value=LAATSTE_DATUM))


@settings(max_examples=60, deadline=None)
@given(geval=contracten_binnen_de_grenzen(), policy=st.sampled_from([HUIDIG, SER2025]))
def test_every_date_the_contract_accepts_can_be_checked_and_scheduled(
    geval: tuple[dict[str, Any], date], policy: Any
) -> None:
    """The bounds keep every date the rules compute a date and every law they look up known: a check
    and its re-check moments never raise (before the bounds, 9999-12-31 overflowed and year 1 had no law)."""
    data, peildatum = geval
    contract = maak(data)
    controleer(contract, peildatum, policy)
    volgende_controlemomenten(contract, policy, na=peildatum)


def test_the_laws_keyed_on_a_lease_start_are_known_from_the_earliest_date_the_contract_accepts() -> None:
    for policy in (HUIDIG, SER2025):
        for sleutel in ("huis_wgv_van_kracht", "huis_tijdelijk_huurcontract_verboden"):
            policy.value(sleutel, VROEGSTE_DATUM)  # raises NoPolicyValueOn when the policy starts later
