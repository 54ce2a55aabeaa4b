"""A partner's view of the stack: publish CloudEvents to inbound topics, read partner topics.

Used by the end-to-end tests, the demo and the benchmarks; it talks to the stack only through the external
contract (CONTRACT.md), like a union portal or municipal system would.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

KLOK = "waardigwerk.test.klok"


@dataclass(frozen=True)
class Ontvangen:
    topic: str
    key: str | None
    headers: dict[str, str]
    value: bytes | None
    arrived: float  # wall-clock seconds when this reader consumed it

    @property
    def ce(self) -> dict[str, str]:
        return {k[3:]: v for k, v in self.headers.items() if k.startswith("ce_")}

    @property
    def type(self) -> str | None:
        return self.headers.get("ce_type")

    @property
    def data(self) -> Any:
        try:
            return json.loads(self.value) if self.value else None
        except ValueError:
            return None  # a dead-lettered record may be anything


class Partner:
    """Reads the given topics from their current end; publishes like a partner system."""

    def __init__(
        self,
        bootstrap: str,
        topics: list[str],
        client_options: Mapping[str, str] | None = None,
        compression: str | None = None,
    ) -> None:
        """`client_options`: the login on a secure broker (`tools.stackenv.client_options`);
        `compression`: the codec the partner's producer compresses with (gzip, snappy, lz4, zstd)."""
        self.bootstrap = bootstrap
        self.topics = topics
        self.received: list[Ontvangen] = []
        login = dict(client_options or {})
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, enable_idempotence=True, compression_type=compression, **login
        )
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, **login)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Partner:
        try:
            await self._producer.start()
            await self._consumer.start()
            await self._from_the_end()
        except BaseException:
            await self.__aexit__()  # a refused or failed start leaves no client open
            raise
        self._task = asyncio.create_task(self._read())
        return self

    async def _from_the_end(self) -> None:
        partitions: list[TopicPartition] = []
        for topic in self.topics:
            # A metadata request for one topic makes the broker auto-create it (partner topics
            # appear on first use), so the reader can start at its current end.
            parts = await self._producer.partitions_for(topic)
            partitions += [TopicPartition(topic, p) for p in sorted(parts)]
        ends = await self._consumer.end_offsets(partitions)
        self._consumer.assign(partitions)
        for tp, offset in ends.items():
            self._consumer.seek(tp, offset)

    async def __aexit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()
        await self._consumer.stop()
        await self._producer.stop()

    async def _read(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=100)
            for records in batches.values():
                for r in records:
                    headers = {k: (v or b"").decode() for k, v in r.headers}
                    key = r.key.decode() if r.key is not None else None
                    self.received.append(Ontvangen(r.topic, key, headers, r.value, time.time()))

    async def publish(
        self,
        topic: str,
        ce_type: str,
        data: Any,
        *,
        key: str,
        source: str = "urn:nld:vakbond:fnv:meldpunt",
        event_id: str | None = None,
        structured: bool = False,
        raw_value: bytes | None = None,
    ) -> str:
        """Publish one event and wait until the broker has it; returns its ce_id."""
        event_id, record = self._record(topic, ce_type, data, key, source, event_id, structured, raw_value)
        await self._producer.send_and_wait(topic, **record)
        return event_id

    async def offer(
        self, topic: str, ce_type: str, data: Any, *, key: str, source: str = "urn:nld:vakbond:fnv:meldpunt"
    ) -> str:
        """Hand one event to the producer without waiting for the broker (for load); `flush` waits for all."""
        event_id, record = self._record(topic, ce_type, data, key, source, None, False, None)
        await self._producer.send(topic, **record)
        return event_id

    async def flush(self) -> None:
        await self._producer.flush()

    def _record(
        self,
        topic: str,
        ce_type: str,
        data: Any,
        key: str,
        source: str,
        event_id: str | None,
        structured: bool,
        raw_value: bytes | None,
    ) -> tuple[str, dict[str, Any]]:
        event_id = event_id or str(uuid.uuid4())
        attrs = {
            "specversion": "1.0",
            "id": event_id,
            "source": source,
            "type": ce_type,
            "time": datetime.now(UTC).isoformat(),
        }
        if structured:
            headers = [("content-type", b"application/cloudevents+json")]
            value = json.dumps({**attrs, "datacontenttype": "application/json", "data": data}).encode()
        else:
            headers = [(f"ce_{k}", v.encode()) for k, v in attrs.items()] + [("content-type", b"application/json")]
            value = json.dumps(data).encode()
        return event_id, {
            "value": raw_value if raw_value is not None else value,
            "key": key.encode(),
            "headers": headers,
        }

    async def set_clock(self, nu: str, diensten: list[str], timeout_s: float = 120) -> None:
        """Set the test clock and wait until every service acknowledged it (returns at the last
        acknowledgement; the bound is for a service that never answers, not a speed goal)."""
        start = len(self.received)
        await self.publish(
            KLOK, "nl.waardigwerk.test.klok_gezet", {"nu": nu}, key="klok", source="urn:nld:waardigwerk:test"
        )
        want = datetime.fromisoformat(nu)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            acked = {
                e.data["dienst"]
                for e in self.received[start:]
                if e.topic == KLOK
                and e.type == "nl.waardigwerk.test.klok_bevestigd"
                and datetime.fromisoformat(e.data["nu"]) == want
            }
            if set(diensten) <= acked:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"clock {nu} not acknowledged by all of {diensten} within {timeout_s} s")

    def matching(
        self, topic: str, ce_type: str | None = None, where: Callable[[Any], bool] = lambda _d: True
    ) -> list[Ontvangen]:
        return [
            e for e in self.received if e.topic == topic and (ce_type is None or e.type == ce_type) and where(e.data)
        ]

    async def expect_record(self, predicate: Callable[[Ontvangen], bool], within_s: float = 30) -> Ontvangen:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            for record in self.received:
                if predicate(record):
                    return record
            await asyncio.sleep(0.05)
        raise AssertionError(f"no matching record within {within_s} s")

    async def expect(
        self,
        topic: str,
        ce_type: str | None = None,
        where: Callable[[Any], bool] = lambda _d: True,
        within_s: float = 30,
    ) -> Ontvangen:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            found = self.matching(topic, ce_type, where)
            if found:
                return found[0]
            await asyncio.sleep(0.05)
        seen = [(e.topic, e.type) for e in self.received[-10:]]
        raise AssertionError(f"no {ce_type} on {topic} within {within_s} s; last seen: {seen}")

    async def settle(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
