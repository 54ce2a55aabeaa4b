"""A record is handed out as soon as its consumer has fetched it, so a long fetch wait costs no latency.

Two things in the libraries would hold it back.

aiokafka keeps the records it fetched for a partition until the application takes them. If they
are not taken within `prefetch_backoff` (0.1 s, not a consumer option), it sends the next fetch to
that broker without that partition. A batch of a service can take longer than that. The partition
it has just handed out then waits for that fetch to come back, and the broker keeps it up to
`fetch_max_wait_ms` when the other partitions are quiet: 430 ms between batches in inspectie's log
with a 500 ms wait and several topics.

Held longer than a batch takes (`HOLD_S`), the fetcher sends its next fetch only once every
partition has been handed out, with all of them in it, and the broker answers that fetch as soon
as any of them gets a record. The wait then costs no latency at any rate and can stay long, so a
quiet or trickling consumer does not fetch 20 times a second (with a 50 ms wait after each batch,
2 reports/s cost the stack twice the CPU: docs/performance.md).

aiokafka has no public setter for this; its fetcher reads `_prefetch_backoff` each time it stores
fetched records (aiokafka 0.14, pinned in uv.lock). A consumer without it (FastStream's in-memory
test broker) is left alone.

FastStream's batch subscriber, when `getmany` waited `batch_timeout_ms` (200 ms) and got nothing,
sleeps as long again before it asks once more; a record fetched during that sleep waits for it. At a
trickle a consumer is in that sleep half of the time: up to 200 ms on every hop, the bulk of a
report's latency at 2 reports/s. `getmany` itself waits for records without polling (and also
while the group has no assignment), so the sleep buys nothing here.

`hands_out_at_once` gives a subscriber both."""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, Any

from faststream.kafka.subscriber.usecase import BatchSubscriber

if TYPE_CHECKING:
    from aiokafka import AIOKafkaConsumer, ConsumerRecord

HOLD_S = 5.0  # longer than any batch takes; a partition is left out of a fetch only after that


def hold_until_handed_out(consumer: Any, hold_s: float = HOLD_S) -> None:
    fetcher = getattr(consumer, "_fetcher", None)
    if fetcher is not None and hasattr(fetcher, "_prefetch_backoff"):
        fetcher._prefetch_backoff = hold_s


class _HandsOutAtOnce(BatchSubscriber):
    __slots__ = ()

    async def get_msg(self, consumer: AIOKafkaConsumer) -> tuple[ConsumerRecord, ...]:
        hold_until_handed_out(consumer)  # also a consumer started anew after it lost its group
        batches = await consumer.getmany(timeout_ms=self.batch_timeout_ms, max_records=self.max_records)
        return tuple(chain.from_iterable(batches.values()))  # empty: FastStream's loop asks again at once


def hands_out_at_once(subscriber: BatchSubscriber) -> BatchSubscriber:
    """The subscriber's consumer holds what it fetched until it is handed out, and the subscriber
    asks for the next batch right after an empty wait (the same object, same slots)."""
    subscriber.__class__ = _HandsOutAtOnce
    return subscriber
