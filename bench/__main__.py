"""`make bench`: how fast the stack is, against what this machine can do at all.

(a) ceiling: raw aiokafka consume of N events + asyncpg COPY into a table + produce N events;
(b) intake: BENCH_INTAKE_N reports (default 100 000) offered as fast as possible, then 20 s at a
    fixed rate; throughput and p50/p99 latency from each report's ce_time until its
    `melding.ontvangen` is consumed from the reporter's feed; the ratio (b)/(a);
(c) the melding -> inspectie path: BENCH_N reports (default 5000) the same way, until the
    inspectorate's feed says what happens to each (planned, re-planned, or short of capacity);
(d) the inspectie domain alone: risk for 10k and 100k employers from 1M signals, and the plan.
The reports go to new employers spread over the five regions. Prints a table and writes JSON to
.bench/. BENCH_RATE sets the fixed rate (default 50/s).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from bench import domein
from tools.partner import Ontvangen, Partner
from tools.stackenv import ROOT, client_options, stack_env

N = int(os.environ.get("BENCH_N", "5000"))
N_INTAKE = int(os.environ.get("BENCH_INTAKE_N", "100000"))
RATE = float(os.environ.get("BENCH_RATE", "50"))
PAYLOAD = json.dumps(
    {
        "melder": {"soort": "vakbond", "organisatie": "bench", "referentie": "x" * 12},
        "werkgever": {"kvk_nummer": "12345678"},
        "categorieen": ["onderbetaling"],
        "omschrijving": "x" * 200,
    }
).encode()


async def ceiling(bootstrap: str, login: dict[str, str], database_url: str, n: int) -> dict[str, Any]:
    """The best this machine does for consume + COPY + produce, with no domain logic at all."""
    src, dst = f"waardigwerk.bench.in.{uuid.uuid4().hex[:6]}", f"waardigwerk.bench.uit.{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5, **login)
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
            **login,
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


GEMEENTEN = ("GM1783", "GM0363", "GM0599", "GM0518", "GM0344")  # the five regions of the capacity policy


def melding(org: str, kvk_basis: int, i: int) -> dict[str, Any]:
    ref = f"{org}-{i:06d}"
    return {
        "melder": {"soort": "vakbond", "organisatie": org, "referentie": ref},
        "werkgever": {"kvk_nummer": f"{kvk_basis + i}"},
        "werklocatie": {"postcode": "2671AB", "huisnummer": "12", "gemeentecode": GEMEENTEN[i % len(GEMEENTEN)]},
        "categorieen": ["onderbetaling"],
        "omschrijving": "Onder het minimumloon betaald.",
    }


@dataclass(frozen=True)
class Traject:
    """What one benchmark times: from a report's ce_time until `uit` (the output of the report with
    key `sleutel(report)`, recognised by `herken`) is consumed from the partner topic `feed`."""

    naam: str
    feed: str  # may name {org}
    sleutel: Callable[[dict[str, Any]], str]
    herken: Callable[[Ontvangen], str | None]


INTAKE = Traject(
    "intake",
    "waardigwerk.uit.melder.{org}",
    lambda m: m["melder"]["referentie"],
    lambda e: (e.data or {}).get("melder_referentie") if e.type == "nl.waardigwerk.melding.ontvangen" else None,
)
PLAN_UITKOMSTEN = {
    "nl.waardigwerk.inspectie.gepland",
    "nl.waardigwerk.inspectie.herpland",  # the employer already had an inspection coming
    "nl.waardigwerk.inspectie.capaciteitstekort",  # no slot before the deadline: said at once
}
PAD = Traject(
    "melding->inspectie",
    "waardigwerk.uit.arbeidsinspectie",
    lambda m: m["werkgever"]["kvk_nummer"],
    lambda e: (e.data or {}).get("werkgever", {}).get("kvk_nummer") if e.type in PLAN_UITKOMSTEN else None,
)


async def measure(
    bootstrap: str, login: dict[str, str], traject: Traject, n: int, rate: float | None
) -> dict[str, Any]:
    """Offer n reports (as fast as possible, or at `rate`/s) and time each to its output. Progress
    every 5 s; gives up after 120 s without a new output."""
    org = f"bench-{uuid.uuid4().hex[:6]}"
    kvk_basis = random.randrange(10_000_000, 99_999_999 - n)  # new employers: a known one may say nothing new
    sent: dict[str, float] = {}
    latencies: dict[str, float] = {}
    uitkomsten: dict[str, int] = {}
    async with Partner(bootstrap, [traject.feed.format(org=org)], login) as partner:
        read = 0

        def collect() -> None:
            nonlocal read
            for e in partner.received[read:]:
                key = traject.herken(e)
                if key in sent and key not in latencies:
                    latencies[key] = e.arrived - sent[key]
                    uitkomsten[e.type or ""] = uitkomsten.get(e.type or "", 0) + 1
            read = len(partner.received)

        def progress(what: str) -> None:
            collect()
            print(f"  {traject.naam}: {what}{len(latencies)}/{n} done", flush=True)

        started = last_report = time.perf_counter()
        for i in range(n):
            data = melding(org, kvk_basis, i)
            sent[traject.sleutel(data)] = time.time()
            await partner.offer(
                "waardigwerk.in.meldingen", "nl.waardigwerk.melding.ingediend", data, key=data["melder"]["referentie"]
            )
            if rate:
                await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.perf_counter()))
            if time.perf_counter() - last_report > 5:
                progress(f"{i + 1}/{n} offered, ")
                last_report = time.perf_counter()
        await partner.flush()
        offered_s = time.perf_counter() - started
        done, last_output = 0, time.perf_counter()
        while len(latencies) < n and time.perf_counter() - last_output < 120:
            collect()
            if len(latencies) > done:
                done, last_output = len(latencies), time.perf_counter()
            if time.perf_counter() - last_report > 5:
                progress("")
                last_report = time.perf_counter()
            await asyncio.sleep(0.05)
    first_in = min(sent.values())
    seconds = max((sent[k] + v for k, v in latencies.items()), default=first_in) - first_in
    values = sorted(latencies.values())
    quantiles = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return {
        "events": n,
        "completed": len(values),
        "outputs": uitkomsten,
        "offered_per_s": round(n / offered_s, 1),
        "seconds": round(seconds, 3),
        "events_per_s": round(len(values) / seconds, 1) if seconds else 0.0,
        "rate": rate,
        "p50_ms": round(quantiles[49] * 1000, 1) if values else None,
        "p99_ms": round(quantiles[98] * 1000, 1) if values else None,
    }


async def wait_idle(bootstrap: str, login: dict[str, str]) -> None:
    """Wait until every service group has consumed everything (no lag), so one benchmark's backlog
    does not slow the next one down."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **login)
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, **login)
    await admin.start()
    await probe.start()
    try:
        started = time.perf_counter()
        while True:
            groups = [g for g, _ in await admin.list_consumer_groups() if g.startswith("waardigwerk.")]
            lag = 0
            for group in groups:
                committed = await admin.list_consumer_group_offsets(group)
                ends = await probe.end_offsets(list(committed))
                lag += sum(max(0, ends[tp] - meta.offset) for tp, meta in committed.items() if meta.offset >= 0)
            if lag == 0:
                return
            print(
                f"  waiting for the services to catch up: {lag} records behind ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
            await asyncio.sleep(5)
    finally:
        await probe.stop()
        await admin.close()


async def main() -> None:
    env = stack_env()
    bootstrap, database_url, login = env["KAFKA_BOOTSTRAP_SERVERS"], env["DATABASE_URL"], client_options(env)
    print(f"Benchmarks on {bootstrap}: intake N={N_INTAKE} (BENCH_INTAKE_N), path N={N} (BENCH_N), rate {RATE:g}/s")
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(),
        "n_intake": N_INTAKE,
        "n": N,
        "cpus": os.cpu_count(),
    }
    print("(a) ceiling: consume + COPY + produce ...", flush=True)
    results["ceiling"] = await ceiling(bootstrap, login, database_url, N_INTAKE)
    stages = [  # the path first, while the regions still have capacity to plan into
        ("path_rate", PAD, int(RATE * 20), RATE, f"(c) melding -> inspectie at {RATE:g}/s for 20 s"),
        ("path_max", PAD, N, None, "(c) melding -> inspectie (planned, re-planned or short of capacity), flat out"),
        ("intake_rate", INTAKE, int(RATE * 20), RATE, f"(b) intake at {RATE:g}/s for 20 s"),
        ("intake_max", INTAKE, N_INTAKE, None, "(b) intake: ingediend -> ontvangen on the reporter's feed, flat out"),
    ]
    print("warm-up: 20 reports through the whole path (not measured) ...", flush=True)
    await measure(bootstrap, login, PAD, 20, None)
    for name, traject, n, rate, title in stages:
        print(f"{title} ...", flush=True)
        await wait_idle(bootstrap, login)
        results[name] = await measure(bootstrap, login, traject, n, rate)
    await wait_idle(bootstrap, login)
    print("(d) inspectie domain: recompute risk and plan, 10k and 100k employers ...", flush=True)
    results["inspectie_domein"] = await asyncio.to_thread(domein.main, [10_000, 100_000])
    plafond = results["ceiling"]["events_per_s"]
    for name in ("intake_max", "path_max"):
        results[f"ratio_{name}_to_ceiling"] = round(results[name]["events_per_s"] / plafond, 4)
    print(
        f"\n{'benchmark':14s} {'events':>7s} {'done':>7s} {'ev/s':>9s} {'p50 ms':>9s} {'p99 ms':>9s} {'/ceiling':>9s}"
    )
    for name in ("ceiling", "intake_max", "intake_rate", "path_max", "path_rate"):
        r = results[name]
        ratio = results.get(f"ratio_{name}_to_ceiling", "")
        print(
            f"{name:14s} {r['events']:7d} {r.get('completed', r['events']):7d} {r['events_per_s']:9.1f} "
            f"{r.get('p50_ms') or '':>9} {r.get('p99_ms') or '':>9} {ratio:>9}"
        )
    out = ROOT / ".bench"
    out.mkdir(exist_ok=True)
    file = out / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    file.write_text(json.dumps(results, indent=2))
    print(f"written: {file.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
