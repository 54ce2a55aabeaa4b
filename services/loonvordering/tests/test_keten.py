"""Chain liability (BW 7:616a-f): domain-rules §4's example table under both variants, and each rule's edges."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from decimal import Decimal

import pytest

from services.loonvordering.domain.betaling import Betaling
from services.loonvordering.domain.invoer import Vordering
from services.loonvordering.domain.keten import (
    GROND_616A,
    GROND_616B_LID_2,
    GROND_616B_LID_4,
    GROND_616B_LID_5,
    GROND_616E,
    Aansprakelijke,
    Aanzegging,
    Informatieverzoek,
    Ketenfeiten,
    PartijStatus,
    Schakel,
    Termijn,
    aansprakelijken,
    beantwoord,
    geordende_keten,
    keten_in_volgorde,
    niets_bruikbaars,
    top_aansprakelijk_vanaf,
    volgende_termijnen,
)
from services.loonvordering.domain.snelle_route import snelle_route
from shared.contract.loonvordering import Rol
from shared.policy import Policy

# §4: T (top client) -> A -> B -> agency E, which employs W.
E, B, A, T = "10000001", "20000002", "30000003", "40000004"
KETEN = (Schakel(B, "inlener"), Schakel(A, "opdrachtgever"), Schakel(T, "hoofdopdrachtgever", keurmerk=True))
VOORBEELD = Ketenfeiten(
    werkgever_kvk=E,
    keten=KETEN,
    ingediend_op=date(2025, 4, 7),
    bedrag_eur=Decimal("4702.62"),
    statussen=(PartijStatus(E, "onvindbaar", date(2025, 6, 30)), PartijStatus(B, "gedisculpeerd", date(2025, 6, 30))),
    # 05-02: W notifies T. 06-30: "the claim moves to A": W claims A in writing (lid 4: every level
    # below the top is claimed in turn before T can be liable; defect 14).
    aanzeggingen=(Aanzegging(T, date(2025, 5, 2)), Aanzegging(A, date(2025, 6, 30))),
    informatieverzoeken=(Informatieverzoek(A, date(2025, 4, 11)),),
)
OPEN = Decimal("100.00")  # an amount still owed, for the tests about who is liable for it
# W: 512 h at EUR 6.00 in Q1 2025 = 42.7 % of the WML.
W = Vordering(date(2025, 1, 1), date(2025, 3, 31), Decimal(512), Decimal("3072.00"), leeftijd=30)


def wie(feiten: Ketenfeiten, op: date, policy: Policy) -> list[tuple[str, date, str]]:
    return [(a.kvk_nummer, a.sinds, a.grond) for a in aansprakelijken(feiten, op, policy)]


def voorbeeld(policy: Policy) -> Ketenfeiten:
    return dataclasses.replace(VOORBEELD, snelle_route=snelle_route(W, policy))


@pytest.mark.parametrize("variant", ["huidig", "ser2025"])
def test_example_table_until_the_top_client(variant: str, request: pytest.FixtureRequest) -> None:
    policy: Policy = request.getfixturevalue(variant)
    feiten = voorbeeld(policy)
    assert feiten.snelle_route, "42.7 % of the WML for three full months: lid 5 applies"
    assert wie(feiten, date(2025, 4, 6), policy) == []
    assert wie(feiten, date(2025, 4, 7), policy) == [
        (E, date(2025, 4, 7), GROND_616A),
        (B, date(2025, 4, 7), GROND_616A),
    ]
    assert [a[0] for a in wie(feiten, date(2025, 4, 25), policy)] == [E, B]
    assert wie(feiten, date(2025, 4, 26), policy)[-1] == (A, date(2025, 4, 26), GROND_616E)
    # 06-30: E untraceable (still the debtor), B exculpated (freed); A was already liable out of turn.
    assert wie(feiten, date(2025, 6, 30), policy) == [
        (E, date(2025, 4, 7), GROND_616A),
        (A, date(2025, 4, 26), GROND_616E),
    ]


def test_top_client_claimable_on_2025_08_03_under_ser2025(ser2025: Policy) -> None:
    feiten = voorbeeld(ser2025)
    assert T not in [a[0] for a in wie(feiten, date(2025, 8, 2), ser2025)]
    assert wie(feiten, date(2025, 8, 3), ser2025)[-1] == (T, date(2025, 8, 3), GROND_616B_LID_5)
    assert top_aansprakelijk_vanaf(feiten, ser2025) == date(2025, 8, 3)


def test_top_client_claimable_on_2025_11_03_under_huidig_lid_5(huidig: Policy) -> None:
    feiten = voorbeeld(huidig)
    assert T not in [a[0] for a in wie(feiten, date(2025, 11, 2), huidig)]
    assert wie(feiten, date(2025, 11, 3), huidig)[-1] == (T, date(2025, 11, 3), GROND_616B_LID_5)
    assert aansprakelijken(feiten, date(2025, 11, 3), huidig)[-1] == Aansprakelijke(
        T, "hoofdopdrachtgever", date(2025, 11, 3), GROND_616B_LID_5
    )


def test_without_lid_5_the_top_client_waits_twelve_months(huidig: Policy) -> None:
    feiten = dataclasses.replace(VOORBEELD, snelle_route=False)
    assert top_aansprakelijk_vanaf(feiten, huidig) == date(2026, 5, 3)
    assert wie(feiten, date(2026, 5, 3), huidig)[-1] == (T, date(2026, 5, 3), GROND_616B_LID_4)


def test_timers_for_the_example(huidig: Policy, ser2025: Policy) -> None:
    assert volgende_termijnen(voorbeeld(huidig), huidig) == [
        Termijn(date(2025, 4, 26), GROND_616E),
        Termijn(date(2025, 11, 3), GROND_616B_LID_5),
    ]
    assert volgende_termijnen(voorbeeld(ser2025), ser2025, na=date(2025, 4, 26)) == [
        Termijn(date(2025, 8, 3), GROND_616B_LID_5)
    ]


def feiten(*statussen: PartijStatus) -> Ketenfeiten:
    """The example's chain with only these failures: no notices, no chain requests."""
    return dataclasses.replace(VOORBEELD, statussen=statussen, aanzeggingen=(), informatieverzoeken=())


