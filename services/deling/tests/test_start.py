"""deling refuses to start without a pseudonym key of its own: a key everyone knows (a default in
the code) would let anyone who holds a recipient's feed reverse its pseudonyms by trying BSNs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("key", [None, "", "kort"])
def test_deling_does_not_start_without_a_pseudonym_key_of_its_own(key: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WAARDIGWERK_PSEUDONYM_KEY"}
    if key is not None:
        env["WAARDIGWERK_PSEUDONYM_KEY"] = key
    env["DATABASE_URL"] = "postgresql://niemand@127.0.0.1:1/geen"  # never reached
    done = subprocess.run(
        [sys.executable, "-m", "services.deling"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "WAARDIGWERK_PSEUDONYM_KEY" in done.stderr and "Traceback" not in done.stderr
