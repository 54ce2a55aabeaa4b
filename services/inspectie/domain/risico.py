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

`scores()` recomputes many employers at once with the same arithmetic as `score()` (each distinct
contribution computed once, lines summed as whole thousandths) and builds no breakdown; build the
breakdown with `score()` only for what is published. A contribution depends, on a fixed date under a
fixed policy, only on the signal's (kind, observation date, strength): every signal holds that
triple as one shared object (`Tripel`, interned when the signal is made), so a recompute looks each
signal up by identity and touches nothing but the signal itself.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from operator import attrgetter
from typing import Any, Literal, TypeVar, get_args

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
K = TypeVar("K", bound=Hashable)


class Tripel:
    """(kind, observation date, strength): all a contribution depends on once the date and the policy
    are fixed. One object per distinct triple while any signal holds it (`_tripel`), so a recompute
    finds a contribution by identity: no tuple built, hashed and compared per signal."""

    __slots__ = ("__weakref__", "soort", "sterkte", "waargenomen_op")

    def __init__(self, soort: str, waargenomen_op: date, sterkte: Decimal) -> None:
        self.soort, self.waargenomen_op, self.sterkte = soort, waargenomen_op, sterkte


_TRIPELS: weakref.WeakValueDictionary[tuple[str, date, Decimal], Tripel] = weakref.WeakValueDictionary()


def _tripel(soort: str, waargenomen_op: date, sterkte: Decimal) -> Tripel:
    """The shared Tripel of these values (equal strengths such as 1 and 1.00 share one: their
    contributions are equal once quantised)."""
    waarden = (soort, waargenomen_op, sterkte)
    tripel = _TRIPELS.get(waarden)
    if tripel is None:
        tripel = _TRIPELS[waarden] = Tripel(*waarden)
    return tripel


@dataclass(frozen=True, slots=True)
class Signaal:
    """Something observed about an employer. `wetten` are laws the source itself named (a report's
    categories); the laws a kind always points at come from policy (see scope.py)."""

    soort: Soort
    bron_event_id: str
    waargenomen_op: date
    sterkte: Decimal = Decimal(1)
    wetten: tuple[Wet, ...] = ()
    tripel: Tripel = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.soort not in SOORTEN:
            raise ValueError(f"unknown signal kind {self.soort!r}")
        if not self.sterkte.is_finite() or self.sterkte < 0:
            raise ValueError("sterkte must be a finite number >= 0")
        object.__setattr__(self, "tripel", _tripel(self.soort, self.waargenomen_op, self.sterkte))


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
    return _ruwe_bijdrage(gewicht, signaal.sterkte, dagen_oud, halfwaardetijd)


def _ruwe_bijdrage(gewicht: Decimal, sterkte: Decimal, dagen_oud: int, halfwaardetijd: Decimal) -> Decimal:
    return gewicht * sterkte * _verval(dagen_oud, halfwaardetijd)


@cache
def _verval(dagen_oud: int, halfwaardetijd: Decimal) -> Decimal:
    """0.5^(age / half-life); cached: ages are whole days, so a few thousand values cover every signal."""
    verval: Decimal = HALF ** (Decimal(dagen_oud) / halfwaardetijd)
    return verval


_TRIPEL = attrgetter("tripel")


class _Bijdragen(dict[Tripel, int]):
    """The quantised contributions on one date under one policy, as whole thousandths, by
    (kind, observation date, strength) — the signal's `Tripel`.

    With the date and the policy fixed a contribution depends only on that triple, so each
    distinct one is computed once (on first look-up); summing integers is exact, like summing the
    quantised Decimals. A signal observed after `op` is worth 0 here; callers leave it out of the
    breakdown and of the agency line's condition.
    """

    def __init__(self, op: date, policy: Policy) -> None:
        super().__init__()
        self.op = op
        self.gewichten: dict[str, Any] = policy.value("risico_gewichten", op)
        self.halfwaardetijden: dict[str, Any] = policy.value("risico_halfwaardetijd_dagen", op)

    def gewicht(self, soort: str) -> Decimal:
        return Decimal(str(self.gewichten[soort]))

    def __missing__(self, tripel: Tripel) -> int:
        soort, waargenomen_op, sterkte = tripel.soort, tripel.waargenomen_op, tripel.sterkte
        dagen_oud = (self.op - waargenomen_op).days
        waarde = 0
        if dagen_oud >= 0:
            halfwaardetijd = Decimal(str(self.halfwaardetijden[soort]))
            ruw = _ruwe_bijdrage(self.gewicht(soort), sterkte, dagen_oud, halfwaardetijd)
            waarde = int(ruw.quantize(PROMILLE, rounding=ROUND_HALF_UP).scaleb(3))
        self[tripel] = waarde
        return waarde


