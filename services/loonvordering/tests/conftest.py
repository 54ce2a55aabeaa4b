from __future__ import annotations

import pytest

from shared.policy import Policy, load_policy


@pytest.fixture(scope="session")
def huidig() -> Policy:
    return load_policy("huidig")


@pytest.fixture(scope="session")
def ser2025() -> Policy:
    return load_policy("ser2025")
