"""`make bench`: how fast the stack is, against what this machine can do at all.

(a) ceiling: raw aiokafka consume of N events + asyncpg COPY into a table + produce N events;
(b) the melding -> inspectie path through the contract: N reports offered as fast as possible,
    and at a fixed rate; throughput, and p50/p99 latency from each input's ce_time to the moment
    its `inspectie.gepland` is consumed from the partner topic; the ratio (b)/(a);
(c) the inspectie domain alone: risk for 10k and 100k employers from 1M signals, and the plan.
Prints a table and writes JSON to .bench/. Sizes: BENCH_N (default 5000), BENCH_RATE (200/s).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench import domein
from tools.partner import Partner
from tools.stackenv import ROOT, stack_env

N = int(os.environ.get("BENCH_N", "5000"))
RATE = float(os.environ.get("BENCH_RATE", "200"))
PAYLOAD = json.dumps(
    {
        "melder": {"soort": "vakbond", "organisatie": "bench", "referentie": "x" * 12},
        "werkgever": {"kvk_nummer": "12345678"},
        "categorieen": ["onderbetaling"],
        "omschrijving": "x" * 200,
    }
).encode()


async def ceiling(bootstrap: str, database_url: str, n: int) -> dict[str, Any]:
    """The best this machine does for consume + COPY + produce, with no domain logic at all."""
    src, dst = f"waardigwerk.bench.in.{uuid.uuid4().hex[:6]}", f"waardigwerk.bench.uit.{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        for i in range(n):
            await producer.send(src, PAYLOAD, key=str(i).encode())
        await producer.flush()
        consumer = AIOKafkaConsumer(
            src,
            bootstrap_servers=bootstrap,
            group_id=f"bench-{uuid.uuid4().hex[:6]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            max_poll_records=2000,
        )
        await consumer.start()
        conn = await asyncpg.connect(database_url)
        await conn.execute("CREATE TEMP TABLE bench_rows (k text, v bytea)")
        started, done = time.perf_counter(), 0
        try:
            while done < n:
                batches = await consumer.getmany(timeout_ms=500)
                records = [r for rs in batches.values() for r in rs]
                if not records:
                    continue
                async with conn.transaction():
                    await conn.copy_records_to_table("bench_rows", records=[(r.key.decode(), r.value) for r in records])
                for r in records:
                    await producer.send(dst, r.value, key=r.key)
                await producer.flush()
                await consumer.commit()
                done += len(records)
            seconds = time.perf_counter() - started
        finally:
            await conn.close()
            await consumer.stop()
    finally:
        await producer.stop()
    return {"events": n, "seconds": round(seconds, 3), "events_per_s": round(n / seconds, 1)}


def melding(org: str, i: int) -> tuple[str, dict[str, Any]]:
    ref = f"{org}-{i:06d}"
    return ref, {
        "melder": {"soort": "vakbond", "organisatie": org, "referentie": ref},
        "werkgever": {"kvk_nummer": f"{60_000_000 + i}"},
        "werklocatie": {"postcode": "2671AB", "huisnummer": "12", "gemeentecode": "GM1783"},
        "categorieen": ["onderbetaling"],
        "omschrijving": "Onder het minimumloon betaald.",
    }


async def path(bootstrap: str, n: int, rate: float | None) -> dict[str, Any]:
    """Reports in, plans out; latency per report from its ce_time to the consumption of its plan."""
    org = f"bench-{uuid.uuid4().hex[:6]}"
    sent: dict[str, float] = {}
    async with Partner(bootstrap, ["waardigwerk.uit.arbeidsinspectie"]) as partner:
        started = time.perf_counter()
        for i in range(n):
            ref, data = melding(org, i)
            sent[data["werkgever"]["kvk_nummer"]] = datetime.now(UTC).timestamp()
            await partner.publish("waardigwerk.in.meldingen", "nl.waardigwerk.melding.ingediend", data, key=ref)
            if rate:
                await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.perf_counter()))
        latencies: dict[str, float] = {}
        deadline, read = time.perf_counter() + max(120.0, n / 20), 0
        while len(latencies) < n and time.perf_counter() < deadline:
            for e in partner.received[read:]:
                kvk = (e.data or {}).get("werkgever", {}).get("kvk_nummer")
                if kvk in sent and kvk not in latencies and e.type == "nl.waardigwerk.inspectie.gepland":
                    latencies[kvk] = e.arrived - sent[kvk]
            read = len(partner.received)
            await asyncio.sleep(0.05)
        seconds = time.perf_counter() - started
    values = sorted(latencies.values())
    quantiles = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return {
        "events": n,
        "completed": len(values),
        "seconds": round(seconds, 3),
        "events_per_s": round(len(values) / seconds, 1),
        "rate": rate,
        "p50_ms": round(quantiles[49] * 1000, 1) if values else None,
        "p99_ms": round(quantiles[98] * 1000, 1) if values else None,
    }


async def main() -> None:
    env = stack_env()
    bootstrap, database_url = env["KAFKA_BOOTSTRAP_SERVERS"], env["DATABASE_URL"]
    print(f"Benchmarks on {bootstrap} with N={N} (set BENCH_N to change)")
    results: dict[str, Any] = {"when": datetime.now(UTC).isoformat(), "n": N}
    print("(a) ceiling: consume + COPY + produce ...", flush=True)
    results["ceiling"] = await ceiling(bootstrap, database_url, N)
    print("(b) melding -> inspectie, as fast as possible ...", flush=True)
    results["path_max"] = await path(bootstrap, N, None)
    print(f"(b) melding -> inspectie at {RATE:g}/s ...", flush=True)
    results["path_rate"] = await path(bootstrap, min(N, int(RATE * 20)), RATE)
    print("(c) inspectie domain: recompute risk and plan, 10k and 100k employers ...", flush=True)
    results["inspectie_domein"] = await asyncio.to_thread(domein.main, [10_000, 100_000])
    results["ratio_path_to_ceiling"] = round(
        results["path_max"]["events_per_s"] / results["ceiling"]["events_per_s"], 4
    )
    print(f"\n{'benchmark':32s} {'events':>7s} {'done':>7s} {'ev/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s}")
    for name in ("ceiling", "path_max", "path_rate"):
        r = results[name]
        print(
            f"{name:32s} {r['events']:7d} {r.get('completed', r['events']):7d} {r['events_per_s']:9.1f} "
            f"{r.get('p50_ms') or '':>8} {r.get('p99_ms') or '':>8}"
        )
    print(f"ratio path/ceiling: {results['ratio_path_to_ceiling']}")
    out = ROOT / ".bench"
    out.mkdir(exist_ok=True)
    file = out / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    file.write_text(json.dumps(results, indent=2))
    print(f"written: {file.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
