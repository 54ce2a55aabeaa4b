"""OpenTelemetry traces that follow one report across the services, without a trace header.

Every event already carries its chain: `correlationid` (the event that started it) and
`causationid` (the event whose handling emitted it). The ids of a span are derived from them, so
each service computes the same ids on its own:

    trace id  = digest of the correlation id (the chain)
    span id   = digest of (handling service's source, handled event's id)
    parent id = digest of (the event's source, its causation id): the span of the handling that
                emitted the event (a timer's effects name the event that scheduled the timer)

A span per handled record, named after its type, with the event's id and type and the outcome;
never its payload. Off by default (`WAARDIGWERK_TRACES`): `otlp` sends spans to the OTLP/HTTP
endpoint in `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter's own setting), `console` writes them to
stderr; tests give an exporter of their own (`configure(exporter=...)`).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import sys
from collections.abc import Iterator

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator, RandomIdGenerator
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, Status, StatusCode, TraceFlags

from shared.envelope import CloudEvent, loggable

TRACER = "waardigwerk"
_NEXT_IDS: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar("waardigwerk_span_ids", default=None)
_provider: TracerProvider | None = None


def _digest(*parts: str, bits: int) -> int:
    value = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).digest()[: bits // 8])
    return value or 1  # an id of zero is invalid


def trace_id(event: CloudEvent) -> int:
    return _digest("trace", event.chain_id, bits=128)


def span_id(handler_source: str, event_id: str) -> int:
    """The span of `handler_source` handling the event `event_id`."""
    return _digest("span", handler_source, event_id, bits=64)


def parent_id(event: CloudEvent) -> int | None:
    """The span that emitted `event`: its source handling its cause (none for the start of a chain)."""
    return span_id(event.source, event.causationid) if event.causationid else None


class _ChainIds(IdGenerator):
    """The ids `handling` asks for; random ones for any other span of the process."""

    def __init__(self) -> None:
        self._random = RandomIdGenerator()

    def generate_trace_id(self) -> int:
        wanted = _NEXT_IDS.get()
        return wanted[0] if wanted is not None else self._random.generate_trace_id()

    def generate_span_id(self) -> int:
        wanted = _NEXT_IDS.get()
        return wanted[1] if wanted is not None else self._random.generate_span_id()


def configure(service: str, kind: str = "", *, exporter: SpanExporter | None = None) -> TracerProvider | None:
    """Traces on (`kind` otlp or console, or an `exporter` of the caller's) or off (the default)."""
    global _provider
    if exporter is None and not kind:
        _provider = None
        return None
    provider = TracerProvider(resource=Resource.create({"service.name": service}), id_generator=_ChainIds())
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif kind == "console":
        one_line = lambda span: span.to_json(indent=None) + "\n"  # noqa: E731
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter(out=sys.stderr, formatter=one_line)))
    elif kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        raise ValueError(f"WAARDIGWERK_TRACES: unknown exporter {kind!r} (otlp, console or empty)")
    _provider = provider
    return provider


@contextlib.contextmanager
def handling(service_source: str, event: CloudEvent, topic: str) -> Iterator[trace.Span | None]:
    """A span around one record's handling (nothing when traces are off); an error ends it as failed."""
    if _provider is None:
        yield None
        return
    parent = parent_id(event)
    context = None
    if parent is not None:
        remote = SpanContext(trace_id(event), parent, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))
        context = trace.set_span_in_context(NonRecordingSpan(remote))
    token = _NEXT_IDS.set((trace_id(event), span_id(service_source, event.id)))
    try:
        span = _provider.get_tracer(TRACER).start_span(
            f"handle {loggable(event.type)}",
            context=context,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": topic,
                "cloudevents.event_id": loggable(event.id) or "",
                "cloudevents.event_type": loggable(event.type) or "",
                "cloudevents.event_source": loggable(event.source) or "",
                "waardigwerk.correlation_id": loggable(event.chain_id) or "",
            },
        )
    finally:
        _NEXT_IDS.reset(token)
    try:
        with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
            yield span
    except BaseException as exc:
        span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
        span.set_attribute("waardigwerk.outcome", type(exc).__name__)
        raise
    else:
        span.set_attribute("waardigwerk.outcome", "handled")
    finally:
        span.end()


def shutdown() -> None:
    """Send what is still buffered (at the service's stop)."""
    if _provider is not None:
        _provider.shutdown()
