"""What a service says about itself over HTTP, on the port of its health endpoint.

    GET /health/live    200 while the process serves requests at all
    GET /health/ready   200 when it can do its work, else 503; JSON either way (below)
    GET /health         the same as /health/ready (what the stack and compose wait for)
    GET /metrics        Prometheus text (shared.metrics): records by type, handler latency, consumer
                        lag, outbox backlog, timers, database pool, background tasks

Ready means: the broker answers, the database answers within `timeout_s`, every consumer is
running, and every background task (relay, scheduler, housekeeping, consumers) is running and not failing
for longer than its grace (`shared.supervision`). The JSON names each check and, when not ready,
the reasons; it carries the outbox backlog and the age of its oldest unsent row.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import TopicPartition
from faststream.asgi.types import Receive, Scope, Send
from faststream.kafka import KafkaBroker

from shared import metrics, outbox, timers
from shared.supervision import Supervisor

CHECK_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Figures:
    """What the database says at a check: the outbox backlog and the timers."""

    backlog: outbox.Backlog
    timers: timers.Counts


@dataclass
class Report:
    ready: bool
    reasons: list[str]
    checks: dict[str, Any]
    backlog: outbox.Backlog | None = None
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    timers: timers.Counts | None = None

    def as_json(self, service: str) -> dict[str, Any]:
        backlog = self.backlog
        age = None if backlog is None or backlog.oldest_unsent_age_s is None else round(backlog.oldest_unsent_age_s, 3)
        return {
            "service": service,
            "status": "ready" if self.ready else "not_ready",
            "reasons": self.reasons,
            "checks": self.checks,
            "outbox": None
            if backlog is None
            else {
                "unsent": backlog.unsent,
                "oldest_unsent_age_s": age,
                "parked": backlog.parked,
            },
            "tasks": self.tasks,
            "timers": None if self.timers is None else dataclasses.asdict(self.timers),
        }


def consumers_problems(broker: KafkaBroker) -> list[str]:
    """A subscriber that is not running, whose consume loop has ended, or whose consumer lost its group."""
    problems = []
    for subscriber in broker.subscribers:
        tasks = getattr(subscriber, "tasks", [])
        ended = [t for t in tasks if t.done()]
        if not subscriber.running or ended or not tasks:
            problems.append(f"consumer {title(subscriber)}: not consuming")
        elif coordination_ended(subscriber):
            problems.append(f"consumer {title(subscriber)}: its group coordination ended (started anew shortly)")
    return problems


def coordination_ended(subscriber: Any) -> bool:
    """aiokafka ends a consumer's group coordination for good on an error it does not expect (seen
    when the broker died mid-rebalance: a write to a closed transport); every fetch after that
    raises the stored error while FastStream's loop goes on, so no record arrives again and the
    loop looks alive. aiokafka 0.14 keeps that task as `_coordinator._coordination_task`."""
    task = getattr(getattr(getattr(subscriber, "consumer", None), "_coordinator", None), "_coordination_task", None)
    return isinstance(task, asyncio.Task) and task.done()


def title(subscriber: Any) -> str:
    """A subscriber as logs and reports name it."""
    return str(getattr(subscriber, "title_", None) or subscriber)


async def consumer_lag(broker: KafkaBroker) -> list[metrics.Lag]:
    """Per assigned partition of every consumer: its end offset minus the group's committed offset
    (the end offset itself when the group has committed nothing there yet)."""
    lags: list[metrics.Lag] = []
    for subscriber in broker.subscribers:
        consumer = getattr(subscriber, "consumer", None)
        group = getattr(subscriber, "group_id", None) or ""
        if consumer is None:
            continue
        partitions: list[TopicPartition] = sorted(consumer.assignment())
        if not partitions:
            continue
        ends = await consumer.end_offsets(partitions)
        committed = await asyncio.gather(*(consumer.committed(tp) for tp in partitions))
        for tp, done in zip(partitions, committed, strict=True):
            lags.append(metrics.Lag(group, tp.topic, tp.partition, max(int(ends[tp]) - int(done or 0), 0)))
    return lags


@dataclass
class Probe:
    service: str
    broker: KafkaBroker
    pool: Callable[[], asyncpg.Pool | None]
    supervisor: Supervisor
    timeout_s: float = CHECK_TIMEOUT_S
    now: Callable[[], datetime] = lambda: datetime.now(UTC)  # the service's clock (timers due at "now")
    # The checks that make the process unready when they fail (all are reported either way).
    needs: tuple[str, ...] = ("broker", "database", "consumers", "tasks")
    _query: asyncio.Task[Figures] | None = field(default=None, init=False, repr=False)
    _query_started: float = field(default=0.0, init=False, repr=False)

    async def report(self) -> Report:
        checks: dict[str, Any] = {}
        broker_ok, figures = await asyncio.gather(self._broker(), self._database(checks))
        checks["broker"] = "ok" if broker_ok else f"no answer within {self.timeout_s:g} s"
        problems = {
            "broker": [] if broker_ok else [f"broker: {checks['broker']}"],
            "database": [] if checks["database"] == "ok" else [f"database: {checks['database']}"],
            "consumers": consumers_problems(self.broker),
            "tasks": self.supervisor.problems(),
        }
        checks["consumers"] = problems["consumers"] or "ok"
        checks["tasks"] = problems["tasks"] or "ok"
        reasons = [reason for found in problems.values() for reason in found]
        ready = not any(problems[check] for check in self.needs)
        backlog, due = (figures.backlog, figures.timers) if figures is not None else (None, None)
        return Report(ready, reasons, checks, backlog, self.supervisor.detail(), due)

    async def snapshot(self, report: Report) -> metrics.Snapshot:
        """The report with what only the metrics show: consumer lag and the database pool."""
        backlog, due, pool = report.backlog, report.timers, self.pool()
        snapshot = metrics.Snapshot(self.service, report.ready, tasks=report.tasks)
        if backlog is not None:
            snapshot.unsent, snapshot.parked = backlog.unsent, backlog.parked
            snapshot.oldest_unsent_age_s = backlog.oldest_unsent_age_s
        if due is not None:
            snapshot.timers_due, snapshot.timers_overdue, snapshot.timers_dead = due.due, due.overdue, due.dead
        if pool is not None:
            size, idle = pool.get_size(), pool.get_idle_size()
            snapshot.pool_in_use, snapshot.pool_idle, snapshot.pool_max = size - idle, idle, pool.get_max_size()
        try:
            snapshot.lag = await asyncio.wait_for(consumer_lag(self.broker), self.timeout_s)
        except Exception:
            snapshot.lag = []  # the broker does not answer: no lag figures rather than stale ones
        return snapshot

    async def _figures(self, pool: asyncpg.Pool) -> Figures:
        backlog = await outbox.backlog(pool)
        return Figures(backlog, await timers.counts(pool, self.now()))

    async def _broker(self) -> bool:
        try:
            return bool(await self.broker.ping(self.timeout_s))
        except Exception:
            return False

    async def _database(self, checks: dict[str, Any]) -> Figures | None:
        """The backlog and timer queries, waited for at most `timeout_s`. It runs as a task of its own that is
        left to finish when it takes longer (cancelling a query on a frozen server blocks on the
        connection's release), and a new one starts only once the previous one is done."""
        pool = self.pool()
        if pool is None:
            checks["database"] = "not connected"
            return None
        if self._query is None or self._query.done():
            self._query, self._query_started = asyncio.create_task(self._figures(pool)), time.monotonic()
            self._query.add_done_callback(lambda t: t.cancelled() or t.exception())  # retrieved, even if late
        query = self._query
        try:
            figures = await asyncio.wait_for(asyncio.shield(query), self.timeout_s)
        except TimeoutError:
            waited = time.monotonic() - self._query_started
            checks["database"] = f"no answer within {self.timeout_s:g} s (waiting {waited:.0f} s)"
            return None
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
            return None
        checks["database"] = "ok"
        checks["database_ms"] = round((time.monotonic() - self._query_started) * 1000, 1)
        return figures


async def _respond(send: Send, status: int, body: bytes, content_type: str) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def routes(probe: Probe) -> list[tuple[str, Any]]:
    """The ASGI routes for `AsgiFastStream(asgi_routes=...)`."""

    async def live(scope: Scope, receive: Receive, send: Send) -> None:
        body = json.dumps({"service": probe.service, "status": "live"}).encode()
        await _respond(send, 200, body, "application/json")

    async def ready(scope: Scope, receive: Receive, send: Send) -> None:
        report = await probe.report()
        body = json.dumps(report.as_json(probe.service)).encode()
        await _respond(send, 200 if report.ready else 503, body, "application/json")

    async def prometheus(scope: Scope, receive: Receive, send: Send) -> None:
        report = await probe.report()
        body = metrics.render(await probe.snapshot(report))
        await _respond(send, 200, body, metrics.CONTENT_TYPE)

    return [("/health/live", live), ("/health/ready", ready), ("/health", ready), ("/metrics", prometheus)]
