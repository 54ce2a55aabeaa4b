"""`make chaos`: the fault matrix, on a stack of its own, with figures.

For each fault (chaos/faults.py, chaos/detours.py): CHAOS_N reports (default 2 000) offered at CHAOS_RATE per
second (default 50; a fault may set its own) as a union would, each retried with its own ce_id
until the broker has it; the fault injected mid-stream and healed after its duration; then wait
until every report is acknowledged or nothing new arrives for CHAOS_QUIET_S (default 90). Then
count, per fault:

    published      reports the broker accepted (distinct)
    acked          distinct `melding.ontvangen` on the reporter's partner topic
    dup            acknowledgements beyond one per report, under a new ce_id (a second effect)
    redelivered    the same acknowledgement (same ce_id) again: the relay sent it, then the
                   database lost the mark "sent"; the contract's idempotency key makes it one effect
    lost           published but never acknowledged
    cases          distinct cases in melding.melding for the run's organisation
    planned        employers with a planning outcome on the inspectorate's feed (one per report)
    recovery_s     fault ends (the heal starts) -> last output of the run (acks and planning)
    ack_recovery_s fault ends -> last acknowledgement
    restarted      services (the console too) whose process changed, beyond the one the fault restarts

Prints a table, writes JSON to .chaos/, exits 1 on any loss or duplicate (of acknowledgements,
cases or planning outcomes), or on a restart nobody asked for. CHAOS_FAULTS=a,b runs only those.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka.errors import KafkaError

from bench.__main__ import PAD, PLAN_UITKOMSTEN, melding
from bench.hops import Broker
from chaos.detours import arranged
from chaos.faults import LAYOUT, Fault, catalogue, pid
from chaos.resources import Sampler, report
from deploy.local.service_procs import configured
from tools.partner import Partner
from tools.stackenv import ROOT, client_options, stack_env

N = int(os.environ.get("CHAOS_N", "2000"))
RATE = float(os.environ.get("CHAOS_RATE", "50"))
QUIET_S = float(os.environ.get("CHAOS_QUIET_S", "90"))
SOAK_S = float(os.environ.get("CHAOS_SOAK_S", "1800"))
# The parts the stack runs (the five services and the console): waited for after every fault, and
# counted as restarted when their process changed.
SERVICES = list(configured(os.environ))
ONTVANGEN = "nl.waardigwerk.melding.ontvangen"


def ready(service: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{LAYOUT.port(service)}/health/ready", timeout=5) as r:
            return int(r.status) == 200
    except (OSError, urllib.error.URLError):
        return False


async def all_ready(within_s: float = 600) -> float:
    started = time.monotonic()
    while not all(await asyncio.gather(*(asyncio.to_thread(ready, s) for s in SERVICES))):
        if time.monotonic() - started > within_s:
            raise SystemExit(f"the services did not all become ready within {within_s:.0f} s")
        await asyncio.sleep(1)
    return time.monotonic() - started


async def publish_until_accepted(partner: Partner, data: dict[str, Any], event_id: str, accepted: set[str]) -> None:
    """A partner's retry: the same ce_id again until the broker has the record."""
    ref = data["melder"]["referentie"]
    while True:
        try:
            await partner.publish(
                "waardigwerk.in.meldingen", "nl.waardigwerk.melding.ingediend", data, key=ref, event_id=event_id
            )
            accepted.add(ref)
            return
        except KafkaError:
            await asyncio.sleep(1)


