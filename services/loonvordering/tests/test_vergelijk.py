from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from services.loonvordering.domain.betaling import Betaling
from services.loonvordering.domain.invoer import Vordering
from services.loonvordering.domain.keten import GROND_616A, Aanzegging, Ketenfeiten, PartijStatus, Schakel
from services.loonvordering.domain.vergelijk import vergelijk
from shared.policy import Policy

E, B, A, T = "11223344", "12345678", "55556666", "99887766"


def eerste_verblijf(betaald: Decimal) -> Vordering:
    """§3's worker: 200 h in March-April 2026, a first stay through an agency."""
    return Vordering(
        date(2026, 3, 1),
        date(2026, 4, 30),
        Decimal(200),
        betaald,
        leeftijd=30,
        eerste_tewerkstelling_in_nl=True,
        is_uitzendonderneming=True,
    )


def test_side_by_side_amount_liability_and_top_date(huidig: Policy, ser2025: Policy) -> None:
    """§3's worker (2,707.42 vs 377.36); paid 2,800 on 200 h is 95 % of the WML: no lid 5, but <= 130 %
    so ser2025 uses the 3-month wait: notice 2026-05-04 -> top client 2026-08-05 vs 2027-05-05 (A is
    next in turn from 2026-06-01, when the claim against E and B failed)."""
    claim = eerste_verblijf(Decimal("2800.00"))
    feiten = Ketenfeiten(
        werkgever_kvk=E,
        keten=(Schakel(B, "inlener"), Schakel(A, "aannemer"), Schakel(T, "hoofdopdrachtgever")),
        ingediend_op=date(2026, 5, 1),
        bedrag_eur=Decimal("377.36"),  # as established under huidig; each variant has its own amount
        statussen=(PartijStatus(E, "failliet", date(2026, 6, 1)), PartijStatus(B, "onverhaalbaar", date(2026, 6, 1))),
        aanzeggingen=(Aanzegging(T, date(2026, 5, 4)), Aanzegging(A, date(2026, 5, 4))),  # lid 4: A claimed too
        snelle_route=True,  # ignored: recomputed per policy
    )
    uitkomst = vergelijk(claim, feiten, huidig, ser2025, op=date(2026, 5, 1))
    assert uitkomst["huidig"]["bedrag_eur"] == Decimal("377.36")
    assert uitkomst["ser2025"]["bedrag_eur"] == Decimal("2707.42")
    assert uitkomst["verschil_bedrag_eur"] == Decimal("2330.06")
    assert (uitkomst["huidig"]["snelle_route"], uitkomst["ser2025"]["snelle_route"]) == (False, True)
    assert uitkomst["huidig"]["top_aansprakelijk_vanaf"] == date(2027, 5, 5)
    assert uitkomst["ser2025"]["top_aansprakelijk_vanaf"] == date(2026, 8, 5)
    assert uitkomst["huidig"]["aansprakelijk"] == [
        {"kvk_nummer": E, "rol": "werkgever", "sinds": date(2026, 5, 1), "grond": GROND_616A},
        {"kvk_nummer": B, "rol": "inlener", "sinds": date(2026, 5, 1), "grond": GROND_616A},
    ]
    assert uitkomst["ser2025"]["beleid"] == ser2025.version


def test_a_variant_that_finds_nothing_owed_names_nobody_liable(huidig: Policy, ser2025: Policy) -> None:
    """§3's worker paid 3,200: under huidig 2,942 x 1.08 = 3,177.36 is paid in full (EUR 0), under
    ser2025 the guarantee leaves 5,507.42 - 3,200 = 2,307.42 owed. Liability follows each variant's
    own amount, less what was paid, not the amount the stored claim was established at."""
    claim = eerste_verblijf(Decimal("3200.00"))
    feiten = Ketenfeiten(
        werkgever_kvk=E,
        keten=(Schakel(B, "inlener"),),
        ingediend_op=date(2026, 5, 1),
        bedrag_eur=Decimal("2307.42"),  # as established under ser2025
        betalingen=(Betaling(E, Decimal("300.00"), date(2026, 5, 10)),),
    )
    uitkomst = vergelijk(claim, feiten, huidig, ser2025, op=date(2026, 6, 1))
    assert (uitkomst["huidig"]["bedrag_eur"], uitkomst["ser2025"]["bedrag_eur"]) == (Decimal(0), Decimal("2307.42"))
    assert uitkomst["huidig"]["aansprakelijk"] == []
    assert [a["kvk_nummer"] for a in uitkomst["ser2025"]["aansprakelijk"]] == [E, B]
    # paid 2,307.42 in all by 06-01: nothing open under either variant
    betaald = dataclasses.replace(
        feiten, betalingen=(*feiten.betalingen, Betaling(B, Decimal("2007.42"), date(2026, 5, 20)))
    )
    assert vergelijk(claim, betaald, huidig, ser2025, op=date(2026, 6, 1))["ser2025"]["aansprakelijk"] == []


def test_a_claim_paid_in_full_later_keeps_the_date_the_top_client_became_liable(
    huidig: Policy, ser2025: Policy
) -> None:
    """The first test's claim, paid in full (under both variants) on 2027-06-01: the top client was
    liable before that under each, and what-if still says from when; paid on 2026-08-05, under ser2025
    nothing was open any more on its top date, under huidig neither."""
    claim = eerste_verblijf(Decimal("2800.00"))
    feiten = Ketenfeiten(
        werkgever_kvk=E,
        keten=(Schakel(B, "inlener"), Schakel(A, "aannemer"), Schakel(T, "hoofdopdrachtgever")),
        ingediend_op=date(2026, 5, 1),
        bedrag_eur=Decimal("377.36"),
        betalingen=(Betaling(E, Decimal("2707.42"), date(2027, 6, 1)),),
        statussen=(PartijStatus(E, "failliet", date(2026, 6, 1)), PartijStatus(B, "onverhaalbaar", date(2026, 6, 1))),
        aanzeggingen=(Aanzegging(T, date(2026, 5, 4)), Aanzegging(A, date(2026, 5, 4))),
    )
    uitkomst = vergelijk(claim, feiten, huidig, ser2025, op=date(2027, 7, 1))
    assert uitkomst["huidig"]["top_aansprakelijk_vanaf"] == date(2027, 5, 5)
    assert uitkomst["ser2025"]["top_aansprakelijk_vanaf"] == date(2026, 8, 5)
    assert uitkomst["huidig"]["aansprakelijk"] == uitkomst["ser2025"]["aansprakelijk"] == []
    vroeg = dataclasses.replace(feiten, betalingen=(Betaling(E, Decimal("2707.42"), date(2026, 8, 5)),))
    uitkomst = vergelijk(claim, vroeg, huidig, ser2025, op=date(2027, 7, 1))
    assert uitkomst["huidig"]["top_aansprakelijk_vanaf"] is uitkomst["ser2025"]["top_aansprakelijk_vanaf"] is None
