"""Every log line of the process as one JSON object on stdout, bound to service, event id and
correlation id; never a BSN.

structlog renders the runtime's own lines; the standard library's loggers (FastStream's own and
its access logger, uvicorn's server and access lines, yoyo's migrations, aiokafka) go through the
same renderer via one handler on the root logger. FastStream gives its loggers handlers of their
own (coloured text, not propagated): `configure` puts the JSON handler in their place.

Log lines never carry personal data: handlers log ids and types, not payloads. As a last line of
defence, every nine-digit number that passes the elfproef (it may be a BSN) is masked in every
value of a line (texts, numbers, the message, a traceback), whatever logged it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from shared.envelope import possibly_personal

BSN_MASK = "<bsn?>"
# The logger a service gives its Kafka broker (shared/service.py), the one FastStream would create.
ACCESS_LOGGER = "faststream.access.kafka"  # FastStream's lines per message or batch of a Kafka subscriber
FASTSTREAM_LOGGERS = ("faststream", "faststream.access", ACCESS_LOGGER)
_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")


def mask_bsn(text: str) -> str:
    """`text` with every nine-digit number that may be a BSN replaced by a mask."""
    if not possibly_personal(text):
        return text
    return _NINE_DIGITS.sub(lambda m: BSN_MASK if possibly_personal(m.group(0)) else m.group(0), text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_bsn(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return BSN_MASK if possibly_personal(str(value)) else value
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_masked(v) for v in value]
    return value


def _mask_bsns(logger: Any, name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Every value of the line, the message and an exception's text included, with possible BSNs masked."""
    for key, value in event.items():
        if not key.startswith("_"):
            event[key] = _masked(value)
    return event


def _from_stdlib(logger: Any, name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A standard-library record: its logger's name and the fields FastStream's filter adds."""
    record: logging.LogRecord | None = event.get("_record")
    if record is not None:
        event["logger"] = record.name
        for extra in ("topic", "group_id", "message_id"):
            value = getattr(record, extra, None)
            if value:
                event[extra] = value
    return event


def json_handler(stream: Any = None) -> logging.Handler:
    """A handler that writes standard-library records as the same JSON lines as structlog's."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.contextvars.merge_contextvars,
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
            ],
            processors=[
                _from_stdlib,
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                _mask_bsns,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    return handler


def configure(service: str, level: str = "INFO") -> structlog.stdlib.BoundLogger:
    """JSON lines for structlog and for every standard-library logger of the process."""
    handler = json_handler()
    root = logging.getLogger()
    # In place of any plain stream handler (basicConfig's, an earlier configure's); others stay (a test's capture).
    root.handlers = [h for h in root.handlers if type(h) is not logging.StreamHandler] + [handler]
    root.setLevel(level)
    for name in FASTSTREAM_LOGGERS:
        own = logging.getLogger(name)
        # The access logger does not propagate: it writes through the handler, at the service's level
        # (a level FastStream set on it, for a broker with its default logger, is undone).
        own.handlers = [handler] if name == ACCESS_LOGGER else []
        own.propagate = name != ACCESS_LOGGER
        own.setLevel(logging.NOTSET)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _mask_bsns,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    # Python's warnings as lines of the logger py.warnings. Turned off first: captureWarnings(True)
    # keeps an earlier hook it installed, even when `warnings.showwarning` was put back since.
    logging.captureWarnings(False)
    logging.captureWarnings(True)
    sys.excepthook = _uncaught
    logger: structlog.stdlib.BoundLogger = structlog.get_logger()
    return logger


def _uncaught(kind: type[BaseException], error: BaseException, trace: Any) -> None:
    """An exception that ends the process: one JSON line (with its traceback), not Python's text."""
    logging.getLogger("uncaught").critical("process_failed", exc_info=(kind, error, trace))
