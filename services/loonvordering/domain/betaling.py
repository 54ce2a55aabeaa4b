"""Payments against an established claim: what is still open, and what was paid too much.

An overpayment is reported as `overbetaald_eur`, never dropped: the paying party may have recourse
(BW 7:616d) and the worker's union must see it. The claim is `voldaan` once nothing is open;
`voldaan_op` is the date of the payment that closed it.

A payment counts from the day it was made (`betaald_op`), for what is open as for who is still
liable (`Ketenfeiten.openstaand` asks `saldo`). A payment dated after the day it is received is a
typo or a wrong clock at the sender: it would settle the claim today on money not yet paid, so it
is refused with both dates (`fouten_betaald_op`). That day is the later of the Dutch day of receipt
and the payer's own day when it sent the payment (kernel rule `shared.ontvangst.laatste_dag`, in a
handler `Context.laatste_dag`): paid at 00:30 in Bucharest is the next day there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.ontvangst import na_ontvangst


@dataclass(frozen=True)
class Betaling:
    kvk_nummer: str
    bedrag_eur: Decimal
    betaald_op: date


@dataclass(frozen=True)
class Saldo:
    vastgesteld_eur: Decimal
    betaald_eur: Decimal
    open_eur: Decimal
    overbetaald_eur: Decimal
    voldaan: bool
    voldaan_op: date | None


def fouten_betaald_op(betaald_op: date, laatste: date, ontvangen_op: date) -> list[dict[str, str]]:
    """The rejection's `fouten` for a payment dated after `laatste`, the latest date a fact received
    on `ontvangen_op` can carry (`shared.ontvangst.laatste_dag`); empty when it is not."""
    return na_ontvangst("betaald_op", betaald_op, laatste, ontvangen_op, "een betaling")


def saldo(vastgesteld_eur: Decimal, betalingen: Iterable[Betaling], op: date) -> Saldo:
    """Apply the payments made by `op`, in date order, to the established amount (both in whole cents)."""
    betaald, voldaan_op = Decimal(0), None
    for betaling in sorted((b for b in betalingen if b.betaald_op <= op), key=lambda b: b.betaald_op):
        betaald += betaling.bedrag_eur
        if voldaan_op is None and betaald >= vastgesteld_eur:
            voldaan_op = betaling.betaald_op
    open_eur = max(Decimal(0), vastgesteld_eur - betaald)
    return Saldo(
        vastgesteld_eur=vastgesteld_eur,
        betaald_eur=betaald,
        open_eur=open_eur,
        overbetaald_eur=max(Decimal(0), betaald - vastgesteld_eur),
        voldaan=open_eur == 0,
        voldaan_op=voldaan_op,
    )
