from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shared.envelope import (
    MAX_RECORD_BYTES,
    EnvelopeError,
    clean_text,
    decode,
    dlq_headers,
    encode,
    loggable,
    new_event,
    possibly_personal,
)


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


# -- hostile bytes and personal data -----------------------------------------------------------
CANARY = b"123456782"  # passes the elfproef

hostile = st.one_of(
    st.none(),
    st.binary(max_size=16),
    st.sampled_from([b"\x00", b"\xff\xfe", b"\xed\xa0\x80", CANARY, b"bsn " + CANARY]),
)
header_names = st.sampled_from(["ce_id", "ce_time", "ce_type", "ce_source", "ce_subject", "content-type", "x-a"])
values = st.one_of(
    st.none(),
    st.binary(max_size=64),
    st.just(b"[" * 5_000 + b"]" * 5_000),
    st.just(b'{"a": 1' + b"0" * 5_000 + b"}"),
    st.just(b'{"a": "\\u0000"}'),
    st.just(b'{"a": "\\ud800"}'),
    st.just(b'{"bsn": "' + CANARY + b'"}'),
)


@settings(max_examples=300, deadline=None)
@given(changes=st.lists(st.tuples(header_names, hostile), max_size=4), value=values)
def test_decode_raises_only_envelope_errors_whose_reasons_never_repeat_a_value(
    changes: list[tuple[str, bytes | None]], value: bytes | None
) -> None:
    headers: list[tuple[str, bytes | None]] = [*binary(), *changes]
    try:
        event = decode(headers, value)
    except EnvelopeError as exc:
        assert exc.reasons, "a refusal always says why"
        assert CANARY.decode() not in "; ".join(exc.reasons)
        return
    # What decodes is storable text: no NUL or lone surrogate in any attribute.
    for attr in (event.id, event.type, event.source):
        assert clean_text(attr)


@given(changes=st.lists(st.tuples(header_names, hostile), max_size=6))
def test_a_dead_letter_keeps_only_clean_envelope_headers_without_a_possible_bsn(
    changes: list[tuple[str, bytes | None]],
) -> None:
    kept, dropped = dlq_headers([*binary(), *changes])
    assert len(kept) + dropped == len(binary()) + len(changes)
    for name, value in kept:
        assert name.startswith("ce_") or name == "content-type"
        assert CANARY not in value and b"\x00" not in value
        value.decode("utf-8")


def test_possibly_personal_means_nine_digits_passing_the_elfproef() -> None:
    assert possibly_personal("bsn 123456782 x")
    assert not possibly_personal("111222334"), "fails the elfproef"
    assert not possibly_personal("urn:nld:kvk:40409352:portaal"), "a KvK number has eight digits"
    assert loggable("e-1") == "e-1" and (loggable("123456782") or "").startswith("verborgen:")


def test_ce_time_reasons_name_the_attribute_not_its_value() -> None:
    with pytest.raises(EnvelopeError) as exc:
        decode(binary(ce_time="123456782"), b"{}")
    assert exc.value.reasons == ["ce_time is geen RFC 3339 tijdstip"]


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(st.characters(exclude_categories=()), max_size=12),
    ensure_ascii=st.booleans(),
    encoding=st.sampled_from(ENCODINGS),
)
@example(text="\ud800", ensure_ascii=False, encoding="utf-8")
@example(text="\udc00x", ensure_ascii=True, encoding="utf-8")
@example(text="a\x00", ensure_ascii=False, encoding="utf-8")
@example(text="a\x00", ensure_ascii=True, encoding="utf-16-le")
@example(text="\ud800", ensure_ascii=False, encoding="utf-32")
def test_data_with_a_nul_or_a_lone_surrogate_is_refused_however_it_is_written(
    text: str, ensure_ascii: bool, encoding: str
) -> None:
    """Escaped (`\\u0000`, `\\ud800`) or as raw code units (json.loads decodes with surrogatepass),
    in a key or a value, in any encoding json.loads detects: such data is refused, any other decodes."""
    data = {"a": [text], text: 1}
    value = json.dumps(data, ensure_ascii=ensure_ascii).encode(encoding, "surrogatepass")
    unstorable = "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    try:
        decode(binary(), value)
        refused = False
    except EnvelopeError as exc:
        refused = True
        assert exc.reasons == ["inhoud bevat een NUL-teken of een ongeldig unicode-teken (\\u0000, \\ud800)"]
    assert refused == unstorable, text.encode("unicode_escape")
