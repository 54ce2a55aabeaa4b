"""Many cases, fast, through the contract: reports of distinct employers in five municipalities on the
inbound topic (handed to the producer without waiting per record), until the console lists enough cases.

    uv run python -m tests.browser.zaaien 1000     # against the stack in $WAARDIGWERK_STACK_DIR/env
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from tools.partner import Partner

IN = "waardigwerk.in.meldingen"
INGEDIEND = "nl.waardigwerk.melding.ingediend"
# Not in region West (Westland, Den Haag): the seeded reports fill their regions' inspection
# capacity for weeks, and the end-to-end flows that expect a free inspection day plan in West.
GEMEENTEN = (
    ("GM0363", "1011AB"),  # Amsterdam
    ("GM0599", "3011AA"),  # Rotterdam
    ("GM0344", "3511AA"),  # Utrecht
)
SOORTEN = ("Kwekerij", "Bouwbedrijf", "Schoonmaak", "Vleesverwerking", "Distributiecentrum", "Uitzendbureau")
NAMEN = ("De Groene Kas", "Van Dijk", "Noordzee", "Polderland", "Hollandia", "De Vaart", "Zuidwal", "Oranje")
CATEGORIEEN = ("onderbetaling", "arbeidstijden", "onveilig_werk", "huisvesting", "schijnconstructie")


def kvk_van(i: int) -> str:
    """Seeded employers' KvK numbers: 7 followed by seven digits of the index."""
    return f"{70_000_000 + i % 10_000_000}"


def werkgever_naam(i: int) -> str:
    return f"{SOORTEN[i % len(SOORTEN)]} {NAMEN[(i // len(SOORTEN)) % len(NAMEN)]} {i} BV"


def melding(i: int, run: str) -> dict[str, Any]:
    """Report `i` of a seed run: its own employer, one of five municipalities, one or two categories."""
    gemeente, postcode = GEMEENTEN[i % len(GEMEENTEN)]
    categorieen = sorted({CATEGORIEEN[i % len(CATEGORIEEN)], CATEGORIEEN[(i // 7) % len(CATEGORIEEN)]})
    return {
        "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": f"ZAAI-{run}-{i}"},
        "werkgever": {"kvk_nummer": kvk_van(i), "naam": werkgever_naam(i)},
        "werklocatie": {"postcode": postcode, "huisnummer": str(1 + i % 200), "gemeentecode": gemeente},
        "categorieen": categorieen,
        "aantal_betrokkenen": 1 + i % 40,
        "omschrijving": f"Melding {i}: {', '.join(c.replace('_', ' ') for c in categorieen)} bij {werkgever_naam(i)}.",
    }


def aantal_zaken(console_url: str, gebruiker: str, wachtwoord: str) -> int:
    """How many cases the console lists (its JSON API with HTTP Basic)."""
    verzoek = urllib.request.Request(f"{console_url}/api/zaken?per_pagina=10")
    verzoek.add_header("Authorization", "Basic " + base64.b64encode(f"{gebruiker}:{wachtwoord}".encode()).decode())
    with urllib.request.urlopen(verzoek, timeout=30) as antwoord:
        return int(json.loads(antwoord.read())["pagina"]["totaal"])


async def zaai(stack_env: dict[str, str], minimaal: int, within_s: float = 600) -> tuple[int, float]:
    """Publish reports until the console lists at least `minimaal` cases; returns (cases, seconds taken)."""
    args = (stack_env["CONSOLE_URL"], stack_env["CONSOLE_ADMIN_USER"], stack_env["CONSOLE_ADMIN_PASSWORD"])
    begin = time.monotonic()
    nu = await asyncio.to_thread(aantal_zaken, *args)
    if nu < minimaal:
        run = f"{int(time.time())}"
        basis = (int(run) % 900) * 10_000  # each run its own employers (a run seeds fewer than 10 000)
        async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], []) as partner:
            for i in range(minimaal - nu + 5):
                await partner.offer(IN, INGEDIEND, melding(basis + i, run), key=f"ZAAI-{run}-{i}")
            await partner.flush()
    while nu < minimaal:
        if time.monotonic() - begin > within_s:
            raise AssertionError(f"only {nu} cases after {within_s:.0f} s")
        await asyncio.sleep(2)
        nu = await asyncio.to_thread(aantal_zaken, *args)
    return nu, time.monotonic() - begin


def _env(pad: Path) -> dict[str, str]:
    uit = {}
    for regel in pad.read_text().splitlines():
        if "=" in regel and not regel.startswith("export"):
            k, _, v = regel.partition("=")
            uit[k.strip()] = v.strip().strip("'\"")
    return uit


if __name__ == "__main__":
    env = _env(Path(os.environ.get("WAARDIGWERK_STACK_DIR", ".stack")) / "env")
    zaken, duur = asyncio.run(zaai(env, int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
    print(f"{zaken} cases in the console after {duur:.1f} s")
