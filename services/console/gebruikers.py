"""Console accounts: scrypt password hashes in the `gebruiker` table, the administrator from the environment.

A hash is stored as `scrypt$n$r$p$salt$hash` (hex), so the cost can be raised later without
invalidating stored passwords: a login with an older, cheaper hash stores it again at today's cost.
Hashing takes a few hundred milliseconds and 128 MiB (N = 2^17, r = 8, as OWASP advises), so it
runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from typing import Any

from services.console import sessies
from services.console.autorisatie import Gebruiker, Rol
from shared.db import Conn

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SCRYPT_MAXMEM = 256 * 1024 * 1024  # 128 * N * r bytes are needed; hashlib's default limit is 32 MiB
MIN_LENGTE = 12


class OngeldigWachtwoord(ValueError):
    """A new password that is too short."""


def hash_wachtwoord(wachtwoord: str, *, zout: bytes | None = None) -> str:
    zout = zout or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        wachtwoord.encode(), salt=zout, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32, maxmem=SCRYPT_MAXMEM
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${zout.hex()}${digest.hex()}"


def controleer_wachtwoord(wachtwoord: str, opgeslagen: str) -> bool:
    try:
        soort, n, r, p, zout, digest = opgeslagen.split("$")
        if soort != "scrypt":
            return False
        poging = hashlib.scrypt(
            wachtwoord.encode(),
            salt=bytes.fromhex(zout),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
            maxmem=SCRYPT_MAXMEM,
        )
    except ValueError:
        return False
    return hmac.compare_digest(poging.hex(), digest)


def verouderd(opgeslagen: str) -> bool:
    """Stored at a lower cost than today's."""
    delen = opgeslagen.split("$")
    return len(delen) != 6 or delen[1:4] != [str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P)]


def nieuw_wachtwoord() -> str:
    return secrets.token_urlsafe(15)


async def bewaar(conn: Conn, naam: str, rol: Rol, wachtwoord: str, gemeentecode: str | None = None) -> None:
    """Create the account, or update its role, municipality and password (which ends its sessions)."""
    if (rol is Rol.GEMEENTE) != (gemeentecode is not None):
        raise ValueError("een gemeente-account heeft precies een gemeentecode, andere rollen geen")
    opgeslagen = await asyncio.to_thread(hash_wachtwoord, wachtwoord)
    async with conn.transaction():
        await conn.execute(
            """INSERT INTO gebruiker (naam, rol, gemeentecode, wachtwoord) VALUES ($1, $2, $3, $4)
               ON CONFLICT (naam) DO UPDATE SET rol = excluded.rol, gemeentecode = excluded.gemeentecode,
                                                wachtwoord = excluded.wachtwoord, actief = true""",
            naam,
            rol.value,
            gemeentecode,
            opgeslagen,
        )
        await sessies.beeindig_alle(conn, naam)


async def wijzig_wachtwoord(conn: Conn, naam: str, oud: str, nieuw: str) -> bool:
    """The user's own change: the old password must be right; every session of the account ends."""
    if len(nieuw) < MIN_LENGTE:
        raise OngeldigWachtwoord(f"een wachtwoord heeft minstens {MIN_LENGTE} tekens")
    opgeslagen = await conn.fetchval("SELECT wachtwoord FROM gebruiker WHERE naam = $1 AND actief", naam)
    if opgeslagen is None or not await asyncio.to_thread(controleer_wachtwoord, oud, opgeslagen):
        return False
    nieuw_hash = await asyncio.to_thread(hash_wachtwoord, nieuw)
    async with conn.transaction():
        await conn.execute("UPDATE gebruiker SET wachtwoord = $2 WHERE naam = $1", naam, nieuw_hash)
        await sessies.beeindig_alle(conn, naam)
    return True


async def zet_actief(conn: Conn, naam: str, actief: bool) -> bool:
    async with conn.transaction():
        gevonden = await conn.fetchval("UPDATE gebruiker SET actief = $2 WHERE naam = $1 RETURNING true", naam, actief)
        if not actief:
            await sessies.beeindig_alle(conn, naam)
    return bool(gevonden)


async def verwijder(conn: Conn, naam: str) -> bool:
    """Remove the account (its sessions go with it)."""
    return bool(await conn.fetchval("DELETE FROM gebruiker WHERE naam = $1 RETURNING true", naam))


async def lijst(conn: Conn) -> list[dict[str, Any]]:
    rijen = await conn.fetch(
        """SELECT g.naam, g.rol, g.gemeentecode, g.actief, g.aangemaakt,
                  (SELECT max(tijd) FROM inlogpoging p WHERE p.naam = g.naam AND p.gelukt) AS laatst_ingelogd
           FROM gebruiker g ORDER BY g.naam"""
    )
    return [dict(r) for r in rijen]


async def inloggen(conn: Conn, naam: str, wachtwoord: str) -> Gebruiker | None:
    """The account if the password is right and the account active (hashing off the event loop)."""
    rij = await conn.fetchrow("SELECT naam, rol, gemeentecode, wachtwoord, actief FROM gebruiker WHERE naam = $1", naam)
    if rij is None:
        await asyncio.to_thread(hash_wachtwoord, wachtwoord)  # the same work for an unknown name: no timing hint
        return None
    if not await asyncio.to_thread(controleer_wachtwoord, wachtwoord, rij["wachtwoord"]) or not rij["actief"]:
        return None
    if verouderd(rij["wachtwoord"]):
        nieuw_hash = await asyncio.to_thread(hash_wachtwoord, wachtwoord)
        await conn.execute("UPDATE gebruiker SET wachtwoord = $2 WHERE naam = $1", naam, nieuw_hash)
    return Gebruiker(rij["naam"], Rol(rij["rol"]), rij["gemeentecode"])
