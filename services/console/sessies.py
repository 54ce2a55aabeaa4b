"""Server-side sessions: the cookie holds a random token, PostgreSQL its SHA-256, the user and a CSRF token.

A session ends at logout, after `console_sessie_inactief_min` without a request, after
`console_sessie_max_uren` whatever happens, and for every session of an account whose password
is reset or which is disabled or removed. Nothing is signed with a per-process secret, so a
restart or a second replica keeps every session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from services.console.autorisatie import Gebruiker, Rol
from shared.db import Conn

COOKIE = "waardigwerk_console"


@dataclass(frozen=True)
class Sessie:
    gebruiker: Gebruiker
    csrf: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def begin(conn: Conn, naam: str, adres: str | None) -> str:
    """A new session; returns the token for the cookie (shown once, stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    await conn.execute(
        "INSERT INTO sessie (token_hash, naam, csrf, adres) VALUES ($1, $2, $3, $4)",
        _hash(token),
        naam,
        secrets.token_urlsafe(32),
        adres,
    )
    return token


async def laad(conn: Conn, token: str, inactief: timedelta, maximaal: timedelta) -> Sessie | None:
    """The session's user if the session is still valid (and its account active); marks it used."""
    rij = await conn.fetchrow(
        """UPDATE sessie s SET laatst_gebruikt = now() FROM gebruiker g
           WHERE s.token_hash = $1 AND g.naam = s.naam AND g.actief
             AND s.laatst_gebruikt > now() - $2::interval AND s.aangemaakt > now() - $3::interval
           RETURNING g.naam, g.rol, g.gemeentecode, s.csrf""",
        _hash(token),
        inactief,
        maximaal,
    )
    if rij is None:
        return None
    return Sessie(Gebruiker(rij["naam"], Rol(rij["rol"]), rij["gemeentecode"]), rij["csrf"])


async def geldig(conn: Conn, token: str, inactief: timedelta, maximaal: timedelta) -> str | None:
    """The account name if the session is still valid, without marking it used: an open page's
    event stream asks this, and must not keep an unattended session alive."""
    naam: str | None = await conn.fetchval(
        """SELECT g.naam FROM sessie s JOIN gebruiker g ON g.naam = s.naam
           WHERE s.token_hash = $1 AND g.actief
             AND s.laatst_gebruikt > now() - $2::interval AND s.aangemaakt > now() - $3::interval""",
        _hash(token),
        inactief,
        maximaal,
    )
    return naam


async def beeindig(conn: Conn, token: str) -> None:
    await conn.execute("DELETE FROM sessie WHERE token_hash = $1", _hash(token))


async def beeindig_alle(conn: Conn, naam: str) -> int:
    """End every session of an account (password reset, disabled, removed)."""
    return int((await conn.execute("DELETE FROM sessie WHERE naam = $1", naam)).split()[-1])


async def opruimen(conn: Conn, inactief: timedelta, maximaal: timedelta) -> None:
    await conn.execute(
        "DELETE FROM sessie WHERE laatst_gebruikt <= now() - $1::interval OR aangemaakt <= now() - $2::interval",
        inactief,
        maximaal,
    )
