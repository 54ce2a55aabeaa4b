"""BW 7:616b lid 5: when the top client's shorter wait applies (rules KETEN-SNEL, KETEN-SNEL-LAAGLOON).

Lid 5: for >= `snelle_route_maanden` consecutive calendar months the worker received less than
`snelle_route_pct_verschuldigd` % of the wage owed (WML plus holiday allowance; the system knows no
cao wage) or less than `snelle_route_pct_wml` % of the WML. Only whole calendar months count: with
`per_maand`, a month the claim period covers only in part (the first or the last) is no month of
lid 5, so 2026-01-26 .. 2026-03-05 holds one month (February), not three. With totals only, the
period average is tested, and only when the period covers that many whole calendar months [A].
Under ser2025 a wage of at most `snelle_route_wml_pct` % of the WML over the period also qualifies.
WML here is the hours' WML, without the ser2025 income guarantee; "received" is what counts as paid
(an unlawful housing deduction was not received, see `bedrag.telt_als_betaald`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.loonvordering.domain.bedrag import telt_als_betaald
from services.loonvordering.domain.berekening import HONDERD
from services.loonvordering.domain.invoer import Blok, Vordering
from services.loonvordering.domain.uren import Werkdag, wml_loon
from shared.maanden import maand_van, plus_maanden, volle_kalendermaanden
from shared.policy import Policy
from shared.werkdagen import is_werkdag


def snelle_route(vordering: Vordering, policy: Policy, werkdag: Werkdag = is_werkdag) -> bool:
    """Whether lid 5's shorter wait for the top client applies (see the module docstring)."""
    van = vordering.periode_van
    nodig = int(policy.value("snelle_route_maanden", van))
    if vordering.per_maand:
        reeks, vorige = 0, None
        for blok in sorted(vordering.per_maand, key=lambda b: b.van):
            maand = blok.van.replace(day=1)
            aansluitend = vorige is not None and plus_maanden(vorige, 1) == maand
            hele_maand = (blok.van, blok.tot) == maand_van(blok.van)
            laag = hele_maand and _te_laag(blok, vordering, policy, werkdag)
            reeks = (reeks if aansluitend else 0) + 1 if laag else 0
            if reeks >= nodig:
                return True
            vorige = maand
    elif volle_kalendermaanden(van, vordering.periode_tot) >= nodig and _te_laag(
        vordering.blokken[0], vordering, policy, werkdag
    ):
        return True
    if policy.value("snelle_route_laagloon_actief", van):
        wml = sum((wml_loon(b, vordering, policy, werkdag) for b in vordering.blokken), Decimal(0))
        ontvangen = sum((telt_als_betaald(b, vordering, policy) for b in vordering.blokken), Decimal(0))
        return wml > 0 and ontvangen <= wml * policy.decimal("snelle_route_wml_pct", van) / HONDERD
    return False


def _te_laag(blok: Blok, vordering: Vordering, policy: Policy, werkdag: Werkdag) -> bool:
    """Lid 5's test for one block: received below the share of the wage owed or of the WML."""
    wml = wml_loon(blok, vordering, policy, werkdag)
    if wml == 0:
        return False
    van: date = vordering.periode_van
    ontvangen = telt_als_betaald(blok, vordering, policy)
    verschuldigd = wml * (1 + policy.decimal("mvb_pct", blok.van) / HONDERD)
    return (
        ontvangen < verschuldigd * policy.decimal("snelle_route_pct_verschuldigd", van) / HONDERD
        or ontvangen < wml * policy.decimal("snelle_route_pct_wml", van) / HONDERD
    )
