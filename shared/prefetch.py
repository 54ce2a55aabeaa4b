"""A consumer fetches again once it has handed out what it holds, so a long fetch wait costs no latency.

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
test broker) is left alone."""

from __future__ import annotations

from typing import Any

HOLD_S = 5.0  # longer than any batch takes; a partition is left out of a fetch only after that


def hold_until_handed_out(consumer: Any, hold_s: float = HOLD_S) -> None:
    fetcher = getattr(consumer, "_fetcher", None)
    if fetcher is not None and hasattr(fetcher, "_prefetch_backoff"):
        fetcher._prefetch_backoff = hold_s
