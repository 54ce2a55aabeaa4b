"""Which keys a batch locks (shared/locks.py): the pure parts; the locking itself runs in
tests/e2e/test_replicas.py with two processes per service, and that records which do not decode
lock nothing in tests/handler/test_runtime.py (the runtime hands `batch_locks` only decoded events)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.envelope import CloudEvent
from shared.locks import _storable, werkgever_key, werkgevers


def event(data: dict[str, Any]) -> CloudEvent:
    return CloudEvent(id="e", source="urn:x", type="t", time=datetime(2026, 1, 1, tzinfo=UTC), data=data)


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


def test_keys_postgresql_cannot_store_are_left_out() -> None:
    assert _storable("werkgever:12345678")
    assert not _storable("werkgever:1\x002")
    assert not _storable("werkgever:\udcff")
