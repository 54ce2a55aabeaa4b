"""Linking: reports from different reporters about the same employer join one case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from shared.policy import Policy


@dataclass(frozen=True)
class KoppelKandidaat:
    """An open case of the same employer."""

    zaak_id: str
    categorieen: tuple[str, ...]
    laatste_melding_op: date
    organisaties: tuple[str, ...]


def kies_zaak(
    kandidaten: Sequence[KoppelKandidaat], categorieen: Sequence[str], organisatie: str, op: date, policy: Policy
) -> str | None:
    """The case a new report joins, or None for a new case.

    It joins when the categories overlap, the case's latest report is at most the window
    (`melding_koppel_venster_dagen`) old, and the case has a report from another reporter;
    a second report of the same reporter about the same employer opens its own case (the
    reporter chose to report again). Among several, the most recently active case wins.
    """
    venster = timedelta(days=int(policy.value("melding_koppel_venster_dagen", op)))
    passend = [
        k
        for k in kandidaten
        if set(k.categorieen) & set(categorieen)
        and timedelta(0) <= op - k.laatste_melding_op <= venster
        and organisatie not in k.organisaties
    ]
    if not passend:
        return None
    return max(passend, key=lambda k: (k.laatste_melding_op, k.zaak_id)).zaak_id
