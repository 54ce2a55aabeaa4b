"""`python -m services.console`: the console on $WAARDIGWERK_HEALTH_PORT (default 18080), /health included."""

import uvicorn

from services.console.app import app, service

DEFAULT_PORT = 18080

uvicorn.run(
    app,
    host=service.settings.waardigwerk_http_host,
    port=service.settings.waardigwerk_health_port or DEFAULT_PORT,
    log_config=None,
)
