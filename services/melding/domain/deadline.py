"""The date by which the inspection must have taken place: N working days after receipt."""

from __future__ import annotations

from datetime import date

from shared.policy import Policy
from shared.werkdagen import werkdagen_na


def uiterlijk_inspectie_op(ontvangen_op: date, policy: Policy) -> date:
    """The receipt day does not count; weekends and public holidays never count."""
    return werkdagen_na(ontvangen_op, int(policy.value("servicenorm_inspectie_werkdagen", ontvangen_op)))