async def run_fault(fault: Fault, env: dict[str, str]) -> dict[str, Any]:
    bootstrap, login = env["KAFKA_BOOTSTRAP_SERVERS"], client_options(env)
    org = f"chaos-{uuid.uuid4().hex[:8]}"
    rate = fault.rate or RATE
    n = N if fault.seconds is None else round(fault.seconds * rate)
    kvk_basis = random.randrange(10_000_000, 99_999_999 - n)
    sampler = Sampler() if fault.sampled else None
    sampling = asyncio.create_task(sampler.run()) if sampler else None
    feed = f"waardigwerk.uit.melder.{org}"
    pids_before = {s: pid(s) for s in SERVICES}
    fault.observed.clear()
    accepted: set[str] = set()
    async with Partner(bootstrap, [feed, PAD.feed], login) as partner:
        sends: list[asyncio.Task[None]] = []
        fault_task: asyncio.Task[float] | None = None

        async def inject_and_heal() -> float:
            await fault.inject()
            await asyncio.sleep(fault.lasts_s)
            healing = time.time()  # the fault ends here; starting the part again is part of the recovery
            await fault.heal()
            return healing

        started = time.perf_counter()
        for i in range(n):
            if fault_task is None and i >= n * fault.at:
                print(f"  {fault.name}: {fault.what} (after {i} reports)", flush=True)
                fault_task = asyncio.create_task(inject_and_heal())
            data = melding(org, kvk_basis, i)
            sends.append(asyncio.create_task(publish_until_accepted(partner, data, str(uuid.uuid4()), accepted)))
            await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.perf_counter()))
        assert fault_task is not None
        healed_at = await fault_task
        await asyncio.gather(*sends)
        print(f"  {fault.name}: healed; {len(accepted)} reports accepted; waiting for the outputs", flush=True)
        wanted = {melding(org, kvk_basis, i)["werkgever"]["kvk_nummer"] for i in range(n)}
        last_count, last_change = -1, time.monotonic()
        while time.monotonic() - last_change < QUIET_S:
            count = len(partner.received)
            acked = {e.data.get("melder_referentie") for e in partner.matching(feed, ONTVANGEN)}
            if count != last_count:
                last_count, last_change = count, time.monotonic()
            if len(acked) >= len(accepted) and planned(partner, wanted)[0] >= len(accepted):
                await asyncio.sleep(5)  # anything duplicated would arrive now
                break
            await asyncio.sleep(0.5)
        acks = partner.matching(feed, ONTVANGEN)
        plan_employers, plan_repeated, plan_redelivered, outcomes = planned(partner, wanted)
        ours = [e for e in partner.received if e.topic == feed or PAD.herken(e) in wanted]
        last_output = max((e.arrived for e in ours), default=healed_at)
        last_ack = max((e.arrived for e in partner.matching(feed, ONTVANGEN)), default=healed_at)
        reader_alive = partner._task is not None and not partner._task.done()
    if sampling is not None:
        sampling.cancel()
    distinct = {a.data.get("melder_referentie") for a in acks}
    ids = {a.ce.get("id") for a in acks}
    cases = await count_cases(env["DATABASE_URL"], org)
    ready_s = await all_ready()
    restarted = changed(pids_before, {s: pid(s) for s in SERVICES}, fault.restarts)
    row: dict[str, Any] = {
        "fault": fault.name,
        "what": fault.what,
        "rate": rate,
        "published": len(accepted),
        "acked": len(distinct & accepted),
        "dup": len(ids) - len(distinct),  # a report acknowledged twice under different ce_ids
        "redelivered": len(acks) - len(ids),  # the same ce_id again (the relay sent it before a crash)
        "lost": len(accepted - distinct),
        "cases": cases,
        "planned": plan_employers,
        "plan_dup": plan_repeated,
        "plan_redelivered": plan_redelivered,
        "outcomes": outcomes,
        "recovery_s": round(max(0.0, last_output - healed_at), 1),
        "ack_recovery_s": round(max(0.0, last_ack - healed_at), 1),
        "ready_after_s": round(ready_s, 1),
        "restarted": restarted,
        "reader_alive": reader_alive,
    } | ({"resources": sampler.summary()} if sampler else {})
    if fault.observed:
        row["observed"] = dict(fault.observed)
    return row


def changed(before: Mapping[str, int | None], after: Mapping[str, int | None], restarts: tuple[str, ...]) -> list[str]:
    """The parts whose process changed during a fault, beyond the ones the fault itself restarts."""
    return [s for s in after if s not in restarts and after[s] != before.get(s)]


def planned(partner: Partner, wanted: set[str]) -> tuple[int, int, int, dict[str, int]]:
    """Employers of this run with a planning outcome; outcomes of one type for one employer beyond
    the first under a new ce_id (a duplicate: the domain may say gepland and later
    capaciteitstekort, never one twice); the same outcome again under its own ce_id (redelivered:
    the egress's relay sent it before a crash, the contract's idempotency key makes it one);
    outcomes per type."""
    per_type: dict[str, int] = {}
    first_id: dict[tuple[str, str], str | None] = {}
    repeated = redelivered = 0
    for e in partner.received:
        kvk = PAD.herken(e)
        if kvk in wanted and e.type in PLAN_UITKOMSTEN:
            outcome = (kvk, e.type.rsplit(".", 1)[1])
            if outcome not in first_id:
                first_id[outcome] = e.ce.get("id")
                per_type[outcome[1]] = per_type.get(outcome[1], 0) + 1
            elif first_id[outcome] == e.ce.get("id"):
                redelivered += 1
            else:
                repeated += 1
    return len({kvk for kvk, _ in first_id}), repeated, redelivered, per_type