def test_claim_moves_up_only_after_it_failed_against_every_level_below(huidig: Policy) -> None:
    # B exculpated, but the employer can still be claimed: the risk stays with E, nothing moves to A.
    alleen_b = feiten(PartijStatus(B, "gedisculpeerd", date(2025, 5, 1)))
    assert wie(alleen_b, date(2025, 12, 31), huidig) == [(E, date(2025, 4, 7), GROND_616A)]
    # E bankrupt, then the claim on B unenforceable: A is next in turn from the later date.
    beide = feiten(PartijStatus(E, "failliet", date(2025, 7, 1)), PartijStatus(B, "onverhaalbaar", date(2025, 7, 10)))
    assert wie(beide, date(2025, 7, 9), huidig) == [
        (E, date(2025, 4, 7), GROND_616A),
        (B, date(2025, 4, 7), GROND_616A),
    ]
    assert wie(beide, date(2025, 7, 10), huidig)[-1] == (A, date(2025, 7, 10), GROND_616B_LID_2)
    # A not registered: the top client follows in turn, without any wait term.
    drie = feiten(*beide.statussen, PartijStatus(A, "niet_ingeschreven", date(2025, 8, 1)))
    assert wie(drie, date(2025, 8, 1), huidig)[-1] == (T, date(2025, 8, 1), GROND_616B_LID_2)
    assert [a[0] for a in wie(drie, date(2025, 8, 1), huidig)] == [E, B, A, T]


def test_top_client_needs_the_616a_claim_to_have_failed(huidig: Policy) -> None:
    niet_mislukt = dataclasses.replace(VOORBEELD, statussen=(), snelle_route=True)
    assert T not in [a[0] for a in wie(niet_mislukt, date(2027, 1, 1), huidig)]
    assert top_aansprakelijk_vanaf(niet_mislukt, huidig) is None
    # The failure comes after the wait term ended (2025-11-03): liable from the failure.
    laat = dataclasses.replace(
        niet_mislukt,
        statussen=(PartijStatus(E, "failliet", date(2025, 12, 1)), PartijStatus(B, "onvindbaar", date(2025, 12, 15))),
    )
    assert top_aansprakelijk_vanaf(laat, huidig) == date(2025, 12, 15)
    assert (T, date(2025, 12, 15), GROND_616B_LID_5) in wie(laat, date(2025, 12, 15), huidig)


def test_the_first_notice_starts_the_wait_and_an_exculpated_top_is_never_liable(huidig: Policy) -> None:
    twee = dataclasses.replace(
        VOORBEELD,
        aanzeggingen=(Aanzegging(T, date(2025, 6, 1)), Aanzegging(T, date(2025, 5, 2)), *VOORBEELD.aanzeggingen[1:]),
        snelle_route=True,
    )
    assert top_aansprakelijk_vanaf(twee, huidig) == date(2025, 11, 3)
    vrij = dataclasses.replace(twee, statussen=(*twee.statussen, PartijStatus(T, "gedisculpeerd", date(2025, 10, 1))))
    assert top_aansprakelijk_vanaf(vrij, huidig) is None


@pytest.mark.parametrize(
    ("beantwoord_op", "sinds"),
    [(date(2025, 4, 25), None), (date(2025, 4, 26), date(2025, 4, 26)), (None, date(2025, 4, 26))],
)
def test_616e_an_answer_on_day_14_is_in_time(huidig: Policy, beantwoord_op: date | None, sinds: date | None) -> None:
    verzoek = dataclasses.replace(
        VOORBEELD, informatieverzoeken=(Informatieverzoek(A, date(2025, 4, 11), beantwoord_op),)
    )
    gevonden = [a.sinds for a in aansprakelijken(verzoek, date(2025, 5, 1), huidig) if a.kvk_nummer == A]
    assert gevonden == ([] if sinds is None else [sinds])
    assert (Termijn(date(2025, 4, 26), GROND_616E) in volgende_termijnen(verzoek, huidig)) is (sinds is not None)


