from __future__ import annotations

import pytest

from shared.policy import Policy, load_policy
from tests.conftest import _stack_for_stack_tests, stack_env  # noqa: F401  (the stack tier's fixtures)
from tests.handler.test_loonvordering_herhaling import service  # noqa: F401  (loonvordering on the stack)


@pytest.fixture(scope="session")
def huidig() -> Policy:
    return load_policy("huidig")


@pytest.fixture(scope="session")
def ser2025() -> Policy:
    return load_policy("ser2025")
