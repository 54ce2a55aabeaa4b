"""A report's observation date (`waargenomen_op`) cannot lie after the day the report is received."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.melding.domain.waarneming import fouten_waarneming
from shared.ontvangst import laatste_dag

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


# 23:30 in Amsterdam on 2026-11-20 (CET, +01:00) is 00:30 on 2026-11-21 in Bucharest (EET, +02:00).
ONTVANGEN_OM = datetime(2026, 11, 20, 23, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
BUCHAREST = timezone(timedelta(hours=2))


def waarneming(waargenomen_op: date, verzonden_om: datetime | None) -> list[dict[str, str]]:
    ontvangen_op = date(2026, 11, 20)
    laatste = laatste_dag(ontvangen_op, ontvangen_om=ONTVANGEN_OM, verzonden_om=verzonden_om)
    return fouten_waarneming(waargenomen_op, ontvangen_op, laatste=laatste)


def test_an_observation_dated_the_senders_own_day_ahead_of_amsterdam_is_accepted() -> None:
    assert waarneming(date(2026, 11, 21), datetime(2026, 11, 21, 0, 30, tzinfo=BUCHAREST)) == []


def test_an_observation_after_the_senders_own_day_is_refused_naming_that_day() -> None:
    assert waarneming(date(2026, 11, 22), datetime(2026, 11, 21, 0, 30, tzinfo=BUCHAREST)) == [
        {
            "veld": "waargenomen_op",
            "melding": "waargenomen_op: 2026-11-22 ligt na 2026-11-21, de dag van verzending in de tijdzone van de "
            "afzender (ontvangen op 2026-11-20, Nederlandse tijd); een waarneming kan niet in de toekomst liggen",
        }
    ]


@pytest.mark.parametrize(
    ("verzonden_om", "laatste"),
    [
        (None, date(2026, 11, 20)),  # no time of sending: the Dutch day of receipt
        (datetime(2026, 11, 20, 17, 30, tzinfo=timezone(timedelta(hours=-5))), date(2026, 11, 20)),  # behind
        (datetime(2026, 11, 23, 10, 0, tzinfo=BUCHAREST), date(2026, 11, 21)),  # sent "later" than received
        (datetime(2026, 11, 21, 12, 30, tzinfo=timezone(timedelta(hours=14))), date(2026, 11, 21)),  # Kiribati
        (datetime(2026, 11, 21, 18, 30, tzinfo=timezone(timedelta(hours=20))), date(2026, 11, 20)),  # no such zone
    ],
)
def test_the_senders_day_counts_only_as_far_as_the_moment_of_receipt_and_a_real_offset(
    verzonden_om: datetime | None, laatste: date
) -> None:
    assert laatste_dag(date(2026, 11, 20), ontvangen_om=ONTVANGEN_OM, verzonden_om=verzonden_om) == laatste
    assert waarneming(laatste, verzonden_om) == []
    assert waarneming(laatste + timedelta(days=1), verzonden_om) != []
