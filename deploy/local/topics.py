"""Create the topics the platform needs up front (`shared.topics.precreated()`), 3 partitions each.

Idempotent: existing topics are left as they are. Used by the local stack once the broker
answers, and by docker-compose.yml's one-shot `topics` service
(`python -m deploy.local.topics`, bootstrap servers from `KAFKA_BOOTSTRAP_SERVERS`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from shared.topics import bewaren, precreated

PARTITIONS = 3


async def ensure_topics(bootstrap: str, client_options: Mapping[str, str] | None = None) -> int:
    """Create the missing ones; returns how many were created. `client_options`: SASL login, if any."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **(client_options or {}))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in precreated() if name not in existing]
        if missing:
            new = [NewTopic(name, PARTITIONS, 1, topic_configs=bewaren(name)) for name in missing]
            response = await admin.create_topics(new)
            failed = [
                f"{topic}: error {code}"
                for topic, code, *_ in response.topic_errors
                if code not in (0, TopicAlreadyExistsError.errno)
            ]
            if failed:
                raise RuntimeError(f"could not create topics: {', '.join(failed)}")
        # Topics from an older stack get today's settings too (alter_configs replaces a topic's
        # own settings with these; the broker's defaults stay underneath).
        kept = [ConfigResource(ConfigResourceType.TOPIC, t, bewaren(t)) for t in precreated() if t in existing]
        if kept:
            await admin.alter_configs(kept)
        return len(missing)
    finally:
        await admin.close()


if __name__ == "__main__":
    count = asyncio.run(ensure_topics(os.environ["KAFKA_BOOTSTRAP_SERVERS"]))
    print(f"{count} topics created, {len(precreated())} present")
