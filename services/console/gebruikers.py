"""Console accounts: scrypt password hashes in the `gebruiker` table, the administrator from the environment.

A hash is stored as `scrypt$n$r$p$salt$hash` (hex), so the cost can be raised later without
invalidating stored passwords.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from services.console.autorisatie import Gebruiker, Rol
from shared.db import Conn

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_wachtwoord(wachtwoord: str, *, zout: bytes | None = None) -> str:
    zout = zout or secrets.token_bytes(16)
    digest = hashlib.scrypt(wachtwoord.encode(), salt=zout, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${zout.hex()}${digest.hex()}"


def controleer_wachtwoord(wachtwoord: str, opgeslagen: str) -> bool:
    try:
        soort, n, r, p, zout, digest = opgeslagen.split("$")
    except ValueError:
        return False
    if soort != "scrypt":
        return False
    poging = hashlib.scrypt(
        wachtwoord.encode(), salt=bytes.fromhex(zout), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
    )
    return hmac.compare_digest(poging.hex(), digest)


def nieuw_wachtwoord() -> str:
    return secrets.token_urlsafe(12)


async def bewaar(conn: Conn, naam: str, rol: Rol, wachtwoord: str, gemeentecode: str | None = None) -> None:
    """Create the account, or update its role, municipality and password."""
    if (rol is Rol.GEMEENTE) != (gemeentecode is not None):
        raise ValueError("een gemeente-account heeft precies een gemeentecode, andere rollen geen")
    await conn.execute(
        """INSERT INTO gebruiker (naam, rol, gemeentecode, wachtwoord) VALUES ($1, $2, $3, $4)
           ON CONFLICT (naam) DO UPDATE SET rol = excluded.rol, gemeentecode = excluded.gemeentecode,
                                            wachtwoord = excluded.wachtwoord""",
        naam,
        rol.value,
        gemeentecode,
        hash_wachtwoord(wachtwoord),
    )


async def inloggen(conn: Conn, naam: str, wachtwoord: str) -> Gebruiker | None:
    rij = await conn.fetchrow("SELECT naam, rol, gemeentecode, wachtwoord FROM gebruiker WHERE naam = $1", naam)
    if rij is None:
        hash_wachtwoord(wachtwoord)  # the same work for an unknown name: no timing hint that it does not exist
        return None
    if not controleer_wachtwoord(wachtwoord, rij["wachtwoord"]):
        return None
    return Gebruiker(rij["naam"], Rol(rij["rol"]), rij["gemeentecode"])


async def laad(conn: Conn, naam: str) -> Gebruiker | None:
    """The account behind a session (re-read on every request: a removed account loses access at once)."""
    rij = await conn.fetchrow("SELECT naam, rol, gemeentecode FROM gebruiker WHERE naam = $1", naam)
    return Gebruiker(rij["naam"], Rol(rij["rol"]), rij["gemeentecode"]) if rij else None
