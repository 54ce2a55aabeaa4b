"""What a housing rule can conclude, and how a rule's separate conditions add up to that.

A rule ends in exactly one of three outcomes:
- :class:`Ok`: every condition holds (or the rule does not apply);
- :class:`Bevinding`: at least one condition is broken - this stands even when other conditions
  could not be checked, because more data cannot repair a broken condition;
- :class:`NietBeoordeeld`: nothing is broken, but a condition lacks data; the missing fields are
  named so the sender knows what to supply.

Each outcome carries its computation (`berekening`): the values and norms it used, so that any
outcome can be explained later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

CENT = Decimal("0.01")

Ernst = Literal["H", "M", "S"]
"""H: a breach that harms the worker; M: a breach; S: a signal for review (does not change the verdict)."""


@dataclass(frozen=True)
class Regel:
    """A rule's fixed identity: stable code, severity, legal basis, the norm in words, the data it reads."""

    code: str
    ernst: Ernst
    grondslag: str
    norm: str
    gegevens: tuple[str, ...]


@dataclass(frozen=True)
class Stap:
    """One line of a computation: what was looked up or computed, and its value."""

    omschrijving: str
    waarde: object


@dataclass(frozen=True)
class Ok:
    code: str
    berekening: tuple[Stap, ...] = ()


@dataclass(frozen=True)
class Bevinding:
    code: str
    ernst: Ernst
    grondslag: str
    toelichting: str
    berekening: tuple[Stap, ...] = ()


@dataclass(frozen=True)
class NietBeoordeeld:
    code: str
    ontbrekend: tuple[str, ...]
    berekening: tuple[Stap, ...] = ()


Uitkomst = Ok | Bevinding | NietBeoordeeld


@dataclass(frozen=True)
class Toets:
    """One condition of a rule: met (True), broken (False) or undecidable for lack of data (None)."""

    voldaan: bool | None
    tekort: str = ""
    ontbrekend: tuple[str, ...] = ()


def voldaan(ok: bool, tekort: str) -> Toets:
    """A condition with known data; `tekort` says in Dutch what is wrong when it does not hold."""
    return Toets(voldaan=ok, tekort="" if ok else tekort)


def onbekend(*velden: str) -> Toets:
    return Toets(voldaan=None, ontbrekend=velden)


def ontbreekt(velden: Mapping[str, object]) -> Toets:
    """Undecidable for lack of every field (dotted name) whose value is unknown."""
    return onbekend(*(veld for veld, waarde in velden.items() if waarde is None))


def ja(waarde: bool | None, veld: str, tekort: str) -> Toets:
    """A condition that is simply a yes/no fact of the contract (None: unknown)."""
    return onbekend(veld) if waarde is None else voldaan(waarde, tekort)


def cent(bedrag: Decimal) -> Decimal:
    """Amounts shown in a computation or compared with a reported maximum: half-up to whole cents."""
    return bedrag.quantize(CENT, rounding=ROUND_HALF_UP)


def beoordeel(regel: Regel, toetsen: Iterable[Toets], berekening: Iterable[Stap] = ()) -> Uitkomst:
    """Combine a rule's conditions: any broken one is a finding; else any undecidable one leaves it unjudged."""
    toetsen = tuple(toetsen)
    stappen = tuple(berekening)
    gebroken = [t.tekort for t in toetsen if t.voldaan is False]
    if gebroken:
        return Bevinding(regel.code, regel.ernst, regel.grondslag, "; ".join(gebroken), stappen)
    ontbrekend = tuple(dict.fromkeys(veld for t in toetsen if t.voldaan is None for veld in t.ontbrekend))
    if ontbrekend:
        return NietBeoordeeld(regel.code, ontbrekend, stappen)
    return Ok(regel.code, stappen)
