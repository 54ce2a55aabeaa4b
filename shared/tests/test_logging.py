"""Every line a service process writes is one JSON object with the service's name, the event and
correlation ids while a record is handled, and never a BSN: structlog's lines, the standard
library's (migrations, uvicorn's access lines), FastStream's own, and an exception's traceback."""

from __future__ import annotations

import json
import logging
import sys
import warnings
from typing import Any

import structlog
from faststream._internal.context.repository import ContextRepo
from faststream._internal.logger.logging import get_broker_logger
from faststream.kafka import KafkaBroker, TestKafkaBroker

from shared import logging as service_logging

BSN = "111222333"  # passes the elfproef
NOT_A_BSN = "123456780"  # nine digits that fail it: kept


async def test_every_line_is_json_with_service_and_ids_and_no_bsn(json_logs: Any) -> None:
    service_logging.configure("proef")
    log = structlog.get_logger()
    structlog.contextvars.bind_contextvars(event_id="e-1", correlation_id="c-1")
    log.info("handled", omschrijving=f"BSN {BSN}", nummer=NOT_A_BSN, als_getal=int(BSN), lijst=[{"bsn": BSN}])
    logging.getLogger("yoyo.migrations").info("Applying 0001_melding for %s", BSN)
    access_line = ('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", f"/zoeken?q={BSN}", "1.1", 200)
    logging.getLogger("uvicorn.access").info(*access_line)
    try:
        raise ValueError(f"invalid input syntax: {BSN}")
    except ValueError:
        logging.getLogger("aiokafka").exception("failed")
        log.exception("batch_failed")
    warnings.warn(f"deprecated for {BSN}", DeprecationWarning, stacklevel=1)
    try:
        raise SystemError("the process ends")
    except SystemError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    broker = KafkaBroker()

    @broker.subscriber("proef.logging")
    async def handle(body: Any) -> None:
        logging.getLogger("faststream").info("a line of FastStream's own about %s", BSN)

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish({"x": 1}, "proef.logging", correlation_id=BSN)
    # The access logger as FastStream makes it for a Kafka broker (coloured text on stdout by itself).
    access = get_broker_logger("kafka", {"topic": "", "group_id": ""}, 10, "%(message)s", ContextRepo(), logging.INFO)
    access.info("`OnBatch` waiting for messages", extra={"topic": "proef.logging"})

    lines = json_logs()
    parsed = [json.loads(line) for line in lines]  # every line is JSON (raises otherwise)
    assert all(p["service"] == "proef" for p in parsed)
    assert not [line for line in lines if BSN in line]
    by_event = {p["event"]: p for p in parsed}
    handled = by_event["handled"]
    assert (handled["event_id"], handled["correlation_id"]) == ("e-1", "c-1")
    assert handled["omschrijving"] == f"BSN {service_logging.BSN_MASK}" and handled["nummer"] == NOT_A_BSN
    assert handled["als_getal"] == service_logging.BSN_MASK and handled["lijst"] == [{"bsn": service_logging.BSN_MASK}]
    assert by_event[f"Applying 0001_melding for {service_logging.BSN_MASK}"]["logger"] == "yoyo.migrations"
    assert any(p["event"].startswith('127.0.0.1:5 - "GET /zoeken?q=<bsn?>') for p in parsed)
    assert any(p.get("logger") == "py.warnings" and "deprecated for <bsn?>" in p["event"] for p in parsed)
    assert "SystemError: the process ends" in by_event["process_failed"]["exception"]
    assert "ValueError" in by_event["failed"]["exception"] and "ValueError" in by_event["batch_failed"]["exception"]
    faststream = [p for p in parsed if p.get("logger", "").startswith("faststream")]
    assert any("own about" in p["event"] for p in faststream)
    assert any(p.get("logger") == "faststream.access.kafka" and p.get("topic") == "proef.logging" for p in faststream)


def test_warnings_are_logged_after_a_second_configure(json_logs: Any) -> None:
    """A process (or a test session) that configures logging twice, with the warnings hook put back
    in between, still logs Python's warnings: `captureWarnings(True)` alone keeps its first hook."""
    service_logging.configure("proef")
    warnings.showwarning = warnings._showwarning_orig  # type: ignore[attr-defined]  # as after catch_warnings
    service_logging.configure("proef")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a second configure", UserWarning, stacklevel=1)
    parsed = [json.loads(line) for line in json_logs()]
    assert any(p.get("logger") == "py.warnings" and "a second configure" in p["event"] for p in parsed)
