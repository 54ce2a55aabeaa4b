"""The date by which the inspection after a report must have taken place.

Art. 24 lid 7 Arbowet says only "zo spoedig mogelijk"; the system's service norm is a policy
parameter (`servicenorm_inspectie_werkdagen`) counted in Dutch working days, looked up on the
day of receipt so a later change of the norm never moves an existing deadline.

When the deadline passes, `geen_overschrijding` decides whether that is a breach to report.
"""

from __future__ import annotations

from datetime import date

from shared.policy import Policy
from shared.werkdagen import werkdagen_na


def uiterlijk_inspectie_op(ontvangen_op: date, policy: Policy) -> date:
    """The N-th working day after receipt; the day of receipt, weekends and holidays never count."""
    return werkdagen_na(ontvangen_op, int(policy.value("servicenorm_inspectie_werkdagen", ontvangen_op)))


def bezoek_in_termijn(bezoek_op: date | None, *, ontvangen_op: date, uiterlijk_inspectie_op: date) -> bool:
    """Whether a visit met the report's deadline: on or after the day of receipt (an earlier one did
    not examine it) and on or before the deadline (a later one answered it, but the deadline passed
    without a visit)."""
    return bezoek_op is not None and ontvangen_op <= bezoek_op <= uiterlijk_inspectie_op


def geen_overschrijding(
    *, ontvangen_op: date, uiterlijk_inspectie_op: date, geinspecteerd_op: date | None
) -> str | None:
    """Why a report whose deadline passed is no breach, or None when it is one.

    Only a visit of its case in [ontvangen_op, uiterlijk_inspectie_op] met the deadline
    (`bezoek_in_termijn`). Whether its case is closed does not count: a visit closes only the reports
    received by its day, and a report received after it moved to an open case of its own (`bezoek`),
    so a closed case never hides an unanswered report.
    """
    if bezoek_in_termijn(geinspecteerd_op, ontvangen_op=ontvangen_op, uiterlijk_inspectie_op=uiterlijk_inspectie_op):
        return "de zaak is tussen de dag van ontvangst en de uiterste inspectiedatum geinspecteerd"
    return None
