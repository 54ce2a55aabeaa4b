"""The date by which the inspection after a report must have taken place.

Art. 24 lid 7 Arbowet says only "zo spoedig mogelijk"; the system's service norm is a policy
parameter (`servicenorm_inspectie_werkdagen`) counted in Dutch working days, looked up on the
day of receipt so a later change of the norm never moves an existing deadline.
"""

from __future__ import annotations

from datetime import date

from shared.policy import Policy
from shared.werkdagen import werkdagen_na


def uiterlijk_inspectie_op(ontvangen_op: date, policy: Policy) -> date:
    """The N-th working day after receipt; the day of receipt, weekends and holidays never count."""
    return werkdagen_na(ontvangen_op, int(policy.value("servicenorm_inspectie_werkdagen", ontvangen_op)))
