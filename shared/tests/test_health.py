"""Readiness names what is wrong: a database that does not answer in time, a broker that is not
there, a background task that stopped; and answers quickly while the database hangs."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from faststream.kafka import KafkaBroker

from shared import metrics
from shared.health import Probe
from shared.outbox import Backlog
from shared.supervision import Supervisor, TaskHealth


class FrozenPool:
    """A pool whose server stopped answering (SIGSTOP): every query hangs."""

    async def fetchrow(self, *_: Any) -> Any:
        await asyncio.Event().wait()


class AnsweringPool:
    """A pool whose outbox has a backlog and whose timers are due, overdue and dead."""

    async def fetchrow(self, query: str, *_: Any) -> dict[str, Any]:
        if "FROM timer" in query:
            return {"due": 4, "overdue": 2, "dead": 1}
        return {"unsent": 3, "oldest": 12.5, "parked": 1}

    def get_size(self) -> int:
        return 5

    def get_idle_size(self) -> int:
        return 3

    def get_max_size(self) -> int:
        return 10


async def test_a_frozen_database_and_a_stopped_task_make_the_service_not_ready_with_reasons() -> None:
    supervisor = Supervisor(restart_backoff=(60.0, 60.0))

    async def crashes(health: TaskHealth) -> None:
        raise RuntimeError("weg")

    health = supervisor.start("scheduler", crashes)
    while health.ended is None:
        await asyncio.sleep(0.01)
    probe = Probe("proef", KafkaBroker("127.0.0.1:9"), lambda: FrozenPool(), supervisor, timeout_s=0.2)  # type: ignore[arg-type, return-value]
    try:
        started = time.monotonic()
        report = await probe.report()
        assert time.monotonic() - started < 2.0
        assert not report.ready
        assert report.checks["database"].startswith("no answer within 0.2 s")
        assert "broker: no answer within 0.2 s" in report.reasons
        assert "scheduler: not running (crashed: RuntimeError('weg'))" in report.reasons
        assert report.backlog is None
        again = await probe.report()  # the hanging query is not started a second time
        assert "waiting" in again.checks["database"]
    finally:
        await supervisor.stop()


async def test_the_backlog_timers_and_pool_are_reported_and_exposed_as_metrics() -> None:
    supervisor = Supervisor()
    probe = Probe("proef", KafkaBroker("127.0.0.1:9"), lambda: AnsweringPool(), supervisor, timeout_s=0.2)  # type: ignore[arg-type, return-value]
    report = await probe.report()
    assert report.backlog == Backlog(3, 12.5, 1)
    assert report.as_json("proef")["outbox"] == {"unsent": 3, "oldest_unsent_age_s": 12.5, "parked": 1}
    assert report.as_json("proef")["timers"] == {"due": 4, "overdue": 2, "dead": 1}
    text = metrics.render(await probe.snapshot(report)).decode()
    assert 'waardigwerk_outbox_unsent{service="proef"} 3.0\n' in text
    assert 'waardigwerk_outbox_oldest_unsent_age_seconds{service="proef"} 12.5\n' in text
    assert 'waardigwerk_outbox_parked{service="proef"} 1.0\n' in text
    assert 'waardigwerk_timers_due{service="proef"} 4.0\n' in text
    assert 'waardigwerk_timers_overdue{service="proef"} 2.0\n' in text
    assert 'waardigwerk_timers_dead{service="proef"} 1.0\n' in text
    assert 'waardigwerk_db_pool_connections{service="proef",state="in_use"} 2.0\n' in text
    assert 'waardigwerk_db_pool_max{service="proef"} 10.0\n' in text
    assert 'waardigwerk_ready{service="proef"} 0.0\n' in text  # no broker
