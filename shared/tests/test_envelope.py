from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from shared.envelope import MAX_RECORD_BYTES, EnvelopeError, decode, encode, new_event


def binary(**overrides: str | None) -> list[tuple[str, bytes]]:
    attrs: dict[str, str | None] = {
        "ce_specversion": "1.0",
        "ce_id": "e-1",
        "ce_source": "urn:nld:vakbond:fnv:meldpunt",
        "ce_type": "nl.waardigwerk.melding.ingediend",
        "ce_time": "2026-12-03T10:00:00+01:00",
        "content-type": "application/json",
    }
    attrs.update(overrides)
    return [(k, v.encode()) for k, v in attrs.items() if v is not None]


def test_binary_mode_keeps_the_data_bytes_for_strict_parsing() -> None:
    event = decode(binary(), b'{"a": 1.50}')
    assert (event.id, event.type, event.data) == ("e-1", "nl.waardigwerk.melding.ingediend", {"a": 1.5})
    assert event.data_json == b'{"a": 1.50}'
    assert event.time == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_structured_mode_is_accepted() -> None:
    value = json.dumps(
        {
            "specversion": "1.0",
            "id": "e-2",
            "source": "urn:nld:gemeente:GM0363:brp",
            "type": "nl.waardigwerk.gemeente.signaal",
            "time": "2026-12-03T10:00:00Z",
            "data": {"signaal": "overbewoning"},
        }
    ).encode()
    event = decode([("content-type", b"application/cloudevents+json")], value)
    assert (event.id, event.source, event.data) == ("e-2", "urn:nld:gemeente:GM0363:brp", {"signaal": "overbewoning"})
    assert json.loads(event.data_json) == {"signaal": "overbewoning"}


def test_every_problem_is_named() -> None:
    with pytest.raises(EnvelopeError) as err:
        decode(binary(ce_id=None, ce_source="http://example.org", ce_time="gisteren", ce_specversion="0.3"), b"[]")
    text = " | ".join(err.value.reasons)
    for expected in ("specversion", "ce_id", "ce_source", "ce_time", "data moet een JSON object"):
        assert expected in text
    assert len(err.value.reasons) == 5


@pytest.mark.parametrize(
    ("value", "reason"),
    [(None, "geen inhoud"), (b"{not json", "geen geldige JSON"), (b"x" * (MAX_RECORD_BYTES + 1), "te groot")],
)
def test_unreadable_records_are_refused(value: bytes | None, reason: str) -> None:
    with pytest.raises(EnvelopeError, match=reason):
        decode(binary(), value)


def test_outbound_binary_mode_carries_correlation_and_causation() -> None:
    cause = decode(binary(ce_correlationid="start-1"), b"{}")
    event = new_event(
        type="nl.waardigwerk.melding.ontvangen",
        source="urn:nld:waardigwerk:melding",
        data={"bedrag_eur": 741.89},
        time=datetime(2026, 12, 3, tzinfo=UTC),
        cause=cause,
    )
    headers, value = encode(event)
    h = {k: v.decode() for k, v in headers}
    assert h["ce_correlationid"] == "start-1" and h["ce_causationid"] == "e-1"
    assert h["content-type"] == "application/json" and h["ce_specversion"] == "1.0"
    assert value == b'{"bedrag_eur":741.89}'
    roundtrip = decode(headers, value)
    assert roundtrip.id == event.id and roundtrip.causationid == "e-1"
