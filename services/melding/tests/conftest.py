"""Policies for the melding unit tests: the real variants, and a copy with melding.yaml replaced."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from shared.policy import DEFAULT_DIR, Policy, load_policy


@pytest.fixture(scope="session")
def huidig() -> Policy:
    return load_policy("huidig")


@pytest.fixture(scope="session")
def ser2025() -> Policy:
    return load_policy("ser2025")


@pytest.fixture
def policy_met(tmp_path: Path) -> Callable[[str], Policy]:
    """A `huidig` policy whose melding.yaml is the given YAML text (to show a value comes from policy)."""

    def maak(melding_yaml: str) -> Policy:
        kopie = tmp_path / "policy"
        shutil.copytree(DEFAULT_DIR, kopie)
        (kopie / "huidig" / "melding.yaml").write_text(melding_yaml, encoding="utf-8")
        return load_policy("huidig", kopie)

    return maak