def test_616e_never_before_the_claim_and_not_for_the_employer_or_strangers(huidig: Policy) -> None:
    verzoeken = dataclasses.replace(
        VOORBEELD,
        statussen=(),
        informatieverzoeken=(
            Informatieverzoek(A, date(2025, 3, 1)),  # term over on 03-16, before the claim of 04-07
            Informatieverzoek(E, date(2025, 3, 1)),
            Informatieverzoek("99999999", date(2025, 3, 1)),
        ),
    )
    assert wie(verzoeken, date(2025, 4, 7), huidig) == [
        (E, date(2025, 4, 7), GROND_616A),
        (B, date(2025, 4, 7), GROND_616A),
        (A, date(2025, 4, 7), GROND_616E),
    ]


def test_short_chains(huidig: Policy) -> None:
    zonder = Ketenfeiten(
        werkgever_kvk=E,
        keten=(),
        ingediend_op=date(2025, 4, 7),
        bedrag_eur=OPEN,
        aanzeggingen=(Aanzegging(T, date(2025, 4, 8)),),
    )
    assert wie(zonder, date(2027, 1, 1), huidig) == [(E, date(2025, 4, 7), GROND_616A)]
    assert volgende_termijnen(zonder, huidig) == []
    direct_is_top = Ketenfeiten(
        werkgever_kvk=E,
        keten=(Schakel(T, "hoofdopdrachtgever"), Schakel(A, "aannemer")),
        ingediend_op=date(2025, 4, 7),
        bedrag_eur=OPEN,
    )
    assert direct_is_top.top is None
    assert Ketenfeiten(
        werkgever_kvk=E,
        keten=(Schakel(B, "inlener"), Schakel(A, "aannemer")),
        ingediend_op=date(2025, 4, 7),
        bedrag_eur=OPEN,
    ).top == Schakel(A, "aannemer")


# -- defect 14: lid 4, every level claimed in turn before the top client --------------------------
C = "50000005"
D = "60000006"


@pytest.mark.parametrize(
    ("aanzeggingen", "statussen", "top_vanaf"),
    [
        # The example without the claim on A: T is never liable on lid 4/5 (today: 2025-08-03).
        pytest.param((), (), None, id="defect-14-level-A-not-claimed"),
        pytest.param((Aanzegging(A, date(2025, 6, 30)),), (), date(2025, 8, 3), id="defect-14-A-claimed-06-30"),
        pytest.param((Aanzegging(A, date(2025, 8, 3)),), (), date(2025, 8, 3), id="defect-14-A-claimed-on-the-day"),
        pytest.param((Aanzegging(A, date(2025, 8, 4)),), (), date(2025, 8, 4), id="defect-14-A-claimed-a-day-late"),
        # A notice to A after the claim on T is still needed: a claim on T alone is not a claim on A.
        pytest.param((Aanzegging(T, date(2025, 5, 20)),), (), None, id="defect-14-second-notice-to-T-only"),
    ],
)
def test_defect_14_top_client_only_after_every_level_was_claimed(
    ser2025: Policy, aanzeggingen: tuple[Aanzegging, ...], statussen: tuple[PartijStatus, ...], top_vanaf: date | None
) -> None:
    """Defect 14 (BW 7:616b lid 4): the top client is liable only once every level between the
    direct client and the top was claimed in turn, from the last of those claims at the earliest."""
    feiten = dataclasses.replace(
        voorbeeld(ser2025),
        aanzeggingen=(Aanzegging(T, date(2025, 5, 2)), *aanzeggingen),
        statussen=(*VOORBEELD.statussen, *statussen),
        informatieverzoeken=(),  # no 616e: A is not liable out of turn either
    )
    assert top_aansprakelijk_vanaf(feiten, ser2025) == top_vanaf
    if top_vanaf is not None:  # a timer for that day, also when a later-dated claim on A sets it
        assert Termijn(top_vanaf, GROND_616B_LID_5) in volgende_termijnen(feiten, ser2025)


