"""`python -m services.console.gebruiker add NAAM --rol ROL [--gemeente GMxxxx]`: create or reset an
account and print its generated password (shown once; only its scrypt hash is stored)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.console.autorisatie import Rol
from services.console.gebruikers import bewaar, nieuw_wachtwoord
from services.console.lezer import MIGRATIONS, ConsoleService


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m services.console.gebruiker")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="maak een account aan (of geef het een nieuw wachtwoord)")
    add.add_argument("naam")
    add.add_argument("--rol", required=True, choices=[r.value for r in Rol])
    add.add_argument("--gemeente", metavar="GMxxxx", help="verplicht voor (en alleen voor) de rol gemeente")
    return parser.parse_args(argv)


async def add(naam: str, rol: Rol, gemeente: str | None) -> str:
    service = ConsoleService("console", migrations=MIGRATIONS)
    await service.open_storage()
    wachtwoord = nieuw_wachtwoord()
    try:
        async with service.pool.acquire() as conn:
            await bewaar(conn, naam, rol, wachtwoord, gemeente)
    finally:
        await service.pool.close()
    return wachtwoord


def main(argv: list[str]) -> int:
    args = parse(argv)
    rol = Rol(args.rol)
    if (rol is Rol.GEMEENTE) != (args.gemeente is not None):
        print("--gemeente is verplicht voor de rol gemeente en niet toegestaan voor andere rollen", file=sys.stderr)
        return 2
    wachtwoord = asyncio.run(add(args.naam, rol, args.gemeente))
    print(f"gebruiker {args.naam} ({rol.value}{' ' + args.gemeente if args.gemeente else ''}) wachtwoord: {wachtwoord}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
