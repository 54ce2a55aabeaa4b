"""The date by which the inspection after a report must have taken place.

Art. 24 lid 7 Arbowet says only "zo spoedig mogelijk"; the system's service norm is a policy
parameter (`servicenorm_inspectie_werkdagen`) counted in Dutch working days, looked up on the
day of receipt so a later change of the norm never moves an existing deadline.

When the deadline passes, `geen_overschrijding` decides whether that is a breach to report.
"""

from __future__ import annotations

from datetime import date

from services.melding.domain.zaak import GESLOTEN
from shared.policy import Policy
from shared.werkdagen import werkdagen_na


def uiterlijk_inspectie_op(ontvangen_op: date, policy: Policy) -> date:
    """The N-th working day after receipt; the day of receipt, weekends and holidays never count."""
    return werkdagen_na(ontvangen_op, int(policy.value("servicenorm_inspectie_werkdagen", ontvangen_op)))


def geen_overschrijding(zaak_status: str, *, ontvangen_op: date, geinspecteerd_op: date | None) -> str | None:
    """Why a report whose deadline passed is no breach, or None when it is one.

    - Its case was inspected on or after the day of receipt: the visit answered the report.
    - Its case is closed: every reporter of the case, this one included, was told so (a report can
      join a case after the day of a visit that is told later; the visit then closes the case).
      A breach reported afterwards would contradict what the reporter heard.
    """
    if geinspecteerd_op is not None and geinspecteerd_op >= ontvangen_op:
        return "de zaak is op of na de dag van ontvangst geinspecteerd"
    if zaak_status == GESLOTEN:
        return "de zaak is gesloten en de melders hebben dat gehoord"
    return None
