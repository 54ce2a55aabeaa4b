"""The public black-box scenarios (beside the repository, in ../shared/scenarios), run against
the stack with the test clock. They are not part of the product: where the folder is absent these
tests skip and say so; the project's own end-to-end tests cover the same behaviour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.stack
SCENARIOS = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
FILES = sorted(SCENARIOS.glob("*.json")) if SCENARIOS.is_dir() else []


@pytest.mark.skipif(not FILES, reason=f"public scenarios not present at {SCENARIOS}; own e2e tests cover them")
@pytest.mark.parametrize("scenario", FILES, ids=[f.stem for f in FILES])
def test_public_scenario(scenario: Path, stack_env: dict[str, str], stack_policy: object) -> None:
    policy = json.loads(scenario.read_text()).get("policy", "huidig")
    stack_policy(policy)  # type: ignore[operator]
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "WAARDIGWERK_DIENSTEN": stack_env.get("WAARDIGWERK_DIENSTEN", "melding,inspectie,loonvordering,huisvesting"),
    }
    result = subprocess.run(
        [sys.executable, str(SCENARIOS / "blackbox.py"), str(scenario)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{scenario.name} failed:\n{result.stdout}\n{result.stderr}"
