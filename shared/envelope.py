"""CloudEvents 1.0 envelope on Kafka (CONTRACT.md §1, NL GOV profile).

Inbound records are accepted in binary mode (`ce_*` headers, `data` as the JSON value) and in
structured mode (`content-type: application/cloudevents+json`, the whole event as the value).
Outbound events are always binary mode. `decode` never raises anything but `EnvelopeError`,
whose reasons name every problem, so a bad record can go to the DLQ with them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

MAX_RECORD_BYTES = 1_048_576
JSON = "application/json"
STRUCTURED = "application/cloudevents+json"
INBOUND_SOURCE_PREFIX = "urn:nld:"
OWN_SOURCE_PREFIX = "urn:nld:waardigwerk:"

Headers = Sequence[tuple[str, bytes]]


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
    return json.dumps(data, default=_json_default, ensure_ascii=False, separators=(",", ":")).encode()


def _header_map(headers: Headers) -> dict[str, str]:
    return {k.lower(): (v or b"").decode("utf-8", "replace") for k, v in headers}


def _parse_time(value: Any, reasons: list[str]) -> datetime | None:
    if not isinstance(value, str):
        reasons.append("ce_time ontbreekt (RFC 3339 tijdstip verplicht)")
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        reasons.append(f"ce_time {value!r} is geen RFC 3339 tijdstip")
        return None
    if parsed.tzinfo is None:
        reasons.append(f"ce_time {value!r} mist een tijdzone")
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
    hmap = _header_map(headers)
    structured = _media_type(hmap.get("content-type")) == STRUCTURED
    try:
        body = json.loads(value)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EnvelopeError([f"inhoud is geen geldige JSON: {exc}"]) from None
    if structured:
        if not isinstance(body, dict):
            raise EnvelopeError(["structured CloudEvent moet een JSON object zijn"])
        attrs: dict[str, Any] = {k: v for k, v in body.items() if k not in ("data", "data_base64")}
        data = body.get("data")
        data_json = dumps(data) if isinstance(data, dict) else b""
    else:
        attrs = {k[3:]: v for k, v in hmap.items() if k.startswith("ce_")}
        if _media_type(hmap.get("content-type")) not in ("", JSON):
            raise EnvelopeError([f"content-type {hmap.get('content-type')!r} wordt niet ondersteund"])
        data, data_json = body, value
    reasons: list[str] = []
    if attrs.get("specversion") != "1.0":
        reasons.append(f"specversion moet '1.0' zijn, niet {attrs.get('specversion')!r}")
    for name in ("id", "type"):
        if not attrs.get(name):
            reasons.append(f"ce_{name} ontbreekt")
    source = attrs.get("source")
    if not (isinstance(source, str) and source.startswith(INBOUND_SOURCE_PREFIX)):
        reasons.append(f"ce_source {source!r} is geen URN die begint met {INBOUND_SOURCE_PREFIX}")
    time = _parse_time(attrs.get("time"), reasons)
    if not isinstance(data, dict):
        reasons.append("data moet een JSON object zijn")
    if reasons or time is None or not isinstance(data, dict):
        raise EnvelopeError(reasons)
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
