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

import pytest

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


def bring_up(request: pytest.FixtureRequest, layout: Layout, *args: str) -> dict[str, str]:
    with visible(request):
        result = stack("up", *args, WAARDIGWERK_TEST_CLOCK="1")
        if result.returncode != 0:
            stack("down")
            pytest.fail(f"the test stack did not start (stack.py up exit {result.returncode}); see its output above")
    return read_env_file(layout.env_file)


@contextlib.contextmanager
def containers(request: pytest.FixtureRequest, layout: Layout) -> Iterator[dict[str, str]]:
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.postgres import PostgresContainer

    password = secrets.token_urlsafe(24)
    kafka_image = os.environ.get("WAARDIGWERK_KAFKA_IMAGE") or "waardigwerk-local/kafka:3.9.1"
    postgres_image = os.environ.get("WAARDIGWERK_POSTGRES_IMAGE") or "waardigwerk-local/postgres:15"
    postgres = PostgresContainer(postgres_image, username="waardigwerk", password=password, dbname="waardigwerk")
    postgres = postgres.with_command("postgres -c max_connections=200")
    with KafkaContainer(kafka_image).with_kraft() as kafka, postgres as db:
        endpoints = ["--kafka", kafka.get_bootstrap_server(), "--database", db.get_connection_url(driver=None)]
        try:
            yield bring_up(request, layout, *endpoints)
        finally:
            with visible(request):
                stack("down")


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
