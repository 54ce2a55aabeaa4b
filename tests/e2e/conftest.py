from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_SERVICES = ["melding", "inspectie", "loonvordering", "huisvesting"]


def stack_command(*args: str, env: dict[str, str] | None = None) -> None:
    """Run deploy/local/stack.py (kill, start, restart a service) against the test stack."""
    subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "local" / "stack.py"), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=True,
        timeout=180,
    )


@pytest.fixture(scope="session")
def _policy_switch(stack_env: dict[str, str]) -> Callable[[str], None]:
    """Switch the domain services to a policy variant (a deployment runs one variant at a time)."""
    current = {"beleid": stack_env.get("WAARDIGWERK_BELEID") or "huidig"}

    def ensure(beleid: str) -> None:
        if current["beleid"] != beleid:
            stack_command("restart", *DOMAIN_SERVICES, env={"WAARDIGWERK_BELEID": beleid})
            current["beleid"] = beleid

    return ensure


@pytest.fixture
def stack_policy(_policy_switch: Callable[[str], None], stack_env: dict[str, str]) -> Iterator[Callable[[str], None]]:
    """The policy switch for one test; afterwards the stack runs its own variant again, so a test
    that asks for no variant (written for current law) never inherits another test's."""
    yield _policy_switch
    _policy_switch(stack_env.get("WAARDIGWERK_BELEID") or "huidig")
