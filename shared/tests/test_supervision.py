"""Background tasks under a Supervisor: one that ends or crashes is started again and reported
meanwhile; one that keeps failing makes the service not ready once its grace has passed."""

from __future__ import annotations

import asyncio

from shared.supervision import Supervisor, TaskHealth


async def until(predicate: object, within_s: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_a_task_that_crashes_is_reported_and_started_again() -> None:
    supervisor = Supervisor(restart_backoff=(0.3, 0.3))
    rounds: list[int] = []

    async def body(health: TaskHealth) -> None:
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("stuk")
        await asyncio.Event().wait()

    health = supervisor.start("relay", body)
    try:
        await until(lambda: rounds and not health.running)
        assert supervisor.problems() == ["relay: not running (crashed: RuntimeError('stuk'))"]
        await until(lambda: health.running and len(rounds) == 2)
        assert health.restarts == 1
        assert supervisor.problems(grace_s=60) == []
    finally:
        await supervisor.stop()


async def test_a_task_that_ends_is_not_a_silent_state() -> None:
    supervisor = Supervisor(restart_backoff=(10.0, 10.0))

    rounds: list[int] = []

    async def body(health: TaskHealth) -> None:
        rounds.append(1)

    health = supervisor.start("scheduler", body)
    try:
        await until(lambda: rounds and not health.running)
        assert supervisor.problems() == ["scheduler: not running (ended)"]
    finally:
        await supervisor.stop()


async def test_a_task_failing_longer_than_its_grace_makes_the_service_not_ready() -> None:
    supervisor = Supervisor()

    async def body(health: TaskHealth) -> None:
        while True:
            health.failed(TimeoutError("broker"))
            await asyncio.sleep(0.01)

    supervisor.start("relay", body)
    try:
        await asyncio.sleep(0.05)
        assert supervisor.problems(grace_s=60) == []
        problems = supervisor.problems(grace_s=0.01)
        assert len(problems) == 1 and problems[0].startswith("relay: failing for") and "TimeoutError" in problems[0]
    finally:
        await supervisor.stop()


async def test_a_task_without_news_for_too_long_is_a_problem() -> None:
    supervisor = Supervisor()

    async def body(health: TaskHealth) -> None:
        health.ok()
        await asyncio.Event().wait()  # stuck, e.g. on a frozen database

    health = supervisor.start("relay", body, stale_after_s=0.05)
    try:
        await until(lambda: health.last_ok is not None)
        assert supervisor.problems() == []
        await asyncio.sleep(0.1)
        assert supervisor.problems()[0].startswith("relay: no progress for")
    finally:
        await supervisor.stop()
