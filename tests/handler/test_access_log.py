"""FastStream writes `Received` and `Processed` for every batch a subscriber gets (two lines per
record at a trickle). The runtime's `batch_applied` already says what a batch did, so a service
shows FastStream's pair only at WAARDIGWERK_LOG_LEVEL=DEBUG; on the real broker, because
FastStream's in-memory test broker writes no access lines at all."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from aiokafka import AIOKafkaProducer

from shared import logging as service_logging
from shared.service import Service
from shared.settings import Settings
from tests.waiting import until

pytestmark = pytest.mark.stack


@pytest.fixture
def json_lines(capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    """The JSON lines written after the test's `configure`; the process's logging as it was afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    loggers = [logging.getLogger(name) for name in service_logging.FASTSTREAM_LOGGERS]
    own = {lg.name: (lg.handlers[:], lg.propagate, lg.level) for lg in loggers}
    yield lambda: [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    root.handlers, root.level = saved
    for name, (handlers, propagate, level) in own.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)
    structlog.reset_defaults()


@pytest.mark.parametrize(("level", "shown"), [("INFO", False), ("DEBUG", True)])
async def test_a_services_access_lines_per_batch_show_only_at_debug(
    stack_env: dict[str, str], tmp_path: Path, json_lines: Any, level: str, shown: bool
) -> None:
    topic = f"waardigwerk.test.toegang.{uuid.uuid4().hex[:8]}"
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    svc = Service("proef", migrations=tmp_path, settings=Settings(kafka_bootstrap_servers=bootstrap))
    service_logging.configure("proef", level)
    batches: list[int] = []

    async def apply(records: tuple[Any, ...]) -> None:
        batches.append(len(records))

    svc._subscribe([topic], f"test.{topic}", apply)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    await svc.broker.start()
    try:
        await producer.send_and_wait(topic, b"{}")
        await until(lambda: batches == [1])
    finally:
        await svc.commits.close()
        await svc.broker.stop()
        await producer.stop()
    access = [p["event"] for p in json_lines() if p.get("logger") == service_logging.ACCESS_LOGGER]
    assert ("Received" in access and "Processed" in access) is shown, access
