"""`stack.py start kafka` after an unclean stop: the broker recovers its logs before it answers,
which can take longer than the normal start timeout. While its log shows that work going on, the
wait goes on and says so; a broker that shows nothing of the kind still fails at the timeout.

Fast: a sleeping Python process stands in for the broker, its "log" written by the test."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.local.kafka_broker import KafkaBroker
from deploy.local.layout import Layout, StackError

LOADING = (
    "2026-12-01T22:14:33.083Z [main] INFO kafka.log.UnifiedLog$ - [LogLoader partition=waardigwerk.in.meldingen-{n}, "
    "dir=/x/kafka/data] Loading producer state till offset 812 with message format version 2\n"
)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[KafkaBroker]:
    part = KafkaBroker(Layout(state=tmp_path / "state", cache=tmp_path / "cache", offset=950))
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    part.pidfile.parent.mkdir(parents=True, exist_ok=True)
    part.pidfile.write_text(str(sleeper.pid))
    part.log.parent.mkdir(parents=True, exist_ok=True)
    part.log.write_text("an earlier run\n" + LOADING.format(n=9))
    part._log_from = part.log.stat().st_size  # what start() records
    part.start_timeout = 0.6
    yield part
    sleeper.kill()
    sleeper.wait()


async def test_the_wait_goes_on_while_the_broker_recovers_its_logs(
    broker: KafkaBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    answers_after = asyncio.get_running_loop().time() + 12.0  # far beyond the 0.6 s timeout
    recovering = True

    async def answers() -> bool:
        return asyncio.get_running_loop().time() > answers_after

    async def write_log() -> None:
        n = 0
        while recovering:
            with broker.log.open("a") as log:
                log.write(LOADING.format(n=n % 3))
            n += 1
            await asyncio.sleep(0.2)

    broker.answers = answers  # type: ignore[method-assign]
    writer = asyncio.create_task(write_log())
    try:
        seconds = await broker.wait_until_answers()
    finally:
        recovering = False
        await writer
    assert seconds > 11
    out = capsys.readouterr().out
    assert "kafka: recovering its logs (3 partitions loaded so far); waiting" in out


async def test_without_recovery_in_its_log_the_broker_still_fails_at_the_timeout(broker: KafkaBroker) -> None:
    async def answers() -> bool:
        return False

    broker.answers = answers  # type: ignore[method-assign]
    with pytest.raises(StackError, match="did not become healthy within 1 s"):
        await broker.wait_until_answers()
