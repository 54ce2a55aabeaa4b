"""Which parts the fault matrix waits for after a fault and counts as restarted: every part the
stack runs, the console too."""

from __future__ import annotations

import os

import chaos.__main__ as runner
from deploy.local.service_procs import configured


def test_the_runner_waits_for_every_part_the_stack_runs_the_console_too() -> None:
    assert "console" in configured({})  # a stack without WAARDIGWERK_SERVICES runs the console
    assert list(configured(os.environ)) == runner.SERVICES


def test_a_console_started_anew_during_a_fault_counts_as_restarted() -> None:
    before = {"melding": 10, "inspectie": 11, "console": 12}
    after = {"melding": 20, "inspectie": 11, "console": 22}  # the fault restarts melding, not the console
    assert runner.changed(before, after, ("melding",)) == ["console"]
    assert runner.changed(before, before, ()) == []
