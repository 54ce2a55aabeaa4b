"""Handler tier: what the runtime counts and traces for the records it handles, with FastStream's
TestKafkaBroker in front of a real PostgreSQL.

Counts: every record consumed, per type (a type the service does not handle under one label),
handled, dead-lettered by reason, and the handler's time, each counted once per record.
Traces: a span per handled record whose parent is the span that emitted its cause, in another
service, through nothing but the CloudEvents correlation and causation ids the outbox sends."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from faststream._internal.context.repository import ContextRepo
from faststream.kafka import TestKafkaBroker
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY

from shared import metrics, tracing
from shared.contract.base import ContractModel, KvkNummer
from shared.envelope import decode
from shared.service import Context, Service
from shared.settings import Settings
from shared.topics import intern

pytestmark = pytest.mark.stack
IN = "waardigwerk.in.waarneming"
INGEDIEND = "nl.waardigwerk.waarneming.ingediend"
GETELD = "nl.waardigwerk.waarneming.geteld"


class Waarneming(ContractModel):
    kvk_nummer: KvkNummer


CALLS: list[str] = []
FAILS_ONCE: set[str] = set()  # KvK numbers whose first handling trips a bug


async def tel(ctx: Context, waarneming: Waarneming) -> None:
    CALLS.append(waarneming.kvk_nummer)
    if waarneming.kvk_nummer in FAILS_ONCE:
        FAILS_ONCE.discard(waarneming.kvk_nummer)
        raise KeyError("a bug that goes away")
    await ctx.emit(GETELD, {"kvk_nummer": waarneming.kvk_nummer}, waarneming.kvk_nummer)


async def noteer(ctx: Context, data: Any) -> None:
    """The second service's handler: nothing to do but be traced."""


async def started(name: str, database_url: str, tmp_path: Path, routes: list[tuple[str, str, Any, Any]]) -> Service:
    svc = Service(name, migrations=tmp_path, settings=Settings(database_url=database_url))
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    for topic, ce_type, model, handler in routes:
        svc.handles(topic, ce_type, model=model)(handler)
    svc.app()
    await svc.open_storage()
    return svc


@pytest.fixture
async def services(stack_env: dict[str, str], tmp_path: Path) -> AsyncIterator[tuple[Service, Service]]:
    url, eerste = stack_env["DATABASE_URL"], f"telling{uuid.uuid4().hex[:6]}"
    first = await started(eerste, url, tmp_path, [(IN, INGEDIEND, Waarneming, tel)])
    second = await started(f"noteren{uuid.uuid4().hex[:6]}", url, tmp_path, [(intern(eerste), GETELD, None, noteer)])
    yield first, second
    for svc in (first, second):
        await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
        await svc.pool.close()


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    tracing.configure("proef", exporter=exporter)
    yield exporter
    tracing.configure("proef", "")


def headers_of(event_id: str, ce_type: str = INGEDIEND) -> dict[str, str]:
    return {
        "ce_specversion": "1.0",
        "ce_id": event_id,
        "ce_source": "urn:nld:test:waarneming",
        "ce_type": ce_type,
        "ce_time": "2026-12-03T10:00:00+01:00",
        "content-type": "application/json",
    }


