"""FastStream writes `Received` and `Processed` for every batch a subscriber gets (two lines per
record at a trickle). The runtime's `batch_applied` already says what a batch did, so a service
shows FastStream's pair only at WAARDIGWERK_LOG_LEVEL=DEBUG, while FastStream's lines with a level
of their own (a partition assignment at INFO, a failed handler at ERROR) show as before. On the
real broker, because FastStream's in-memory test broker writes no access lines at all."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from shared import logging as service_logging
from shared.service import Service
from shared.settings import Settings
from tests.waiting import until

pytestmark = pytest.mark.stack


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_a_services_access_lines_per_batch_show_only_at_debug(
    stack_env: dict[str, str], tmp_path: Path, json_logs: Any, level: str
) -> None:
    topic = f"waardigwerk.test.toegang.{uuid.uuid4().hex[:8]}"
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    svc = Service("proef", migrations=tmp_path, settings=Settings(kafka_bootstrap_servers=bootstrap))
    service_logging.configure("proef", level)
    batches: list[int] = []

    async def apply(records: tuple[Any, ...]) -> None:
        batches.append(len(records))
        if len(batches) == 1:
            raise RuntimeError("de eerste keer mislukt")  # rewound and read again

    svc._subscribe([topic], f"test.{topic}", apply)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    await svc.broker.start()
    try:
        await producer.send_and_wait(topic, b"{}")
        await until(lambda: batches == [1, 1])
    finally:
        await svc.commits.close()
        await svc.broker.stop()
        await producer.stop()
    lines = [json.loads(line) for line in json_logs() if line.startswith("{")]
    access = [p for p in lines if p.get("logger") == service_logging.ACCESS_LOGGER]
    events = [p["event"] for p in access]
    assert any("assigned to partitions" in e for e in events), f"FastStream's INFO lines are written: {events}"
    errors = [p for p in access if p["level"] == "error"]
    assert len(errors) == 1 and "RuntimeError: de eerste keer mislukt" in errors[0]["event"], errors
    assert "de eerste keer mislukt" in errors[0]["exception"], "with its traceback"
    if level == "INFO":
        assert not {"Received", "Processed"} & set(events), events
    else:
        assert events.count("Received") == 2 and events.count("Processed") == 2, events
