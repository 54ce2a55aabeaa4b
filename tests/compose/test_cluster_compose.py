"""Kafka as a three-node cluster in compose (docker-compose.cluster.yml): the topics are
replicated three times with min.insync.replicas 2, and the broker container leading a partition
of `waardigwerk.in.meldingen` killed with `docker kill` mid-stream loses and duplicates no report.

A compose stack of its own (melding and deling only), in `<compose state>-cluster` at
`WAARDIGWERK_COMPOSE_CLUSTER_PORT_OFFSET` (default: the tier's offset + 100), removed with its
volumes at the end.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from deploy.local.layout import Layout, read_env_file
from shared.topics import IN_MELDINGEN, intern
from tests.compose.conftest import compose_layout, stack_py
from tests.compose.test_stack_compose import INGEDIEND, ONTVANGEN, count_meldingen, docker_compose, melding
from tests.conftest import visible
from tools.partner import Partner

pytestmark = [pytest.mark.compose, pytest.mark.cluster]
BROKERS = 3
N = 400


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> Iterator[tuple[Layout, dict[str, str]]]:
    tier = compose_layout()
    offset = os.environ.get("WAARDIGWERK_COMPOSE_CLUSTER_PORT_OFFSET") or str(tier.offset + 100)
    layout = Layout.from_environ({"WAARDIGWERK_STACK_DIR": f"{tier.state}-cluster", "WAARDIGWERK_PORT_OFFSET": offset})
    with visible(request):
        stack_py(layout, "down", check=False, WAARDIGWERK_WIPE="1")
        started = time.monotonic()
        stack_py(
            layout,
            "up",
            WAARDIGWERK_TEST_CLOCK="1",
            WAARDIGWERK_KAFKA_BROKERS=str(BROKERS),
            WAARDIGWERK_SERVICES="melding,deling",
        )
        print(f"\ncompose cluster: {BROKERS} brokers and the services healthy in {time.monotonic() - started:.0f} s")
    try:
        yield layout, read_env_file(layout.env_file)
    finally:
        if os.environ.get("WAARDIGWERK_COMPOSE_KEEP") != "1":
            with visible(request):
                stack_py(layout, "down", check=False, WAARDIGWERK_WIPE="1")


async def admin_for(bootstrap: str) -> AIOKafkaAdminClient:
    # Generous: three JVMs in containers on a loaded machine answer slowly (3 s timed out).
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30_000)
    await admin.start()
    return admin


async def test_every_topic_has_three_replicas_in_sync_and_min_insync_replicas_two(
    cluster: tuple[Layout, dict[str, str]],
) -> None:
    _, env = cluster
    admin = await admin_for(env["KAFKA_BOOTSTRAP_SERVERS"])
    try:
        assert len((await admin.describe_cluster())["brokers"]) == BROKERS
        topics = [IN_MELDINGEN, intern("melding")]
        for described in await admin.describe_topics(topics):
            replicas = {(len(p["replicas"]), len(p["isr"])) for p in described["partitions"]}
            assert replicas == {(BROKERS, BROKERS)}, f"{described['topic']}: (replicas, in sync) {replicas}"
        resources = [ConfigResource(ConfigResourceType.TOPIC, topic) for topic in topics]
        for response in await admin.describe_configs(resources):
            for resource in response.to_object()["resources"]:
                isr = {
                    e["config_value"] for e in resource["config_entries"] if e["config_names"] == "min.insync.replicas"
                }
                assert isr == {"2"}, f"{resource['resource_name']}: min.insync.replicas {isr}"
    finally:
        await admin.close()


async def leader_of_partition_0(bootstrap: str, topic: str) -> int:
    admin = await admin_for(bootstrap)
    try:
        (described,) = await admin.describe_topics([topic])
        return int(next(p["leader"] for p in described["partitions"] if p["partition"] == 0))
    finally:
        await admin.close()


async def test_broker_container_killed_mid_stream_every_report_acknowledged_once(
    cluster: tuple[Layout, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    layout, env = cluster
    bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
    org = f"cluster-{uuid.uuid4().hex[:8]}"
    feed = f"waardigwerk.uit.melder.{org}"
    victim = await leader_of_partition_0(bootstrap, IN_MELDINGEN)
    node = "kafka" if victim == 1 else f"kafka-{victim}"
    container = docker_compose(layout, "ps", "--quiet", node).stdout.strip()
    assert container
    killed_at = 0.0
    async with Partner(bootstrap, [feed]) as partner:
        for i in range(N):
            data = melding(org, i)
            await partner.publish(IN_MELDINGEN, INGEDIEND, data, key=data["melder"]["referentie"])
            if i == N // 3:
                await asyncio.to_thread(subprocess.run, ["docker", "kill", container], check=True, capture_output=True)
                killed_at = time.time()
        await asyncio.to_thread(docker_compose, layout, "up", "-d", "--wait", "--no-build", node)
        deadline = time.monotonic() + 240
        while len(partner.matching(feed, ONTVANGEN)) < N and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        await partner.settle(3)  # anything duplicated would arrive now
        acks = partner.matching(feed, ONTVANGEN)
    after_kill = [ack.arrived for ack in acks if int(ack.data["melder_referentie"].rsplit("-", 1)[1]) > N // 3]
    with capsys.disabled():  # the recovery time belongs in every run's output
        recovered = min(after_kill) - killed_at if after_kill else float("nan")
        print(f"\ncompose cluster: {node} killed; first report sent after it acknowledged after {recovered:.2f} s")
    refs = [ack.data["melder_referentie"] for ack in acks]
    assert len(refs) == N, f"{len(refs)} acknowledgements for {N} reports"
    assert len(set(refs)) == N, f"{N - len(set(refs))} reports acknowledged more than once"
    assert await count_meldingen(env["DATABASE_URL"], org) == (N, N)
