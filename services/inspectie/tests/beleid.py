"""Test helpers: the real policy with one parameter replaced, to reach edges the real numbers hide."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from shared.policy import Period, Policy


def met(policy: Policy, **waarden: Any) -> Policy:
    """Each parameter named: one value for all time, or its periods when given a tuple of `Period`."""
    parameters = dict(policy.parameters)
    for key, waarde in waarden.items():
        assert key in parameters, key
        eigen = isinstance(waarde, tuple) and all(isinstance(p, Period) for p in waarde)
        parameters[key] = waarde if eigen else (Period(geldig_van=date(2000, 1, 1), waarde=waarde),)
    return dataclasses.replace(policy, parameters=parameters, digest="test")
