"""Which keys a batch locks (shared/locks.py): the pure parts; the locking itself runs in
tests/e2e/test_replicas.py with two processes per service."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aiokafka import ConsumerRecord

from shared.envelope import CloudEvent
from shared.locks import _storable, decoded, werkgever_key, werkgevers


def event(data: dict[str, Any]) -> CloudEvent:
    return CloudEvent(id="e", source="urn:x", type="t", time=datetime(2026, 1, 1, tzinfo=UTC), data=data)


def record(value: bytes, headers: list[tuple[str, bytes]]) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("t", 0, 0, 0, 0, b"k", value, None, len(value), 1, headers)


def test_employers_come_from_werkgever_or_partij_and_nothing_else() -> None:
    events = [
        event({"werkgever": {"kvk_nummer": "12345678"}}),
        event({"partij": {"kvk_nummer": "87654321"}}),
        event({"werkgever": {"kvk_nummer": ""}}),
        event({"werkgever": "12345678"}),
        event({"kvk_nummer": "11111111"}),
    ]
    assert werkgevers(events) == {"12345678", "87654321"}
    assert werkgever_key("12345678") == "werkgever:12345678"


def test_records_that_do_not_decode_lock_nothing() -> None:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", b"a"),
        ("ce_source", b"urn:nld:vakbond:fnv:meldpunt"),
        ("ce_type", b"t"),
        ("ce_time", b"2026-01-01T00:00:00Z"),
        ("content-type", b"application/json"),
    ]
    good = record(json.dumps({"werkgever": {"kvk_nummer": "12345678"}}).encode(), headers)
    bad = record(b"\xff\xfe", [("ce_id", b"\xff")])
    assert [e.data for e in decoded([bad, good, record(b"[" * 10_000, headers)])] == [good_data()]


def good_data() -> dict[str, Any]:
    return {"werkgever": {"kvk_nummer": "12345678"}}


def test_keys_postgresql_cannot_store_are_left_out() -> None:
    assert _storable("werkgever:12345678")
    assert not _storable("werkgever:1\x002")
    assert not _storable("werkgever:\udcff")
