"""The platform's services as local processes: `python -m services.<name>` from the repository root.

Which services run: the five of the design plus the console once `services/console/__main__.py`
exists. `WAARDIGWERK_SERVICES` overrides that with a comma-separated list of names, each optionally
`name=module` (to run a subset, or a stand-in while a service is being written), or `none` (only
Kafka and PostgreSQL). Every service
answers `GET /health` on its own port (`WAARDIGWERK_HEALTH_PORT`).

Replicas: `WAARDIGWERK_REPLICAS=melding=2,inspectie=2` runs that many processes of a service in
one consumer group. Replica 1 is the service's own part (`melding`); the others are parts
`melding-2`, `melding-3`, ... with their own log, pid file and health port (`replica_port`), so
`stack.py kill melding-2` / `start melding-2` act on one replica; `start` of a replica the stack
does not run yet adds it to the stack.
"""

from __future__ import annotations

import asyncio
import os
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


REPLICA_PORTS_FROM = 18040  # replica n (2..MAX_REPLICAS) of a service: 18040 + 6(n-2) + its base port - 18080
MAX_REPLICAS = 7


def replica_name(service: str, replica: int) -> str:
    return service if replica == 1 else f"{service}-{replica}"


def parse_replica(name: str) -> tuple[str, int]:
    """`melding` -> (melding, 1); `melding-2` -> (melding, 2)."""
    service, _, number = name.rpartition("-")
    if service and number.isdigit():
        return service, int(number)
    return name, 1


def replica_port(layout: Layout, service: str, replica: int) -> int:
    if replica == 1:
        return layout.port(service)
    if not 2 <= replica <= MAX_REPLICAS:
        raise StackError(f"{service}: replicas 1 to {MAX_REPLICAS}, not {replica}")
    return layout.port(service) - BASE_PORTS["console"] + REPLICA_PORTS_FROM + 6 * (replica - 2)


def replicas_requested(environ: Mapping[str, str], services: Mapping[str, str]) -> dict[str, int]:
    """`WAARDIGWERK_REPLICAS=melding=2,inspectie=2`: processes per service, where more than one."""
    counts: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in environ.get("WAARDIGWERK_REPLICAS", "").split(","))):
        name, _, number = item.partition("=")
        if name not in services or not number.isdigit() or not 1 <= int(number) <= MAX_REPLICAS:
            raise StackError(
                f"WAARDIGWERK_REPLICAS: {item!r} is not <service>=<1..{MAX_REPLICAS}> of a service this stack runs"
            )
        if int(number) > 1:
            counts[name] = int(number)
    return counts


class ServiceProcess(Part):
    # A service answers in 2-5 s on an idle machine; under a load average of 30 on 2 cores its
    # imports alone were seen to take 60 s, so a start that is still alive gets three minutes.
    start_timeout = 180.0
    stop_timeout = 10.0

    def __init__(self, layout: Layout, name: str, module: str, env: Mapping[str, str], replica: int = 1) -> None:
        super().__init__(layout)
        self.service = name
        self.replica = replica
        self.name = replica_name(name, replica)
        self.module = module
        self.env = dict(env)

    @property
    def port(self) -> int:
        return replica_port(self.layout, self.service, self.replica)

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
    """What a service is started with, beyond the caller's own environment. A fault of `make chaos`
    starts one service through its proxies: WAARDIGWERK_SERVICE_KAFKA / WAARDIGWERK_SERVICE_DATABASE_URL
    in the environment of that `stack.py start` replace the stack's addresses for it."""
    kafka = os.environ.get("WAARDIGWERK_SERVICE_KAFKA") or kafka
    database_url = os.environ.get("WAARDIGWERK_SERVICE_DATABASE_URL") or database_url
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
