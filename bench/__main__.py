"""`make bench`: how fast the stack is, what a report costs, against what this machine can do at all.

Stages, each started on an idle stack and costed until every service is idle again:
- ceiling: raw aiokafka consume of BENCH_CEILING_N events + asyncpg COPY into a table + produce;
- warm-up: reports the intake refuses (no employer), at BENCH_RATE/s for BENCH_WARMUP_S s (30):
  the same kinds of broker request as the stages after it (produce, fetch, offset commits from
  every service), so that a fresh broker's JIT compiler has done most of its work before the rate
  stage; measured, no targets. A refused report takes no inspection slot and gives inspectie no
  risk signal, so the rate stage still plans into empty regions; each one is a dead letter (a
  record on `waardigwerk.in.meldingen.dlq`, an open dead letter in the console);
- rate: reports at BENCH_RATE/s (default 50) for BENCH_RATE_S s (20), p50/p99 from each report's
  ce_time until the inspectorate's feed says what happens to it (planned, re-planned or short of
  capacity);
- chain: BENCH_CHAIN_N reports (default BENCH_N, 20 000) flat out; reports/s until every service is
  idle again, latency to the inspectorate's outcome;
- intake: BENCH_INTAKE_N reports (default BENCH_N) flat out; reports/s and latency until each
  report's `melding.ontvangen` is read from the reporter's feed;
- maintenance, after each of warm-up, rate, chain and intake: until autovacuum owes nothing for what that
  stage wrote (bench/maintenance.py), so the next stage is not charged for it; seconds and CPU;
- idle: BENCH_IDLE_S s (30) with nothing offered: CPU of every process as % of one core;
- the inspectie domain alone (bench/domein.py) and the ordering of a long claim chain
  (bench/keten.py); BENCH_DOMEIN=0 leaves both out.
Per stage: statements per report per service (bench/statements.py), CPU-ms per report per process
(bench/cpu.py), record hops per report and the hop-limited ceiling (bench/hops.py), beside the
targets. The reports go to new employers spread over the five regions. Prints the tables
(bench/tabel.py) and writes JSON to .bench/.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench import cpu, domein, keten, maintenance, tabel
from bench.hops import Broker
from bench.statements import Statements
from bench.tabel import TARGETS
from tools.partner import Ontvangen, Partner
from tools.stackenv import ROOT, client_options, stack_env

N = int(os.environ.get("BENCH_N", "20000"))
N_CEILING = int(os.environ.get("BENCH_CEILING_N", "100000"))
N_INTAKE = int(os.environ.get("BENCH_INTAKE_N", str(N)))
N_CHAIN = int(os.environ.get("BENCH_CHAIN_N", str(N)))
RATE = float(os.environ.get("BENCH_RATE", "50"))
RATE_S = float(os.environ.get("BENCH_RATE_S", "20"))
IDLE_S = float(os.environ.get("BENCH_IDLE_S", "30"))
WARMUP_S = float(os.environ.get("BENCH_WARMUP_S", "30"))
DOMEIN = os.environ.get("BENCH_DOMEIN", "1") != "0"
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
    try:  # started inside: a start that fails still stops the client (stop is safe on an unstarted one)
        await producer.start()
        for topic in (src, dst):  # a metadata request makes the broker create the topic before the loop
            await producer.partitions_for(topic)
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
        try:
            await consumer.start()
            conn = await asyncpg.connect(database_url)
            await conn.execute("CREATE TEMP TABLE bench_rows (k text, v bytea)")
            started, done = time.perf_counter(), 0
            try:
                while done < n:
                    batches = await consumer.getmany(timeout_ms=500)
                    records = [r for rs in batches.values() for r in rs]
                    if not records:
                        if not done:
                            started = time.perf_counter()  # joining the group is not throughput
                        continue
                    async with conn.transaction():
                        await conn.copy_records_to_table(
                            "bench_rows", records=[(r.key.decode(), r.value) for r in records]
                        )
                    for r in records:
                        await producer.send(dst, r.value, key=r.key)
                    await producer.flush()
                    await consumer.commit()
                    done += len(records)
                seconds = time.perf_counter() - started
            finally:
                await conn.close()
        finally:
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


def geweigerde_melding(org: str, kvk_basis: int, i: int) -> dict[str, Any]:
    """A report without an employer: refused by the intake, told to its reporter (`melding.afgewezen`)."""
    report = melding(org, kvk_basis, i)
    del report["werkgever"]
    return report


@dataclass(frozen=True)
class Traject:
    """What one benchmark times: from a report's ce_time until `uit` (the output of the report with
    key `sleutel(report)`, recognised by `herken`) is consumed from the partner topic `feed`. The
    reports are made by `maak(org, kvk_basis, i)`."""

    naam: str
    feed: str  # may name {org}
    sleutel: Callable[[dict[str, Any]], str]
    herken: Callable[[Ontvangen], str | None]
    maak: Callable[[str, int, int], dict[str, Any]] = melding


INTAKE = Traject(
    "intake",
    "waardigwerk.uit.melder.{org}",
    lambda m: m["melder"]["referentie"],
    lambda e: (e.data or {}).get("melder_referentie") if e.type == "nl.waardigwerk.melding.ontvangen" else None,
)
WEIGERING = Traject(
    "refused",
    "waardigwerk.uit.melder.{org}",
    lambda m: m["melder"]["referentie"],
    lambda e: (e.data or {}).get("melder_referentie") if e.type == "nl.waardigwerk.melding.afgewezen" else None,
    geweigerde_melding,
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
            data = traject.maak(org, kvk_basis, i)
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
        "first_offer": started,
    }


def code_version() -> str:
    """The commit the services run, with `+changes` when the working tree differs from it."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
    return head.stdout.strip() + ("+changes" if changed.stdout.strip() else "")