def _promille_decimal(promille: int) -> Decimal:
    """Whole thousandths as the Decimal the breakdown shows (always three decimals)."""
    return Decimal(promille).scaleb(-3)


def _opslag(totaal: Decimal, opslag_pct: Decimal) -> Decimal:
    """The agency line: the sum of the signal lines raised by the policy percentage, quantised."""
    return (totaal * opslag_pct / 100).quantize(PROMILLE, rounding=ROUND_HALF_UP)


def _telt_opslag(uitzendonderneming: Uitzendonderneming | None, op: date, signaal_lijnen: bool) -> bool:
    return uitzendonderneming is not None and uitzendonderneming.vastgesteld_op <= op and signaal_lijnen


def score(
    signalen: Iterable[Signaal], op: date, policy: Policy, *, uitzendonderneming: Uitzendonderneming | None = None
) -> Risico:
    """The score on `op` from the signals known by then, with the breakdown that explains it."""
    bijdragen = _Bijdragen(op, policy)
    onderdelen: tuple[Onderdeel, ...] = ()
    totaal_promille = 0
    for signaal in sorted(signalen, key=lambda s: (s.waargenomen_op, s.bron_event_id, s.soort)):
        if signaal.waargenomen_op > op:
            continue
        promille = bijdragen[signaal.tripel]
        totaal_promille += promille
        onderdelen += (
            Onderdeel(
                signaal=signaal.soort,
                gewicht=bijdragen.gewicht(signaal.soort),
                bijdrage=_promille_decimal(promille),
                bron_event_id=signaal.bron_event_id,
                sterkte=signaal.sterkte,
                dagen_oud=(op - signaal.waargenomen_op).days,
            ),
        )
    totaal = _promille_decimal(totaal_promille)
    if uitzendonderneming is not None and _telt_opslag(uitzendonderneming, op, bool(onderdelen)):
        opslag = policy.decimal("risico_uitzendonderneming_opslag_pct", op)
        extra = _opslag(totaal, opslag)
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


def scores(
    per_werkgever: Mapping[K, Iterable[Signaal]],
    op: date,
    policy: Policy,
    *,
    uitzendondernemingen: Mapping[K, Uitzendonderneming] | None = None,
) -> dict[K, Decimal]:
    """Every employer's score on `op` at once, equal to `score(...).score` for each, without breakdowns.

    For a recompute of many employers: each distinct contribution is computed once and the lines are
    summed as whole thousandths. Build the breakdown with `score()` only for what is published.
    """
    bijdragen = _Bijdragen(op, policy)
    promille_van = bijdragen.__getitem__
    agentschappen = uitzendondernemingen or {}
    opslag_pct: Decimal | None = None
    uitkomst: dict[K, Decimal] = {}
    for sleutel, signalen in per_werkgever.items():
        lijst = signalen if isinstance(signalen, (list, tuple)) else list(signalen)
        totaal = _promille_decimal(sum(map(promille_van, map(_TRIPEL, lijst))))
        uitzend = agentschappen.get(sleutel)
        if uitzend is not None and _telt_opslag(uitzend, op, any(s.waargenomen_op <= op for s in lijst)):
            if opslag_pct is None:
                opslag_pct = policy.decimal("risico_uitzendonderneming_opslag_pct", op)
            totaal += _opslag(totaal, opslag_pct)
        uitkomst[sleutel] = totaal
    return uitkomst


def loonaangifte_sterkte(onder_minimumloon: int, werknemers: int, op: date, policy: Policy) -> Decimal:
    """The strength of a payroll-return signal: min(1, share below the WML x policy factor)."""
    aandeel = Decimal(onder_minimumloon) / max(1, werknemers)
    factor = policy.decimal("loonaangifte_sterkte_factor", op)
    return min(Decimal(1), aandeel * factor).quantize(PROMILLE)


def boven_drempel(risico: Risico, op: date, policy: Policy) -> bool:
    """Whether the employer becomes a candidate for a risk-selected inspection."""
    return risico.score >= policy.decimal("risico_drempel", op)
