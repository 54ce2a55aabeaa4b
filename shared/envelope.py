"""CloudEvents 1.0 envelope on Kafka (CONTRACT.md §1, NL GOV profile).

Inbound records are accepted in binary mode (`ce_*` headers, `data` as the JSON value) and in
structured mode (`content-type: application/cloudevents+json`, the whole event as the value).
Outbound events are always binary mode. `decode` never raises anything but `EnvelopeError`,
whose reasons name every problem, so a bad record can go to the DLQ with them.

Every part of a record is untrusted bytes: header values may be null or invalid UTF-8, any text
may hold NUL bytes or lone surrogates (which PostgreSQL cannot store), the value may be nested
10 000 deep or hold a number of 5 000 digits. `decode` turns each into a reason before anything
touches the database. A reason names the attribute that is wrong and never repeats its value
(it may be personal data); `dlq_headers` keeps of a bad record's headers only what is safe to copy.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

MAX_RECORD_BYTES = 1_048_576
JSON = "application/json"
STRUCTURED = "application/cloudevents+json"
INBOUND_SOURCE_PREFIX = "urn:nld:"
OWN_SOURCE_PREFIX = "urn:nld:waardigwerk:"

MAX_ATTRIBUTE_CHARS = 200  # ce_id is an index key; a UUID has 36
Headers = Sequence[tuple[str, bytes | None]]
ENVELOPE_HEADERS = (
    "ce_specversion",
    "ce_id",
    "ce_source",
    "ce_type",
    "ce_time",
    "ce_dataschema",
    "ce_correlationid",
    "ce_causationid",
    "content-type",
    "waardigwerk_replay",
)
_NINE_DIGITS = re.compile(r"(?=([0-9]{9}))")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


class EnvelopeError(Exception):
    """The record is not an acceptable CloudEvent; `reasons` says why, in full."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class CloudEvent(BaseModel):
    """A CloudEvent with a JSON object as data. `data_json` keeps the inbound bytes for strict parsing."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    type: str
    time: datetime
    specversion: str = "1.0"
    subject: str | None = None
    dataschema: str | None = None
    correlationid: str | None = None
    causationid: str | None = None
    data: dict[str, Any]
    data_json: bytes = b""

    @property
    def chain_id(self) -> str:
        """The id of the event that started this chain (correlation), this event's own id at the start."""
        return self.correlationid or self.id


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # the shortest repr keeps amounts like 741.89 exact in the JSON text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON; a lone surrogate (only possible inside a string) is written as its escape."""
    text = json.dumps(data, default=_json_default, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "backslashreplace")


_ELF_ZERO = ord("0") * (sum(range(2, 10)) - 1)  # the weighted sum of nine ASCII zeros


def possibly_personal(text: str) -> bool:
    """True when the text holds nine digits in a row that pass the elfproef: it may be a BSN.

    The weighted sum is taken over the digits' ASCII codes, less that of nine zeros: every log
    line's values pass through here, and ids hold many windows of nine digits."""
    for match in _NINE_DIGITS.finditer(text):
        b = match.group(1).encode()
        if (
            9 * b[0] + 8 * b[1] + 7 * b[2] + 6 * b[3] + 5 * b[4] + 4 * b[5] + 3 * b[6] + 2 * b[7] - b[8] - _ELF_ZERO
        ) % 11 == 0:
            return True
    return False


def lone_surrogate(text: str) -> bool:
    """True when the text holds half of a surrogate pair alone (JSON's `"\\ud800"` makes one), which
    neither UTF-8 nor PostgreSQL can take."""
    return _LONE_SURROGATE.search(text) is not None


def clean_text(text: str) -> bool:
    """Printable text PostgreSQL can store: no NUL or other control characters, no lone surrogates."""
    return _CONTROL.search(text) is None


