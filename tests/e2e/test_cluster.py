"""Kafka as a cluster: three KRaft brokers, topics with replication factor 3 and min.insync.replicas 2.

In the middle of a stream of 2 000 reports the broker leading a partition of
`waardigwerk.in.meldingen` is killed with SIGKILL, later (once it is back) the one leading a
partition of the internal `waardigwerk.intern.melding`. Every report must be acknowledged to its
reporter exactly once and become exactly one case; the test prints how long each failover took:
until the partition had a new leader, and until the first report sent after the kill was
acknowledged end to end.

The cluster: the session's stack when it is one (`WAARDIGWERK_KAFKA_BROKERS=3`), else a stack of
its own (melding and deling only) in `<state>-cluster` at port offset +100, or
`WAARDIGWERK_CLUSTER_PORT_OFFSET`, stopped at the end.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from deploy.local.layout import Layout, Record, read_env_file
from shared.topics import IN_MELDINGEN, intern, uit_melder
from tools.partner import Partner

pytestmark = pytest.mark.cluster
ROOT = Path(__file__).resolve().parents[2]
N = 2000
RATE_PER_S = 100
BROKERS = 3


def stack(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "local" / "stack.py"), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        timeout=240,
    )


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """(env file of a running 3-broker stack, the environment that addresses it with stack.py)."""
    layout = Layout.from_environ(os.environ)
    record = Record.load(layout)
    if record is not None and record.kafka_brokers >= BROKERS and layout.env_file.is_file():
        yield read_env_file(layout.env_file), {}
        return
    offset = int(os.environ.get("WAARDIGWERK_CLUSTER_PORT_OFFSET") or layout.offset + 100)
    own = {
        "WAARDIGWERK_STACK_DIR": f"{layout.state}-cluster",
        "WAARDIGWERK_PORT_OFFSET": str(offset),
        "WAARDIGWERK_KAFKA_BROKERS": str(BROKERS),
        "WAARDIGWERK_SERVICES": "melding,deling",
        "WAARDIGWERK_STACK_MODE": "local",
    }
    try:
        stack(own, "up")
        yield read_env_file(Path(own["WAARDIGWERK_STACK_DIR"]) / "env"), own
    finally:
        stack(own, "down")


async def leaders(bootstrap: str, topic: str) -> dict[int, int]:
    """Partition -> leading broker (-1 while none leads)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    try:
        await admin.start()
        (described,) = await admin.describe_topics([topic])
        return {p["partition"]: p["leader"] for p in described["partitions"]}
    finally:
        await admin.close()


async def in_sync(bootstrap: str, topics: list[str]) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    try:
        await admin.start()
        return all(len(p["isr"]) == BROKERS for t in await admin.describe_topics(topics) for p in t["partitions"])
    finally:
        await admin.close()


async def settled_in_sync(bootstrap: str, topics: list[str], within_s: float = 120) -> bool:
    """Whether every replica of `topics` is in sync within `within_s`: a broker that just started, or
    a follower that fell behind on a busy machine, joins the ISR again only after it caught up."""
    deadline = time.monotonic() + within_s
    while not await in_sync(bootstrap, topics):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.25)
    return True


