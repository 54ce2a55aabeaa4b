"""The service's figures for Prometheus (prometheus_client, the process's default registry).

Counted as they happen (label `service`, and `ce_type` / `reason` where it says so):

    waardigwerk_records_consumed_total{ce_type}             every record of a committed batch
    waardigwerk_records_handled_total{ce_type}              records whose handler succeeded
    waardigwerk_records_dead_lettered_total{ce_type,reason} records sent to `<topic>.dlq`
    waardigwerk_handler_seconds{ce_type}                    histogram of a handler's time
    waardigwerk_outbox_published_total, waardigwerk_outbox_parked_rows_total (shared.outbox)

`ce_type` is the record's type when the service handles it, else `overig` (so hostile input
cannot make series without end). A batch's counts are kept aside while it is applied and added
only when it was committed (`count_after_commit`, a FastStream middleware): a batch applied
again (with savepoints, or after a transient error) counts each record once, as it ended.

Read at scrape time (`Snapshot`, gathered by shared.health): readiness, consumer lag per
partition, outbox backlog and the age of its oldest unsent row, parked rows, timers due, overdue
and dead, the database pool's connections, and the background tasks. FastStream's own Prometheus
middleware adds `faststream_*` series per topic (received, processed, latency, in progress).
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections import Counter as Tally
from collections.abc import Awaitable, Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from faststream import BaseMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

CONTENT_TYPE = CONTENT_TYPE_LATEST
# No `*_created` series beside every counter and histogram (read when a scrape collects them).
disable_created_metrics()  # type: ignore[no-untyped-call]

CONSUMED = Counter("waardigwerk_records_consumed", "Records that reached the handler routing", ["service", "ce_type"])
HANDLED = Counter("waardigwerk_records_handled", "Records whose handler succeeded", ["service", "ce_type"])
DEAD_LETTERED = Counter(
    "waardigwerk_records_dead_lettered", "Records sent to a dead-letter topic", ["service", "ce_type", "reason"]
)
HANDLER_SECONDS = Histogram(
    "waardigwerk_handler_seconds",
    "Time a handler took for one record (its database work included)",
    ["service", "ce_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
OUTBOX_PUBLISHED = Counter("waardigwerk_outbox_published", "Outbox rows sent by this process", ["service"])
OUTBOX_PARKED = Counter("waardigwerk_outbox_parked_rows", "Outbox rows this process parked", ["service"])


# -- counts that wait for their batch's commit ---------------------------------------------------
OTHER_TYPE = "overig"  # the label of every type the service does not handle (labels stay bounded)


@dataclass
class _Pending:
    """What the records of one batch did, by record (its topic/partition/offset): a record applied
    again overwrites its first try, and one dead-lettered after all no longer counts as handled."""

    handled: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    dead: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def handled_types(self) -> dict[str, int]:
        """How many records of each type were handled."""
        return dict(Tally(ce_type for _, ce_type, _ in self.handled.values()))

    def flush(self) -> None:
        for service, ce_type, seconds in self.handled.values():
            HANDLED.labels(service, ce_type).inc()
            HANDLER_SECONDS.labels(service, ce_type).observe(seconds)
        for service, ce_type, reason in self.dead.values():
            DEAD_LETTERED.labels(service, ce_type, reason).inc()


_PENDING: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar("waardigwerk_metrics_pending", default=None)


def _pending() -> tuple[_Pending, bool]:
    """The batch's pending counts, or counts of their own to flush at once (outside a batch)."""
    pending = _PENDING.get()
    return (pending, False) if pending is not None else (_Pending(), True)


@contextlib.contextmanager
def batch_outcome() -> Iterator[_Pending]:
    """What the records of the batch being applied did: the counts `count_after_commit` keeps for
    it, or, for a batch applied without that middleware (a test), counts of its own, added when
    the block ends without an error."""
    pending = _PENDING.get()
    if pending is not None:
        yield pending
        return
    pending = _Pending()
    token = _PENDING.set(pending)
    try:
        yield pending
    finally:
        _PENDING.reset(token)
    pending.flush()


def record_handled(service: str, position: str, ce_type: str, seconds: float) -> None:
    """The handler of the record at `position` (topic/partition/offset) succeeded in `seconds`;
    counted when its batch commits."""
    pending, now = _pending()
    pending.handled[position] = (service, ce_type, seconds)
    if now:
        pending.flush()


def record_dead_letter(service: str, position: str, ce_type: str, reason: str) -> None:
    """A record (at `position`: topic/partition/offset) was dead-lettered; counted when its batch commits."""
    pending, now = _pending()
    pending.handled.pop(position, None)  # its handler's success was rolled back with its attempt
    pending.dead[position] = (service, ce_type, reason)
    if now:
        pending.flush()


class Stopwatch:
    """`with Stopwatch() as watch:` ... `watch.seconds` (wall time, as a handler's latency is felt)."""

    seconds = 0.0

    def __enter__(self) -> Stopwatch:
        self._started = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self._started


def type_label(ce_type: str, known: Collection[str]) -> str:
    return ce_type if ce_type in known else OTHER_TYPE


def _record_type(record: Any) -> str:
    for key, value in getattr(record, "headers", None) or ():
        if key == "ce_type" and value is not None:
            return str(value.decode("utf-8", "replace"))
    return ""


