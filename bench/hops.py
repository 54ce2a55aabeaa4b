"""Record hops: what a stage made the broker carry, and when every service is idle again.

A hop is one record appended to a topic of the platform (inbound, internal, outbound, DLQ), the
report itself included: the sum of the end offsets of every topic except Kafka's own (`__*`)
before and after a stage. Reads are the records the services' consumer groups committed past.
The stack is idle when no group lags and no topic grew between two looks (an outbox relay may
still be sending when the lag is zero for a moment).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

GROUP_PREFIX = "waardigwerk."
IDLE_LOOK_S = 0.25


@dataclass(frozen=True)
class Tally:
    appended: int  # sum of end offsets of the platform's topics
    committed: int  # sum of the services' committed offsets
    lag: int  # records the services' groups have not committed past yet


class Broker:
    """An admin client and a probe consumer for offsets."""

    def __init__(self, bootstrap: str, login: Mapping[str, str]) -> None:
        self.admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **login)
        self.probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, **login)

    async def __aenter__(self) -> Broker:
        await self.admin.start()
        await self.probe.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.probe.stop()
        await self.admin.close()

    async def tally(self) -> Tally:
        described = await self.admin.describe_topics()  # fresh metadata: topics appear during a stage
        partitions = [
            TopicPartition(t["topic"], p["partition"])
            for t in described
            if not t["topic"].startswith("__")
            for p in t["partitions"]
        ]
        ends = await self.probe.end_offsets(partitions) if partitions else {}
        groups = [g for g, _ in await self.admin.list_consumer_groups() if g.startswith(GROUP_PREFIX)]
        committed = lag = 0
        for group in groups:
            offsets = await self.admin.list_consumer_group_offsets(group)
            for tp, meta in offsets.items():
                if meta.offset >= 0:
                    committed += meta.offset
                    end = ends.get(tp)
                    if end is None:
                        end = (await self.probe.end_offsets([tp]))[tp]
                    lag += max(0, end - meta.offset)
        return Tally(appended=sum(ends.values()), committed=committed, lag=lag)

    async def wait_idle(self, give_up_s: float = 3600) -> float:
        """Wait until no service lags and nothing is appended until the next look; returns the
        perf_counter time of the first look that found no lag (confirmed by the one after it)."""
        started = last_said = time.perf_counter()
        previous, candidate = await self.tally(), None
        if previous.lag == 0:
            candidate = started
        while True:
            await asyncio.sleep(IDLE_LOOK_S)
            now = await self.tally()
            looked = time.perf_counter()
            if candidate is not None and now.lag == 0 and now.appended == previous.appended:
                return candidate
            candidate = looked if now.lag == 0 else None
            if looked - last_said > 5:
                print(f"  waiting for every service to be idle: {now.lag} records behind", flush=True)
                last_said = looked
            if looked - started > give_up_s:
                raise SystemExit(f"the services did not become idle within {give_up_s:.0f} s")
            previous = now
