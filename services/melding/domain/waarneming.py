"""A report's observation date (`waargenomen_op`) against the moment the report is received.

A reporter tells what was seen; what was seen cannot have happened after the report arrived. The
latest plausible date is `shared.ontvangst.laatste_dag` (the Dutch day of receipt, or the sender's
own day when it is ahead). A date after that is a typo or a wrong clock at the sender, and is
rejected with the dates so the reporter can correct it. The contract model holds the fixed lower
bound (`shared.contract.melding.VROEGSTE_WAARNEMING`); this rule needs the moment of receipt, which
only the handler knows.
"""

from __future__ import annotations

from datetime import date

from shared.ontvangst import na_ontvangst


def fouten_waarneming(
    waargenomen_op: date | None, ontvangen_op: date, *, laatste: date | None = None
) -> list[dict[str, str]]:
    """The rejection's `fouten` for an observation after `laatste` (in a handler `Context.laatste_dag`;
    the Dutch day of receipt when not given); empty when it is not."""
    if waargenomen_op is None:
        return []
    return na_ontvangst("waargenomen_op", waargenomen_op, laatste or ontvangen_op, ontvangen_op, "een waarneming")
