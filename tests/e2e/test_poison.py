"""Multi-record batches on the real broker: hundreds of records over three partitions with each
class of hostile record in the middle, and the service's database connections cut while it
applies them. Every valid record has exactly one effect (the effect table has no key that would
hide a second one) and every hostile record is in the DLQ with a reason. Then, against the
stack's melding: an envelope error is rejected to the reporter without repeating a personal
value, and a reused ce_id with other content is dead-lettered."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.contract.base import ContractModel, KvkNummer
from shared.service import Context, Service
from shared.settings import Settings
from tests.poison import BUG, CANARY, CONCURRENT, MISUSE, misuse_driver, poison_classes, use_concurrently
from tools.partner import Partner

pytestmark = pytest.mark.stack
VALID = 240
TYPE = "nl.waardigwerk.proef.ingediend"


class Proef(ContractModel):
    kvk_nummer: KvkNummer
    aantal: int


def envelope() -> list[tuple[str, bytes | None]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_source", b"urn:nld:test:proef"),
        ("ce_type", TYPE.encode()),
        ("ce_time", b"2026-12-03T10:00:00+01:00"),
        ("content-type", b"application/json"),
    ]


async def cut_connections(database_url: str, since: float) -> int:
    """pg_terminate_backend for every client connection opened since the service started."""
    conn = await asyncpg.connect(database_url)
    try:
        return int(
            await conn.fetchval(
                """SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()
                     AND backend_type = 'client backend' AND backend_start >= to_timestamp($1)""",
                since,
            )
        )
    finally:
        await conn.close()


async def test_big_batches_with_poison_and_cut_connections_apply_each_valid_record_once(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "0001_proef.sql").write_text("CREATE TABLE proef (kvk text NOT NULL, aantal int);")
    topic = f"waardigwerk.test.poison.{uuid.uuid4().hex[:8]}"
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    settings = Settings(
        kafka_bootstrap_servers=bootstrap, database_url=stack_env["DATABASE_URL"], waardigwerk_record_pogingen=3
    )
    service = Service(f"proef{uuid.uuid4().hex[:6]}", migrations=tmp_path, settings=settings)

    calls, cut = [0], [0]

    async def registreer(ctx: Context, proef: Proef) -> None:
        calls[0] += 1
        if calls[0] == VALID // 3 and not cut[0]:  # mid-batch, before its commit
            cut[0] = await cut_connections(stack_env["DATABASE_URL"], since)
        if proef.aantal == BUG:
            raise KeyError("a bug in the handler")
        if proef.aantal == MISUSE:
            await misuse_driver(ctx.conn)
        if proef.aantal == CONCURRENT:
            await use_concurrently(ctx.conn)
        await ctx.conn.execute("INSERT INTO proef (kvk, aantal) VALUES ($1, $2)", proef.kvk_nummer, proef.aantal)

    service.handles(topic, TYPE, model=Proef)(registreer)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()
    klassen = poison_classes(envelope())
    every = VALID // len(klassen)
    poison_at: dict[str, tuple[int, int]] = {}
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20)
    await producer.start()
    try:
        namen = iter(klassen)
        for i in range(VALID):
            value = json.dumps({"kvk_nummer": f"{10_000_000 + i}", "aantal": 1}).encode()
            await producer.send(topic, value, key=f"k{i}".encode(), headers=envelope(), partition=i % 3)
            if i % every == every // 2 and (naam := next(namen, None)) is not None:
                hdrs, value, key = klassen[naam]
                md = await (await producer.send(topic, value, key=key, headers=hdrs, partition=i % 3))
                poison_at[naam] = (md.partition, md.offset)
        await producer.flush()
    finally:
        await producer.stop()
    assert len(poison_at) == len(klassen)

    # The test reads through a connection of its own, opened before the cut: the cut ends every
    # connection the service opened, and the test must not see the service's pool recover.
    watcher = await asyncpg.connect(stack_env["DATABASE_URL"], server_settings={"search_path": service.schema})
    since = time.time()
    service.app()
    started = asyncio.get_running_loop().time()
    await service.broker.start()
    await service.start()
    try:
        for _ in range(1200):
            n = await watcher.fetchval("SELECT count(*) FROM proef")
            dead = await watcher.fetchval("SELECT count(*) FROM outbox WHERE topic = $1", f"{topic}.dlq")
            if n >= VALID and dead >= len(klassen):
                break
            await asyncio.sleep(0.25)
        await asyncio.sleep(1.0)  # a second effect would show up here
        rows = await watcher.fetch("SELECT kvk, count(*) AS n FROM proef GROUP BY kvk")
        dead_rows = await watcher.fetch("SELECT headers FROM outbox WHERE topic = $1", f"{topic}.dlq")
    finally:
        await service.broker.stop()
        await watcher.execute(f'DROP SCHEMA "{service.schema}" CASCADE')
        await watcher.close()
        await service.stop()
    print(f"{VALID} valid + {len(klassen)} poison in {asyncio.get_running_loop().time() - started:.1f} s, {cut[0]} cut")
    assert cut[0] > 0, "the connections were cut while a batch applied"
    counts = {r["kvk"]: r["n"] for r in rows}
    assert sorted(counts) == [f"{10_000_000 + i}" for i in range(VALID)], "every valid record applied"
    assert {n for n in counts.values()} == {1}, "and none twice"
    reasons = {}
    for r in dead_rows:
        h = dict(json.loads(r["headers"]))
        assert CANARY not in json.dumps(h)
        reasons[(int(h["dlq_partitie"]), int(h["dlq_offset"]))] = h["dlq_reden"]
    assert {naam: reasons.get(pos) for naam, pos in poison_at.items()} == {
        **{naam: "ongeldige_envelop" for naam in poison_at},
        "int_out_of_range": "ongeldige_inhoud",
        "handler_bug": "verwerkingsfout",
        "driver_misuse": "verwerkingsfout",
        "concurrent_use": "verwerkingsfout",
    }, "every hostile record dead-lettered with its reason"
    assert len(dead_rows) == len(poison_at), "each once, and nothing else"


def report(ref: str) -> bytes:
    return json.dumps(
        {
            "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": ref},
            "werkgever": {"kvk_nummer": "12345678"},
            "categorieen": ["onderbetaling"],
            "omschrijving": "Minder dan het minimumloon.",
        }
    ).encode()


def report_headers(ce_id: str, **changed: bytes) -> list[tuple[str, bytes | None]]:
    base = {
        "ce_specversion": b"1.0",
        "ce_id": ce_id.encode(),
        "ce_source": b"urn:nld:vakbond:fnv:meldpunt",
        "ce_type": b"nl.waardigwerk.melding.ingediend",
        "ce_time": b"2026-12-03T10:00:00+01:00",
        "content-type": b"application/json",
    }
    return list({**base, **changed}.items())


async def test_an_envelope_error_is_rejected_to_the_sender_and_no_personal_value_is_copied(
    stack_env: dict[str, str],
) -> None:
    """A report whose ce_time (and subject, and an extra header) hold a BSN: the reporter is told
    which attribute is wrong, and neither the rejection nor the dead letter's headers repeat it."""
    ref, ce_id = f"FNV-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    topics = ["waardigwerk.uit.melder.fnv", "waardigwerk.in.meldingen.dlq"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        producer = AIOKafkaProducer(bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"])
        await producer.start()
        try:
            hdrs = report_headers(ce_id, ce_time=CANARY.encode(), ce_subject=f"bsn {CANARY}".encode())
            await producer.send_and_wait(
                "waardigwerk.in.meldingen", report(ref), key=ref.encode(), headers=[*hdrs, ("x-bsn", CANARY.encode())]
            )
        finally:
            await producer.stop()
        afgewezen = await partner.expect(
            "waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.afgewezen", lambda d: d["melder_referentie"] == ref
        )
        assert any("ce_time" in f["melding"] for f in afgewezen.data["fouten"]), "names the attribute"
        assert CANARY not in json.dumps(afgewezen.data) and CANARY not in json.dumps(afgewezen.headers)
        dead = await partner.expect("waardigwerk.in.meldingen.dlq", where=lambda d: d["melder"]["referentie"] == ref)
    assert dead.headers["dlq_reden"] == "ongeldige_envelop" and dead.headers["ce_id"] == ce_id
    assert "ce_time" in dead.headers["dlq_details"]
    assert CANARY not in json.dumps(dead.headers), "no header of the dead letter repeats the BSN"
    assert dead.value == report(ref), "the value is kept unchanged"


