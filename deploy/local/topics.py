"""Create the topics the platform needs up front (`shared.topics.precreated()`), replicated for the cluster.

Partitions, replication factor and `min.insync.replicas` of each topic are settings
(`WAARDIGWERK_TOPIC_*` in shared/settings.py, per topic in `WAARDIGWERK_TOPIC_OVERRIDES`); unset,
they follow the cluster's size: 3 partitions, replication factor min(3, brokers),
`min.insync.replicas` one less than that (at least 1). So one broker gives RF 1 / min ISR 1 and a
3-broker cluster RF 3 / min ISR 2: with the producers' `acks=all` a write survives one broker lost.

Idempotent: a missing topic is created; an existing one gets today's settings (retention,
min ISR no higher than its replicas) and more partitions when asked for more (never fewer, and
its replication factor is left as it is: changing that is a reassignment, an operator's step).
Used by the local stack once the broker answers, and by docker-compose.yml's one-shot `topics`
service (`python -m deploy.local.topics`, bootstrap servers from `KAFKA_BOOTSTRAP_SERVERS`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

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
    set_isr = (own and own.min_insync_replicas) or settings.waardigwerk_topic_min_insync_replicas
    min_isr = set_isr or max(1, min(default.min_insync_replicas, replication - 1))
    if replication > brokers:
        raise ValueError(
            f"{topic}: replication factor {replication} needs {replication} brokers, the cluster has {brokers}"
        )
    if min_isr > replication:
        raise ValueError(f"{topic}: min.insync.replicas {min_isr} is more than its replication factor {replication}")
    return TopicPlan(partitions, replication, min_isr)


def topic_configs(topic: str, plan: TopicPlan) -> dict[str, str]:
    return {**bewaren(topic), "min.insync.replicas": str(plan.min_insync_replicas)}


async def ensure_topics(
    bootstrap: str, client_options: Mapping[str, str] | None = None, settings: Settings | None = None
) -> int:
    """Create the missing ones; returns how many were created. `client_options`: SASL login, if any."""
    settings = settings or Settings()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **(client_options or {}))
    await admin.start()
    try:
        brokers = len((await admin.describe_cluster())["brokers"])
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
            await update_existing(admin, {name: plans[name] for name in kept})
        return len(missing)
    finally:
        await admin.close()


async def update_existing(admin: AIOKafkaAdminClient, plans: Mapping[str, TopicPlan]) -> None:
    """Topics from an older stack get today's settings too (alter_configs replaces a topic's own
    settings with these; the broker's defaults stay underneath), and more partitions if asked."""
    described = {t["topic"]: t["partitions"] for t in await admin.describe_topics(list(plans))}
    configs = []
    grow: dict[str, NewPartitions] = {}
    for topic, plan in plans.items():
        partitions = described.get(topic, [])
        replicas = min((len(p["replicas"]) for p in partitions), default=plan.replication_factor)
        fitted = TopicPlan(plan.partitions, replicas, min(plan.min_insync_replicas, replicas))
        configs.append(ConfigResource(ConfigResourceType.TOPIC, topic, topic_configs(topic, fitted)))
        if partitions and plan.partitions > len(partitions):
            grow[topic] = NewPartitions(plan.partitions)
    await admin.alter_configs(configs)
    if grow:
        await admin.create_partitions(grow)


if __name__ == "__main__":
    settings = Settings()
    count = asyncio.run(ensure_topics(settings.kafka_bootstrap_servers, settings.kafka_client_options(), settings))
    print(f"{count} topics created, {len(precreated())} present")