def loggable(value: str | None) -> str | None:
    """An id as logs may show it: unchanged, or a digest when it may hold personal data or junk."""
    if value is None or (clean_text(value) and len(value) <= MAX_ATTRIBUTE_CHARS and not possibly_personal(value)):
        return value
    return "verborgen:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def dlq_headers(headers: Headers) -> tuple[list[tuple[str, bytes]], int]:
    """The headers a dead letter may keep, and how many it leaves out.

    Kept: the envelope's own headers when their value is clean UTF-8 text of a sane length that
    holds no possible BSN (so a replay after a fix still carries its id, type and source). Left
    out: every other header (free text such as `ce_subject`, unknown names), null and invalid
    values. The key and value of the record are kept unchanged."""
    kept: list[tuple[str, bytes]] = []
    for name, value in headers:
        if name not in ENVELOPE_HEADERS or value is None:
            continue
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            continue
        sane = clean_text(text) and len(text) <= MAX_ATTRIBUTE_CHARS
        if sane and not possibly_personal(text) and _shaped(name, text):
            kept.append((name, value))
    return kept, len(headers) - len(kept)


def _shaped(name: str, text: str) -> bool:
    """The attributes with a fixed form are kept only in that form (free text could be anything)."""
    if name == "ce_specversion":
        return text == "1.0"
    if name == "ce_time":
        return _parse_time(text, []) is not None
    if name == "ce_type":
        return re.fullmatch(r"[a-z0-9][a-z0-9._-]*", text) is not None
    if name == "ce_source":
        return re.fullmatch(r"urn:[A-Za-z0-9:._-]+", text) is not None
    if name == "content-type":
        return _media_type(text) in (JSON, STRUCTURED)
    return True


def _header_map(headers: Headers, reasons: list[str]) -> dict[str, str]:
    """Header names in lower case with their text; a bad envelope header becomes a reason."""
    result: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        envelope = key.startswith("ce_") or key == "content-type"
        shown = key if clean_text(key) and len(key) <= 40 else "een header"
        if value is None:
            if envelope:
                reasons.append(f"header {shown} heeft geen waarde")
            continue
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            if envelope:
                reasons.append(f"header {shown} is geen geldige UTF-8")
            continue
        if envelope and not clean_text(text):
            reasons.append(f"header {shown} bevat een NUL- of stuurteken")
            continue
        result[key] = text
    return result


