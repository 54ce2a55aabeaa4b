"""A report's observation date (`waargenomen_op`) against the moment the report is received.

A reporter tells what was seen; what was seen cannot have happened after the report arrived. The
latest plausible date is `shared.ontvangst.laatste_dag` (the Dutch day of receipt, or the sender's
own day when it is ahead). A date after that is a typo or a wrong clock at the sender, and is
rejected with the dates so the reporter can correct it. The contract model holds the fixed lower
bound (`shared.contract.melding.VROEGSTE_WAARNEMING`); this rule needs the moment of receipt, which
only the handler knows.
"""

from __future__ import annotations

from datetime import date, datetime

from shared.ontvangst import laatste_dag, na_ontvangst


def laatste_waarneming_op(
    ontvangen_op: date, *, ontvangen_om: datetime | None = None, verzonden_om: datetime | None = None
) -> date:
    """The latest observation date a report received on `ontvangen_op` (Dutch day) at `ontvangen_om`
    and sent at `verzonden_om` (the sender's `ce_time`) can carry."""
    return laatste_dag(ontvangen_op, ontvangen_om=ontvangen_om, verzonden_om=verzonden_om)


def fouten_waarneming(
    waargenomen_op: date | None,
    ontvangen_op: date,
    *,
    ontvangen_om: datetime | None = None,
    verzonden_om: datetime | None = None,
) -> list[dict[str, str]]:
    """The rejection's `fouten` for an observation after the latest plausible date; empty when it is not."""
    if waargenomen_op is None:
        return []
    laatste = laatste_waarneming_op(ontvangen_op, ontvangen_om=ontvangen_om, verzonden_om=verzonden_om)
    return na_ontvangst("waargenomen_op", waargenomen_op, laatste, ontvangen_op, "een waarneming")
