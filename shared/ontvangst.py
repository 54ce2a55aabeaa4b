"""The latest date a partner's fact can carry, given when it was received and sent.

What a partner reports (an observation, a payment) cannot have happened after it arrived. The
latest plausible date is the later of two days: the day of receipt in Dutch time (the day terms
count from) and the sender's own day when it sent the event (its `ce_time`, in the offset the sender
gave it). A sender east of Amsterdam is a day ahead around midnight: at 00:30 on 2026-11-21 in
Bucharest it is 23:30 on 2026-11-20 in Amsterdam, and what happened there "today" is dated the 21st.
The sender's time counts only as far as the moment of receipt (a clock running ahead moves nothing)
and only with an offset some time zone has (UTC-12:00 to UTC+14:00), so the latest date is never
more than one day after the Dutch day of receipt. Handlers reach it as `Context.laatste_dag`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

VROEGSTE_OFFSET = timedelta(hours=-12)
LAATSTE_OFFSET = timedelta(hours=14)
"""The offsets of the world's time zones (Baker Island, Kiribati's Line Islands)."""


def laatste_dag(
    ontvangen_op: date, *, ontvangen_om: datetime | None = None, verzonden_om: datetime | None = None
) -> date:
    """The latest date a fact received on `ontvangen_op` (Dutch day) at `ontvangen_om` and sent at
    `verzonden_om` (the sender's `ce_time`) can carry."""
    if verzonden_om is None or ontvangen_om is None:
        return ontvangen_op
    offset = verzonden_om.utcoffset()
    if offset is None or not VROEGSTE_OFFSET <= offset <= LAATSTE_OFFSET:
        return ontvangen_op
    dag_van_afzender = min(verzonden_om, ontvangen_om).astimezone(verzonden_om.tzinfo).date()
    return max(ontvangen_op, dag_van_afzender)


def na_ontvangst(veld: str, datum: date, laatste: date, ontvangen_op: date, wat: str) -> list[dict[str, str]]:
    """The rejection's `fouten` for a `datum` after `laatste` (empty when it is not): both dates named,
    and `wat` says what cannot lie in the future (e.g. "een waarneming")."""
    if datum <= laatste:
        return []
    if laatste == ontvangen_op:
        waarna = f"de dag van ontvangst {ontvangen_op.isoformat()}"
    else:
        waarna = (
            f"{laatste.isoformat()}, de dag van verzending in de tijdzone van de afzender "
            f"(ontvangen op {ontvangen_op.isoformat()}, Nederlandse tijd)"
        )
    return [
        {
            "veld": veld,
            "melding": f"{veld}: {datum.isoformat()} ligt na {waarna}; {wat} kan niet in de toekomst liggen",
        }
    ]