def _unstorable(data: Any) -> bool:
    """True when any text in the JSON holds a NUL or a lone surrogate (walked without recursion)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or lone_surrogate(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _may_hold_unstorable(value: bytes) -> bool:
    """False when the JSON bytes cannot give a string with a NUL or a lone surrogate: UTF-8 (as
    json.loads detects it) without a \\u escape and without a surrogate's bytes, which begin 0xED
    (json.loads decodes with surrogatepass and keeps no raw control character in a string). UTF-16
    and UTF-32 bodies are always walked."""
    if b"\\u" in value or b"\xed" in value:
        return True
    return json.detect_encoding(value) not in ("utf-8", "utf-8-sig")


def parse_json(value: bytes) -> Any:
    """json.loads that raises only EnvelopeError (bad UTF-8 or JSON, too deep, a number too long)."""
    try:
        return json.loads(value)
    except RecursionError:
        raise EnvelopeError(["inhoud is te diep genest"]) from None
    except UnicodeDecodeError:
        raise EnvelopeError(["inhoud is geen geldige UTF-8"]) from None
    except json.JSONDecodeError as exc:
        raise EnvelopeError([f"inhoud is geen geldige JSON (regel {exc.lineno}, kolom {exc.colno})"]) from None
    except ValueError:  # e.g. an integer of more digits than Python converts
        raise EnvelopeError(["inhoud bevat een getal dat te lang is"]) from None


def _parse_time(value: Any, reasons: list[str]) -> datetime | None:
    if not isinstance(value, str):
        reasons.append("ce_time ontbreekt (RFC 3339 tijdstip verplicht)")
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        reasons.append("ce_time is geen RFC 3339 tijdstip")
        return None
    if parsed.tzinfo is None:
        reasons.append("ce_time mist een tijdzone")
        return None
    return parsed


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def decode(headers: Headers, value: bytes | None) -> CloudEvent:
    """Parse an inbound Kafka record into a CloudEvent, or raise EnvelopeError with every reason."""
    if value is None:
        raise EnvelopeError(["bericht heeft geen inhoud (value ontbreekt)"])
    if len(value) > MAX_RECORD_BYTES:
        raise EnvelopeError([f"bericht is te groot: {len(value)} bytes, maximaal {MAX_RECORD_BYTES}"])
    reasons: list[str] = []
    hmap = _header_map(headers, reasons)
    structured = _media_type(hmap.get("content-type")) == STRUCTURED
    body = parse_json(value)
    if _may_hold_unstorable(value) and _unstorable(body):
        raise EnvelopeError(["inhoud bevat een NUL-teken of een ongeldig unicode-teken (\\u0000, \\ud800)"])
    if structured:
        if not isinstance(body, dict):
            raise EnvelopeError(["structured CloudEvent moet een JSON object zijn"])
        attrs: dict[str, Any] = {k: v for k, v in body.items() if k not in ("data", "data_base64")}
        data = body.get("data")
        data_json = dumps(data) if isinstance(data, dict) else b""
    else:
        attrs = {k[3:]: v for k, v in hmap.items() if k.startswith("ce_")}
        if _media_type(hmap.get("content-type")) not in ("", JSON):
            reasons.append("content-type wordt niet ondersteund (alleen application/json)")
        data, data_json = body, value
    if attrs.get("specversion") != "1.0":
        reasons.append("specversion moet '1.0' zijn")
    for name in ("id", "type"):
        if not attrs.get(name):
            reasons.append(f"ce_{name} ontbreekt")
    for name, attr in attrs.items():
        if isinstance(attr, str) and len(attr) > MAX_ATTRIBUTE_CHARS:
            reasons.append(f"ce_{name} is te lang (maximaal {MAX_ATTRIBUTE_CHARS} tekens)")
    source = attrs.get("source")
    if not (isinstance(source, str) and source.startswith(INBOUND_SOURCE_PREFIX)):
        reasons.append(f"ce_source is geen URN die begint met {INBOUND_SOURCE_PREFIX}")
    time = _parse_time(attrs.get("time"), reasons)
    if not isinstance(data, dict):
        reasons.append("data moet een JSON object zijn")
    if reasons or time is None or not isinstance(data, dict):
        raise EnvelopeError(reasons)
    try:
        return CloudEvent(
            id=str(attrs["id"]),
            source=str(source),
            type=str(attrs["type"]),
            time=time,
            subject=attrs.get("subject"),
            dataschema=attrs.get("dataschema"),
            correlationid=attrs.get("correlationid"),
            causationid=attrs.get("causationid"),
            data=data,
            data_json=data_json,
        )
    except ValidationError as exc:
        velden = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors(include_url=False)})
        raise EnvelopeError([f"ce_{v} heeft een ongeldig type" for v in velden]) from None


def new_event(
    *,
    type: str,
    source: str,
    data: dict[str, Any],
    time: datetime,
    cause: CloudEvent | None,
    subject: str | None = None,
) -> CloudEvent:
    """An event waardigwerk emits: correlation and causation point back along the chain."""
    return CloudEvent(
        id=str(uuid.uuid4()),
        source=source,
        type=type,
        time=time,
        subject=subject,
        correlationid=cause.chain_id if cause else None,
        causationid=cause.id if cause else None,
        data=data,
    )


def encode(event: CloudEvent) -> tuple[list[tuple[str, bytes]], bytes]:
    """Binary content mode: attributes as ce_* headers, data as the JSON value."""
    attrs: dict[str, str | None] = {
        "specversion": event.specversion,
        "id": event.id,
        "source": event.source,
        "type": event.type,
        "time": event.time.isoformat(),
        "subject": event.subject,
        "dataschema": event.dataschema,
        "correlationid": event.correlationid or event.id,
        "causationid": event.causationid,
    }
    headers = [(f"ce_{k}", v.encode()) for k, v in attrs.items() if v is not None]
    headers.append(("content-type", JSON.encode()))
    return headers, dumps(event.data)
