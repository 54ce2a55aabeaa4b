"""Linking a new report to an open case of the same employer (`melding_koppel_venster_dagen` = 30)."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.melding.domain.koppeling import KoppelKandidaat, kies_zaak
from shared.policy import Policy

KVK = "12345678"
ONTVANGEN = date(2026, 12, 3)

ZAAK = KoppelKandidaat(
    zaak_id="Z-1",
    werkgever_kvk=KVK,
    status="inspectie_gepland",
    categorieen=("onderbetaling", "arbeidstijden"),
    laatste_melding_op=date(2026, 11, 20),
    organisaties=("fnv",),
)


def kies(policy: Policy, *kandidaten: KoppelKandidaat) -> str | None:
    """A report by `cnv` about KVK, category onderbetaling, received on ONTVANGEN."""
    return kies_zaak(
        list(kandidaten),
        werkgever_kvk=KVK,
        categorieen=["onderbetaling"],
        organisatie="cnv",
        ontvangen_op=ONTVANGEN,
        policy=policy,
    )


def test_a_report_of_another_union_joins_the_open_case(huidig: Policy) -> None:
    assert kies(huidig, ZAAK) == "Z-1"


@pytest.mark.parametrize(
    ("wijziging", "waarom"),
    [
        ({"werkgever_kvk": "87654321"}, "another employer"),
        ({"status": "gesloten"}, "the case is closed"),
        ({"categorieen": ("huisvesting",)}, "no overlapping category"),
        ({"organisaties": ("cnv",)}, "the same organisation reported in the case already"),
        ({"organisaties": ("fnv", "cnv")}, "the same organisation is one of several reporters"),
        ({"laatste_melding_op": ONTVANGEN - timedelta(days=31)}, "latest report 31 days before"),
        ({"laatste_melding_op": ONTVANGEN + timedelta(days=31)}, "latest report 31 days after (clock set back)"),
    ],
)
def test_a_report_opens_its_own_case_when(huidig: Policy, wijziging: dict[str, object], waarom: str) -> None:
    assert kies(huidig, dataclasses.replace(ZAAK, **wijziging)) is None, waarom  # type: ignore[arg-type]


def test_the_window_includes_day_30(huidig: Policy) -> None:
    assert kies(huidig, dataclasses.replace(ZAAK, laatste_melding_op=ONTVANGEN - timedelta(days=30))) == "Z-1"


def test_every_status_before_gesloten_is_open(huidig: Policy) -> None:
    for status in ("ontvangen", "inspectie_gepland", "geinspecteerd", "uitkomst"):
        assert kies(huidig, dataclasses.replace(ZAAK, status=status)) == "Z-1"


def test_the_most_recently_active_case_wins_whatever_the_order(huidig: Policy) -> None:
    ouder = dataclasses.replace(ZAAK, zaak_id="Z-9", laatste_melding_op=date(2026, 11, 10))
    recenter = dataclasses.replace(ZAAK, zaak_id="Z-2", laatste_melding_op=date(2026, 11, 25))
    assert kies(huidig, ouder, recenter) == "Z-2"
    assert kies(huidig, recenter, ouder) == "Z-2"


def test_equally_recent_cases_are_decided_by_zaak_id(huidig: Policy) -> None:
    a, b = dataclasses.replace(ZAAK, zaak_id="Z-A"), dataclasses.replace(ZAAK, zaak_id="Z-B")
    assert kies(huidig, a, b) == kies(huidig, b, a) == "Z-B"


def test_no_candidates_no_link(huidig: Policy) -> None:
    assert kies(huidig) is None


kandidaten = st.lists(
    st.builds(
        KoppelKandidaat,
        zaak_id=st.sampled_from(["Z-1", "Z-2", "Z-3", "Z-4"]),
        werkgever_kvk=st.sampled_from([KVK, "87654321"]),
        status=st.sampled_from(["ontvangen", "uitkomst", "gesloten"]),
        categorieen=st.lists(st.sampled_from(["onderbetaling", "huisvesting", "overig"]), max_size=2).map(tuple),
        laatste_melding_op=st.dates(min_value=date(2026, 9, 1), max_value=date(2027, 3, 1)),
        organisaties=st.lists(st.sampled_from(["fnv", "cnv", "or-kas"]), min_size=1, max_size=2).map(tuple),
    ),
    max_size=6,
)


@given(kandidaten, st.randoms())
def test_the_chosen_case_meets_every_condition_and_ignores_order(
    huidig: Policy, lijst: list[KoppelKandidaat], rnd: random.Random
) -> None:
    gekozen = kies(huidig, *lijst)
    geschud = list(lijst)
    rnd.shuffle(geschud)
    assert kies(huidig, *geschud) == gekozen
    passend = [
        k
        for k in lijst
        if k.werkgever_kvk == KVK
        and k.status != "gesloten"
        and "onderbetaling" in k.categorieen
        and abs((ONTVANGEN - k.laatste_melding_op).days) <= 30
        and "cnv" not in k.organisaties
    ]
    if not passend:
        assert gekozen is None
    else:
        assert gekozen in {k.zaak_id for k in passend}
        beste = max(k.laatste_melding_op for k in passend)
        assert gekozen == max(k.zaak_id for k in passend if k.laatste_melding_op == beste)