@pytest.mark.parametrize(
    ("statussen", "top_vanaf"),
    [
        pytest.param((), None, id="defect-14-A-neither-claimed-nor-failed"),
        # A claim that failed was made: the failure on A counts as A claimed (07-15), C was claimed 06-30.
        pytest.param((PartijStatus(A, "onverhaalbaar", date(2025, 7, 15)),), date(2025, 8, 3), id="defect-14-A-failed"),
        pytest.param((PartijStatus(A, "onverhaalbaar", date(2025, 8, 20)),), date(2025, 8, 20), id="defect-14-A-late"),
    ],
)
def test_defect_14_a_failed_claim_counts_as_a_level_claimed(
    ser2025: Policy, statussen: tuple[PartijStatus, ...], top_vanaf: date | None
) -> None:
    """Defect 14 with two levels between B and T (A, then C): C claimed in writing, A only through a
    recorded failure. Lid 2 does not reach T here (C's claim did not fail), so only lid 4/5 can."""
    feiten = Ketenfeiten(
        werkgever_kvk=E,
        keten=(
            Schakel(B, "inlener"),
            Schakel(A, "opdrachtgever"),
            Schakel(C, "aannemer"),
            Schakel(T, "hoofdopdrachtgever"),
        ),
        ingediend_op=date(2025, 4, 7),
        bedrag_eur=OPEN,
        statussen=(*VOORBEELD.statussen, *statussen),
        aanzeggingen=(Aanzegging(T, date(2025, 5, 2)), Aanzegging(C, date(2025, 6, 30))),
        snelle_route=snelle_route(W, ser2025),
    )
    assert top_aansprakelijk_vanaf(feiten, ser2025) == top_vanaf
    if top_vanaf is not None:
        assert wie(feiten, top_vanaf, ser2025)[-1] == (T, top_vanaf, GROND_616B_LID_5)


# -- defect 13: the 616e term runs from the worker's request, answered on or after it --------------
@pytest.mark.parametrize(
    ("verzoeken", "antwoorden", "a_vanaf"),
    [
        # W asks A on 04-11 (domain-rules §4): no answer, A liable out of turn from 04-26.
        pytest.param([(A, date(2025, 4, 11))], {}, date(2025, 4, 26), id="defect-13-example-no-answer"),
        pytest.param([(A, date(2025, 4, 11))], {A: [date(2025, 4, 25)]}, None, id="defect-13-answer-on-day-14"),
        pytest.param([(A, date(2025, 4, 11))], {A: [date(2025, 4, 26)]}, date(2025, 4, 26), id="defect-13-day-15"),
        # An answer given before the request does not answer it.
        pytest.param(
            [(A, date(2025, 4, 11))], {A: [date(2025, 4, 10)]}, date(2025, 4, 26), id="defect-13-answer-before"
        ),
        # A second request after an answer in time has a term of its own.
        pytest.param(
            [(A, date(2025, 4, 11)), (A, date(2025, 5, 1))],
            {A: [date(2025, 4, 20)]},
            date(2025, 5, 16),
            id="defect-13-second-request",
        ),
        # No request, no term: the filing itself asks nobody.
        pytest.param([], {}, None, id="defect-13-no-request-no-616e"),
    ],
)
def test_defect_13_616e_runs_from_the_workers_request(
    huidig: Policy, verzoeken: list[tuple[str, date]], antwoorden: dict[str, list[date]], a_vanaf: date | None
) -> None:
    """Defect 13 (BW 7:616e): the two weeks start at the worker's request, not at the filing."""
    feiten = dataclasses.replace(VOORBEELD, statussen=(), informatieverzoeken=tuple(beantwoord(verzoeken, antwoorden)))
    gevonden = [a.sinds for a in aansprakelijken(feiten, date(2025, 6, 1), huidig) if a.kvk_nummer == A]
    assert gevonden == ([] if a_vanaf is None else [a_vanaf])


def test_the_employer_cannot_be_exculpated_only_a_client_can(huidig: Policy) -> None:
    """Disculpatie frees a client (616a-2, 616b-3); the employer owes the wage itself. An
    exculpation recorded for the employer neither frees it nor counts as a failed claim on it."""
    vrijgepleit = feiten(PartijStatus(E, "gedisculpeerd", date(2025, 5, 1)))
    assert wie(vrijgepleit, date(2025, 6, 1), huidig) == [
        (E, date(2025, 4, 7), GROND_616A),
        (B, date(2025, 4, 7), GROND_616A),
    ]
    # with B unenforceable as well, the claim still has not failed against every level below A
    ook_b = feiten(*vrijgepleit.statussen, PartijStatus(B, "onverhaalbaar", date(2025, 5, 10)))
    assert [a[0] for a in wie(ook_b, date(2025, 6, 1), huidig)] == [E, B]


# -- nothing outstanding, nobody to reach ----------------------------------------------------------
def test_a_claim_of_nothing_makes_nobody_liable_and_runs_no_term(huidig: Policy) -> None:
    """A claim established at EUR 0 (paid enough, or overpaid) leaves nothing to claim from the
    employer or anyone in the chain: no party is liable on any day and no term is planned."""
    niets = dataclasses.replace(voorbeeld(huidig), bedrag_eur=Decimal("0.00"))
    for op in (date(2025, 4, 7), date(2025, 4, 26), date(2025, 6, 30), date(2025, 11, 3), date(2027, 1, 1)):
        assert wie(niets, op, huidig) == []
    assert volgende_termijnen(niets, huidig) == []
    assert top_aansprakelijk_vanaf(niets, huidig) is None


