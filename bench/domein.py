"""Domain benchmark (no I/O): recompute every employer's risk and plan the inspections.

N employers share M signals (default 1 000 000); prints seconds per size and how it grows.
`python -m bench.domein [EMPLOYERS ...]` (default 10000 100000); BENCH_SIGNALS sets M.

The recompute uses the batch `scores()`; breakdowns (`score()`) are built only for the planned
inspections, the ones an `inspectie.gepland` publishes. A sample of employers is always checked
against `score()`; with BENCH_OLD=1 (default) the old path, `score()` for every employer, is timed
too and every employer's score compared. A mismatch stops the benchmark with exit code 1.
"risk" times `scores()` alone (the decay table warm, "cold" beside it); "plan" includes building
the requests. The generated signals are moved out of the cycle collector's reach first
(`gc.freeze()`, both paths alike; BENCH_GC_FREEZE=0 turns that off).
"""

from __future__ import annotations

import gc
import os
import random
import sys
import time
from datetime import date, timedelta
from typing import Any, get_args

from services.inspectie.domain import risico as risico_module
from services.inspectie.domain.planning import Verzoek, plan, regio_voor
from services.inspectie.domain.risico import Signaal, Soort, score, scores
from shared.policy import load_policy

SIGNALS = int(os.environ.get("BENCH_SIGNALS", "1000000"))
OLD = os.environ.get("BENCH_OLD", "1") != "0"
SAMPLE = 1000
FREEZE = os.environ.get("BENCH_GC_FREEZE", "1") != "0"
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
    # The decay table 0.5^(age / half-life) is filled once per process and kept (a service keeps it
    # across recomputes); time a cold recompute that fills it, then the steady-state one.
    risico_module._verval.cache_clear()
    if FREEZE:
        gc.collect()
        gc.freeze()  # the generated signals are long-lived input: keep the cycle collector off them
    cold_started = time.perf_counter()
    scores(per_werkgever, OP, policy)
    cold_s = time.perf_counter() - cold_started
    started, cpu_started = time.perf_counter(), time.process_time()
    risico = scores(per_werkgever, OP, policy)
    scored, cpu_s = time.perf_counter(), time.process_time() - cpu_started
    drempel = policy.decimal("risico_drempel", OP)
    regio_van = {gemeente: regio_voor(gemeente, OP, policy) for gemeente in GEMEENTEN}
    verzoeken = [
        Verzoek(
            f"w{w}",
            f"{w:08d}",
            regio_van[GEMEENTEN[w % len(GEMEENTEN)]],
            "risico" if waarde >= drempel else "steekproef",
            None,
            waarde,
        )
        for w, waarde in risico.items()
    ]
    planning = plan(verzoeken, {}, OP, policy)
    planned = time.perf_counter()
    gepubliceerd = [score(per_werkgever[int(item.verzoek_id[1:])], OP, policy) for item in planning.ingepland]
    done = time.perf_counter()
    steekproef = rng.sample(sorted(per_werkgever), min(SAMPLE, len(per_werkgever)))
    _check_equal({w: risico[w] for w in steekproef}, {w: score(per_werkgever[w], OP, policy).score for w in steekproef})
    result: dict[str, Any] = {
        "werkgevers": werkgevers,
        "signalen": signalen,
        "risico_koud_s": round(cold_s, 3),
        "risico_s": round(scored - started, 3),
        "risico_cpu_s": round(cpu_s, 3),
        "planning_s": round(planned - scored, 3),
        "onderdelen_s": round(done - planned, 3),
        "totaal_s": round(done - started, 3),
        "ingepland": len(planning.ingepland),
        "wachtend": len(planning.niet_ingepland),
        "gepubliceerd": len(gepubliceerd),
        "oud_risico_s": None,
        "oud_risico_cpu_s": None,
    }
    if OLD:
        old_started, old_cpu_started = time.perf_counter(), time.process_time()
        oud = {w: score(lijst, OP, policy).score for w, lijst in per_werkgever.items()}
        result["oud_risico_s"] = round(time.perf_counter() - old_started, 3)
        result["oud_risico_cpu_s"] = round(time.process_time() - old_cpu_started, 3)
        _check_equal(risico, oud)
    if FREEZE:
        gc.unfreeze()
    return result


def _check_equal(snel: dict[int, Any], oud: dict[int, Any]) -> None:
    """Fails loudly when the batch recompute and `score()` disagree on any employer."""
    verschil = [w for w in oud if str(snel.get(w)) != str(oud[w])]
    if verschil or snel.keys() != oud.keys():
        w = verschil[0] if verschil else None
        print(
            f"MISMATCH: {len(verschil)} employers differ between scores() and score(); "
            f"first: {w} {snel.get(w) if w is not None else ''} != {oud.get(w) if w is not None else ''}",
            file=sys.stderr,
            flush=True,
        )
        raise SystemExit(1)


def main(sizes: list[int]) -> list[dict[str, Any]]:
    results = []
    print(
        f"{'employers':>10s} {'signals':>9s} {'risk s':>8s} {'plan s':>8s} {'detail s':>8s} {'total s':>8s} "
        f"{'planned':>8s} {'old risk s':>10s} {'ratio':>6s} {'cold risk s':>11s} {'risk cpu s':>10s} {'old cpu s':>9s}"
    )
    for n in sizes:
        r = run(n, SIGNALS)
        results.append(r)
        print(
            f"{r['werkgevers']:10d} {r['signalen']:9d} {r['risico_s']:8.2f} {r['planning_s']:8.2f} "
            f"{r['onderdelen_s']:8.2f} {r['totaal_s']:8.2f} {r['ingepland']:8d} "
            + (
                f"{r['oud_risico_s']:10.2f} x{r['oud_risico_s'] / max(r['risico_s'], 1e-9):5.1f}"
                if r["oud_risico_s"] is not None
                else f"{'-':>10s} {'-':>6s}"
            )
            + f" {r['risico_koud_s']:11.2f} {r['risico_cpu_s']:10.2f} "
            + (f"{r['oud_risico_cpu_s']:9.2f}" if r["oud_risico_cpu_s"] is not None else f"{'-':>9s}"),
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
