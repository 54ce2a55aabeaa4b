"""Read the stack's connection details: the environment first, else `.stack/env` (written by `make up`)."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from shared.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


SASL_KEYS = ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD")


def client_options(env: dict[str, str]) -> dict[str, str]:
    """aiokafka login arguments for a secure stack (WAARDIGWERK_SECURE=1, docs/security.md); none otherwise."""
    login = {key.lower(): env[key] for key in SASL_KEYS if env.get(key)}
    return Settings.model_validate(login).kafka_client_options()


def stack_env() -> dict[str, str]:
    env_file = Path(os.environ.get("WAARDIGWERK_STACK_DIR", ROOT / ".stack")) / "env"
    values: dict[str, str] = {}
    if env_file.is_file():
        for line in env_file.read_text().splitlines():
            line = line.strip().removeprefix("export ")
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key] = " ".join(shlex.split(value)) if value else ""
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "CONSOLE_URL", "WAARDIGWERK_DIENSTEN", *SASL_KEYS):
        if os.environ.get(key):
            values[key] = os.environ[key]
    if "KAFKA_BOOTSTRAP_SERVERS" not in values:
        raise SystemExit(f"no stack found: {env_file} is missing; start it with `make up`")
    return values
