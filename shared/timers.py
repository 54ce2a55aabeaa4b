"""Durable timers: a deadline is a row with a due time; it fires once, inside a transaction.

A timer is claimed (row-locked) and marked fired in the same transaction as its handler's
effects, so a crash or a failing handler never uses up a deadline. A failed attempt is counted
with its error type and the timer waits `backoff` before the next; after the allowed attempts it
is dead: kept with its reason (`dood_sinds`, `laatste_fout`), listed by `dead`, and fired again
after `retry`: asked for from the console (the command `nl.waardigwerk.timer.opnieuw`, see
docs/runtime.md), or by hand: `UPDATE <schema>.timer SET dood_sinds = NULL, pogingen = 0,
volgende_poging = NULL WHERE id = ...`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import asyncpg

from shared.db import Conn

OVERDUE_AFTER = timedelta(minutes=1)  # the scheduler wakes for the next due timer: a minute late is a stall


@dataclass(frozen=True)
class DueTimer:
    id: int
    soort: str
    sleutel: str
    due_at: datetime
    payload: dict[str, Any]
    correlationid: str | None
    causationid: str | None
    pogingen: int = 0


@dataclass(frozen=True)
class DeadTimer:
    id: int
    soort: str
    sleutel: str
    due_at: datetime
    pogingen: int
    laatste_fout: str | None
    dood_sinds: datetime


async def claim_next_due(conn: Conn, now: datetime) -> DueTimer | None:
    """Lock the earliest due, live timer that is not waiting for a retry, in the caller's transaction.

    The caller marks it `fired` (after its handler ran) or `failed`, in that same transaction."""
    row = await conn.fetchrow(
        """SELECT id, soort, sleutel, due_at, payload, correlationid, causationid, pogingen FROM timer
           WHERE fired_at IS NULL AND dood_sinds IS NULL AND due_at <= $1
             AND (volgende_poging IS NULL OR volgende_poging <= now())
           ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED""",
        now,
    )
    if row is None:
        return None
    return DueTimer(
        id=row["id"],
        soort=row["soort"],
        sleutel=row["sleutel"],
        due_at=row["due_at"],
        payload=json.loads(row["payload"]),
        correlationid=row["correlationid"],
        causationid=row["causationid"],
        pogingen=row["pogingen"],
    )


async def seconds_to_next(conn: Conn, now: datetime, clock_stands_still: bool) -> float | None:
    """How long until a live timer can fire: the next one due after `now`, or a due one waiting for
    its retry; None when there is none. On a test clock that is set "now" stands still, so a timer
    due later fires only when the clock is set again, not by waiting."""
    row = await conn.fetchrow(
        """SELECT (SELECT due_at FROM timer WHERE fired_at IS NULL AND dood_sinds IS NULL AND due_at > $1
                   ORDER BY due_at, id LIMIT 1) AS volgende,
                  (SELECT extract(epoch FROM min(volgende_poging) - now()) FROM timer
                   WHERE fired_at IS NULL AND dood_sinds IS NULL AND due_at <= $1) AS herkansing""",
        now,
    )
    assert row is not None
    waits = [] if row["herkansing"] is None else [float(row["herkansing"])]
    if row["volgende"] is not None and not clock_stands_still:
        waits.append((row["volgende"] - now).total_seconds())
    return min(waits, default=None)


async def fired(conn: Conn, timer_id: int, now: datetime) -> None:
    await conn.execute("UPDATE timer SET fired_at = $2, volgende_poging = NULL WHERE id = $1", timer_id, now)


def backoff_seconds(pogingen: int) -> float:
    """Seconds to wait after the n-th failed attempt: 1, 2, 4, ... up to 5 minutes."""
    return float(min(2 ** max(pogingen - 1, 0), 300))


async def failed(conn: Conn, timer: DueTimer, fout: str, max_pogingen: int) -> bool:
    """Count a failed attempt; returns True when this made the timer dead. The backoff counts from
    now on the wall clock, not from the start of the attempt's transaction (`now()`)."""
    pogingen = timer.pogingen + 1
    dood = pogingen >= max_pogingen
    await conn.execute(
        """UPDATE timer SET pogingen = $2, laatste_fout = $3,
               volgende_poging = clock_timestamp() + make_interval(secs => $4),
               dood_sinds = CASE WHEN $5 THEN clock_timestamp() END
           WHERE id = $1""",
        timer.id,
        pogingen,
        fout[:500],
        backoff_seconds(pogingen),
        dood,
    )
    return dood


async def dead(conn: Conn | asyncpg.Pool) -> list[DeadTimer]:
    """Every dead timer, oldest death first (what an operator sees and may retry)."""
    rows = await conn.fetch(
        """SELECT id, soort, sleutel, due_at, pogingen, laatste_fout, dood_sinds FROM timer
           WHERE dood_sinds IS NOT NULL ORDER BY dood_sinds, id"""
    )
    return [DeadTimer(**dict(r)) for r in rows]


class Retried(StrEnum):
    """What `retry` did: revived the timer, or why it changed nothing."""

    REVIVED = "hersteld"
    UNKNOWN = "onbekend"
    FIRED = "al_afgegaan"
    ALIVE = "niet_dood"


@dataclass(frozen=True)
class Retry:
    outcome: Retried
    timer_id: int | None  # None: no such timer


async def retry(conn: Conn | asyncpg.Pool, soort: str, sleutel: str) -> Retry:
    """Bring a dead timer back: it fires at the next scheduler round, with fresh attempts.

    Only a dead timer is changed: one that fired, or is live (e.g. revived before), stays as it is,
    so a retry asked for twice has one effect."""
    row = await conn.fetchrow(
        """WITH t AS (SELECT id, fired_at, dood_sinds FROM timer WHERE soort = $1 AND sleutel = $2 FOR UPDATE),
                herleefd AS (
                    UPDATE timer SET dood_sinds = NULL, pogingen = 0, volgende_poging = NULL
                    FROM t WHERE timer.id = t.id AND t.dood_sinds IS NOT NULL RETURNING timer.id)
           SELECT t.id, t.fired_at IS NOT NULL AS afgegaan, EXISTS (SELECT 1 FROM herleefd) AS hersteld FROM t""",
        soort,
        sleutel,
    )
    if row is None:
        return Retry(Retried.UNKNOWN, None)
    if row["hersteld"]:
        return Retry(Retried.REVIVED, row["id"])
    return Retry(Retried.FIRED if row["afgegaan"] else Retried.ALIVE, row["id"])


@dataclass(frozen=True)
class Counts:
    due: int  # live, not fired, due at "now" (waiting for the scheduler or for a retry)
    overdue: int  # of those, due longer than `OVERDUE_AFTER` ago
    dead: int


async def counts(conn: Conn | asyncpg.Pool, now: datetime) -> Counts:
    """How many timers are due, overdue and dead at `now` (the service's clock), for the metrics."""
    row = await conn.fetchrow(
        """SELECT count(*) FILTER (WHERE dood_sinds IS NULL AND due_at <= $1) AS due,
                  count(*) FILTER (WHERE dood_sinds IS NULL AND due_at <= $2) AS overdue,
                  count(*) FILTER (WHERE dood_sinds IS NOT NULL) AS dead
           FROM timer WHERE fired_at IS NULL""",
        now,
        now - OVERDUE_AFTER,
    )
    assert row is not None
    return Counts(int(row["due"]), int(row["overdue"]), int(row["dead"]))
