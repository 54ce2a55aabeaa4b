"""Posted workers (WagwEU; SER 2025 rec. 7) as risk signals about the Dutch client.

From a notification (`shared/contract/meldloket.py`):

- `detachering_te_laat_gemeld`: notified after the work started (WagwEU art. 8: before it starts);
- `a1_ongeldig`: a worker without an A1, or whose A1 is older than `a1_max_maanden` (24) on the day
  the posting starts or the notice is handled, whichever is later (Reg. 883/2004 art. 12) [U];
- `geen_substantiele_activiteit` (ser2025 only, rec. 7): the provider did not show substantial
  activity in its home state.

A posting found at a visit without notification is a finding of the WagwEU, fined per worker
(boetes.py, policy `wagweu_boete_per_werknemer_eur` [U]).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from shared.contract.meldloket import Detachering
from shared.maanden import plus_maanden
from shared.policy import Policy

DetacheringSignaal = Literal["detachering_te_laat_gemeld", "a1_ongeldig", "geen_substantiele_activiteit"]


def signalen(d: Detachering, op: date, policy: Policy) -> list[DetacheringSignaal]:
    """The signals a notification handled on `op` gives, in a fixed order."""
    gevonden: list[DetacheringSignaal] = []
    if d.gemeld_op > d.aanvang_op:
        gevonden.append("detachering_te_laat_gemeld")
    peildag = max(d.aanvang_op, op)
    maanden = int(policy.value("a1_max_maanden", peildag))
    if any(w.a1_afgegeven_op is None or plus_maanden(w.a1_afgegeven_op, maanden) <= peildag for w in d.werknemers):
        gevonden.append("a1_ongeldig")
    if (
        policy.value("detachering_substantiele_activiteit_vereist", peildag)
        and not d.substantiele_activiteit_aangetoond
    ):
        gevonden.append("geen_substantiele_activiteit")
    return gevonden
