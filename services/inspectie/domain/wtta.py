"""Admission of temporary-work agencies (Wtta; SER 2025 rec. 5) as risk signals.

From the Wtta's entry into force (`wtta_van_kracht`, 2027-01-01) an agency needs an admission from
the NAU. What this module concludes, each as a signal kind of the risk model:

- `wtta_zonder_toelating`: the NAU withdrew or refused the agency's admission, or the payroll
  return says the employer is an agency while no admission of it is known;
- `wtta_toelating_na_faillissement` (ser2025 only, rec. 5): an admission granted although one of the
  directors ran an agency that went bankrupt within the policy's years before the decision.

Before the entry into force there is no obligation, so no signal. The fine for a Wtta finding at a
visit starts at the enforcement date (boetes.py, policy `boete_standaard_per_wet_eur`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from shared.maanden import plus_maanden
from shared.policy import Policy

Besluit = Literal["verleend", "ingetrokken", "geweigerd"]
WttaSignaal = Literal["wtta_zonder_toelating", "wtta_toelating_na_faillissement"]


@dataclass(frozen=True)
class Toelatingsbesluit:
    besluit: Besluit
    besluit_op: date
    bestuurder_faillissement_op: date | None = None


def van_kracht(op: date, policy: Policy) -> bool:
    """Whether the Wtta's admission duty applies on `op`."""
    sinds: date = policy.value("wtta_van_kracht", op)
    return op >= sinds


def na_besluit(besluit: Toelatingsbesluit, policy: Policy) -> WttaSignaal | None:
    """The signal an NAU decision gives about the agency, if any."""
    if not van_kracht(besluit.besluit_op, policy):
        return None
    if besluit.besluit in ("ingetrokken", "geweigerd"):
        return "wtta_zonder_toelating"
    faillissement = besluit.bestuurder_faillissement_op
    if faillissement is None or not policy.value("wtta_faillissement_uitsluiting_actief", besluit.besluit_op):
        return None
    jaren = int(policy.value("wtta_faillissement_uitsluiting_jaren", besluit.besluit_op))
    if plus_maanden(besluit.besluit_op, -12 * jaren) <= faillissement:
        return "wtta_toelating_na_faillissement"
    return None


def na_loonaangifte(
    uitzendonderneming: bool, laatste: Toelatingsbesluit | None, op: date, policy: Policy
) -> WttaSignaal | None:
    """An employer filing as an agency without a standing admission on `op`."""
    if not uitzendonderneming or not van_kracht(op, policy):
        return None
    if laatste is not None and laatste.besluit == "verleend" and laatste.besluit_op <= op:
        return None
    return "wtta_zonder_toelating"
