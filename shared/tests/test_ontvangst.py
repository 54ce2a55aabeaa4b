"""The latest date a partner's fact can carry (shared/ontvangst.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from shared.ontvangst import laatste_dag, na_ontvangst

ONTVANGEN_OM = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)  # 23:30 in Amsterdam
VANDAAG = date(2026, 11, 20)


def test_a_sender_ahead_of_amsterdam_may_date_its_fact_on_its_own_day() -> None:
    bucharest = timezone(timedelta(hours=2))
    assert laatste_dag(VANDAAG, ontvangen_om=ONTVANGEN_OM, verzonden_om=ONTVANGEN_OM.astimezone(bucharest)) == date(
        2026, 11, 21
    )


def test_a_sender_clock_running_ahead_or_an_impossible_offset_moves_nothing() -> None:
    later = (ONTVANGEN_OM + timedelta(days=3)).astimezone(timezone(timedelta(hours=2)))
    assert laatste_dag(VANDAAG, ontvangen_om=ONTVANGEN_OM, verzonden_om=later) == date(2026, 11, 21)
    onmogelijk = ONTVANGEN_OM.astimezone(timezone(timedelta(hours=20)))
    assert laatste_dag(VANDAAG, ontvangen_om=ONTVANGEN_OM, verzonden_om=onmogelijk) == VANDAAG
    assert laatste_dag(VANDAAG) == VANDAAG


def test_a_date_after_the_latest_is_refused_naming_both_days() -> None:
    assert na_ontvangst("betaald_op", VANDAAG, VANDAAG, VANDAAG, "een betaling") == []
    [fout] = na_ontvangst("betaald_op", date(2026, 11, 22), date(2026, 11, 21), VANDAAG, "een betaling")
    assert fout["veld"] == "betaald_op" and "2026-11-22" in fout["melding"] and "2026-11-20" in fout["melding"]
