"""`python -m services.console.rebuild`: throw the read model away and rebuild it from the topics.

Empties the read-model tables and the inbox (accounts and the replay audit stay), starts the next
consumer-group generation, and reads every topic from its beginning up to the end it had when the
rebuild began, printing x/y records per topic. The group's offsets are committed as it goes, so a
console started afterwards continues exactly where the rebuild stopped. Stop the console first:
a running one keeps its old group until it is restarted.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from services.console.lezer import MIGRATIONS, TOPICS, ConsoleService, groep
from services.console.opslag import leesmodel_legen


async def rebuild(service: ConsoleService) -> None:
    async with AsyncExitStack() as opruimen:  # every client is stopped on every path, a failed start too
        await service.open_storage()
        opruimen.push_async_callback(service.pool.close)
        async with service.pool.acquire() as conn, conn.transaction():
            generatie = await leesmodel_legen(conn)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=service.settings.kafka_bootstrap_servers,
            group_id=groep(generatie),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **service.settings.kafka_client_options(),
        )
        opruimen.push_async_callback(consumer.stop)
        await consumer.start()
        partitions = await _partities(service)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        begin = await consumer.beginning_offsets(partitions)
        eind = await consumer.end_offsets(partitions)
        totaal = {t: sum(eind[tp] - begin[tp] for tp in partitions if tp.topic == t) for t in TOPICS}
        gelezen = dict.fromkeys(TOPICS, 0)
        open_ = {tp for tp in partitions if eind[tp] > begin[tp]}
        print(f"leesmodel generatie {generatie}, groep {groep(generatie)}: {sum(totaal.values())} records")
        while open_:
            batches = await consumer.getmany(*open_, timeout_ms=1000, max_records=500)
            for tp, records in batches.items():
                records = [r for r in records if r.offset < eind[tp]]
                await service.consume(tuple(records))
                if records:
                    await consumer.commit({tp: records[-1].offset + 1})
                    gelezen[tp.topic] += len(records)
                    print(f"  {tp.topic}: {gelezen[tp.topic]}/{totaal[tp.topic]}", flush=True)
                if await consumer.position(tp) >= eind[tp]:
                    open_.discard(tp)
        for t in TOPICS:
            print(f"{t}: {gelezen[t]}/{totaal[t]}")


async def _partities(service: ConsoleService) -> list[TopicPartition]:
    """Every partition of the console's topics (a producer's metadata request waits for the answer)."""
    settings = service.settings
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, **settings.kafka_client_options())
    try:
        await producer.start()
        return [TopicPartition(t, p) for t in TOPICS for p in sorted(await producer.partitions_for(t))]
    finally:
        await producer.stop()  # a failed start too: it may have opened connections


if __name__ == "__main__":
    asyncio.run(rebuild(ConsoleService("console", migrations=MIGRATIONS)))
