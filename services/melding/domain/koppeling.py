"""Linking: reports of different reporters about the same employer and problem form one case.

Several unions or works councils often report the same abuse at the same employer. One case per
problem means one inspection, one deadline to watch and one outcome for all of them. A new report
joins an existing case when all of these hold:

- the case is open (not `gesloten`) and concerns the same employer (KvK number);
- the reported categories overlap;
- it is received within `melding_koppel_venster_dagen` days of the case's latest report;
- it comes from an organisation that has not reported in that case yet. A second report of the
  same organisation is a new, separate report (the same organisation *and* reference is a resend
  or a conflict, handled in `herhaling` before linking is considered).

Among several matching cases the most recently active one wins (ties: the highest zaak id), so the
choice does not depend on the order in which the repository returns candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.melding.domain.zaak import GESLOTEN
from shared.policy import Policy


@dataclass(frozen=True)
class KoppelKandidaat:
    """What the rule needs to know of an existing case."""

    zaak_id: str
    werkgever_kvk: str
    status: str
    categorieen: tuple[str, ...]
    laatste_melding_op: date
    organisaties: tuple[str, ...]


def kies_zaak(
    kandidaten: Sequence[KoppelKandidaat],
    *,
    werkgever_kvk: str,
    categorieen: Iterable[str],
    organisatie: str,
    ontvangen_op: date,
    policy: Policy,
) -> str | None:
    """The zaak id the new report joins, or None when it opens a case of its own."""
    venster = timedelta(days=int(policy.value("melding_koppel_venster_dagen", ontvangen_op)))
    gemeld = set(categorieen)
    passend = [
        k
        for k in kandidaten
        if k.status != GESLOTEN
        and k.werkgever_kvk == werkgever_kvk
        and gemeld & set(k.categorieen)
        and abs(ontvangen_op - k.laatste_melding_op) <= venster
        and organisatie not in k.organisaties
    ]
    if not passend:
        return None
    return max(passend, key=lambda k: (k.laatste_melding_op, k.zaak_id)).zaak_id
