"""Settings and fixtures for every test in the repository.

Property tests check behaviour, not speed (speed is `make bench`'s business): Hypothesis's
wall-clock checks are off, so a busy machine — the stack runs beside the tests — cannot fail them.
"""

import logging
import sys
from collections.abc import Callable, Iterator

import pytest
import structlog
from hypothesis import HealthCheck, settings

from shared import logging as service_logging

settings.register_profile("waardigwerk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("waardigwerk")


@pytest.fixture
def fresh_module_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A module's `log` caches its logger on first use (`shared.logging.configure` asks for that),
    and a cached logger keeps the processors and the stdout it was made with: for the test, every
    loaded module of the project gets a fresh `log`, made with the configuration of its first use."""
    for name, module in list(sys.modules.items()):
        logger = getattr(module, "log", None) if name.startswith(("shared.", "services.")) else None
        if type(logger).__module__.startswith("structlog"):
            monkeypatch.setattr(module, "log", structlog.get_logger())


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str], fresh_module_logs: None) -> Iterator[Callable[[], list[str]]]:
    """The lines written to stdout after the test's `shared.logging.configure`; afterwards the
    process's logging as it was before (`configure` sets handlers, levels, the warnings capture,
    the exception hook and structlog's configuration)."""
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in service_logging.FASTSTREAM_LOGGERS)]
    saved = [(lg, lg.handlers[:], lg.propagate, lg.level) for lg in loggers]
    yield lambda: [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    for logger, handlers, propagate, level in saved:
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)
    logging.captureWarnings(False)
    sys.excepthook = sys.__excepthook__
    structlog.contextvars.clear_contextvars()
    structlog.reset_defaults()
