"""A report's observation date (`waargenomen_op`) against the moment the report is received.

A reporter tells what was seen; what was seen cannot have happened after the report arrived. The
latest plausible date is the later of two days: the day of receipt in Dutch time (the day the
deadline counts from) and the sender's own day when it sent the report (its `ce_time`, in the offset
the sender gave it). A sender east of Amsterdam is a day ahead around midnight: at 00:30 on
2026-11-21 in Bucharest it is 23:30 on 2026-11-20 in Amsterdam, and what it saw "today" is dated the
21st. The sender's time counts only as far as the moment of receipt (a clock running ahead moves
nothing) and only with an offset some time zone has (UTC-12:00 to UTC+14:00), so the latest date is
never more than one day after the Dutch day of receipt.

A date after that is a typo or a wrong clock at the sender, and is rejected with the dates so the
reporter can correct it. The contract model holds the fixed lower bound
(`shared.contract.melding.VROEGSTE_WAARNEMING`); this rule needs the moment of receipt, which only
the handler knows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

VROEGSTE_OFFSET = timedelta(hours=-12)
LAATSTE_OFFSET = timedelta(hours=14)
"""The offsets of the world's time zones (Baker Island, Kiribati's Line Islands)."""


def laatste_waarneming_op(
    ontvangen_op: date, *, ontvangen_om: datetime | None = None, verzonden_om: datetime | None = None
) -> date:
    """The latest observation date a report received on `ontvangen_op` (Dutch day) at `ontvangen_om`
    and sent at `verzonden_om` (the sender's `ce_time`) can carry."""
    if verzonden_om is None or ontvangen_om is None:
        return ontvangen_op
    offset = verzonden_om.utcoffset()
    if offset is None or not VROEGSTE_OFFSET <= offset <= LAATSTE_OFFSET:
        return ontvangen_op
    dag_van_afzender = min(verzonden_om, ontvangen_om).astimezone(verzonden_om.tzinfo).date()
    return max(ontvangen_op, dag_van_afzender)


def fouten_waarneming(
    waargenomen_op: date | None,
    ontvangen_op: date,
    *,
    ontvangen_om: datetime | None = None,
    verzonden_om: datetime | None = None,
) -> list[dict[str, str]]:
    """The rejection's `fouten` for an observation after the latest plausible date; empty when it is not."""
    laatste = laatste_waarneming_op(ontvangen_op, ontvangen_om=ontvangen_om, verzonden_om=verzonden_om)
    if waargenomen_op is None or waargenomen_op <= laatste:
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
            "veld": "waargenomen_op",
            "melding": f"waargenomen_op: {waargenomen_op.isoformat()} ligt na {waarna}; "
            "een waarneming kan niet in de toekomst liggen",
        }
    ]
