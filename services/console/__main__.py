"""`python -m services.console`: the console on $WAARDIGWERK_HEALTH_PORT (default 18080), /health included."""

import uvicorn

from services.console.app import maak_app
from services.console.instellingen import ConsoleSettings
from services.console.lezer import MIGRATIONS, ConsoleService
from shared.logging import configure

DEFAULT_PORT = 18080

service = ConsoleService("console", migrations=MIGRATIONS)
configure(service.name, service.settings.waardigwerk_log_level)  # uvicorn's lines as JSON from the first one
uvicorn.run(
    maak_app(service, ConsoleSettings()),
    host=service.settings.waardigwerk_http_host,
    port=service.settings.waardigwerk_health_port or DEFAULT_PORT,
    log_config=None,
    access_log=False,
)
