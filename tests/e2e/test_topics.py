"""The stack's topics: the domain events and dead letters are kept without a time limit, so the
console's read model can be rebuilt from the beginning and a dead letter waits for its replay."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.topics import IN_MELDINGEN, intern

pytestmark = __import__("pytest").mark.stack


async def retention_ms(bootstrap: str, topics: list[str]) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t) for t in topics])
    finally:
        await admin.close()
    found: dict[str, str] = {}
    for response in responses:
        for _code, _message, _type, name, entries in response.resources:
            found[name] = next(str(e[1]) for e in entries if e[0] == "retention.ms")
    return found


async def test_domain_events_and_dead_letters_are_kept_and_inbound_topics_expire(stack_env: dict[str, str]) -> None:
    topics = [intern("melding"), f"{IN_MELDINGEN}.dlq", IN_MELDINGEN]
    found = await retention_ms(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics)
    assert found == {intern("melding"): "-1", f"{IN_MELDINGEN}.dlq": "-1", IN_MELDINGEN: str(7 * 24 * 3600 * 1000)}
