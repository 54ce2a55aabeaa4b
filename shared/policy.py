"""Law as data: versioned policy parameters with validity dates.

Layout on disk (``policy/`` at the repository root)::

    policy/beleid.yaml          id and version of the policy set
    policy/huidig/*.yaml        current law: every parameter, one file per domain
    policy/ser2025/*.yaml       the SER 2025 proposals: only the parameters they override

A parameter file maps a key to a list of periods::

    wml_uurloon_21plus:
      - {geldig_van: 2026-01-01, geldig_tot: 2026-06-30, waarde: 14.71, bron: "SZW 2025-0000213859"}
      - {geldig_van: 2026-07-01, waarde: null, status: onbekend}

``geldig_tot`` is inclusive and optional (open-ended). A ``waarde`` of null means the value is
not known yet: asking for it raises :class:`UnknownPolicyValue`, so a calculation refuses to run
rather than guessing. A variant overlay replaces a key's whole period list.

Every decision records :attr:`Policy.version` (variant, version and a content hash), so an
outcome can be explained later from exactly the parameters that produced it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

VARIANTS = ("huidig", "ser2025")
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "policy"


class PolicyError(Exception):
    """The policy data is invalid or a parameter is missing."""


class UnknownPolicyValue(PolicyError):
    """The parameter exists but its value for that date is not known yet (refuse to calculate)."""


class NoPolicyValueOn(PolicyError):
    """The parameter exists but no period covers that date (e.g. before the policy's first rate):
    a calculation for it is refused, as for an unknown value."""


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    geldig_van: date
    geldig_tot: date | None = None
    waarde: Any = None
    bron: str | None = None
    status: str = "vastgesteld"

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.geldig_tot is not None and self.geldig_tot < self.geldig_van:
            raise ValueError(f"geldig_tot {self.geldig_tot} is before geldig_van {self.geldig_van}")
        return self

    def covers(self, on: date) -> bool:
        return self.geldig_van <= on and (self.geldig_tot is None or on <= self.geldig_tot)


@dataclass(frozen=True)
class Policy:
    """One variant's parameters, merged and validated."""

    variant: str
    versie: str
    parameters: dict[str, tuple[Period, ...]]
    digest: str

    @property
    def version(self) -> str:
        """What every decision names: ``variant@versie#hash``."""
        return f"{self.variant}@{self.versie}#{self.digest}"

    def periods(self, key: str) -> tuple[Period, ...]:
        try:
            return self.parameters[key]
        except KeyError:
            raise PolicyError(f"policy {self.version} has no parameter {key!r}") from None

    def in_force(self, key: str, on: date) -> Period:
        """The parameter's period in force on ``on``, with a known value (a caller that walks day by
        day asks again only once the day leaves it)."""
        for period in self.periods(key):
            if period.covers(on):
                if period.waarde is None:
                    raise UnknownPolicyValue(
                        f"{key} on {on} is not known yet in policy {self.version} "
                        f"(status {period.status}); refusing to calculate"
                    )
                return period
        raise NoPolicyValueOn(f"policy {self.version} has no value of {key!r} on {on}")

    def value(self, key: str, on: date) -> Any:
        """The parameter's value in force on ``on`` (the date of the fact, not of the run)."""
        return self.in_force(key, on).waarde

    def decimal(self, key: str, on: date) -> Decimal:
        return Decimal(str(self.value(key, on)))

    def change_dates(self, key: str) -> list[date]:
        """Dates on which the parameter changes (for splitting periods at rate changes)."""
        return sorted({p.geldig_van for p in self.periods(key)})


def _read_folder(folder: Path) -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {}
    for file in sorted(folder.glob("*.yaml")):
        content = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if not isinstance(content, dict):
            raise PolicyError(f"{file}: expected a mapping of parameter keys")
        for key, periods in content.items():
            if key in merged:
                raise PolicyError(f"{file}: parameter {key!r} is defined twice in {folder.name}")
            if not isinstance(periods, list) or not periods:
                raise PolicyError(f"{file}: parameter {key!r} needs a non-empty list of periods")
            merged[key] = periods
    return merged


def _validated(key: str, raw: list[dict[str, Any]]) -> tuple[Period, ...]:
    try:
        periods = tuple(sorted((Period.model_validate(p) for p in raw), key=lambda p: p.geldig_van))
    except ValueError as exc:
        raise PolicyError(f"parameter {key!r}: {exc}") from exc
    for earlier, later in itertools.pairwise(periods):
        if earlier.geldig_tot is None or earlier.geldig_tot >= later.geldig_van:
            raise PolicyError(f"parameter {key!r}: periods from {earlier.geldig_van} and {later.geldig_van} overlap")
    return periods


def load_policy(variant: str | None = None, directory: Path | None = None) -> Policy:
    """Load and validate a variant: ``huidig`` as is, any other variant as an overlay on it."""
    variant = variant or os.environ.get("WAARDIGWERK_BELEID", "huidig")
    if variant not in VARIANTS:
        raise PolicyError(f"unknown policy variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    directory = directory or DEFAULT_DIR
    meta = yaml.safe_load((directory / "beleid.yaml").read_text(encoding="utf-8"))
    raw = _read_folder(directory / "huidig")
    if variant != "huidig":
        overlay = _read_folder(directory / variant)
        unknown = sorted(set(overlay) - set(raw))
        if unknown:
            raise PolicyError(f"{variant} overrides parameters that huidig lacks: {', '.join(unknown)}")
        raw.update(overlay)
    parameters = {key: _validated(key, periods) for key, periods in sorted(raw.items())}
    canonical = json.dumps(raw, sort_keys=True, default=str).encode()
    digest = hashlib.sha256(canonical).hexdigest()[:12]
    return Policy(variant=variant, versie=str(meta["versie"]), parameters=parameters, digest=digest)
