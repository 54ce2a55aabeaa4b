"""A report's observation date (`waargenomen_op`) against the day the report is received.

A reporter tells what was seen; what was seen cannot have happened after the report arrived. A date
after the day of receipt (Dutch time, the day the deadline counts from) is a typo or a wrong clock at
the sender, and is rejected with both dates so the reporter can correct it. The contract model holds
the fixed lower bound (`shared.contract.melding.VROEGSTE_WAARNEMING`); this rule needs the day of
receipt, which only the handler knows.
"""

from __future__ import annotations

from datetime import date


def fouten_waarneming(waargenomen_op: date | None, ontvangen_op: date) -> list[dict[str, str]]:
    """The rejection's `fouten` for an observation after the day of receipt; empty when it is not."""
    if waargenomen_op is None or waargenomen_op <= ontvangen_op:
        return []
    return [
        {
            "veld": "waargenomen_op",
            "melding": f"waargenomen_op: {waargenomen_op.isoformat()} ligt na de dag van ontvangst "
            f"{ontvangen_op.isoformat()}; een waarneming kan niet in de toekomst liggen",
        }
    ]
