from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.loonvordering.domain.betaling import Betaling, Saldo, saldo

D = Decimal


def test_partial_payment_leaves_the_rest_open() -> None:
    assert saldo(D("741.89"), [Betaling("11223344", D("500.00"), date(2026, 3, 1))]) == Saldo(
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
    )
    assert (uitkomst.open_eur, uitkomst.voldaan, uitkomst.voldaan_op) == (D(0), True, date(2026, 4, 1))


def test_overpayment_is_reported_not_lost() -> None:
    uitkomst = saldo(
        D("741.89"),
        [Betaling("11223344", D("700.00"), date(2026, 3, 1)), Betaling("12345678", D("100.00"), date(2026, 3, 2))],
    )
    assert (uitkomst.open_eur, uitkomst.overbetaald_eur, uitkomst.betaald_eur) == (D(0), D("58.11"), D("800.00"))
    assert uitkomst.voldaan and uitkomst.voldaan_op == date(2026, 3, 2)


def test_a_claim_of_nothing_is_settled_without_payment() -> None:
    assert saldo(D("0.00"), []).voldaan
    assert not saldo(D("0.01"), []).voldaan