async def test_the_same_ce_id_with_other_content_is_dead_lettered_not_ignored(stack_env: dict[str, str]) -> None:
    first, second, ce_id = f"FNV-{uuid.uuid4().hex[:8]}", f"FNV-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    topics = ["waardigwerk.uit.melder.fnv", "waardigwerk.in.meldingen.dlq"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        producer = AIOKafkaProducer(bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"])
        await producer.start()
        try:
            for ref in (first, first, second):  # a redelivery, then other content under the same id
                await producer.send_and_wait(
                    "waardigwerk.in.meldingen", report(ref), key=b"same", headers=report_headers(ce_id)
                )
        finally:
            await producer.stop()
        await partner.expect(
            "waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.ontvangen", lambda d: d["melder_referentie"] == first
        )
        dead = await partner.expect("waardigwerk.in.meldingen.dlq", where=lambda d: d["melder"]["referentie"] == second)
        await partner.settle(3)
        dlq = partner.matching(
            "waardigwerk.in.meldingen.dlq", None, lambda d: d["melder"]["referentie"] in (first, second)
        )
        acks = partner.matching("waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.ontvangen", lambda d: True)
    assert dead.headers["dlq_reden"] == "ce_id_hergebruikt"
    assert len(dlq) == 1, "the plain redelivery is no dead letter"
    assert [a.data["melder_referentie"] for a in acks if a.data["melder_referentie"] in (first, second)] == [first]
