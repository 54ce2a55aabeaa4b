"""The platform's services as local processes: `python -m services.<name>` from the repository root.

Which services run: the five of the design plus the console once `services/console/__main__.py`
exists. `WAARDIGWERK_SERVICES` overrides that with a comma-separated list of names, each optionally
`name=module` (to run a subset, or a stand-in while a service is being written), or `none` (only
Kafka and PostgreSQL). Every service
answers `GET /health` on its own port (`WAARDIGWERK_HEALTH_PORT`).
"""

from __future__ import annotations

import asyncio
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping

from deploy.local.acl import service_principal
from deploy.local.layout import (
    BASE_PORTS,
    CONSOLE_ADMIN_USER,
    ROOT,
    SERVICES,
    Layout,
    Record,
    StackError,
    kafka_credentials,
)
from deploy.local.part import Part


def configured(environ: Mapping[str, str]) -> dict[str, str]:
    """Service name -> module to run."""
    override = environ.get("WAARDIGWERK_SERVICES", "").strip()
    if not override:
        names = [*SERVICES, *(["console"] if (ROOT / "services" / "console" / "__main__.py").is_file() else [])]
        return {name: f"services.{name}" for name in names}
    if override == "none":
        return {}
    chosen: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in override.split(","))):
        name, _, module = item.partition("=")
        if name not in BASE_PORTS or name.startswith("kafka") or name == "postgres":
            raise StackError(f"WAARDIGWERK_SERVICES: unknown service {name!r} (known: {', '.join(SERVICES)}, console)")
        chosen[name] = module or f"services.{name}"
    return chosen


class ServiceProcess(Part):
    start_timeout = 60.0
    stop_timeout = 10.0

    def __init__(self, layout: Layout, name: str, module: str, env: Mapping[str, str]) -> None:
        super().__init__(layout)
        self.name = name
        self.module = module
        self.env = dict(env)

    @property
    def port(self) -> int:
        return self.layout.port(self.name)

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}/health"

    @property
    def signature(self) -> tuple[str, ...]:
        return ("-m", self.module)

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port,)

    def command(self) -> list[str]:
        return [sys.executable, "-m", self.module]

    def environment(self) -> dict[str, str]:
        return {**super().environment(), **self.env, "WAARDIGWERK_HEALTH_PORT": str(self.port)}

    async def answers(self) -> bool:
        return await asyncio.to_thread(self._get_health)

    def _get_health(self) -> bool:
        try:
            with urllib.request.urlopen(self.address, timeout=2) as response:
                return 200 <= int(response.status) < 300
        except (OSError, urllib.error.URLError):
            return False


def service_env(
    name: str, kafka: str, database_url: str, settings: Mapping[str, str], record: Record
) -> dict[str, str]:
    """What a service is started with, beyond the caller's own environment."""
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "DATABASE_URL": database_url,
        "WAARDIGWERK_PSEUDONYM_KEY": record.pseudonym_key,
        **settings,
    }
    if record.secure:  # each service logs in to the broker as its own principal
        principal = service_principal(name)
        env |= kafka_credentials(principal, record.kafka_passwords[principal])
    if name == "console":
        env |= {"CONSOLE_ADMIN_USER": CONSOLE_ADMIN_USER, "CONSOLE_ADMIN_PASSWORD": record.console_admin_password}
    return env
