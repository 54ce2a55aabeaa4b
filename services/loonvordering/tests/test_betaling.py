from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.loonvordering.domain.betaling import Betaling, Saldo, fouten_betaald_op, saldo
from services.loonvordering.domain.keten import Ketenfeiten

D = Decimal


def test_partial_payment_leaves_the_rest_open() -> None:
    assert saldo(D("741.89"), [Betaling("11223344", D("500.00"), date(2026, 3, 1))], date(2026, 5, 1)) == Saldo(
        vastgesteld_eur=D("741.89"),
        betaald_eur=D("500.00"),
        open_eur=D("241.89"),
        overbetaald_eur=D(0),
        voldaan=False,
        voldaan_op=None,
    )


def test_settled_on_the_date_of_the_payment_that_closed_it_whatever_the_arrival_order() -> None:
    uitkomst = saldo(
        D("741.89"),
        [Betaling("12345678", D("241.89"), date(2026, 4, 1)), Betaling("11223344", D("500.00"), date(2026, 3, 1))],
        date(2026, 5, 1),
    )
    assert (uitkomst.open_eur, uitkomst.voldaan, uitkomst.voldaan_op) == (D(0), True, date(2026, 4, 1))


def test_overpayment_is_reported_not_lost() -> None:
    uitkomst = saldo(
        D("741.89"),
        [Betaling("11223344", D("700.00"), date(2026, 3, 1)), Betaling("12345678", D("100.00"), date(2026, 3, 2))],
        date(2026, 5, 1),
    )
    assert (uitkomst.open_eur, uitkomst.overbetaald_eur, uitkomst.betaald_eur) == (D(0), D("58.11"), D("800.00"))
    assert uitkomst.voldaan and uitkomst.voldaan_op == date(2026, 3, 2)


def test_a_claim_of_nothing_is_settled_without_payment() -> None:
    assert saldo(D("0.00"), [], date(2026, 5, 1)).voldaan
    assert not saldo(D("0.01"), [], date(2026, 5, 1)).voldaan


def test_a_payment_after_its_day_of_receipt_is_refused_with_both_dates() -> None:
    dag = date(2026, 5, 12)
    assert fouten_betaald_op(date(2026, 5, 12), dag, dag) == []
    assert fouten_betaald_op(date(2026, 1, 2), dag, dag) == []
    [fout] = fouten_betaald_op(date(2026, 5, 13), dag, dag)
    assert fout["veld"] == "betaald_op"
    assert "2026-05-13" in fout["melding"] and "2026-05-12" in fout["melding"]


def test_a_payment_on_the_senders_own_day_ahead_of_the_dutch_one_counts() -> None:
    """Paid 00:30 on 05-13 in Bucharest, received 23:30 on 05-12 in Amsterdam: the latest date it
    can carry is the sender's day (shared.ontvangst.laatste_dag), the 14th is refused naming both."""
    laatste, ontvangen = date(2026, 5, 13), date(2026, 5, 12)
    assert fouten_betaald_op(date(2026, 5, 13), laatste, ontvangen) == []
    [fout] = fouten_betaald_op(date(2026, 5, 14), laatste, ontvangen)
    assert "2026-05-14" in fout["melding"] and "2026-05-13" in fout["melding"] and "2026-05-12" in fout["melding"]


def test_settled_and_outstanding_count_the_same_payments_on_a_day() -> None:
    """A payment counts from its date, for `voldaan` as for who is still liable."""
    betalingen = (
        Betaling("11223344", D("500.00"), date(2026, 3, 1)),
        Betaling("12345678", D("241.89"), date(2026, 4, 1)),
    )
    feiten = Ketenfeiten("11223344", (), date(2026, 2, 1), D("741.89"), betalingen)
    for op in (date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 1)):
        stand = saldo(D("741.89"), betalingen, op)
        assert stand.open_eur == feiten.openstaand(op)
        assert stand.voldaan is (feiten.openstaand(op) == 0)
    assert not saldo(D("741.89"), betalingen, date(2026, 3, 31)).voldaan
    assert saldo(D("741.89"), betalingen, date(2026, 3, 31)).voldaan_op is None