async def count_cases(database_url: str, org: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        query = "SELECT count(DISTINCT zaak_id) FROM melding.melding WHERE organisatie = $1"
        return int(await conn.fetchval(query, org))
    finally:
        await conn.close()


def failed(row: dict[str, Any]) -> list[str]:
    problems = []
    if row["lost"] or row["dup"]:
        problems.append(f"{row['lost']} lost, {row['dup']} duplicated acknowledgements")
    if row["cases"] != row["published"]:
        problems.append(f"{row['cases']} cases for {row['published']} reports")
    if row["planned"] != row["published"] or row["plan_dup"]:
        problems.append(f"{row['planned']} employers planned for {row['published']}, {row['plan_dup']} twice")
    if row["restarted"]:
        problems.append(f"restarted: {', '.join(row['restarted'])}")
    if not row["reader_alive"]:
        problems.append("the partner's reader stopped (figures incomplete)")
    return problems


def seen(observed: dict[str, Any]) -> str:
    """What a fault saw, in a few words (the JSON has it in full)."""
    return " ".join(f"{key}={value}" for key, value in observed.items())


def table(rows: list[dict[str, Any]]) -> str:
    head = f"{'fault':22s} {'published':>9s} {'acked':>6s} {'dup':>4s} {'redel':>5s} {'lost':>5s} "
    head += f"{'cases':>6s} {'planned':>7s} "
    head += f"{'recovery_s':>10s} {'ack_rec_s':>9s} {'ready_s':>7s}  verdict; what the fault saw"
    lines = [head]
    for r in rows:
        verdict = "; ".join(failed(r)) or "ok"
        lines.append(
            f"{r['fault']:22s} {r['published']:9d} {r['acked']:6d} {r['dup']:4d} {r.get('redelivered', 0):5d} "
            f"{r['lost']:5d} {r['cases']:6d} "
            f"{r['planned']:7d} {r['recovery_s']:10.1f} {r.get('ack_recovery_s', 0.0):9.1f} {r['ready_after_s']:7.1f}  "
            f"{verdict}{'; ' + seen(r['observed']) if r.get('observed') else ''}"
        )
    return "\n".join(lines)


async def main() -> int:
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # reconnect noise while the broker is down
    env = stack_env()
    chosen = [f for f in os.environ.get("CHAOS_FAULTS", "").split(",") if f]
    every = catalogue(env["DATABASE_URL"]) + arranged(env["DATABASE_URL"], SOAK_S)
    faults = [f for f in every if not chosen or f.name in chosen]
    unknown = set(chosen) - {f.name for f in faults}
    if unknown:
        print(f"unknown faults: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    print(f"Chaos on {env['KAFKA_BOOTSTRAP_SERVERS']}: {len(faults)} faults, N={N} (CHAOS_N), {RATE:g}/s (CHAOS_RATE)")
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    out = ROOT / ".chaos"
    out.mkdir(exist_ok=True)
    file = out / f"chaos-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    for fault in faults:
        print(f"{fault.name} ...", flush=True)
        if fault.prepare:
            await fault.prepare()
        await all_ready()
        async with Broker(env["KAFKA_BOOTSTRAP_SERVERS"], client_options(env)) as broker:
            await broker.wait_idle(give_up_s=600)
        try:
            row = await run_fault(fault, env)
        finally:
            if fault.cleanup:
                await fault.cleanup()
        if "resources" in row:
            print(report(row["resources"]), flush=True)
        print(f"  {fault.name}: {'; '.join(failed(row)) or 'ok'} (recovery {row['recovery_s']} s)", flush=True)
        rows.append(row)
        result = {"when": datetime.now(UTC).isoformat(), "n": N, "rate": RATE, "rows": rows}
        file.write_text(json.dumps(result | {"wall_s": round(time.monotonic() - started)}, indent=2))  # so far
    wall = round(time.monotonic() - started)
    print("\n" + table(rows) + f"\n\nwall time {wall} s")
    for row in rows:
        if "resources" in row:
            print(f"\n{row['fault']}: memory and open files\n" + report(row["resources"]))
    result = {"when": datetime.now(UTC).isoformat(), "n": N, "rate": RATE, "wall_s": wall, "rows": rows}
    file.write_text(json.dumps(result, indent=2))
    print(f"written: {file.relative_to(ROOT)}")
    return 1 if any(failed(r) for r in rows) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
