"""What a service says about itself over HTTP, on the port of its health endpoint.

    GET /health/live    200 while the process serves requests at all
    GET /health/ready   200 when it can do its work, else 503; JSON either way (below)
    GET /health         the same as /health/ready (what the stack and compose wait for)
    GET /metrics        Prometheus text: outbox backlog, oldest unsent row, parked rows, tasks

Ready means: the broker answers, the database answers within `timeout_s`, every consumer is
running, and every background task (relay, scheduler, housekeeping) is running and not failing
for longer than its grace (`shared.supervision`). The JSON names each check and, when not ready,
the reasons; it carries the outbox backlog and the age of its oldest unsent row.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from faststream.asgi.types import Receive, Scope, Send
from faststream.kafka import KafkaBroker

from shared import metrics, outbox
from shared.supervision import Supervisor

CHECK_TIMEOUT_S = 2.0


@dataclass
class Report:
    ready: bool
    reasons: list[str]
    checks: dict[str, Any]
    backlog: outbox.Backlog | None = None
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)

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
        }


def consumers_problems(broker: KafkaBroker) -> list[str]:
    """A subscriber that is not running, or whose consume loop has ended."""
    problems = []
    for subscriber in broker.subscribers:
        tasks = getattr(subscriber, "tasks", [])
        ended = [t for t in tasks if t.done()]
        if not subscriber.running or ended or not tasks:
            problems.append(f"consumer {getattr(subscriber, 'title_', None) or subscriber}: not consuming")
    return problems


@dataclass
class Probe:
    service: str
    broker: KafkaBroker
    pool: Callable[[], asyncpg.Pool | None]
    supervisor: Supervisor
    timeout_s: float = CHECK_TIMEOUT_S
    published: Callable[[], int] = lambda: 0
    _query: asyncio.Task[outbox.Backlog] | None = field(default=None, init=False, repr=False)
    _query_started: float = field(default=0.0, init=False, repr=False)

    async def report(self) -> Report:
        reasons: list[str] = []
        checks: dict[str, Any] = {}
        broker_ok, backlog = await asyncio.gather(self._broker(), self._database(checks))
        checks["broker"] = "ok" if broker_ok else f"no answer within {self.timeout_s:g} s"
        if not broker_ok:
            reasons.append(f"broker: {checks['broker']}")
        if checks["database"] != "ok":
            reasons.append(f"database: {checks['database']}")
        consumers = consumers_problems(self.broker)
        checks["consumers"] = consumers or "ok"
        tasks = self.supervisor.problems()
        checks["tasks"] = tasks or "ok"
        reasons += consumers + tasks
        return Report(not reasons, reasons, checks, backlog, self.supervisor.detail())

    async def _broker(self) -> bool:
        try:
            return bool(await self.broker.ping(self.timeout_s))
        except Exception:
            return False

    async def _database(self, checks: dict[str, Any]) -> outbox.Backlog | None:
        """The backlog query, waited for at most `timeout_s`. It runs as a task of its own that is
        left to finish when it takes longer (cancelling a query on a frozen server blocks on the
        connection's release), and a new one starts only once the previous one is done."""
        pool = self.pool()
        if pool is None:
            checks["database"] = "not connected"
            return None
        if self._query is None or self._query.done():
            self._query, self._query_started = asyncio.create_task(outbox.backlog(pool)), time.monotonic()
            self._query.add_done_callback(lambda t: t.cancelled() or t.exception())  # retrieved, even if late
        query = self._query
        try:
            backlog = await asyncio.wait_for(asyncio.shield(query), self.timeout_s)
        except TimeoutError:
            waited = time.monotonic() - self._query_started
            checks["database"] = f"no answer within {self.timeout_s:g} s (waiting {waited:.0f} s)"
            return None
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
            return None
        checks["database"] = "ok"
        checks["database_ms"] = round((time.monotonic() - self._query_started) * 1000, 1)
        return backlog


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
        body = metrics.render(probe.service, report.ready, report.backlog, report.tasks, probe.published()).encode()
        await _respond(send, 200, body, metrics.CONTENT_TYPE)

    return [("/health/live", live), ("/health/ready", ready), ("/health", ready), ("/metrics", prometheus)]
