"""Additive, transparent risk score per employer (domain-rules §8, after the SyRI judgment).

Every signal contributes `gewicht x sterkte x 0.5^(dagen_oud / halfwaardetijd)`, weights and
half-lives per signal kind being policy data. The score is the plain sum of the contributions,
each quantised to 0.001 first, so the published breakdown adds up to the score exactly. The input
type deliberately has no field for nationality, ethnicity, sex, age, name, language or home
postcode: the model cannot use what it is never given. The score only orders the queue.

Agency work (SER briefadvies 2025 §4.1: it doubles the risk): when the employer is known to be a
temporary-work agency, one more line raises the sum of the signal lines by a policy percentage
(`risico_uitzendonderneming_opslag_pct`). It is a fact about the firm's business, not about any
person, and without signals it adds nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, Literal, get_args

from shared.contract.inspectie import Wet
from shared.policy import Policy

Soort = Literal[
    "melding_vakbond",
    "melding_or",
    "loonaangifte_onder_wml",
    "gemeente_overbewoning",
    "gemeente_niet_ingeschreven_brp",
    "gemeente_huisvestingsklacht",
    "huisvesting_tekortkoming",
    "loonvordering_vastgesteld",
    "loonvordering_onbetaald",
    "keteninformatie_te_laat",
    "eerdere_overtreding",
    "wtta_zonder_toelating",
    "wtta_toelating_na_faillissement",
    "detachering_te_laat_gemeld",
    "a1_ongeldig",
    "geen_substantiele_activiteit",
]
SOORTEN: frozenset[str] = frozenset(get_args(Soort))
PROMILLE = Decimal("0.001")
HALF = Decimal("0.5")


@dataclass(frozen=True)
class Signaal:
    """Something observed about an employer. `wetten` are laws the source itself named (a report's
    categories); the laws a kind always points at come from policy (see scope.py)."""

    soort: Soort
    bron_event_id: str
    waargenomen_op: date
    sterkte: Decimal = Decimal(1)
    wetten: tuple[Wet, ...] = ()

    def __post_init__(self) -> None:
        if self.soort not in SOORTEN:
            raise ValueError(f"unknown signal kind {self.soort!r}")
        if not self.sterkte.is_finite() or self.sterkte < 0:
            raise ValueError("sterkte must be a finite number >= 0")


@dataclass(frozen=True)
class Uitzendonderneming:
    """The employer is a temporary-work agency, as the event `bron_event_id` said on `vastgesteld_op`."""

    bron_event_id: str
    vastgesteld_op: date


@dataclass(frozen=True)
class Onderdeel:
    """One line of the published breakdown."""

    signaal: str
    gewicht: Decimal
    bijdrage: Decimal
    bron_event_id: str
    sterkte: Decimal
    dagen_oud: int


@dataclass(frozen=True)
class Risico:
    score: Decimal
    onderdelen: tuple[Onderdeel, ...]
    model: str

    def als_data(self) -> dict[str, Any]:
        """The `risico` object of `inspectie.gepland` (CONTRACT §3), plus the model version."""
        return {
            "score": self.score,
            "onderdelen": [dataclasses.asdict(onderdeel) for onderdeel in self.onderdelen],
            "model": self.model,
        }


def bijdrage(signaal: Signaal, op: date, policy: Policy) -> Decimal:
    """The unrounded contribution of one signal on `op` (0 for a signal observed after `op`)."""
    dagen_oud = (op - signaal.waargenomen_op).days
    if dagen_oud < 0:
        return Decimal(0)
    gewicht = Decimal(str(policy.value("risico_gewichten", op)[signaal.soort]))
    halfwaardetijd = Decimal(str(policy.value("risico_halfwaardetijd_dagen", op)[signaal.soort]))
    return gewicht * signaal.sterkte * _verval(dagen_oud, halfwaardetijd)


@cache
def _verval(dagen_oud: int, halfwaardetijd: Decimal) -> Decimal:
    """0.5^(age / half-life); cached: ages are whole days, so a few thousand values cover every signal."""
    verval: Decimal = HALF ** (Decimal(dagen_oud) / halfwaardetijd)
    return verval


def score(
    signalen: Iterable[Signaal], op: date, policy: Policy, *, uitzendonderneming: Uitzendonderneming | None = None
) -> Risico:
    """The score on `op` from the signals known by then, with the breakdown that explains it."""
    gewichten = policy.value("risico_gewichten", op)
    onderdelen = tuple(
        Onderdeel(
            signaal=signaal.soort,
            gewicht=Decimal(str(gewichten[signaal.soort])),
            bijdrage=bijdrage(signaal, op, policy).quantize(PROMILLE, rounding=ROUND_HALF_UP),
            bron_event_id=signaal.bron_event_id,
            sterkte=signaal.sterkte,
            dagen_oud=(op - signaal.waargenomen_op).days,
        )
        for signaal in sorted(signalen, key=lambda s: (s.waargenomen_op, s.bron_event_id, s.soort))
        if signaal.waargenomen_op <= op
    )
    totaal = sum((onderdeel.bijdrage for onderdeel in onderdelen), Decimal("0.000"))
    if uitzendonderneming is not None and uitzendonderneming.vastgesteld_op <= op and onderdelen:
        opslag = policy.decimal("risico_uitzendonderneming_opslag_pct", op)
        extra = (totaal * opslag / 100).quantize(PROMILLE, rounding=ROUND_HALF_UP)
        onderdelen += (
            Onderdeel(
                signaal="uitzendonderneming",
                gewicht=opslag,
                bijdrage=extra,
                bron_event_id=uitzendonderneming.bron_event_id,
                sterkte=Decimal(1),
                dagen_oud=(op - uitzendonderneming.vastgesteld_op).days,
            ),
        )
        totaal += extra
    return Risico(score=totaal, onderdelen=onderdelen, model=policy.version)


def loonaangifte_sterkte(onder_minimumloon: int, werknemers: int, op: date, policy: Policy) -> Decimal:
    """The strength of a payroll-return signal: min(1, share below the WML x policy factor)."""
    aandeel = Decimal(onder_minimumloon) / max(1, werknemers)
    factor = policy.decimal("loonaangifte_sterkte_factor", op)
    return min(Decimal(1), aandeel * factor).quantize(PROMILLE)


def boven_drempel(risico: Risico, op: date, policy: Policy) -> bool:
    """Whether the employer becomes a candidate for a risk-selected inspection."""
    return risico.score >= policy.decimal("risico_drempel", op)