def figure(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_records_are_counted_once_per_type_and_outcome(services: tuple[Service, Service]) -> None:
    svc = services[0]
    good = b'{"kvk_nummer": "12345678"}'
    async with TestKafkaBroker(svc.broker) as broker:
        await broker.publish(good, IN, key=b"a", headers=headers_of("goed-1"))
        await broker.publish(good, IN, key=b"a", headers=headers_of("goed-1"))  # a duplicate: consumed, no effect
        await broker.publish(b'{"kvk_nummer": "12"}', IN, key=b"b", headers=headers_of("fout-1"))
        await broker.publish(b"{}", IN, key=b"c", headers=headers_of("vreemd-1", "nl.waardigwerk.iets.anders"))
    name = svc.name
    assert figure("waardigwerk_records_consumed_total", service=name, ce_type=INGEDIEND) == 3
    assert figure("waardigwerk_records_consumed_total", service=name, ce_type="overig") == 1
    assert figure("waardigwerk_records_handled_total", service=name, ce_type=INGEDIEND) == 1
    assert figure("waardigwerk_handler_seconds_count", service=name, ce_type=INGEDIEND) == 1
    assert figure("waardigwerk_handler_seconds_sum", service=name, ce_type=INGEDIEND) > 0
    dead = "waardigwerk_records_dead_lettered_total"
    assert figure(dead, service=name, ce_type=INGEDIEND, reason="schema") == 1
    assert figure(dead, service=name, ce_type="overig", reason="onbekend_type") == 1
    assert figure("faststream_received_messages_total", app_name=name, broker="kafka", handler=IN) == 4


def record(offset: int, event_id: str, value: bytes) -> Any:
    headers = [(k, v.encode()) for k, v in headers_of(event_id).items()]
    return ConsumerRecord(IN, 0, offset, 0, 0, b"k", value, None, 1, len(value), headers)


async def test_a_batch_applied_again_counts_each_record_once(services: tuple[Service, Service]) -> None:
    svc = services[0]
    FAILS_ONCE.add("87654321")
    CALLS.clear()
    records = (record(1, "eerst-1", b'{"kvk_nummer": "12345678"}'), record(2, "dan-1", b'{"kvk_nummer": "87654321"}'))
    batch: Any = SimpleNamespace(raw_message=records)  # what the middleware reads of FastStream's message
    middleware = metrics.count_after_commit(svc.name, {INGEDIEND})(batch, context=ContextRepo())
    await middleware.consume_scope(lambda msg: svc.consume(msg.raw_message), batch)
    assert CALLS.count("12345678") >= 2, "the batch was applied again after the second record's bug"
    assert figure("waardigwerk_records_consumed_total", service=svc.name, ce_type=INGEDIEND) == 2
    assert figure("waardigwerk_records_handled_total", service=svc.name, ce_type=INGEDIEND) == 2
    assert figure("waardigwerk_handler_seconds_count", service=svc.name, ce_type=INGEDIEND) == 2


async def test_a_span_per_handled_record_with_the_emitting_span_as_parent(
    services: tuple[Service, Service], spans: InMemorySpanExporter
) -> None:
    first, second = services
    async with TestKafkaBroker(first.broker) as broker:
        await broker.publish(b'{"kvk_nummer": "12345678"}', IN, key=b"a", headers=headers_of("start-1"))
    row = await first.pool.fetchrow("SELECT topic, headers, value FROM outbox WHERE event_type = $1", GETELD)
    assert row is not None
    sent = [(k, v.encode()) for k, v in json.loads(row["headers"])]
    emitted = decode(sent, row["value"])
    async with TestKafkaBroker(second.broker) as broker:
        await broker.publish(row["value"], row["topic"], key=b"a", headers={k: v.decode() for k, v in sent})
    by_type = {dict(s.attributes or {})["cloudevents.event_type"]: s for s in spans.get_finished_spans()}
    start, follow = by_type[INGEDIEND], by_type[GETELD]
    first_attrs, follow_attrs = dict(start.attributes or {}), dict(follow.attributes or {})
    assert start.resource.attributes["service.name"] == "proef"
    assert start.parent is None, "a report from outside starts the trace"
    assert follow.parent is not None and start.context is not None and follow.context is not None
    assert follow.parent.span_id == start.context.span_id
    assert follow.context.trace_id == start.context.trace_id
    assert follow_attrs["waardigwerk.correlation_id"] == "start-1" == emitted.correlationid
    assert (first_attrs["waardigwerk.outcome"], follow_attrs["waardigwerk.outcome"]) == ("handled", "handled")
    assert first_attrs["messaging.destination.name"] == IN
