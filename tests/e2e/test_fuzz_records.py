"""Raw-record fuzzer on the real broker: hypothesis-generated Kafka records (arbitrary bytes in key,
header names and values, null header values, invalid UTF-8, NUL bytes, deep JSON, huge numbers,
a canary BSN) produced straight to two inbound topics, in the middle of valid reports.

Every fuzzed record is either applied (acknowledged to its reporter) or dead-lettered with a
reason; every valid report is acknowledged exactly once; no partition stalls (everything arrives
within the wait); the canary never appears in a DLQ record's headers nor in a service's log.
Bounded (a few examples of some hundred records each) so that it runs in `make test`."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.stack
CANARY = b"123456782"  # passes the elfproef
MELDINGEN = "waardigwerk.in.meldingen"
HUUR = "waardigwerk.in.huurcontracten"
ACK_TOPIC = "waardigwerk.uit.melder.fnv"
ONTVANGEN = "nl.waardigwerk.melding.ontvangen"
VALID_PER_EXAMPLE = 60
WAIT_S = 150.0  # returns as soon as every record is accounted for
LOGS = ("melding", "huisvesting", "deling", "inspectie")
# A few employers per run in one region: the valid reports plan at most this many inspections, so
# the fuzzer does not use up the planning capacity the other end-to-end tests count on.
EMPLOYERS = [str(random.randrange(10_000_000, 99_999_999)) for _ in range(3)]


def employer_of(ref: str) -> str:
    """One of EMPLOYERS, fixed by the reference (strategies draw no randomness of their own)."""
    return EMPLOYERS[zlib.crc32(ref.encode()) % len(EMPLOYERS)]


def report(ref: str, extra: str = "Uitzendkrachten krijgen minder dan het minimumloon.") -> bytes:
    return json.dumps(
        {
            "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": ref},
            "werkgever": {
                "kvk_nummer": employer_of(ref),
                "naam": "Kas Westland BV",
            },
            "werklocatie": {"postcode": "3511AA", "huisnummer": "1", "gemeentecode": "GM0344"},
            "categorieen": ["onderbetaling"],
            "aantal_betrokkenen": 3,
            "omschrijving": extra,
        }
    ).encode()


def envelope(ce_id: bytes, ce_type: bytes = b"nl.waardigwerk.melding.ingediend") -> list[tuple[str, bytes | None]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", ce_id),
        ("ce_source", b"urn:nld:vakbond:fnv:meldpunt"),
        ("ce_type", ce_type),
        ("ce_time", b"2026-12-03T10:00:00+01:00"),
        ("content-type", b"application/json"),
    ]


hostile_bytes = st.one_of(
    st.binary(max_size=24),
    st.sampled_from([b"\x00", b"\xff\xfe", b"\xed\xa0\x80", b"a\x00b", CANARY, b"bsn " + CANARY, b"\xc0\x80"]),
    st.text(max_size=12).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
header_value = st.one_of(st.none(), hostile_bytes)
header_name = st.one_of(
    st.sampled_from(["ce_id", "ce_time", "ce_type", "ce_source", "ce_subject", "ce_specversion", "content-type"]),
    st.text(min_size=1, max_size=12).filter(
        lambda n: n.encode("utf-8", "surrogatepass") == n.encode("utf-8", "ignore")
    ),
)
deep_json = st.integers(min_value=2_000, max_value=10_000).map(lambda n: b"[" * n + b"]" * n)
huge_number = st.integers(min_value=400, max_value=6_000).map(lambda n: b'{"aantal_betrokkenen": 1' + b"9" * n + b"}")
canary_json = st.sampled_from(
    [
        b'{"melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": "%s"}}' % CANARY,
        b'{"bsn": "%s", "x": "\\u0000"}' % CANARY,
        b'{"melder": {"organisatie": "fnv", "referentie": "\\ud800"}}',
    ]
)


@dataclass
class Fuzzed:
    topic: str
    key: bytes | None
    headers: list[tuple[str, bytes | None]]
    value: bytes | None
    ref: str | None = None  # set when it may be a valid report (then acknowledged instead of dead-lettered)


@st.composite
def fuzzed_record(draw: st.DrawFn) -> Fuzzed:
    ref = f"FZ-{uuid.uuid4().hex[:12]}"
    topic = draw(st.sampled_from([MELDINGEN, MELDINGEN, HUUR]))
    key = draw(st.one_of(st.none(), hostile_bytes, st.just(ref.encode())))
    headers = envelope(f"fz-{uuid.uuid4()}".encode())
    value: bytes | None = report(ref)
    mutation = draw(st.sampled_from(["header", "extra_header", "value", "both", "nul_id"]))
    if mutation in ("header", "both"):
        name = draw(st.sampled_from([h[0] for h in headers]))
        new = draw(header_value)
        if name == "ce_id" and new is not None:
            new = f"fz-{uuid.uuid4()}-".encode() + new  # stays unique, still hostile
        headers = [(k, new if k == name else v) for k, v in headers]
    if mutation == "extra_header":
        headers.append((draw(header_name), draw(header_value)))
    if mutation == "nul_id":
        headers = [(k, f"fz-{uuid.uuid4()}\x00".encode() if k == "ce_id" else v) for k, v in headers]
    if mutation in ("value", "both"):
        value = draw(st.one_of(st.none(), hostile_bytes, deep_json, huge_number, canary_json))
    if key is None and value is None:
        key = b""  # aiokafka sends no record with neither
    return Fuzzed(topic, key, headers, value, ref=ref if value is not None and value.startswith(b'{"melder"') else None)


@dataclass
class Observed:
    dead: dict[tuple[str, int, int], list[tuple[str, bytes | None]]] = field(default_factory=dict)
    acks: Counter[str] = field(default_factory=Counter)


async def read(consumer: AIOKafkaConsumer, seen: Observed, stop: asyncio.Event) -> None:
    while not stop.is_set():
        batch = await consumer.getmany(timeout_ms=200)
        for records in batch.values():
            for r in records:
                hdrs = list(r.headers)
                if r.topic.endswith(".dlq"):
                    h = {k: v for k, v in hdrs}
                    pos = (
                        (h.get("dlq_topic") or b"").decode(),
                        int(h.get("dlq_partitie") or -1),
                        int(h.get("dlq_offset") or -1),
                    )
                    seen.dead[pos] = hdrs
                elif dict(hdrs).get("ce_type") == ONTVANGEN.encode():
                    seen.acks[json.loads(r.value)["melder_referentie"]] += 1


def log_sizes(stack_dir: Path) -> dict[str, int]:
    return {
        n: (stack_dir / "logs" / f"{n}.log").stat().st_size for n in LOGS if (stack_dir / "logs" / f"{n}.log").exists()
    }


def new_log_text(stack_dir: Path, since: dict[str, int]) -> bytes:
    out = b""
    for name, size in since.items():
        with open(stack_dir / "logs" / f"{name}.log", "rb") as f:
            f.seek(size)
            out += f.read()
    return out


async def run_example(bootstrap: str, stack_dir: Path, fuzz: list[Fuzzed]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    seen, stop = Observed(), asyncio.Event()
    reader: asyncio.Task[None] | None = None
    try:  # started inside: a start that fails still stops both clients (stop is safe on an unstarted one)
        await producer.start()
        await consumer.start()
        topics = [f"{MELDINGEN}.dlq", f"{HUUR}.dlq", ACK_TOPIC]
        parts = [TopicPartition(t, p) for t in topics for p in sorted(await producer.partitions_for(t))]
        consumer.assign(parts)
        for tp, end in (await consumer.end_offsets(parts)).items():
            consumer.seek(tp, end)
        reader = asyncio.create_task(read(consumer, seen, stop))
        logs_before = log_sizes(stack_dir)
        assert logs_before, f"no service logs under {stack_dir}: the canary check would see nothing"
        valid = [f"GOED-{uuid.uuid4().hex[:12]}" for _ in range(VALID_PER_EXAMPLE)]
        sends: list[tuple[Fuzzed | None, str | None, Any]] = []
        step = max(1, VALID_PER_EXAMPLE // max(1, len(fuzz)))
        fuzz_iter = iter(fuzz)
        for i, ref in enumerate(valid):
            fut = await producer.send(
                MELDINGEN, report(ref), key=ref.encode(), headers=envelope(str(uuid.uuid4()).encode())
            )
            sends.append((None, ref, fut))
            if i % step == 0:
                for f in (next(fuzz_iter, None),):
                    if f is not None:
                        sends.append((f, None, await producer.send(f.topic, f.value, key=f.key, headers=f.headers)))
        for f in fuzz_iter:
            sends.append((f, None, await producer.send(f.topic, f.value, key=f.key, headers=f.headers)))
        placed = [(f, await fut) for f, _, fut in sends]
        expected_dead = {(f.topic, md.partition, md.offset): f for f, md in placed if f is not None}
        deadline = time.monotonic() + WAIT_S

        def open_items() -> tuple[list[str], list[Any]]:
            missing_acks = [r for r in valid if seen.acks[r] == 0]
            undecided = [
                (pos, f.headers, f.value[:60] if f.value else f.value)
                for pos, f in expected_dead.items()
                if pos not in seen.dead and not (f.ref and seen.acks[f.ref])
            ]
            return missing_acks, undecided

        while time.monotonic() < deadline and any(open_items()):
            await asyncio.sleep(0.5)
        await asyncio.sleep(1.0)  # a late duplicate would show up here
        missing_acks, undecided = open_items()
        assert not undecided, f"records neither applied nor dead-lettered (a stalled partition?): {undecided[:5]}"
        assert not missing_acks, f"{len(missing_acks)} valid reports never acknowledged: a stalled partition"
        assert [r for r in valid if seen.acks[r] != 1] == [], "every valid report acknowledged exactly once"
        for pos, f in expected_dead.items():
            assert not (pos in seen.dead and f.ref and seen.acks[f.ref]), "applied and dead-lettered both"
        for pos, hdrs in seen.dead.items():
            names = dict(hdrs)
            if pos in expected_dead:
                assert names.get("dlq_reden"), f"dead letter without a reason at {pos}"
            assert all(CANARY not in k.encode() and CANARY not in (v or b"") for k, v in hdrs), (
                f"the canary BSN is in a DLQ record's headers at {pos}"
            )
        assert CANARY not in new_log_text(stack_dir, logs_before), "the canary BSN is in a service log"
    finally:
        stop.set()
        if reader is not None:
            await reader
        await consumer.stop()
        await producer.stop()


@settings(
    max_examples=3,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(fuzz=st.lists(fuzzed_record(), min_size=25, max_size=45))
def test_fuzzed_records_are_applied_or_dead_lettered_and_nothing_stalls(
    stack_env: dict[str, str], fuzz: list[Fuzzed]
) -> None:
    stack_dir = Path(stack_env.get("WAARDIGWERK_STACK_DIR") or ".stack")
    asyncio.run(run_example(stack_env["KAFKA_BOOTSTRAP_SERVERS"], stack_dir, fuzz))