def test_a_claim_paid_in_full_frees_the_chain_from_the_day_of_the_last_payment(huidig: Policy) -> None:
    """Paid in two parts (the employer, then A), in full on 2025-07-01: liable as before until then,
    nobody from that day; the top client's lid-5 term after it is no longer planned."""
    betaald = dataclasses.replace(
        voorbeeld(huidig),
        betalingen=(
            Betaling(A, Decimal("2702.62"), date(2025, 7, 1)),
            Betaling(E, Decimal("2000.00"), date(2025, 5, 1)),
        ),
    )
    assert wie(betaald, date(2025, 6, 30), huidig) == wie(voorbeeld(huidig), date(2025, 6, 30), huidig) != []
    assert wie(betaald, date(2025, 7, 1), huidig) == []
    assert wie(betaald, date(2025, 11, 3), huidig) == []
    assert volgende_termijnen(betaald, huidig) == [Termijn(date(2025, 4, 26), GROND_616E)]
    assert top_aansprakelijk_vanaf(betaald, huidig) is None


def test_a_part_payment_leaves_the_chain_liable_for_the_rest(huidig: Policy) -> None:
    deels = dataclasses.replace(voorbeeld(huidig), betalingen=(Betaling(E, Decimal("4702.61"), date(2025, 5, 1)),))
    for op in (date(2025, 6, 30), date(2025, 11, 3)):
        assert wie(deels, op, huidig) == wie(voorbeeld(huidig), op, huidig) != []
    assert volgende_termijnen(deels, huidig) == volgende_termijnen(voorbeeld(huidig), huidig)
    assert top_aansprakelijk_vanaf(deels, huidig) == date(2025, 11, 3)


# -- the chain in hiring order, whatever order its facts came in ----------------------------------
def test_the_chain_follows_who_hires_whom_not_the_order_facts_arrived() -> None:
    """Filed E -> B. A answered first (its client T, the top), then B (A, then T): T became known
    before A, yet A is hired by T and hires B."""
    schakels = (Schakel(B, "inlener"), Schakel(T, "hoofdopdrachtgever"), Schakel(A, "opdrachtgever"))
    lijnen = ((E, B), (A, T), (B, A, T))
    assert keten_in_volgorde(E, schakels, lijnen) == (schakels[0], schakels[2], schakels[1])


def test_every_arrival_order_of_the_answers_gives_one_chain() -> None:
    """E -> B -> A -> C -> T, filed with B only; B, A and C each name their client and the top."""
    rollen: dict[str, Rol] = {B: "inlener", A: "opdrachtgever", C: "aannemer", T: "hoofdopdrachtgever"}
    antwoorden = [(B, A, T), (A, C, T), (C, T)]
    for volgorde in itertools.permutations(antwoorden):
        bekend = [B]
        for antwoord in volgorde:
            bekend += [kvk for kvk in antwoord[1:] if kvk not in bekend]
        schakels = tuple(Schakel(kvk, rollen[kvk]) for kvk in bekend)  # joined in the order they were named
        uitkomst = keten_in_volgorde(E, schakels, ((E, B), *volgorde))
        assert [s.kvk_nummer for s in uitkomst] == [B, A, C, T], f"answers in the order {volgorde}"


def test_a_later_fact_does_not_turn_the_chain_round_and_unlinked_parties_keep_their_arrival_order() -> None:
    filed = (Schakel(B, "inlener"), Schakel(A, "opdrachtgever"))
    assert keten_in_volgorde(E, filed, ((E, B, A), (A, B))) == filed, "the filed chain was first: A hires B"
    los = (Schakel(B, "inlener"), Schakel(C, "aannemer"), Schakel(A, "opdrachtgever"))
    assert keten_in_volgorde(E, los, ((E, B),)) == los
    # the top client stays on top when no link places it, and a filed chain beats the role
    met_top = (Schakel(B, "inlener"), Schakel(T, "hoofdopdrachtgever"), Schakel(A, "opdrachtgever"))
    assert [s.kvk_nummer for s in keten_in_volgorde(E, met_top, ((E, B),))] == [B, A, T]
    assert keten_in_volgorde(E, met_top, ((E, B, T, A),)) == met_top

    # B names A; D is named by C, whose own client is not known: the part linked to E comes first
    # (A before D), even though D became known before A.
    stukken = (Schakel(B, "inlener"), Schakel(D, "aannemer"), Schakel(A, "opdrachtgever"))
    assert [s.kvk_nummer for s in keten_in_volgorde(E, stukken, ((E, B), (C, D), (B, A)))] == [B, A, D]


# -- the employer and the filed top client keep their places ---------------------------------------
def test_an_answer_naming_the_employer_does_not_make_it_a_client_in_the_chain(huidig: Policy) -> None:
    """Filed E -> B -> A -> T. A's answer (stored before such answers were refused) named E as its
    client and then T: E is the employer, never a client, so B stays the direct client (616a)."""
    schakels = (*KETEN, Schakel(E, "opdrachtgever"))
    keten = keten_in_volgorde(E, schakels, ((E, B, A, T), (A, E, T)))
    assert keten == KETEN
    feiten = Ketenfeiten(werkgever_kvk=E, keten=keten, ingediend_op=date(2025, 4, 7), bedrag_eur=OPEN)
    assert wie(feiten, date(2025, 4, 7), huidig) == [
        (E, date(2025, 4, 7), GROND_616A),
        (B, date(2025, 4, 7), GROND_616A),
    ]


