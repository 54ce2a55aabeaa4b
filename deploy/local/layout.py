"""Where a stack lives and what it remembers: state directory, ports, saved record, env file.

Everything a stack needs between two commands is in its state directory (`$WAARDIGWERK_STACK_DIR`,
default `.stack` in the repository): `stack.json` (mode, port offset, generated secrets, the
settings each service runs with), `env` (the shell-sourceable connection details), `logs/` and
`pids/`. The record is what `down`, `status`, `kill` and `restart` read, so they act on the stack
as it was started, whatever the caller's environment says now.
"""

from __future__ import annotations

import json
import secrets
import shlex
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Base ports; `$WAARDIGWERK_PORT_OFFSET` is added to each, so several stacks can run side by side.
# A stack's ports keep within one block of 100 by their last two digits: these use 32, 80-85 and
# 92-93; the extra Kafka nodes of a cluster 94-99 (kafka_broker.node_ports), second and later
# service replicas 40-79 (service_procs.replica_port). Offsets that differ by a multiple of 100
# therefore never share a port.
BASE_PORTS = {
    "kafka": 19092,
    "kafka-controller": 19093,
    "postgres": 15432,
    "console": 18080,
    "melding": 18081,
    "inspectie": 18082,
    "loonvordering": 18083,
    "huisvesting": 18084,
    "deling": 18085,
}
SERVICES = ("melding", "inspectie", "loonvordering", "huisvesting", "deling")
# The services that follow the shared test clock (CONTRACT §4: WAARDIGWERK_DIENSTEN).
CLOCK_FOLLOWERS = ("melding", "inspectie", "loonvordering", "huisvesting")
# Settings a caller may pass through to the services; the first value is the default.
PASSED_THROUGH = {"WAARDIGWERK_TEST_CLOCK": "0", "WAARDIGWERK_BELEID": "huidig"}
CONSOLE_ADMIN_USER = "admin"
KAFKA_ADMIN_USER = "admin"  # the secure broker's super user (deploy/kafka/acl.yaml names it too)
DATABASE = "waardigwerk"  # database and role name


class StackError(Exception):
    """A stack command cannot do what was asked; the message says what and where to look."""


@dataclass(frozen=True)
class Layout:
    """Paths and ports of one stack."""

    state: Path
    cache: Path
    offset: int

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Layout:
        state = Path(environ.get("WAARDIGWERK_STACK_DIR") or ROOT / ".stack").expanduser().resolve()
        cache = Path(environ.get("WAARDIGWERK_CACHE") or Path.home() / ".cache" / "waardigwerk").expanduser()
        try:
            offset = int(environ.get("WAARDIGWERK_PORT_OFFSET") or 0)
        except ValueError:
            raise StackError("WAARDIGWERK_PORT_OFFSET must be a whole number") from None
        return cls(state=state, cache=cache, offset=offset)

    def with_offset(self, offset: int) -> Layout:
        return Layout(self.state, self.cache, offset)

    def port(self, name: str) -> int:
        return BASE_PORTS[name] + self.offset

    def log(self, part: str) -> Path:
        return self.state / "logs" / f"{part}.log"

    def pidfile(self, part: str) -> Path:
        return self.state / "pids" / f"{part}.pid"

    @property
    def env_file(self) -> Path:
        return self.state / "env"

    @property
    def record_file(self) -> Path:
        return self.state / "stack.json"


def normalise(key: str, value: str) -> str:
    """One spelling per setting, so the record and the env file compare cleanly."""
    if key == "WAARDIGWERK_TEST_CLOCK":
        return "1" if value.strip().lower() in {"1", "true", "yes", "on"} else "0"
    return value.strip()


def requested(environ: Mapping[str, str]) -> dict[str, str]:
    """The pass-through settings the caller set explicitly (unset ones are left to the record)."""
    return {key: normalise(key, environ[key]) for key in PASSED_THROUGH if environ.get(key)}


