"""How the fault matrix counts planning outcomes: a copy under the same ce_id is a redelivery
(one effect by the contract's idempotency key), a second outcome under a new id a duplicate."""

from __future__ import annotations

import json
from types import SimpleNamespace

from chaos.__main__ import planned
from tools.partner import Ontvangen

GEPLAND = "nl.waardigwerk.inspectie.gepland"


def outcome(kvk: str, ce_id: str, ce_type: str = GEPLAND) -> Ontvangen:
    value = json.dumps({"werkgever": {"kvk_nummer": kvk}}).encode()
    return Ontvangen("waardigwerk.uit.arbeidsinspectie", kvk, {"ce_id": ce_id, "ce_type": ce_type}, value, 0.0)


def test_the_same_outcome_under_its_own_id_is_redelivered_and_under_a_new_id_duplicated() -> None:
    received = [
        outcome("10000001", "a"),
        outcome("10000001", "a"),  # the egress's relay sent it again after a crash
        outcome("10000002", "b"),
        outcome("10000002", "c"),  # planned twice: a second effect
        outcome("10000003", "d"),
        outcome("10000003", "e", "nl.waardigwerk.inspectie.capaciteitstekort"),  # a later outcome, allowed
        outcome("99999999", "f"),  # not this run's employer
    ]
    employers, duplicated, redelivered, per_type = planned(
        SimpleNamespace(received=received),  # type: ignore[arg-type]
        {"10000001", "10000002", "10000003"},
    )
    assert (employers, duplicated, redelivered) == (3, 1, 1)
    assert per_type == {"gepland": 3, "capaciteitstekort": 1}
