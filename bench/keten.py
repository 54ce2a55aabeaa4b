"""Domain benchmark (no I/O): order a claim's chain from many chain-information answers.

The worst shape measured: N parties each naming its one client, the highest first (each new link
hangs below a long chain), every answer sent twice. A claim takes at most 100 parties today, but
claims stored before that bound can hold more, and the order is computed on every fact of a claim.
`python -m bench.keten [N ...]` (default 16000); prints seconds per size.
"""

from __future__ import annotations

import itertools
import sys
import time
from typing import Any

from services.loonvordering.domain.keten import Schakel, keten_in_volgorde

WERKGEVER = "11223344"


def run(n: int) -> dict[str, Any]:
    partijen = [f"7{i:07d}" for i in range(n)]
    schakels = (Schakel(partijen[0], "inlener"), *(Schakel(kvk, "opdrachtgever") for kvk in reversed(partijen[1:])))
    antwoorden = [(laag, hoog) for laag, hoog in reversed(list(itertools.pairwise(partijen)))]
    begin = time.perf_counter()
    keten = keten_in_volgorde(WERKGEVER, schakels, ((WERKGEVER, partijen[0]), *antwoorden, *antwoorden))
    seconden = time.perf_counter() - begin
    if [s.kvk_nummer for s in keten] != partijen:
        raise SystemExit("the chain came out in another order than its links say")
    return {"partijen": n, "antwoorden": 2 * len(antwoorden), "seconden": round(seconden, 3)}


def main(sizes: list[int]) -> list[dict[str, Any]]:
    results = [run(n) for n in sizes]
    for r in results:
        print(f"chain order: {r['partijen']} parties, {r['antwoorden']} answers: {r['seconden']:.3f} s", flush=True)
    return results


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [16_000])