def _secret() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Record:
    """What `up` decided, kept in `stack.json` for every later command on the same stack."""

    mode: str = "local"  # "local" processes or "docker" compose
    offset: int = 0
    postgres_password: str = field(default_factory=_secret)
    console_admin_password: str = field(default_factory=_secret)
    pseudonym_key: str = field(default_factory=_secret)  # keys the per-recipient pseudonyms (deling)
    external_kafka: str | None = None  # bootstrap servers of a broker the stack did not start
    external_database: str | None = None  # URL of a database the stack did not start
    services: dict[str, str] = field(default_factory=dict)  # name -> module run with `python -m`
    secure: bool = False  # SASL/SCRAM and default-deny ACLs on the broker (WAARDIGWERK_SECURE=1)
    kafka_passwords: dict[str, str] = field(default_factory=dict)  # SCRAM user -> password (secure only)
    settings: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> pass-through settings
    kafka_brokers: int = 1  # nodes of the local Kafka cluster (WAARDIGWERK_KAFKA_BROKERS)
    replicas: dict[str, int] = field(default_factory=dict)  # service -> processes in its group, if more than 1

    @classmethod
    def load(cls, layout: Layout) -> Record | None:
        if not layout.record_file.is_file():
            return None
        return cls(**json.loads(layout.record_file.read_text()))

    def save(self, layout: Layout) -> None:
        layout.state.mkdir(parents=True, exist_ok=True)
        tmp = layout.record_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n")
        tmp.chmod(0o600)  # holds the generated passwords
        tmp.replace(layout.record_file)

    def setting(self, service: str, key: str) -> str:
        return self.settings.get(service, {}).get(key, PASSED_THROUGH[key])

    def apply(self, service: str, overrides: Mapping[str, str]) -> dict[str, str]:
        """The settings `service` runs with next: the caller's explicit ones, else what it ran with."""
        current = {key: self.setting(service, key) for key in PASSED_THROUGH}
        self.settings[service] = {**current, **overrides}
        return self.settings[service]

    def stack_setting(self, key: str) -> tuple[str, list[str]]:
        """The value the clock-following services share, and a note per service that differs."""
        names = [name for name in self.services if name in CLOCK_FOLLOWERS] or list(self.services)
        values = {name: self.setting(name, key) for name in names}
        common = max(set(values.values()), key=list(values.values()).count, default=PASSED_THROUGH[key])
        return common, [f"{name}={value}" for name, value in values.items() if value != common]


def env_values(layout: Layout, record: Record, kafka: str, database_url: str) -> dict[str, str]:
    """The connection details a client of the stack needs (CONTRACT §4)."""
    values = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "DATABASE_URL": database_url,
        "CONSOLE_URL": f"http://127.0.0.1:{layout.port('console')}",
        "WAARDIGWERK_DIENSTEN": ",".join(name for name in record.services if name in CLOCK_FOLLOWERS),
        "CONSOLE_ADMIN_USER": CONSOLE_ADMIN_USER,
        "CONSOLE_ADMIN_PASSWORD": record.console_admin_password,
        "WAARDIGWERK_PSEUDONYM_KEY": record.pseudonym_key,
    }
    values.update({key: record.stack_setting(key)[0] for key in PASSED_THROUGH})
    if record.secure:
        values |= kafka_credentials(KAFKA_ADMIN_USER, record.kafka_passwords[KAFKA_ADMIN_USER])
    values["WAARDIGWERK_STACK_DIR"] = str(layout.state)
    return values


def secure_requested(environ: Mapping[str, str]) -> bool:
    return environ.get("WAARDIGWERK_SECURE", "").strip().lower() in {"1", "true", "yes", "on"}


def kafka_credentials(user: str, password: str) -> dict[str, str]:
    """The settings (shared/settings.py) that make a client log in to the secure broker as `user`."""
    return {
        "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": user,
        "KAFKA_SASL_PASSWORD": password,
    }


def write_env_file(layout: Layout, record: Record, values: Mapping[str, str]) -> None:
    """KEY=VALUE lines a shell can source (`source .stack/env`), then one `export` of every key."""
    lines = [f"# waardigwerk stack ({record.mode}), written {datetime.now(UTC).isoformat(timespec='seconds')}"]
    for key in PASSED_THROUGH:
        differs = record.stack_setting(key)[1]
        if differs:
            lines.append(f"# {key} differs per service: {', '.join(differs)}")
    lines += [f"{key}={shlex.quote(value)}" for key, value in values.items()]
    lines.append("export " + " ".join(values))
    layout.state.mkdir(parents=True, exist_ok=True)
    tmp = layout.env_file.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.chmod(0o600)
    tmp.replace(layout.env_file)


def read_env_file(path: Path) -> dict[str, str]:
    """The KEY=VALUE pairs of an env file (comments and the `export` line skipped)."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = " ".join(shlex.split(value))
    return values
