"""Invariants that must hold for any claim and any chain, not just the worked examples."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from services.loonvordering.domain.bedrag import bereken_bedrag
from services.loonvordering.domain.betaling import Betaling
from services.loonvordering.domain.invoer import Blok, Vordering
from services.loonvordering.domain.keten import (
    GROND_616E,
    Aanzegging,
    Informatieverzoek,
    Ketenfeiten,
    PartijStatus,
    Schakel,
    aansprakelijken,
    bruikbaar,
    geordende_keten,
    keten_in_volgorde,
    volgende_termijnen,
)
from shared.policy import Period, Policy, load_policy
from shared.werkdagen import is_werkdag

HUIDIG, SER2025 = load_policy("huidig"), load_policy("ser2025")
EERSTE, LAATSTE = date(2024, 1, 1), date(2026, 6, 30)  # the WML is known on these days
STATUSSEN = ("onvindbaar", "niet_ingeschreven", "failliet", "onverhaalbaar", "gedisculpeerd")
ROLLEN = ("opdrachtgever", "inlener", "aannemer", "hoofdaannemer", "hoofdopdrachtgever")

centen = st.integers(min_value=0, max_value=2_000_000).map(lambda c: Decimal(c) / 100)
perioden = st.tuples(st.dates(EERSTE, LAATSTE), st.integers(0, 120)).map(
    lambda p: (p[0], min(p[0] + timedelta(days=p[1]), LAATSTE))
)
vorderingen = st.builds(
    lambda periode, uren, betaald, leeftijd, eerste, uitzend, seizoen, duur: Vordering(
        periode[0],
        periode[1],
        uren,
        betaald,
        leeftijd,
        eerste_tewerkstelling_in_nl=eerste,
        is_uitzendonderneming=uitzend,
        seizoenswerk=seizoen,
        contract_duur_dagen=duur,
    ),
    perioden,
    st.integers(0, 100_000).map(lambda c: Decimal(c) / 100),
    centen,
    st.integers(15, 70),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.none() | st.integers(1, 400),
)


@settings(deadline=None)
@given(vorderingen, st.sampled_from([HUIDIG, SER2025]))
def test_the_amount_is_never_negative_and_always_in_cents(vordering: Vordering, policy: Policy) -> None:
    uitkomst = bereken_bedrag(vordering, policy)
    assert uitkomst.bedrag_eur >= 0
    assert uitkomst.bedrag_eur == uitkomst.bedrag_eur.quantize(Decimal("0.01"))


VERREKENEND = dataclasses.replace(
    HUIDIG,
    parameters={**HUIDIG.parameters, "loon_tekort_per_maand": (Period(geldig_van=date(2015, 7, 1), waarde=False),)},
)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 250), centen), min_size=1, max_size=5), st.integers(1, 12))
def test_defect_16_per_month_never_claims_less_than_offsetting_the_months(
    maanden: list[tuple[int, Decimal]], eerste_maand: int
) -> None:
    """Defect 16: the sum of max(0, owed - paid) per month is never below max(0, total owed - total
    paid), whatever the months."""
    blokken = []
    for i, (uren, betaald) in enumerate(maanden):
        jaar, maand = 2025 + (eerste_maand - 1 + i) // 12, (eerste_maand - 1 + i) % 12 + 1
        laatste = date(jaar, maand, calendar.monthrange(jaar, maand)[1])
        blokken.append(Blok(date(jaar, maand, 1), laatste, Decimal(uren), betaald))
    claim = Vordering(
        blokken[0].van,
        blokken[-1].tot,
        sum((b.uren for b in blokken), Decimal(0)),
        sum((b.betaald for b in blokken), Decimal(0)),
        30,
        per_maand=tuple(blokken),
    )
    per_maand, verrekend = bereken_bedrag(claim, HUIDIG), bereken_bedrag(claim, VERREKENEND)
    assert per_maand.bedrag_eur >= verrekend.bedrag_eur
    assert len([s for s in per_maand.stappen if s.stap == "LV-TEKORT"]) == len(blokken)


def werkdagen(van: date, tot: date) -> int:
    return sum(1 for i in range((tot - van).days + 1) if is_werkdag(van + timedelta(days=i)))


@settings(deadline=None)
@given(perioden, st.integers(1, 10_000), st.integers(0, 1200).map(lambda c: Decimal(c) / 100), st.integers(15, 70))
def test_splitting_a_period_into_two_claims_keeps_the_wml_wage(
    periode: tuple[date, date], knip: int, per_dag: Decimal, leeftijd: int
) -> None:
    """The same hours per working day, claimed at once or in two parts, give the same WML wage."""
    van, tot = periode
    if van == tot:
        return
    midden = van + timedelta(days=1 + knip % (tot - van).days)  # first day of the second part

    def wml(a: date, b: date) -> Decimal:
        return bereken_bedrag(Vordering(a, b, per_dag * werkdagen(a, b), Decimal(0), leeftijd), HUIDIG).wml_loon

    assert wml(van, tot) == wml(van, midden - timedelta(days=1)) + wml(midden, tot)


KVKS = [f"{n:08d}" for n in range(1, 8)]


@st.composite
def ketenfeiten(draw: st.DrawFn) -> tuple[Ketenfeiten, date]:
    """A random chain with random facts (also about parties outside it) and a random day to look."""
    werkgever, *keten_kvks = draw(st.permutations(KVKS))
    keten = tuple(Schakel(kvk, draw(st.sampled_from(ROLLEN))) for kvk in keten_kvks[: draw(st.integers(0, 6))])
    ingediend = draw(st.dates(date(2024, 1, 1), date(2026, 1, 1)))
    partij = st.sampled_from([*KVKS, "99999999"])

    def dag() -> date:
        return ingediend + timedelta(days=draw(st.integers(-60, 500)))

    def verzoek() -> Informatieverzoek:
        gevraagd = dag()
        antwoord = draw(st.none() | st.integers(0, 40).map(lambda n: gevraagd + timedelta(days=n)))
        return Informatieverzoek(draw(partij), gevraagd, antwoord)

    feiten = Ketenfeiten(
        werkgever_kvk=werkgever,
        keten=keten,
        ingediend_op=ingediend,
        bedrag_eur=draw(centen),
        betalingen=tuple(Betaling(draw(partij), draw(centen), dag()) for _ in range(draw(st.integers(0, 2)))),
        statussen=tuple(
            PartijStatus(draw(partij), draw(st.sampled_from(STATUSSEN)), dag()) for _ in range(draw(st.integers(0, 6)))
        ),
        aanzeggingen=tuple(Aanzegging(draw(partij), dag()) for _ in range(draw(st.integers(0, 3)))),
        informatieverzoeken=tuple(verzoek() for _ in range(draw(st.integers(0, 3)))),
        snelle_route=draw(st.booleans()),
    )
    return feiten, dag()


@settings(deadline=None)
@given(ketenfeiten(), st.sampled_from([HUIDIG, SER2025]))
def test_every_liable_party_is_the_employer_or_in_the_chain(gegeven: tuple[Ketenfeiten, date], policy: Policy) -> None:
    feiten, op = gegeven
    lijst = aansprakelijken(feiten, op, policy)
    bekend = {feiten.werkgever_kvk, *(s.kvk_nummer for s in feiten.keten)}
    assert {a.kvk_nummer for a in lijst} <= bekend
    assert len({a.kvk_nummer for a in lijst}) == len(lijst)
    assert all(feiten.ingediend_op <= a.sinds <= op for a in lijst)
    betaald = sum((b.bedrag_eur for b in feiten.betalingen if b.betaald_op <= op), Decimal(0))
    if betaald >= feiten.bedrag_eur:
        assert lijst == [], "nothing outstanding: nobody liable"
    elif op >= feiten.ingediend_op and not any(
        s.kvk_nummer == feiten.werkgever_kvk and s.status == "gedisculpeerd" and s.vastgesteld_op <= op
        for s in feiten.statussen
    ):
        assert lijst[0].kvk_nummer == feiten.werkgever_kvk


@settings(deadline=None)
@given(ketenfeiten(), st.sampled_from([HUIDIG, SER2025]))
def test_a_term_date_is_never_before_its_start(gegeven: tuple[Ketenfeiten, date], policy: Policy) -> None:
    feiten, _ = gegeven
    for termijn in volgende_termijnen(feiten, policy):
        if termijn.soort == GROND_616E:
            starts = [v.gevraagd_op for v in feiten.informatieverzoeken]
        else:
            starts = [a.op for a in feiten.aanzeggingen if feiten.top and a.kvk_nummer == feiten.top.kvk_nummer]
        assert starts and termijn.datum > min(starts)


@st.composite
def ketens_met_antwoorden(draw: st.DrawFn) -> tuple[str, list[Schakel], tuple[Schakel, ...], list[tuple[str, ...]]]:
    """A true chain (the last link the top client), the part of it filed, and every client below the
    top answering with its own client and the top, in a random order: the chain and its facts."""
    werkgever, *kvks = draw(st.permutations(KVKS))
    waar = [Schakel(kvk, "inlener") for kvk in kvks[: draw(st.integers(1, 5))]]
    waar[-1] = Schakel(waar[-1].kvk_nummer, "hoofdopdrachtgever")
    gemeld = tuple(waar[: draw(st.integers(1, len(waar)))])
    top = waar[-1].kvk_nummer
    antwoorden = [
        (laag.kvk_nummer, hoog.kvk_nummer, *((top,) if hoog.kvk_nummer != top else ())) for laag, hoog in pairwise(waar)
    ]
    return werkgever, waar, gemeld, draw(st.permutations(antwoorden))


@settings(deadline=None)
@given(ketens_met_antwoorden())
def test_every_answer_given_in_any_order_gives_the_true_chain(
    gegeven: tuple[str, list[Schakel], tuple[Schakel, ...], list[tuple[str, ...]]],
) -> None:
    werkgever, waar, gemeld, antwoorden = gegeven
    per_kvk = {s.kvk_nummer: s for s in waar}
    bekend = [s.kvk_nummer for s in gemeld]
    for antwoord in antwoorden:
        bekend += [kvk for kvk in antwoord[1:] if kvk not in bekend]
    lijnen = [(werkgever, *(s.kvk_nummer for s in gemeld)), *antwoorden]
    assert list(keten_in_volgorde(werkgever, [per_kvk[kvk] for kvk in bekend], lijnen)) == waar


@st.composite
def ingediend_met_willekeurige_antwoorden(
    draw: st.DrawFn,
) -> tuple[str, tuple[Schakel, ...], list[Schakel], list[tuple[str, ...]]]:
    """A filed chain (its last party maybe the hoofdopdrachtgever) and any answers at all: by any
    party (the employer, a chain party, an outsider), naming any parties, the employer, the answering
    party itself and a party twice included. The parties join the chain in the order first named."""
    werkgever, *kvks = draw(st.permutations(KVKS))
    filed = [Schakel(kvk, draw(st.sampled_from(ROLLEN[:-1]))) for kvk in kvks[: draw(st.integers(1, 4))]]
    if len(filed) > 1 and draw(st.booleans()):
        filed[-1] = Schakel(filed[-1].kvk_nummer, "hoofdopdrachtgever")
    partij = st.sampled_from(KVKS)
    antwoorden = draw(st.lists(st.tuples(partij, st.lists(partij, max_size=5)), max_size=8))
    schakels = list(filed)
    for _, genoemd in antwoorden:
        for kvk in genoemd:
            if kvk not in {s.kvk_nummer for s in schakels}:
                schakels.append(Schakel(kvk, draw(st.sampled_from(ROLLEN))))
    return werkgever, tuple(filed), schakels, [(door, *genoemd) for door, genoemd in antwoorden]


@settings(deadline=None, max_examples=500)
@given(ingediend_met_willekeurige_antwoorden())
def test_the_filed_direct_client_stays_first_and_the_filed_top_last_whatever_is_answered(
    gegeven: tuple[str, tuple[Schakel, ...], list[Schakel], list[tuple[str, ...]]],
) -> None:
    werkgever, filed, schakels, antwoorden = gegeven
    lijnen = [(werkgever, *(s.kvk_nummer for s in filed)), *antwoorden]
    keten = [s.kvk_nummer for s in keten_in_volgorde(werkgever, schakels, lijnen)]
    assert sorted(keten) == sorted(s.kvk_nummer for s in schakels if s.kvk_nummer != werkgever)
    assert keten[0] == filed[0].kvk_nummer, "the filed direct client is liable under 616a"
    if filed[-1].rol == "hoofdopdrachtgever":
        assert keten[-1] == filed[-1].kvk_nummer, "nothing goes above the filed hoofdopdrachtgever"
    geordend = geordende_keten(werkgever, schakels, lijnen)
    assert not geordend.los & {s.kvk_nummer for s in filed}, "the filed chain is tied in"
    gekoppeld = {s.kvk_nummer for s in schakels} - geordend.los - {werkgever}  # the employer is no client
    for door, *genoemd in antwoorden:
        if door in gekoppeld:
            naam = {genoemd[i] for i in bruikbaar(werkgever, door, genoemd)}
            assert not naam & geordend.los, "a party named by a party tied in is tied in (never los)"
    # every party failed and was notified: each party tied in is reached (lid 2), none other is
    iedereen = [werkgever, *keten]
    feiten = Ketenfeiten(
        werkgever,
        geordend.schakels,
        date(2025, 4, 7),
        Decimal(100),
        statussen=tuple(PartijStatus(kvk, "onvindbaar", date(2025, 5, 1)) for kvk in iedereen),
        aanzeggingen=tuple(Aanzegging(kvk, date(2025, 5, 2)) for kvk in iedereen),
        los=geordend.los,
    )
    aansprakelijk = {a.kvk_nummer for a in aansprakelijken(feiten, date(2027, 1, 1), HUIDIG)}
    assert aansprakelijk == set(iedereen) - geordend.los, "only a party tied into the chain is in the walk"
    if filed[-1].rol == "hoofdopdrachtgever":
        assert feiten.top == filed[-1], "the filed hoofdopdrachtgever is the lid-4 top, above any named later"
