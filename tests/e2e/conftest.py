from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
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
def stack_policy(stack_env: dict[str, str]) -> Callable[[str], None]:
    """Switch the domain services to a policy variant (a deployment runs one variant at a time)."""
    current = {"beleid": stack_env.get("WAARDIGWERK_BELEID") or "huidig"}

    def ensure(beleid: str) -> None:
        if current["beleid"] != beleid:
            stack_command("restart", *DOMAIN_SERVICES, env={"WAARDIGWERK_BELEID": beleid})
            current["beleid"] = beleid

    yield ensure
    ensure(stack_env.get("WAARDIGWERK_BELEID") or "huidig")
