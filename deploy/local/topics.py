"""Create the topics the platform needs up front (`shared.topics.precreated()`), replicated for the cluster.

Partitions, replication factor and `min.insync.replicas` of each topic are settings
(`WAARDIGWERK_TOPIC_*` in shared/settings.py, per topic in `WAARDIGWERK_TOPIC_OVERRIDES`); unset,
they follow the cluster's size: 3 partitions, replication factor min(3, brokers),
`min.insync.replicas` one less than that (at least 1). So one broker gives RF 1 / min ISR 1 and a
3-broker cluster RF 3 / min ISR 2: with the producers' `acks=all` a write survives one broker lost.

The cluster's size is what the caller knows it started (the local stack; the compose `topics`
job reads `WAARDIGWERK_KAFKA_BROKERS`), waited for until the cluster lists that many brokers;
only without it the brokers listed now are counted. That count is a passing view: a broker that
restarts, or is fenced for a missed heartbeat on a busy machine, is not listed.

Idempotent: a missing topic is created; an existing one gets today's settings (retention, and
the min ISR set for it or else one less than its own replicas) and more partitions when asked
for more (never fewer, and its replication factor is left as it is: changing that is a
reassignment, an operator's step). Used by the local stack once the broker answers, and by
docker-compose.yml's one-shot `topics` service (`python -m deploy.local.topics`, bootstrap
servers from `KAFKA_BOOTSTRAP_SERVERS`).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from deploy.local.layout import StackError
from shared.settings import Settings
from shared.topics import bewaren, precreated

PARTITIONS = 3


@dataclass(frozen=True)
class TopicPlan:
    partitions: int
    replication_factor: int
    min_insync_replicas: int


def topic_defaults(brokers: int) -> TopicPlan:
    """What a topic gets on a cluster of `brokers` when nothing is set."""
    replication_factor = min(3, max(1, brokers))
    return TopicPlan(PARTITIONS, replication_factor, max(1, replication_factor - 1))


def topic_plan(topic: str, brokers: int, settings: Settings) -> TopicPlan:
    """The topic's own settings, else the stack-wide ones, else the cluster-size defaults."""
    default = topic_defaults(brokers)
    own = settings.waardigwerk_topic_overrides.get(topic)
    partitions = (own and own.partitions) or settings.waardigwerk_topic_partitions or default.partitions
    replication = (
        (own and own.replication_factor) or settings.waardigwerk_topic_replication_factor or default.replication_factor
    )
    min_isr = min_isr_set(topic, settings) or max(1, min(default.min_insync_replicas, replication - 1))
    if replication > brokers:
        raise ValueError(
            f"{topic}: replication factor {replication} needs {replication} brokers, the cluster has {brokers}"
        )
    if min_isr > replication:
        raise ValueError(f"{topic}: min.insync.replicas {min_isr} is more than its replication factor {replication}")
    return TopicPlan(partitions, replication, min_isr)


def min_isr_set(topic: str, settings: Settings) -> int | None:
    own = settings.waardigwerk_topic_overrides.get(topic)
    return (own and own.min_insync_replicas) or settings.waardigwerk_topic_min_insync_replicas


def existing_topic_plan(topic: str, plan: TopicPlan, replicas: int, settings: Settings) -> TopicPlan:
    """What a topic that already has `replicas` replicas gets: its replication factor stays, its
    min ISR is the one set (at most its replicas), else one less than its replicas (at least 1).
    Never from the cluster's size: a count taken while a broker was away gave RF 3 topics min ISR 1."""
    default = topic_defaults(replicas).min_insync_replicas
    return TopicPlan(plan.partitions, replicas, min(min_isr_set(topic, settings) or default, replicas))


def topic_configs(topic: str, plan: TopicPlan) -> dict[str, str]:
    return {**bewaren(topic), "min.insync.replicas": str(plan.min_insync_replicas)}


