"""The compose tier (marker `compose`): the stack of docker-compose.yml on a Docker engine.

Runs only when asked for, on its own: `WAARDIGWERK_COMPOSE_TIER=1 uv run pytest tests/compose`
(.ci/run does this after starting an engine: deploy/docker/engine.sh). Without that variable its
tests are deselected (named in the summary); with it, a missing engine fails every test.

`stack_env` here is a compose stack of its own, started with `WAARDIGWERK_STACK_MODE=docker`
through deploy/local/stack.py (so `.stack/env` is written exactly as for the local stack), in
`WAARDIGWERK_COMPOSE_STACK_DIR` (default `.stack-compose`) with ports moved by
`WAARDIGWERK_COMPOSE_PORT_OFFSET` (default 500). It starts from empty volumes and is removed with
its volumes at the end (`WAARDIGWERK_COMPOSE_KEEP=1` leaves it running).
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from deploy.local.layout import Layout, read_env_file
from tests.conftest import visible

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DOMAIN_SERVICES = ["melding", "inspectie", "loonvordering", "huisvesting"]


def tier_requested() -> bool:
    return os.environ.get("WAARDIGWERK_COMPOSE_TIER", "").strip().lower() in {"1", "true", "yes", "on"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if tier_requested():
        return
    tier = [item for item in items if Path(str(item.path)).is_relative_to(HERE)]
    if tier:
        config.hook.pytest_deselected(items=tier)
        items[:] = [item for item in items if item not in tier]
        config.stash[DESELECTED] = len(tier)


DESELECTED = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if config.stash.get(DESELECTED, 0):
        terminalreporter.write_line(
            f"compose tier: {config.stash[DESELECTED]} tests deselected; they run with "
            "WAARDIGWERK_COMPOSE_TIER=1 on a Docker engine (.ci/run does)"
        )


def compose_layout() -> Layout:
    state = os.environ.get("WAARDIGWERK_COMPOSE_STACK_DIR") or str(ROOT / ".stack-compose")
    offset = os.environ.get("WAARDIGWERK_COMPOSE_PORT_OFFSET") or "500"
    return Layout.from_environ({"WAARDIGWERK_STACK_DIR": state, "WAARDIGWERK_PORT_OFFSET": offset})


def compose_stack_env(layout: Layout, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "WAARDIGWERK_STACK_MODE": "docker",
        "WAARDIGWERK_STACK_DIR": str(layout.state),
        "WAARDIGWERK_PORT_OFFSET": str(layout.offset),
        **extra,
    }


def stack_py(layout: Layout, *args: str, check: bool = True, **extra: str) -> subprocess.CompletedProcess[str]:
    """deploy/local/stack.py on the compose stack: its progress goes to the terminal, and the end of
    its output into the failure, so a report that shows only the failures still says why."""
    cmd = [sys.executable, str(ROOT / "deploy" / "local" / "stack.py"), *args]
    env = compose_stack_env(layout, **extra)
    with subprocess.Popen(cmd, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
        assert proc.stdout is not None
        tail: collections.deque[str] = collections.deque(maxlen=FAILURE_LINES)
        for line in proc.stdout:
            sys.stdout.write(line)
            tail.append(line)
    if check and proc.returncode != 0:
        pytest.fail(f"stack.py {' '.join(args)} failed (exit {proc.returncode}); its last lines:\n{''.join(tail)}")
    return subprocess.CompletedProcess(cmd, proc.returncode, "".join(tail))


FAILURE_LINES = 60


def engine_answers() -> bool:
    return subprocess.run(["docker", "info"], capture_output=True, check=False, timeout=30).returncode == 0


@pytest.fixture(scope="session")
def compose_layout_() -> Layout:
    return compose_layout()


@pytest.fixture(scope="session")
def stack_env(request: pytest.FixtureRequest, compose_layout_: Layout) -> Iterator[dict[str, str]]:
    layout = compose_layout_
    if not engine_answers():
        pytest.fail(f"no Docker engine answers (DOCKER_HOST={os.environ.get('DOCKER_HOST', 'default')})")
    with visible(request):
        stack_py(layout, "down", check=False, WAARDIGWERK_WIPE="1")  # from empty volumes
        started = time.monotonic()
        stack_py(layout, "up", WAARDIGWERK_TEST_CLOCK="1")
        print(f"\ncompose tier: stack up and healthy in {time.monotonic() - started:.0f} s")
    try:
        yield read_env_file(layout.env_file)
    finally:
        if os.environ.get("WAARDIGWERK_COMPOSE_KEEP") != "1":
            with visible(request):
                stack_py(layout, "down", check=False, WAARDIGWERK_WIPE="1")


@pytest.fixture(scope="session")
def stack_policy(stack_env: dict[str, str], compose_layout_: Layout) -> Iterator[Callable[[str], None]]:
    """Switch the domain services to a policy variant (recreates their containers)."""
    current = {"beleid": stack_env.get("WAARDIGWERK_BELEID") or "huidig"}

    def ensure(beleid: str) -> None:
        if current["beleid"] != beleid:
            stack_py(compose_layout_, "restart", *DOMAIN_SERVICES, WAARDIGWERK_BELEID=beleid)
            current["beleid"] = beleid

    yield ensure
    ensure(stack_env.get("WAARDIGWERK_BELEID") or "huidig")