async def min_isr(bootstrap: str, topic: str) -> str:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        await admin.start()
        (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        entries = response.to_object()["resources"][0]["config_entries"]
        return next(str(e["config_value"]) for e in entries if e["config_names"] == "min.insync.replicas")
    finally:
        await admin.close()


async def failover(bootstrap: str, address: dict[str, str], topic: str) -> tuple[float, float]:
    """SIGKILL the broker leading partition 0 of `topic`; returns (when it died, seconds until a new leader)."""
    victim = (await leaders(bootstrap, topic))[0]
    name = "kafka" if victim == 1 else f"kafka-{victim}"
    await asyncio.to_thread(stack, address, "kill", name)
    killed = time.time()
    while True:
        try:
            leader = (await leaders(bootstrap, topic))[0]
        except Exception:  # the metadata request may go to the dead node first
            leader = victim
        if leader not in (victim, -1):
            return killed, time.time() - killed
        await asyncio.sleep(0.05)


async def test_cluster_topics_have_min_insync_replicas_two(cluster: tuple[dict[str, str], dict[str, str]]) -> None:
    env, _ = cluster
    for topic in (IN_MELDINGEN, intern("melding")):
        isr = await min_isr(env["KAFKA_BOOTSTRAP_SERVERS"], topic)
        assert isr == "2", f"{topic}: min.insync.replicas {isr}"


async def live_brokers(bootstrap: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    try:
        await admin.start()
        return len((await admin.describe_cluster())["brokers"])
    finally:
        await admin.close()


async def settled_min_isr(bootstrap: str, topic: str, expected: str) -> str:
    """The topic's min.insync.replicas once every broker has the last change (at most 10 s)."""
    deadline, isr = time.monotonic() + 10, await min_isr(bootstrap, topic)
    while isr != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        isr = await min_isr(bootstrap, topic)
    return isr


async def test_topics_job_while_a_broker_is_away_keeps_min_insync_replicas_two(
    cluster: tuple[dict[str, str], dict[str, str]],
) -> None:
    """The topics job may run while the cluster lists fewer brokers than it has (one restarting, or
    fenced for a missed heartbeat on a busy machine): the topics keep their three replicas, so they
    keep min.insync.replicas 2 (it once followed the count of live brokers and fell to 1)."""
    env, address = cluster
    bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
    topics = (IN_MELDINGEN, intern("melding"))
    job_env = {k: v for k, v in os.environ.items() if k != "WAARDIGWERK_KAFKA_BROKERS"}

    def topics_job() -> None:
        subprocess.run(
            [sys.executable, "-m", "deploy.local.topics"],
            cwd=ROOT,
            env={**job_env, "KAFKA_BOOTSTRAP_SERVERS": bootstrap},
            check=True,
            timeout=60,
        )

    await asyncio.to_thread(topics_job)  # with every broker there: the starting point is min ISR 2
    for topic in topics:
        assert await settled_min_isr(bootstrap, topic, "2") == "2", f"{topic}: not min ISR 2 to begin with"
    await asyncio.to_thread(stack, address, "stop", "kafka-3")
    try:
        while await live_brokers(bootstrap) != BROKERS - 1:
            await asyncio.sleep(0.25)
        await asyncio.to_thread(topics_job)
        for topic in topics:
            isr = await settled_min_isr(bootstrap, topic, "1")
            assert isr == "2", f"{topic}: min.insync.replicas {isr} after the topics job saw two brokers"
    finally:
        await asyncio.to_thread(stack, address, "start", "kafka-3")
        await settled_in_sync(bootstrap, list(topics))  # the next test asserts it before it begins


async def test_partition_leaders_killed_mid_stream_every_report_acknowledged_once(
    cluster: tuple[dict[str, str], dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    env, address = cluster
    bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
    assert len(bootstrap.split(",")) == BROKERS
    for topic in (IN_MELDINGEN, intern("melding")):
        assert len(await leaders(bootstrap, topic)) >= 1
    assert await settled_in_sync(bootstrap, [IN_MELDINGEN, intern("melding")]), "replication factor 3, all in sync"

    org = f"cluster{uuid.uuid4().hex[:8]}"
    feed = uit_melder(org)
    sent_at: dict[str, float] = {}
    kills: dict[str, tuple[float, float]] = {}
    plan = ((IN_MELDINGEN, N // 5), (intern("melding"), 3 * N // 5))
    killed = {topic: asyncio.Event() for topic, _ in plan}
    async with Partner(bootstrap, [feed]) as partner:

        async def produce() -> None:
            for i in range(N):
                ref = f"{org}-{i:04d}"
                data = {
                    "melder": {"soort": "vakbond", "organisatie": org, "referentie": ref},
                    "werkgever": {"kvk_nummer": f"{60_000_000 + i}"},
                    "categorieen": ["arbeidstijden"],
                    "omschrijving": "Te lange diensten.",
                }
                for topic, at in plan:  # each kill lands mid-stream, however long the one before took
                    if i == at + 50:
                        await killed[topic].wait()
                sent_at[ref] = time.time()
                await partner.offer(IN_MELDINGEN, "nl.waardigwerk.melding.ingediend", data, key=ref)
                await asyncio.sleep(1 / RATE_PER_S)
            await partner.flush()

        async def chaos() -> None:
            for topic, at in plan:
                while len(sent_at) < at:
                    await asyncio.sleep(0.05)
                kills[topic] = await failover(bootstrap, address, topic)
                killed[topic].set()
                await asyncio.sleep(2)
                await asyncio.to_thread(stack, address, "start", "kafka", "kafka-2", "kafka-3")
                assert await settled_in_sync(bootstrap, [IN_MELDINGEN, intern("melding")]), "brokers not back in sync"

        await asyncio.gather(produce(), chaos())
        deadline = time.monotonic() + 240
        while len(partner.matching(feed)) < N and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        await partner.settle(5)  # anything duplicated would arrive now
        acks = partner.matching(feed, "nl.waardigwerk.melding.ontvangen")
    refs = [a.data["melder_referentie"] for a in acks]
    for topic, (killed_at, leader_after) in kills.items():
        later = [a.arrived for a in acks if sent_at[a.data["melder_referentie"]] > killed_at]
        end_to_end = min(later) - killed_at if later else float("nan")
        with capsys.disabled():  # the recovery times belong in every run's output
            print(
                f"\nfailover of {topic} partition 0: new leader after {leader_after:.2f} s; first report sent "
                f"after the kill acknowledged after {end_to_end:.2f} s"
            )
    assert len(refs) == N, f"{len(refs)} acknowledgements for {N} reports"
    assert len(set(refs)) == N, f"{N - len(set(refs))} reports acknowledged more than once"
    conn = await asyncpg.connect(env["DATABASE_URL"])
    try:
        rows = await conn.fetchrow(
            "SELECT count(*) AS meldingen, count(DISTINCT zaak_id) AS zaken FROM melding.melding "
            "WHERE organisatie = $1",
            org,
        )
    finally:
        await conn.close()
    assert rows is not None
    assert (rows["meldingen"], rows["zaken"]) == (N, N)