async def ensure_topics(
    bootstrap: str,
    client_options: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    brokers: int | None = None,
) -> int:
    """Create the missing ones; returns how many were created. `client_options`: SASL login, if any;
    `brokers`: the cluster's size, if known (else counted, see the module's doc)."""
    settings = settings or Settings()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **(client_options or {}))
    await admin.start()
    try:
        brokers = brokers or len((await admin.describe_cluster())["brokers"])
        plans = {topic: topic_plan(topic, brokers, settings) for topic in precreated()}
        existing = set(await admin.list_topics())
        missing = [name for name in plans if name not in existing]
        if missing:
            new = [
                NewTopic(
                    name,
                    plans[name].partitions,
                    plans[name].replication_factor,
                    topic_configs=topic_configs(name, plans[name]),
                )
                for name in missing
            ]
            response = await admin.create_topics(new)
            failed = [
                f"{topic}: error {code}"
                for topic, code, *_ in response.topic_errors
                if code not in (0, TopicAlreadyExistsError.errno)
            ]
            if failed:
                raise RuntimeError(f"could not create topics: {', '.join(failed)}")
        kept = sorted(name for name in plans if name in existing)
        if kept:
            await update_existing(admin, {name: plans[name] for name in kept}, settings)
        return len(missing)
    finally:
        await admin.close()


async def update_existing(admin: AIOKafkaAdminClient, plans: Mapping[str, TopicPlan], settings: Settings) -> None:
    """Topics from an older stack get today's settings too (alter_configs replaces a topic's own
    settings with these; the broker's defaults stay underneath), and more partitions if asked."""
    described = {t["topic"]: t["partitions"] for t in await admin.describe_topics(list(plans))}
    configs = []
    grow: dict[str, NewPartitions] = {}
    for topic, plan in plans.items():
        partitions = described.get(topic, [])
        replicas = min((len(p["replicas"]) for p in partitions), default=plan.replication_factor)
        fitted = existing_topic_plan(topic, plan, replicas, settings)
        configs.append(ConfigResource(ConfigResourceType.TOPIC, topic, topic_configs(topic, fitted)))
        if partitions and plan.partitions > len(partitions):
            grow[topic] = NewPartitions(plan.partitions)
    await admin.alter_configs(configs)
    if grow:
        await admin.create_partitions(grow)


async def wait_for_brokers(bootstrap: str, brokers: int, client_options: Mapping[str, str], within_s: float) -> float:
    """Seconds until the cluster's metadata lists `brokers` live brokers (topics need them all)."""
    started = time.monotonic()
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000, **client_options)
        try:
            await admin.start()
            if len((await admin.describe_cluster())["brokers"]) >= brokers:
                return time.monotonic() - started
        except (KafkaError, OSError):
            pass
        finally:
            await admin.close()
        if time.monotonic() - started > within_s:
            raise StackError(f"the Kafka cluster did not reach {brokers} live brokers within {within_s:.0f} s")
        await asyncio.sleep(0.5)


JOB_ATTEMPTS = 5  # ensure_topics is idempotent: a request the admin client sent to a broker that is away is tried again


async def topics_job(settings: Settings, brokers: int | None) -> int:
    """The compose `topics` service: wait for the cluster it was told of, then ensure the topics.
    The admin client sends a request to a node it picks; with a broker away that can be the one
    away (`NodeNotReadyError`), so a failed run is tried again, a second apart."""
    options = settings.kafka_client_options()
    if brokers:
        await wait_for_brokers(settings.kafka_bootstrap_servers, brokers, options, within_s=120)
    for _ in range(JOB_ATTEMPTS - 1):
        try:
            return await ensure_topics(settings.kafka_bootstrap_servers, options, settings, brokers)
        except (KafkaError, OSError) as exc:
            print(f"topics: {type(exc).__name__} ({exc}), trying again", file=sys.stderr, flush=True)
            await asyncio.sleep(1.0)
    return await ensure_topics(settings.kafka_bootstrap_servers, options, settings, brokers)


if __name__ == "__main__":
    settings = Settings()
    size = os.environ.get("WAARDIGWERK_KAFKA_BROKERS", "").strip()
    count = asyncio.run(topics_job(settings, int(size) if size else None))
    print(f"{count} topics created, {len(precreated())} present")
