"""Consumer offsets of applied batches, committed together a moment later instead of after each batch.

Every service makes a record's effect once by its inbox, so a record read again after a restart is
harmless: offsets only need to say where to start reading, not that nothing is read twice. A commit
after every batch is one request to the broker per batch (at a trickle, per record, for every
consumer: a fifth of the broker's CPU at 50 reports/s, docs/performance.md). `LazyCommits`
keeps, per consumer, the offset after the last record of each partition whose batch was applied,
and commits them at most every `every_s` seconds; only offsets of applied batches are ever committed,
so a batch that failed (and was rewound) is never committed past. A commit the broker refuses
(the partition moved to another member in a rebalance, or the consumer stopped) is dropped: the
record is read again and its inbox drops it. Flushes run one after another, so a commit that is held
up (aiokafka retries a commit after a backoff) never lands after, and undoes, a later one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

log = structlog.get_logger()


class LazyCommits:
    def __init__(self, every_s: float) -> None:
        self.every_s = every_s
        self._pending: dict[AIOKafkaConsumer, dict[TopicPartition, int]] = {}
        self._flush: asyncio.TimerHandle | None = None
        self._running: set[asyncio.Task[None]] = set()
        self._one_at_a_time = asyncio.Lock()
        self.commits = 0  # commit requests sent

    def applied(self, consumer: AIOKafkaConsumer, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        """The batch's effects are committed to the database: its offsets may go to the broker.
        (FastStream's in-memory test broker hands batches from a consumer that commits nothing.)"""
        if not isinstance(consumer, AIOKafkaConsumer):
            return
        offsets = self._pending.setdefault(consumer, {})
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
        if self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(self.every_s, self._start_flush)

    def _start_flush(self) -> None:
        self._flush = None
        task = asyncio.get_running_loop().create_task(self.flush())
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def flush(self) -> None:
        """Commit what is pending now (also before the consumers stop)."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        async with self._one_at_a_time:  # after a flush in flight: its offsets are older than these
            pending, self._pending = self._pending, {}
            for consumer, offsets in pending.items():
                self.commits += 1
                try:
                    await consumer.commit(offsets)
                except Exception as exc:
                    # not assigned any more, a rebalance in progress, or stopped: read again, dropped by the inbox
                    log.info("offsets_not_committed", error=type(exc).__name__, partitions=len(offsets))

    async def close(self) -> None:
        """Commit what is pending, after any flush in flight."""
        await self.flush()