def test_an_answer_naming_its_own_party_twice_places_it_once() -> None:
    assert keten_in_volgorde(E, KETEN, ((E, B), (B, B, A, B, T))) == KETEN


def test_an_answer_cannot_put_a_party_above_the_filed_top_client(huidig: Policy) -> None:
    """Filed E -> B -> T (hoofdopdrachtgever). T answers naming its contract partner A: A joins the
    chain below T (the filed role is the earlier fact) and, named by a party in the chain, is tied in
    as a level between B and T. Once the claim failed against E and B, A is next in turn (lid 2), not
    T; and T's lid-4 liability waits for A to have been claimed."""
    schakels = (Schakel(B, "inlener"), Schakel(T, "hoofdopdrachtgever"), Schakel(A, "opdrachtgever"))
    keten = geordende_keten(E, schakels, ((E, B, T), (T, A)))
    assert [s.kvk_nummer for s in keten.schakels] == [B, A, T]
    assert keten.los == frozenset()
    feiten = Ketenfeiten(
        werkgever_kvk=E,
        keten=keten.schakels,
        los=keten.los,
        ingediend_op=date(2025, 4, 7),
        bedrag_eur=OPEN,
        statussen=(PartijStatus(E, "onvindbaar", date(2025, 5, 1)), PartijStatus(B, "failliet", date(2025, 5, 1))),
        aanzeggingen=(Aanzegging(T, date(2025, 5, 2)),),
    )
    assert [s.kvk_nummer for s in feiten.gekoppeld] == [B, A, T]
    assert wie(feiten, date(2025, 5, 1), huidig) == [
        (E, date(2025, 4, 7), GROND_616A),
        (B, date(2025, 4, 7), GROND_616A),
        (A, date(2025, 5, 1), GROND_616B_LID_2),
    ]
    assert T not in {a[0] for a in wie(feiten, date(2026, 5, 3), huidig)}, "A, a level below T, was not claimed"
    aangezegd = dataclasses.replace(feiten, aanzeggingen=(*feiten.aanzeggingen, Aanzegging(A, date(2026, 6, 1))))
    assert wie(aangezegd, date(2026, 6, 1), huidig)[-1] == (T, date(2026, 6, 1), GROND_616B_LID_4)


def test_a_top_client_named_in_an_answer_stays_on_top_of_what_later_answers_say() -> None:
    """Filed E -> B. B names A and the top T; later T names C as its partner: C goes below T."""
    schakels = (
        Schakel(B, "inlener"),
        Schakel(A, "opdrachtgever"),
        Schakel(T, "hoofdopdrachtgever"),
        Schakel(C, "aannemer"),
    )
    uitkomst = keten_in_volgorde(E, schakels, ((E, B), (B, A, T), (T, C)))
    assert [s.kvk_nummer for s in uitkomst] == [B, A, C, T]


def test_a_hundred_party_answer_orders_the_chain() -> None:
    """Filed E -> B with the top P100 known. P50 answered first (P51..P100), then B named all 100
    parties above it: the chain is B, P1..P100 although P51..P99 and P100 became known first."""
    p = [f"7{i:07d}" for i in range(1, 101)]
    rollen: dict[str, Rol] = dict.fromkeys(p, "opdrachtgever")
    rollen.update({B: "inlener", p[-1]: "hoofdopdrachtgever"})
    schakels = tuple(Schakel(kvk, rollen[kvk]) for kvk in [B, p[-1], *p[50:99], *p[:50]])
    lijnen = ((E, B, p[-1]), (p[49], *p[50:]), (B, *p), (B, *p))  # B's answer sent again on another day
    assert [s.kvk_nummer for s in keten_in_volgorde(E, schakels, lijnen)] == [B, *p]


# -- what-if dates of a claim paid in full later ---------------------------------------------------
def test_a_claim_paid_in_full_after_the_top_date_keeps_that_date(huidig: Policy) -> None:
    """Paid in full on 2026-01-05, after the top client became liable (2025-11-03, lid 5): that date
    still stands, and it was a term to plan; a claim paid before it has neither."""
    laat = dataclasses.replace(voorbeeld(huidig), betalingen=(Betaling(A, Decimal("4702.62"), date(2026, 1, 5)),))
    assert top_aansprakelijk_vanaf(laat, huidig) == date(2025, 11, 3)
    assert volgende_termijnen(laat, huidig) == volgende_termijnen(voorbeeld(huidig), huidig)
    assert wie(laat, date(2026, 1, 5), huidig) == []
    vroeg = dataclasses.replace(laat, betalingen=(Betaling(A, Decimal("4702.62"), date(2025, 11, 3)),))
    assert top_aansprakelijk_vanaf(vroeg, huidig) is None
    assert Termijn(date(2025, 11, 3), GROND_616B_LID_5) not in volgende_termijnen(vroeg, huidig)


