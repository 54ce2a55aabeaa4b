"""What-if: the same claim and chain facts under current law and under the SER 2025 proposals, side
by side (domain-rules §1: ser2025 serves pilots, simulation and what-if comparison on the same events).

The lid-5 fast track and the amount are recomputed under each policy, because ser2025 widens the
one and can raise the other; the flag and the amount in `feiten` are therefore not used here (its
payments are: a variant's amount paid in full leaves nobody liable under it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

from services.loonvordering.domain.bedrag import bereken_bedrag
from services.loonvordering.domain.invoer import Vordering
from services.loonvordering.domain.keten import Ketenfeiten, aansprakelijken, top_aansprakelijk_vanaf
from services.loonvordering.domain.snelle_route import snelle_route
from shared.policy import Policy
from shared.werkdagen import is_werkdag


def vergelijk(
    vordering: Vordering,
    feiten: Ketenfeiten,
    huidig_policy: Policy,
    ser_policy: Policy,
    *,
    op: date,
    werkdag: Callable[[date], bool] = is_werkdag,
) -> dict[str, Any]:
    """{"huidig": {...}, "ser2025": {...}, "verschil_bedrag_eur"}: per variant the amount, whether
    the fast track applies, who is liable on `op` and when the top client becomes liable."""
    uitkomsten = {
        "huidig": _uitkomst(vordering, feiten, huidig_policy, op, werkdag),
        "ser2025": _uitkomst(vordering, feiten, ser_policy, op, werkdag),
    }
    verschil = uitkomsten["ser2025"]["bedrag_eur"] - uitkomsten["huidig"]["bedrag_eur"]
    return {**uitkomsten, "verschil_bedrag_eur": verschil}


def _uitkomst(
    vordering: Vordering, feiten: Ketenfeiten, policy: Policy, op: date, werkdag: Callable[[date], bool]
) -> dict[str, Any]:
    bedrag = bereken_bedrag(vordering, policy, werkdag).bedrag_eur
    eigen = dataclasses.replace(feiten, bedrag_eur=bedrag, snelle_route=snelle_route(vordering, policy, werkdag))
    return {
        "beleid": policy.version,
        "bedrag_eur": bedrag,
        "snelle_route": eigen.snelle_route,
        "aansprakelijk": [dataclasses.asdict(a) for a in aansprakelijken(eigen, op, policy)],
        "top_aansprakelijk_vanaf": top_aansprakelijk_vanaf(eigen, policy),
    }
