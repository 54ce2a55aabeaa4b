"""The meters' tests run on the stack named by WAARDIGWERK_STACK_DIR (or `make up`'s), else skip."""

from __future__ import annotations

import pytest

from tools.stackenv import stack_env


@pytest.fixture
def database_url() -> str:
    try:
        return stack_env()["DATABASE_URL"]
    except (SystemExit, KeyError):
        pytest.skip("no stack: start one (make up) or set WAARDIGWERK_STACK_DIR")