def count_after_commit(service: str, known: Collection[str]) -> type[BaseMiddleware]:
    """A FastStream middleware around one batch: every record of it counts as consumed, and its
    records' outcomes are added, when the handler returned (the batch was committed); all is
    dropped when it raised (the batch is read again and counted then)."""

    class CountAfterCommit(BaseMiddleware):
        async def consume_scope(self, call_next: Callable[[Any], Awaitable[Any]], msg: Any) -> Any:
            pending = _Pending()
            token = _PENDING.set(pending)
            try:
                result = await call_next(msg)
            finally:
                _PENDING.reset(token)
            records = msg.raw_message if isinstance(msg.raw_message, tuple | list) else (msg.raw_message,)
            for record in records:
                CONSUMED.labels(service, type_label(_record_type(record), known)).inc()
            pending.flush()
            return result

    return CountAfterCommit


def broker_middlewares(service: str, known: Collection[str]) -> list[Any]:
    """A service broker's middlewares: FastStream's Prometheus figures, and the commit-time counts."""
    return [KafkaPrometheusMiddleware(registry=REGISTRY, app_name=service), count_after_commit(service, known)]


# -- figures read at scrape time ---------------------------------------------------------------------
@dataclass(frozen=True)
class Lag:
    group: str
    topic: str
    partition: int
    lag: int


@dataclass
class Snapshot:
    """One service's state at a scrape; `None` where it could not be read (the figure is left out)."""

    service: str
    ready: bool
    unsent: int | None = None
    oldest_unsent_age_s: float | None = None
    parked: int | None = None
    lag: list[Lag] = field(default_factory=list)
    timers_due: int | None = None
    timers_overdue: int | None = None
    timers_dead: int | None = None
    pool_in_use: int | None = None
    pool_idle: int | None = None
    pool_max: int | None = None
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)


class _Snapshots(Collector):
    """The last snapshot of each service of this process, as metric families."""

    def __init__(self) -> None:
        self.latest: dict[str, Snapshot] = {}

    def collect(self) -> Iterator[Metric]:
        snapshots = list(self.latest.values())

        def gauge(name: str, text: str, figure: Callable[[Snapshot], float | None]) -> GaugeMetricFamily:
            family = GaugeMetricFamily(name, text, labels=["service"])
            for s in snapshots:
                if (value := figure(s)) is not None:
                    family.add_metric([s.service], value)
            return family

        yield gauge("waardigwerk_ready", "1 when /health/ready answers 200", lambda s: float(s.ready))
        yield gauge("waardigwerk_outbox_unsent", "Outbox rows waiting to be sent", lambda s: s.unsent)
        yield gauge(
            "waardigwerk_outbox_oldest_unsent_age_seconds",
            "Age of the oldest unsent outbox row (0 when none waits)",
            lambda s: None if s.unsent is None else s.oldest_unsent_age_s or 0.0,
        )
        yield gauge("waardigwerk_outbox_parked", "Outbox rows the broker can never accept", lambda s: s.parked)
        yield gauge("waardigwerk_timers_due", "Live timers whose due time has come", lambda s: s.timers_due)
        yield gauge("waardigwerk_timers_overdue", "Due timers not fired within their grace", lambda s: s.timers_overdue)
        yield gauge("waardigwerk_timers_dead", "Timers that gave up after their attempts", lambda s: s.timers_dead)
        yield gauge("waardigwerk_db_pool_max", "Most connections the database pool opens", lambda s: s.pool_max)
        pool = GaugeMetricFamily(
            "waardigwerk_db_pool_connections", "Database pool connections in use and idle", labels=["service", "state"]
        )
        for s in snapshots:
            if s.pool_in_use is not None and s.pool_idle is not None:
                pool.add_metric([s.service, "in_use"], s.pool_in_use)
                pool.add_metric([s.service, "idle"], s.pool_idle)
        yield pool
        lag = GaugeMetricFamily(
            "waardigwerk_consumer_lag",
            "Records of a partition not yet committed by the consumer group (end offset minus committed)",
            labels=["service", "group", "topic", "partition"],
        )
        for s in snapshots:
            for item in s.lag:
                lag.add_metric([s.service, item.group, item.topic, str(item.partition)], item.lag)
        yield lag
        yield from self._tasks(snapshots)

    @staticmethod
    def _tasks(snapshots: list[Snapshot]) -> Iterator[Metric]:
        labels = ["service", "task"]
        running = GaugeMetricFamily("waardigwerk_task_running", "1 while the task runs", labels=labels)
        failing = GaugeMetricFamily("waardigwerk_task_failing_seconds", "Seconds the task has failed", labels=labels)
        restarts = CounterMetricFamily("waardigwerk_task_restarts", "Times the task was started again", labels=labels)
        failures = CounterMetricFamily("waardigwerk_task_failures", "Failed rounds of the task", labels=labels)
        for s in snapshots:
            for name, d in s.tasks.items():
                running.add_metric([s.service, name], float(d["running"]))
                failing.add_metric([s.service, name], float(d["failing_s"] or 0))
                restarts.add_metric([s.service, name], d["restarts"])
                failures.add_metric([s.service, name], d["failures"])
        yield from (running, failing, restarts, failures)


SNAPSHOTS = _Snapshots()
REGISTRY.register(SNAPSHOTS)


def render(snapshot: Snapshot) -> bytes:
    """The process's figures in the Prometheus text format, with `snapshot` as its service's state."""
    SNAPSHOTS.latest[snapshot.service] = snapshot
    return generate_latest(REGISTRY)
