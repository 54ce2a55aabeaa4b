"""Explainable risk per employer: an additive score whose every contribution is shown.

The input type carries only what a signal is, where it came from and when: there is no field
for nationality, ethnicity, gender, age, name, language or home postcode, and nothing here can
reach one (domain-rules §8, after SyRI).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from shared.policy import Policy

MILLI = Decimal("0.001")


@dataclass(frozen=True)
class Signaal:
    soort: str
    bron_event_id: str
    waargenomen_op: date
    sterkte: Decimal = Decimal(1)


@dataclass(frozen=True)
class Risico:
    score: Decimal
    onderdelen: tuple[dict[str, Any], ...]
    model: str

    def als_data(self) -> dict[str, Any]:
        return {"score": self.score, "onderdelen": list(self.onderdelen), "model": self.model}


def bijdrage(signaal: Signaal, op: date, policy: Policy) -> tuple[Decimal, Decimal]:
    """(weight, contribution): weight x strength x 0.5^(age / half-life), to 0.001."""
    gewicht = Decimal(str(policy.value("risico_gewichten", op)[signaal.soort]))
    halfwaarde = Decimal(str(policy.value("risico_halfwaardetijd_dagen", op)[signaal.soort]))
    leeftijd = Decimal(max(0, (op - signaal.waargenomen_op).days))
    verval = Decimal(2) ** (-(leeftijd / halfwaarde))
    return gewicht, (gewicht * signaal.sterkte * verval).quantize(MILLI)


def score(signalen: Iterable[Signaal], op: date, policy: Policy) -> Risico:
    onderdelen: list[dict[str, Any]] = []
    totaal = Decimal(0)
    for s in sorted(signalen, key=lambda s: (s.waargenomen_op, s.bron_event_id)):
        gewicht, deel = bijdrage(s, op, policy)
        totaal += deel
        onderdelen.append(
            {
                "signaal": s.soort,
                "gewicht": gewicht,
                "bijdrage": deel,
                "bron_event_id": s.bron_event_id,
                "waargenomen_op": s.waargenomen_op,
            }
        )
    return Risico(score=totaal, onderdelen=tuple(onderdelen), model=policy.version)
