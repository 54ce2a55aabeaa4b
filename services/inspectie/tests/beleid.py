"""Test helpers: the real policy with one parameter replaced, to reach edges the real numbers hide."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from shared.policy import Period, Policy


def met(policy: Policy, **waarden: Any) -> Policy:
    parameters = dict(policy.parameters)
    for key, waarde in waarden.items():
        assert key in parameters, key
        parameters[key] = (Period(geldig_van=date(2000, 1, 1), waarde=waarde),)
    return dataclasses.replace(policy, parameters=parameters, digest="test")
