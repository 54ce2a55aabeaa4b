"""What-if: replay stored claims under both policy variants, side by side.

    python -m services.loonvordering.whatif VORDERING_ID [...]
    python -m services.loonvordering.whatif --periode 2026-01-01 2026-12-31

Per claim: the amount, the parties liable today, and the date the main hirer becomes liable,
under `huidig` and under `ser2025` - the comparison the SER's proposal needs. Reads the
loonvordering schema (DATABASE_URL); changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from services.loonvordering.adapters.repository import MeerdereVorderingen, VorderingRepository
from services.loonvordering.domain.invoer import Vordering
from services.loonvordering.domain.vergelijk import vergelijk
from shared.contract.loonvordering import LoonvorderingIngediend
from shared.policy import load_policy
from shared.settings import Settings


def _partijen(uitkomst: dict[str, Any]) -> str:
    return ", ".join(f"{a['kvk_nummer']} ({a['grond']})" for a in uitkomst["aansprakelijk"]) or "-"


async def main(args: argparse.Namespace) -> None:
    huidig, ser = load_policy("huidig"), load_policy("ser2025")
    op = date.fromisoformat(args.op) if args.op else datetime.now(UTC).date()
    conn = await asyncpg.connect(Settings().database_url, server_settings={"search_path": "loonvordering"})
    try:
        repo = VorderingRepository(conn)
        async with conn.transaction(readonly=True):
            ids = args.vorderingen or await repo.in_periode(*(date.fromisoformat(d) for d in args.periode))
            print(f"{'vordering':16s} {'variant':8s} {'bedrag':>10s} {'top vanaf':>11s}  aansprakelijk op {op}")
            for vid in ids:
                try:
                    v = await repo.vordering(vid)
                except MeerdereVorderingen:
                    print(f"{vid:16s} referentie van meer dan één indiener: noem de vordering_id")
                    continue
                if v is None:
                    print(f"{vid:16s} onbekend")
                    continue
                vordering = Vordering.uit_ingediend(LoonvorderingIngediend.uit_opslag(v["invoer"]))
                feiten = await repo.ketenfeiten(v, False)
                uitkomst = vergelijk(vordering, feiten, huidig, ser, op=op)
                for variant in ("huidig", "ser2025"):
                    u = uitkomst[variant]
                    print(
                        f"{v['vordering_id']:16s} {variant:8s} {u['bedrag_eur']:>10} "
                        f"{u['top_aansprakelijk_vanaf'] or '-':>11}  {_partijen(u)}"
                    )
                print(f"{'':16s} {'verschil':8s} {uitkomst['verschil_bedrag_eur']:>10}")
    finally:
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vorderingen", nargs="*", help="vordering ids (or the filer's references)")
    parser.add_argument("--periode", nargs=2, metavar=("VAN", "TOT"), help="all claims filed in this period")
    parser.add_argument("--op", help="the date for 'liable now' (default today)")
    arguments = parser.parse_args()
    if not arguments.vorderingen and not arguments.periode:
        parser.error("name vordering ids or --periode VAN TOT")
    asyncio.run(main(arguments))
