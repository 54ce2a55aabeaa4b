"""Console accounts from the command line:

    python -m services.console.gebruiker add NAAM --rol ROL [--gemeente GMxxxx]   create, or reset the password
    python -m services.console.gebruiker disable NAAM | enable NAAM | remove NAAM
    python -m services.console.gebruiker list

`add` prints a generated password (shown once; only its scrypt hash is stored). A reset, disable or
remove ends every session of the account at once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.console import gebruikers
from services.console.autorisatie import Rol
from services.console.lezer import MIGRATIONS, ConsoleService


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m services.console.gebruiker")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="maak een account aan (of geef het een nieuw wachtwoord)")
    add.add_argument("naam")
    add.add_argument("--rol", required=True, choices=[r.value for r in Rol])
    add.add_argument("--gemeente", metavar="GMxxxx", help="verplicht voor (en alleen voor) de rol gemeente")
    for naam, uitleg in (("disable", "schakel uit"), ("enable", "schakel weer in"), ("remove", "verwijder")):
        commands.add_parser(naam, help=f"{uitleg} (beëindigt de sessies)").add_argument("naam")
    commands.add_parser("list", help="alle accounts")
    return parser.parse_args(argv)


async def uitvoeren(args: argparse.Namespace) -> tuple[int, str]:
    service = ConsoleService("console", migrations=MIGRATIONS)
    await service.open_storage()
    try:
        async with service.pool.acquire() as conn:
            if args.command == "add":
                wachtwoord = gebruikers.nieuw_wachtwoord()
                await gebruikers.bewaar(conn, args.naam, Rol(args.rol), wachtwoord, args.gemeente)
                plaats = f" {args.gemeente}" if args.gemeente else ""
                return 0, f"gebruiker {args.naam} ({args.rol}{plaats}) wachtwoord: {wachtwoord}"
            if args.command == "list":
                regels = [
                    f"{a['naam']}\t{a['rol']}\t{a['gemeentecode'] or '-'}\t{'actief' if a['actief'] else 'uit'}"
                    for a in await gebruikers.lijst(conn)
                ]
                return 0, "\n".join(regels)
            if args.command == "remove":
                gevonden = await gebruikers.verwijder(conn, args.naam)
            else:
                gevonden = await gebruikers.zet_actief(conn, args.naam, args.command == "enable")
            return (0, f"gebruiker {args.naam}: {args.command}") if gevonden else (1, f"geen gebruiker {args.naam}")
    finally:
        await service.pool.close()


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.command == "add" and (Rol(args.rol) is Rol.GEMEENTE) != (args.gemeente is not None):
        print("--gemeente is verplicht voor de rol gemeente en niet toegestaan voor andere rollen", file=sys.stderr)
        return 2
    code, uitvoer = asyncio.run(uitvoeren(args))
    print(uitvoer, file=sys.stdout if code == 0 else sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
