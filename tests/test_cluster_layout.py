"""Cluster and replica layout of the local stack: ports, broker config per node, topic settings.

Fast: pure functions, no broker."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.local.kafka_broker import MAX_BROKERS, bootstrap_servers, brokers_requested, node_ports, server_properties
from deploy.local.layout import BASE_PORTS, SERVICES, Layout, StackError
from deploy.local.service_procs import MAX_REPLICAS, parse_replica, replica_port, replicas_requested
from deploy.local.topics import TopicPlan, existing_topic_plan, topic_defaults, topic_plan
from shared.settings import Settings, TopicSettings


def every_port(layout: Layout) -> list[int]:
    """Every port a stack at this offset may use: base ports, every Kafka node, every replica."""
    ports = [layout.port(name) for name in BASE_PORTS]
    ports += [port for node in range(2, MAX_BROKERS + 1) for port in node_ports(layout, node)]
    services = ["console", *SERVICES]
    ports += [replica_port(layout, name, n) for name in services for n in range(2, MAX_REPLICAS + 1)]
    return ports


def test_stacks_whose_offsets_differ_by_a_multiple_of_100_never_share_a_port(tmp_path: Path) -> None:
    stacks = [every_port(Layout(tmp_path, tmp_path, offset)) for offset in range(0, 3000, 100)]
    for i, ports in enumerate(stacks):
        assert len(set(ports)) == len(ports), f"offset {i * 100} uses a port twice"
        for j, other in enumerate(stacks[:i]):
            assert not set(ports) & set(other), f"offsets {i * 100} and {j * 100} share ports"


def test_a_three_node_cluster_has_one_quorum_and_a_port_pair_per_node(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "s", tmp_path / "c", 1400)
    assert bootstrap_servers(layout, 3) == "127.0.0.1:20492,127.0.0.1:20494,127.0.0.1:20496"
    lines = set(server_properties(layout, node=2, brokers=3).splitlines())
    assert {
        "node.id=2",
        "controller.quorum.voters=1@127.0.0.1:20493,2@127.0.0.1:20495,3@127.0.0.1:20497",
        "listeners=PLAINTEXT://127.0.0.1:20494,CONTROLLER://127.0.0.1:20495",
        f"log.dirs={layout.state / 'kafka-2' / 'data'}",
        "default.replication.factor=3",
        "offsets.topic.replication.factor=3",
        "transaction.state.log.replication.factor=3",
        "transaction.state.log.min.isr=2",
        "min.insync.replicas=2",
    } <= lines
    single = set(server_properties(layout).splitlines())
    assert {"default.replication.factor=1", "min.insync.replicas=1", "node.id=1"} <= single


def test_broker_count_comes_from_the_environment_within_bounds() -> None:
    assert brokers_requested({}) == 1
    assert brokers_requested({"WAARDIGWERK_KAFKA_BROKERS": "3"}) == 3
    for bad in ("0", "two", str(MAX_BROKERS + 1)):
        with pytest.raises(StackError, match="WAARDIGWERK_KAFKA_BROKERS"):
            brokers_requested({"WAARDIGWERK_KAFKA_BROKERS": bad})


def test_topic_settings_default_from_the_cluster_size() -> None:
    assert topic_defaults(1) == TopicPlan(3, 1, 1)
    assert topic_defaults(2) == TopicPlan(3, 2, 1)
    assert topic_defaults(3) == TopicPlan(3, 3, 2)
    assert topic_defaults(5) == TopicPlan(3, 3, 2)


def test_topic_settings_per_topic_over_stack_wide_over_defaults() -> None:
    settings = Settings(
        waardigwerk_topic_partitions=6,
        waardigwerk_topic_overrides={"waardigwerk.in.meldingen": TopicSettings(partitions=12, replication_factor=2)},
    )
    assert topic_plan("waardigwerk.in.meldingen", 3, settings) == TopicPlan(12, 2, 1)
    assert topic_plan("waardigwerk.intern.melding", 3, settings) == TopicPlan(6, 3, 2)
    with pytest.raises(ValueError, match="needs 3 brokers"):
        topic_plan("t", 1, Settings(waardigwerk_topic_replication_factor=3))
    with pytest.raises(ValueError, match="more than its replication factor"):
        topic_plan("t", 3, Settings(waardigwerk_topic_min_insync_replicas=4))


def test_topic_overrides_are_read_from_json_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAARDIGWERK_TOPIC_OVERRIDES", '{"waardigwerk.in.meldingen": {"min_insync_replicas": 3}}')
    assert topic_plan("waardigwerk.in.meldingen", 3, Settings()) == TopicPlan(3, 3, 3)


def test_an_existing_topic_keeps_min_isr_from_its_own_replicas_not_from_the_brokers_counted() -> None:
    """The topics job counted two live brokers (one restarting): its plan says RF 2 / min ISR 1,
    but the topic has three replicas, so it keeps min ISR 2; a set min ISR is kept, capped at them."""
    seen_two = topic_plan("waardigwerk.in.meldingen", 2, Settings())
    assert seen_two == TopicPlan(3, 2, 1)
    assert existing_topic_plan("waardigwerk.in.meldingen", seen_two, 3, Settings()) == TopicPlan(3, 3, 2)
    assert existing_topic_plan("t", seen_two, 1, Settings()) == TopicPlan(3, 1, 1)
    set_three = Settings(waardigwerk_topic_min_insync_replicas=3)
    assert existing_topic_plan("t", seen_two, 3, set_three) == TopicPlan(3, 3, 3)
    assert existing_topic_plan("t", seen_two, 2, set_three) == TopicPlan(3, 2, 2)


def test_replicas_are_named_and_counted_per_service() -> None:
    services = {"melding": "services.melding", "inspectie": "services.inspectie"}
    assert replicas_requested({"WAARDIGWERK_REPLICAS": "melding=2, inspectie=1"}, services) == {"melding": 2}
    assert parse_replica("melding-2") == ("melding", 2)
    assert parse_replica("melding") == ("melding", 1)
    for bad in ("deling=2", "melding=x", f"melding={MAX_REPLICAS + 1}"):
        with pytest.raises(StackError, match="WAARDIGWERK_REPLICAS"):
            replicas_requested({"WAARDIGWERK_REPLICAS": bad}, services)


def test_nodes_prepared_side_by_side_share_one_cluster_id(tmp_path: Path) -> None:
    """The nodes of a cluster are prepared at the same time: all must format with one cluster id
    (with a plain write, two nodes could each make an id of their own and never form a quorum)."""
    from concurrent.futures import ThreadPoolExecutor

    from deploy.local.kafka_broker import brokers

    for attempt in range(20):
        layout = Layout(state=tmp_path / f"state-{attempt}", cache=tmp_path / "cache", offset=900)
        nodes = brokers(layout, None, 3)
        with ThreadPoolExecutor(len(nodes)) as pool:
            ids = set(pool.map(lambda node: node.cluster_id(), nodes))
        assert len(ids) == 1 and all(ids), f"attempt {attempt}: the nodes would format with ids {ids}"