@dataclass
class Meters:
    """What every stage is measured with: the broker's offsets, the statements, the processes' CPU."""

    broker: Broker
    statements: Statements | None
    pids: dict[str, int]

    async def costed(self, reports: int, run: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        """Run a stage from an idle stack and measure what it costs until the stack is idle again:
        statements and CPU per report, hops per report. Adds `until_idle_s` (from the stage's first
        report, `first_offer`, else from its start, until every service is idle)."""
        await self.broker.wait_idle()
        if self.statements:
            await self.statements.reset()
        before, cpu_before, started = await self.broker.tally(), cpu.snapshot(self.pids), time.perf_counter()
        result = await run()
        idle_at = await self.broker.wait_idle()
        cpu_after, after = cpu.snapshot(self.pids), await self.broker.tally()
        counts = await self.statements.counts() if self.statements else {}
        result["statement_evictions"] = await self.statements.evictions() if self.statements else 0
        result["load_average_1m"] = round(os.getloadavg()[0], 1)  # other work on the machine skews the rates
        result["until_idle_s"] = round(idle_at - result.pop("first_offer", started), 3)
        result["hops_per_report"] = round((after.committed - before.committed) / reports, 2)
        result["appended_per_report"] = round((after.appended - before.appended) / reports, 2)
        result["cpu_ms_per_report"] = {
            k: round(v * 1000 / reports, 3) for k, v in cpu.used(cpu_before, cpu_after).items()
        }
        result["statements_per_report"] = {k: round(v / reports, 2) for k, v in sorted(counts.items())}
        return result


async def maintenance_after(meters: Meters, database_url: str, reports: int) -> dict[str, Any]:
    """The database's autovacuum of what the stages wrote, from the last stage's end until it owes
    nothing (`bench/maintenance.py`): its seconds and CPU, per report of the stages."""
    before = cpu.snapshot(meters.pids)
    settled = await maintenance.wait_settled(database_url)
    used = cpu.used(before, cpu.snapshot(meters.pids))
    return {
        "seconds": round(settled.seconds, 1),
        "still_due": settled.still_due,
        "reports": reports,
        "cpu_ms_per_report": {k: round(v * 1000 / reports, 3) for k, v in used.items()},
    }


async def idle(meters: Meters, seconds: float) -> dict[str, Any]:
    """CPU of every process and statements per second while nothing is offered."""
    await meters.broker.wait_idle()
    if meters.statements:
        await meters.statements.reset()
    before = cpu.snapshot(meters.pids)
    await asyncio.sleep(seconds)
    used = cpu.used(before, cpu.snapshot(meters.pids))
    counts = await meters.statements.counts() if meters.statements else {}
    return {
        "seconds": seconds,
        "cpu_percent": {k: round(v * 100 / seconds, 2) for k, v in used.items()},
        "statements_per_s": {k: round(v / seconds, 2) for k, v in sorted(counts.items())},
    }


async def main() -> None:
    env = stack_env()
    bootstrap, database_url, login = env["KAFKA_BOOTSTRAP_SERVERS"], env["DATABASE_URL"], client_options(env)
    state = Path(env.get("WAARDIGWERK_STACK_DIR") or ROOT / ".stack")
    pids = cpu.stack_pids(state)
    services = [name for name in pids if name not in ("kafka", "postgres") and not name.startswith("kafka-")]
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(),
        "sizes": {
            "ceiling": N_CEILING,
            "intake": N_INTAKE,
            "chain": N_CHAIN,
            "rate": RATE,
            "rate_s": RATE_S,
            "warmup_s": WARMUP_S,
        },
        "cpus": os.cpu_count(),
        "code": code_version(),
        "targets": TARGETS,
    }
    print(
        f"Benchmarks on {bootstrap}: ceiling N={N_CEILING} (BENCH_CEILING_N), intake N={N_INTAKE} (BENCH_INTAKE_N), "
        f"chain N={N_CHAIN} (BENCH_CHAIN_N), {RATE:g}/s for {RATE_S:g} s (BENCH_RATE, BENCH_RATE_S), "
        f"warm-up {WARMUP_S:g} s (BENCH_WARMUP_S), idle {IDLE_S:g} s (BENCH_IDLE_S); "
        f"code {results['code']}; processes: {', '.join(pids)}",
        flush=True,
    )
    file = ROOT / ".bench" / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    file.parent.mkdir(exist_ok=True)
    schemas = list(dict.fromkeys(name.partition("-")[0] for name in services))  # replicas share one
    statements = await Statements.open(database_url, schemas)
    if statements is None:
        print("  pg_stat_statements is not loaded on this server: no statement counts", flush=True)
    try:
        async with Broker(bootstrap, login) as broker:
            meters = Meters(broker, statements, pids)
            print("priming: 20 reports through the whole path (not measured) ...", flush=True)
            await measure(bootstrap, login, PAD, 20, None)
            n_rate, n_warmup = int(RATE * RATE_S), int(RATE * WARMUP_S)
            stages: list[tuple[str, int, Callable[[], Awaitable[dict[str, Any]]], str]] = [
                (
                    "ceiling",
                    N_CEILING,
                    lambda: ceiling(bootstrap, login, database_url, N_CEILING),
                    "ceiling: consume + COPY + produce, no domain logic",
                ),
                *(
                    [
                        (
                            "warmup",
                            n_warmup,
                            lambda: measure(bootstrap, login, WEIGERING, n_warmup, RATE),
                            f"reports the intake refuses at {RATE:g}/s for {WARMUP_S:g} s, to warm the broker up",
                        )
                    ]
                    if n_warmup > 0
                    else []
                ),
                (
                    "rate",
                    n_rate,
                    lambda: measure(bootstrap, login, PAD, n_rate, RATE),
                    f"report -> inspectie outcome at {RATE:g}/s for {RATE_S:g} s",
                ),
                (
                    "chain",
                    N_CHAIN,
                    lambda: measure(bootstrap, login, PAD, N_CHAIN, None),
                    "whole chain flat out, until every service is idle",
                ),
                (
                    "intake",
                    N_INTAKE,
                    lambda: measure(bootstrap, login, INTAKE, N_INTAKE, None),
                    "intake flat out: ingediend -> ontvangen on the reporter's feed",
                ),
            ]  # rate before the flat-out ones, while the regions have capacity (the warm-up plans nothing)
            previous: str | None = None
            for name, n, run, title in stages:
                if previous in tabel.WAITED_STAGES:
                    # Autovacuum of what the stage before wrote would otherwise be counted in this one
                    # (0.2 CPU-ms per report of PostgreSQL in the intake stage after the chain).
                    print(f"maintenance: until autovacuum owes nothing for what {previous} wrote ...", flush=True)
                    waited = await maintenance_after(meters, database_url, results[previous]["events"])
                    results.setdefault("maintenance_between", {})[previous] = waited
                    print(f"  maintenance after {previous}: {json.dumps(waited)}", flush=True)
                print(f"{name}: {title} ...", flush=True)
                results[name] = await meters.costed(n, run)
                print(f"  {name}: {json.dumps(results[name])}", flush=True)
                file.write_text(json.dumps(results, indent=2))  # what a run stopped halfway has
                previous = name
            chain = results["chain"]
            chain["to_outcome_per_s"] = chain["events_per_s"]
            chain["events_per_s"] = round(chain["completed"] / chain["until_idle_s"], 1)  # reports until idle
            print("maintenance: until autovacuum owes nothing for what intake wrote ...", flush=True)
            results["maintenance"] = await maintenance_after(meters, database_url, results["intake"]["events"])
            print(f"  maintenance: {json.dumps(results['maintenance'])}", flush=True)
            print(f"idle: {IDLE_S:g} s with nothing offered ...", flush=True)
            results["idle"] = await idle(meters, IDLE_S)
    finally:
        if statements:
            await statements.close()
    if DOMEIN:
        print("inspectie domain: recompute risk and plan, 10k and 100k employers ...", flush=True)
        results["inspectie_domein"] = await asyncio.to_thread(domein.main, [10_000, 100_000])
        print("loonvordering domain: order a chain from 16 000 one-party answers ...", flush=True)
        results["keten_ordening"] = await asyncio.to_thread(keten.main, [16_000])
    print()
    shown: list[str] = [s for s in ("ceiling", "warmup", "rate", "chain", "intake") if s in results]
    print(tabel.render(results, shown, [*services, "kafka", "postgres"]))
    file.write_text(json.dumps(results, indent=2))
    print(f"written: {file.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
