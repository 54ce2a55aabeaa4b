"""Domain benchmark (no I/O): recompute every employer's risk and plan the inspections.

N employers share M signals (default 1 000 000); prints seconds per size and how it grows.
`python -m bench.domein [EMPLOYERS ...]` (default 10000 100000); BENCH_SIGNALS sets M.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta
from typing import Any, get_args

from services.inspectie.domain.planning import Verzoek, plan, regio_voor
from services.inspectie.domain.risico import Signaal, Soort, boven_drempel, score
from shared.policy import load_policy

SIGNALS = int(os.environ.get("BENCH_SIGNALS", "1000000"))
OP = date(2026, 6, 1)
GEMEENTEN = ["GM0363", "GM0518", "GM1783", "GM0599", "GM0344", "GM9999"]


def run(werkgevers: int, signalen: int, seed: int = 1) -> dict[str, Any]:
    policy = load_policy("huidig")
    rng = random.Random(seed)
    soorten: tuple[str, ...] = get_args(Soort)
    per_werkgever: dict[int, list[Signaal]] = {}
    for i in range(signalen):
        w = rng.randrange(werkgevers)
        per_werkgever.setdefault(w, []).append(
            Signaal(rng.choice(soorten), f"e{i}", OP - timedelta(days=rng.randrange(0, 720)))  # type: ignore[arg-type]
        )
    started = time.perf_counter()
    verzoeken = []
    for w, lijst in per_werkgever.items():
        risico = score(lijst, OP, policy)
        regio = regio_voor(GEMEENTEN[w % len(GEMEENTEN)], OP, policy)
        soort = "risico" if boven_drempel(risico, OP, policy) else "steekproef"
        verzoeken.append(Verzoek(f"w{w}", f"{w:08d}", regio, soort, None, risico.score))  # type: ignore[arg-type]
    scored = time.perf_counter()
    planning = plan(verzoeken, {}, OP, policy)
    done = time.perf_counter()
    return {
        "werkgevers": werkgevers,
        "signalen": signalen,
        "risico_s": round(scored - started, 2),
        "planning_s": round(done - scored, 2),
        "totaal_s": round(done - started, 2),
        "ingepland": len(planning.ingepland),
        "wachtend": len(planning.niet_ingepland),
    }


def main(sizes: list[int]) -> list[dict[str, Any]]:
    results = []
    print(f"{'employers':>10s} {'signals':>9s} {'risk s':>8s} {'plan s':>8s} {'total s':>8s} {'planned':>8s}")
    for n in sizes:
        r = run(n, SIGNALS)
        results.append(r)
        print(
            f"{r['werkgevers']:10d} {r['signalen']:9d} {r['risico_s']:8.2f} {r['planning_s']:8.2f} "
            f"{r['totaal_s']:8.2f} {r['ingepland']:8d}",
            flush=True,
        )
    if len(results) > 1:
        growth = results[-1]["totaal_s"] / max(results[0]["totaal_s"], 1e-9)
        print(
            f"growth x{results[-1]['werkgevers'] / results[0]['werkgevers']:g} employers: x{growth:.2f} time "
            f"(the signal count is the same; cost follows signals, not employers)"
        )
    return results


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
