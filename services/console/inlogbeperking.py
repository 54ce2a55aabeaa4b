"""Login limits per account and per address, kept in PostgreSQL so every replica counts the same attempts.

After `console_login_max_per_account` failed attempts for one account, or
`console_login_max_per_adres` from one address, within `console_login_venster_min` minutes,
further attempts are refused (429 with Retry-After) until the oldest of them leaves the window;
a refused attempt costs no password hash. A successful login restarts the account's count.
"""

from __future__ import annotations

import math
from datetime import timedelta

from services.console.instellingen import ConsoleSettings
from shared.db import Conn


async def wachttijd(conn: Conn, naam: str, adres: str, s: ConsoleSettings) -> int:
    """Seconds before this account may try again from this address (0: now)."""
    venster = timedelta(minutes=s.console_login_venster_min)
    rij = await conn.fetchrow(
        """SELECT
             (SELECT tijd FROM inlogpoging
              WHERE naam = $1 AND NOT gelukt AND tijd > now() - $3::interval
                AND tijd > coalesce((SELECT max(tijd) FROM inlogpoging WHERE naam = $1 AND gelukt), '-infinity')
              ORDER BY tijd DESC OFFSET $4 - 1 LIMIT 1) AS account,
             (SELECT tijd FROM inlogpoging
              WHERE adres = $2 AND NOT gelukt AND tijd > now() - $3::interval
              ORDER BY tijd DESC OFFSET $5 - 1 LIMIT 1) AS adres,
             now() AS nu""",
        naam,
        adres,
        venster,
        s.console_login_max_per_account,
        s.console_login_max_per_adres,
    )
    assert rij is not None
    grens = max((t for t in (rij["account"], rij["adres"]) if t is not None), default=None)
    if grens is None:
        return 0
    over: timedelta = grens + venster - rij["nu"]
    return max(1, math.ceil(over.total_seconds()))


async def registreer(conn: Conn, naam: str, adres: str, gelukt: bool) -> None:
    await conn.execute("INSERT INTO inlogpoging (naam, adres, gelukt) VALUES ($1, $2, $3)", naam, adres, gelukt)
    await conn.execute("DELETE FROM inlogpoging WHERE tijd < now() - interval '1 day'")
