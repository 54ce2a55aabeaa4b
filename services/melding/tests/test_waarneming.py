"""A report's observation date (`waargenomen_op`) cannot lie after the day the report is received."""

from __future__ import annotations

from datetime import date

import pytest

from services.melding.domain.waarneming import fouten_waarneming

ONTVANGEN_OP = date(2026, 12, 7)


@pytest.mark.parametrize("waargenomen_op", [None, date(1900, 1, 1), date(2026, 11, 20), ONTVANGEN_OP])
def test_an_observation_up_to_the_day_of_receipt_is_accepted(waargenomen_op: date | None) -> None:
    assert fouten_waarneming(waargenomen_op, ONTVANGEN_OP) == []


@pytest.mark.parametrize("waargenomen_op", [date(2026, 12, 8), date(2027, 1, 1), date(9999, 12, 31)])
def test_an_observation_after_the_day_of_receipt_is_refused_with_both_dates(waargenomen_op: date) -> None:
    assert fouten_waarneming(waargenomen_op, ONTVANGEN_OP) == [
        {
            "veld": "waargenomen_op",
            "melding": f"waargenomen_op: {waargenomen_op.isoformat()} ligt na de dag van ontvangst 2026-12-07; "
            "een waarneming kan niet in de toekomst liggen",
        }
    ]
