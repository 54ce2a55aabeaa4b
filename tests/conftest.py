"""The stack that `stack`-marked tests run against: a real Kafka broker and a real PostgreSQL.

`stack_env` (session) is the stack's env file as a dict. Where the stack comes from, first match:

1. `KAFKA_BOOTSTRAP_SERVERS` and `DATABASE_URL` are set (a sourced `.stack/env`, CI services):
   used as they are.
2. `WAARDIGWERK_TESTCONTAINERS=1` (asked for explicitly, never because an engine happens to
   answer): Kafka and PostgreSQL in testcontainers from the images `WAARDIGWERK_KAFKA_IMAGE` and
   `WAARDIGWERK_POSTGRES_IMAGE` name (default: the ones deploy/docker/images.sh builds), the
   services as local processes against them (`stack.py up --kafka ... --database ...`), all
   stopped at the end.
3. Otherwise the local stack (deploy/local/stack.py). A healthy running one is reused and left
   running (its services switched to the test clock for the session if they run without it);
   else one is started with `WAARDIGWERK_TEST_CLOCK=1` and stopped at the end.

The stack tier is never skipped: if no stack can be had, every stack test fails with the reason.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from deploy.local.layout import Layout, read_env_file

ROOT = Path(__file__).resolve().parents[1]
STACK = [sys.executable, str(ROOT / "deploy" / "local" / "stack.py")]


def stack(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run stack.py with the session's environment plus `env`; its progress goes to the terminal."""
    return subprocess.run([*STACK, *args], cwd=ROOT, env={**os.environ, **env}, text=True, check=False)


@contextlib.contextmanager
def visible(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let stack.py's progress lines through pytest's output capture (starting takes a while)."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        yield


def testcontainers_requested() -> bool:
    return os.environ.get("WAARDIGWERK_TESTCONTAINERS", "").strip().lower() in {"1", "true", "yes", "on"}


def given_endpoints(layout: Layout) -> dict[str, str]:
    """The caller's endpoints; the env file adds the rest if it describes the same stack."""
    values = read_env_file(layout.env_file) if layout.env_file.is_file() else {}
    if values.get("KAFKA_BOOTSTRAP_SERVERS") != os.environ["KAFKA_BOOTSTRAP_SERVERS"]:
        values = {}
    return values | {key: os.environ[key] for key in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")}


def of(layout: Layout) -> dict[str, str]:
    """The variables that point stack.py at `layout` (the session's own, or a test module's)."""
    return {"WAARDIGWERK_STACK_DIR": str(layout.state), "WAARDIGWERK_PORT_OFFSET": str(layout.offset)}


def bring_up(request: pytest.FixtureRequest, layout: Layout, *args: str) -> dict[str, str]:
    with visible(request):
        result = stack("up", *args, WAARDIGWERK_TEST_CLOCK="1", **of(layout))
        if result.returncode != 0:
            stack("down", **of(layout))
            pytest.fail(f"the test stack did not start (stack.py up exit {result.returncode}); see its output above")
    return read_env_file(layout.env_file)


def kafka_container(image: str) -> Any:
    """The testcontainers Kafka module (KRaft, one node) for the apache/kafka image layout.

    The module itself boots Confluent Platform images; the official apache/kafka image and its
    local equivalent (deploy/docker/images.sh) are configured by the same KAFKA_* variables, so only
    the boot script differs: advertise the mapped port, then the image's own /etc/kafka/docker/run.
    """
    from testcontainers.community.kafka import KafkaContainer

    class ApacheKafkaContainer(KafkaContainer):
        def _verify_min_kraft_version(self) -> None:
            """The module checks Confluent Platform versions; Apache Kafka runs KRaft since 3.3."""

        def tc_start(self) -> None:
            listeners = f"{self.listener_name}://{self.get_container_host_ip()}:{self.get_exposed_port(self.port)}"
            script = f"export KAFKA_ADVERTISED_LISTENERS={listeners},BROKER://$(hostname -i):9092\n"
            self.create_file((script + "exec /etc/kafka/docker/run\n").encode(), self.TC_START_SCRIPT)

    container = ApacheKafkaContainer(image).with_kraft()
    for key in ("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"):
        container.with_env(key, "1")
    return container.with_env("KAFKA_HEAP_OPTS", "-Xmx512m")


@contextlib.contextmanager
def containers(request: pytest.FixtureRequest, layout: Layout) -> Iterator[dict[str, str]]:
    """Kafka and PostgreSQL from the testcontainers modules, the services as local processes."""
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")  # its image is one more to pull
    os.environ.setdefault("TC_HOST", "127.0.0.1")  # the mapped ports, on loopback (not a bridge gateway)
    from testcontainers.community.postgres import PostgresContainer

    password = secrets.token_urlsafe(24)
    kafka_image = os.environ.get("WAARDIGWERK_KAFKA_IMAGE") or "waardigwerk-local/kafka:3.9.1"
    postgres_image = os.environ.get("WAARDIGWERK_POSTGRES_IMAGE") or "waardigwerk-local/postgres:15"
    postgres = PostgresContainer(postgres_image, username="waardigwerk", password=password, dbname="waardigwerk")
    kafka = kafka_container(kafka_image)
    with visible(request):
        print(f"\ntestcontainers: {kafka_image} and {postgres_image}")
    with postgres.with_command("postgres -c max_connections=200") as db:
        kafka.start(timeout=180)
        try:
            endpoints = ["--kafka", kafka.get_bootstrap_server(), "--database", db.get_connection_url(driver=None)]
            try:
                yield bring_up(request, layout, *endpoints)
            finally:
                with visible(request):
                    stack("down", **of(layout))
        finally:
            kafka.stop()


@contextlib.contextmanager
def local_stack(request: pytest.FixtureRequest, layout: Layout) -> Iterator[dict[str, str]]:
    if stack("status").returncode != 0:
        try:
            yield bring_up(request, layout)
        finally:
            with visible(request):
                stack("down")
        return
    values = read_env_file(layout.env_file)
    clock = values.get("WAARDIGWERK_TEST_CLOCK", "0")
    if clock == "1":
        yield values
        return
    with visible(request):
        print(f"\nThe running stack in {layout.state} has no test clock: restarting its services with it")
        if stack("restart", WAARDIGWERK_TEST_CLOCK="1").returncode != 0:
            pytest.fail("could not restart the running stack's services with the test clock")
    try:
        yield values | {"WAARDIGWERK_TEST_CLOCK": "1"}
    finally:
        with visible(request):
            stack("restart", WAARDIGWERK_TEST_CLOCK=clock)


@pytest.fixture(scope="session")
def stack_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    layout = Layout.from_environ(os.environ)
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("DATABASE_URL"):
        yield given_endpoints(layout)
    elif testcontainers_requested():
        with containers(request, layout) as values:
            yield values
    else:
        with local_stack(request, layout) as values:
            yield values


@pytest.fixture(autouse=True)
def _stack_for_stack_tests(request: pytest.FixtureRequest) -> None:
    """A test marked `stack` gets the stack even if it does not ask for `stack_env` by name."""
    if request.node.get_closest_marker("stack"):
        request.getfixturevalue("stack_env")


@pytest.fixture
def log_lines(fresh_module_logs: None) -> Iterator[list[Any]]:
    """The structlog lines the project's code writes during the test, however the process's logging
    was set up before (a cached logger would be out of reach of `structlog.testing.capture_logs`)."""
    with capture_logs() as lines:
        yield lines