# -- the filed direct client and the filed top keep their places, whatever an answer says -----------
FILED_MET_TOP = (Schakel(B, "inlener"), Schakel(T, "hoofdopdrachtgever"))
X, Y = "70000007", "80000008"


@pytest.mark.parametrize(
    "antwoorden",
    [
        pytest.param(((Y, X, B),), id="any party names [X, B]"),
        pytest.param(((T, X), (X, B)), id="the top names X, X names B"),
        pytest.param(((E, X, B),), id="the employer names [X, B]"),
        pytest.param(((X, B, X, B),), id="X names itself between"),
    ],
)
def test_no_answer_puts_a_party_below_the_filed_direct_client(
    antwoorden: tuple[tuple[str, ...], ...], huidig: Policy
) -> None:
    """Filed E -> B -> T: the filer named B as the employer's direct client, the earliest fact. A party
    an answer puts below B is not tied above the employer's chain by any usable link: it goes after
    the linked part (below the filed top), and B stays liable under 616a."""
    schakels = (*FILED_MET_TOP, Schakel(X, "opdrachtgever"))
    keten = keten_in_volgorde(E, schakels, ((E, B, T), *antwoorden))
    assert [s.kvk_nummer for s in keten] == [B, X, T]
    feiten = Ketenfeiten(werkgever_kvk=E, keten=keten, ingediend_op=date(2025, 4, 7), bedrag_eur=OPEN)
    assert wie(feiten, date(2025, 4, 7), huidig) == [
        (E, date(2025, 4, 7), GROND_616A),
        (B, date(2025, 4, 7), GROND_616A),
    ]


def test_an_answer_naming_the_whole_chain_counts_from_the_answering_party_up() -> None:
    """Filed E -> B. A's stored answer named the whole chain [B, A, T]: only what lies above A's own
    mention says anything about A's clients (T), so B stays the direct client."""
    schakels = (Schakel(B, "inlener"), Schakel(A, "opdrachtgever"), Schakel(T, "hoofdopdrachtgever"))
    assert [s.kvk_nummer for s in keten_in_volgorde(E, schakels, ((E, B), (A, B, A, T)))] == [B, A, T]


def test_a_filed_direct_client_that_is_the_hoofdopdrachtgever_stays_first() -> None:
    schakels = (Schakel(B, "hoofdopdrachtgever"), Schakel(A, "opdrachtgever"))
    assert [s.kvk_nummer for s in keten_in_volgorde(E, schakels, ((E, B), (B, A)))] == [B, A]


def test_nothing_goes_above_the_filed_top_client_not_even_a_later_hoofdopdrachtgever() -> None:
    schakels = (*FILED_MET_TOP, Schakel(X, "hoofdopdrachtgever"))
    assert [s.kvk_nummer for s in keten_in_volgorde(E, schakels, ((E, B, T), (T, X)))] == [B, X, T]


def test_many_one_party_answers_from_the_top_down_give_the_chain_in_hiring_order() -> None:
    """16 000 parties each naming its one client, the highest first (each new link hangs below a long
    chain), plus each answer sent again. A claim holds at most HOOGSTE_KETEN parties now; stored
    claims can hold more. (Its speed is measured, not asserted: `python -m bench.keten`.)"""
    p = [f"7{i:07d}" for i in range(16_000)]
    schakels = (Schakel(p[0], "inlener"), *(Schakel(kvk, "opdrachtgever") for kvk in reversed(p[1:])))
    antwoorden = [(laag, hoog) for laag, hoog in reversed(list(itertools.pairwise(p)))]
    keten = keten_in_volgorde(E, schakels, ((E, p[0]), *antwoorden, *antwoorden))
    assert [s.kvk_nummer for s in keten] == p


# -- the top is the highest hoofdopdrachtgever; a party no link ties in is outside the walk ---------
def e_en_b_mislukt(keten: tuple[Schakel, ...], los: frozenset[str] = frozenset()) -> Ketenfeiten:
    """E untraceable and B bankrupt on 2025-05-01; the worker notified T on 05-02."""
    return Ketenfeiten(
        E,
        keten,
        date(2025, 4, 7),
        OPEN,
        statussen=(PartijStatus(E, "onvindbaar", date(2025, 5, 1)), PartijStatus(B, "failliet", date(2025, 5, 1))),
        aanzeggingen=(Aanzegging(T, date(2025, 5, 2)),),
        los=los,
    )


def test_the_top_client_is_the_highest_hoofdopdrachtgever(huidig: Policy) -> None:
    """Filed E -> B -> T (T hoofdopdrachtgever); T answers [X], X also a hoofdopdrachtgever. The filed
    top sits above X, so T is the lid-4 top: its notice of 05-02 starts the wait to 2026-05-03."""
    schakels = (*FILED_MET_TOP, Schakel(X, "hoofdopdrachtgever"))
    keten = keten_in_volgorde(E, schakels, ((E, B, T), (T, X)))
    assert [s.kvk_nummer for s in keten] == [B, X, T]
    feiten = e_en_b_mislukt(keten)
    assert feiten.top == Schakel(T, "hoofdopdrachtgever")
    assert Termijn(date(2026, 5, 3), GROND_616B_LID_4) in volgende_termijnen(feiten, huidig)


