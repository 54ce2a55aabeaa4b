"""The console's /health and /metrics.

    GET /health/live    204 while the process answers at all
    GET /health/ready   200 when it can serve pages, else 503; JSON either way (shared.health's report)
    GET /health         the same as /health/ready
    GET /metrics        Prometheus text: logins by outcome, replays (services.console.metrics), the runtime's figures
                        (database pool, consumer lag of the read model, outbox, background tasks)

Serving pages needs the database, and nothing else: the check is the runtime's database check,
answered within its timeout even when the server hangs (the query is left to finish on its own).
The broker, the read model's consumer and the background tasks are reported too, but a console
whose consumer stopped still serves (older) pages, so they do not make it unready.
"""

from __future__ import annotations

import dataclasses

from starlette.responses import JSONResponse, Response

from services.console.lezer import ConsoleService
from shared import health, metrics


def probe_van(service: ConsoleService) -> health.Probe:
    """The runtime's probe, with only the database needed for readiness."""
    return dataclasses.replace(service.probe, needs=("database",))


async def klaar(probe: health.Probe) -> Response:
    report = await probe.report()
    return JSONResponse(report.as_json(probe.service), 200 if report.ready else 503)


async def cijfers(probe: health.Probe) -> Response:
    report = await probe.report()
    return Response(metrics.render(await probe.snapshot(report)), media_type=metrics.CONTENT_TYPE)