@pytest.mark.parametrize(
    ("antwoord", "gekoppeld"),
    [
        pytest.param((Y, X, B), False, id="Y names [X, B]"),
        pytest.param((Y, X), False, id="an outsider names [X]"),
        pytest.param((T, X), True, id="the filed top names [X]"),
        pytest.param((T, X, B), True, id="the filed top names [X, B]"),
    ],
)
def test_a_party_is_in_the_walk_only_when_the_chain_ties_it_in(
    antwoord: tuple[str, ...], gekoppeld: bool, huidig: Policy
) -> None:
    """Filed E -> B -> T (hoofdopdrachtgever). An answer names X below T. When no usable link ties X
    in (named below B, or by an outsider), X is not next in turn after B (lid 2) nor a level T waits
    for (lid 4): once E and B failed, T is next in turn, and X can be liable only for not answering
    the worker's request (616e). When T names X as its contract partner, X is a level between B and
    T, tied in: X is next in turn, and T's notice of 05-02 gives no lid-4 liability on 2026-05-03
    before X was claimed."""
    schakels = (*FILED_MET_TOP, Schakel(X, "opdrachtgever"))
    keten = geordende_keten(E, schakels, ((E, B, T), antwoord))
    assert [s.kvk_nummer for s in keten.schakels] == [B, X, T]
    assert keten.los == (frozenset() if gekoppeld else {X})
    feiten = e_en_b_mislukt(keten.schakels, keten.los)
    assert feiten.top == Schakel(T, "hoofdopdrachtgever")
    assert wie(feiten, date(2026, 5, 3), huidig) == [
        (E, date(2025, 4, 7), GROND_616A),
        (B, date(2025, 4, 7), GROND_616A),
        (X if gekoppeld else T, date(2025, 5, 1), GROND_616B_LID_2),
    ]
    if not gekoppeld:
        gevraagd = dataclasses.replace(feiten, informatieverzoeken=(Informatieverzoek(X, date(2025, 5, 10)),))
        assert wie(gevraagd, date(2025, 5, 25), huidig)[-1] == (X, date(2025, 5, 25), GROND_616E)


def test_the_parties_above_a_party_the_filed_top_names_are_tied_in_too(huidig: Policy) -> None:
    """Filed E -> B -> T (hoofdopdrachtgever). T names [X, Y]: X its contract partner, Y X's client.
    Both sit below T and are tied in, in that order: after B, X is next in turn, then Y."""
    schakels = (*FILED_MET_TOP, Schakel(X, "opdrachtgever"), Schakel(Y, "opdrachtgever"))
    keten = geordende_keten(E, schakels, ((E, B, T), (T, X, Y)))
    assert [s.kvk_nummer for s in keten.schakels] == [B, X, Y, T]
    assert keten.los == frozenset()
    feiten = dataclasses.replace(
        e_en_b_mislukt(keten.schakels, keten.los),
        statussen=(
            PartijStatus(E, "onvindbaar", date(2025, 5, 1)),
            PartijStatus(B, "failliet", date(2025, 5, 1)),
            PartijStatus(X, "failliet", date(2025, 6, 1)),
        ),
    )
    assert wie(feiten, date(2025, 6, 1), huidig)[-1] == (Y, date(2025, 6, 1), GROND_616B_LID_2)


# -- an answer that leaves nothing usable, and one that is complete as it is -------------------------
@pytest.mark.parametrize(
    ("door", "kvks", "niets"),
    [
        pytest.param(T, [T], False, id="the top answers [itself]: I am the top"),
        pytest.param(B, [E], False, id="the direct client names only the employer"),
        pytest.param(B, [E, B], False, id="the direct client names the employer and itself as top"),
        pytest.param(A, [A, E], True, id="a party names itself and then the employer"),
        pytest.param(A, [X, A], True, id="a party names only a party below itself"),
        pytest.param(A, [E], True, id="a party above the direct client names only the employer"),
        pytest.param(A, [], False, id="an empty answer says nothing to report"),
        pytest.param(A, [T], False, id="an answer with a usable party"),
    ],
)
def test_an_answer_left_with_nothing_usable_is_reported_unless_it_is_complete_as_it_is(
    door: str, kvks: list[str], niets: bool
) -> None:
    assert niets_bruikbaars(E, B, door, kvks) is niets


def test_a_party_an_outsider_names_after_the_filed_top_stays_outside_the_walk() -> None:
    """Filed E -> B -> T (hoofdopdrachtgever). An outsider Y names [T, X]: X cannot go above T, and
    no party of the chain named it, so it stays `los`; T itself naming [X] ties it in."""
    schakels = (*FILED_MET_TOP, Schakel(X, "opdrachtgever"))
    assert geordende_keten(E, schakels, ((E, B, T), (Y, T, X))).los == {X}
    assert geordende_keten(E, schakels, ((E, B, T), (Y, T, X), (T, X))).los == frozenset()
