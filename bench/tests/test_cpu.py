"""The CPU meter counts a child's time once: what it used during the stage, also after it exited."""

from __future__ import annotations

import os
import subprocess
import sys

from bench import cpu

BURN = """
import sys, time
def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
burn(float(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
burn(float(sys.argv[2]))
"""


def test_a_child_that_exits_during_the_stage_counts_only_its_time_in_the_stage() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", BURN, "0.4", "0.3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "ready"  # 0.4 s used before the stage
    before = cpu.sample_part(os.getpid(), with_children=True)
    assert before is not None and child.pid in before.children
    child.stdin.write("go\n")
    child.stdin.close()
    child.wait()  # reaped: its time is now in this process's cutime, all 0.7 s of it
    after = cpu.sample_part(os.getpid(), with_children=True)
    assert after is not None and child.pid not in after.children
    used = cpu.used_s(before, after)
    assert 0.25 <= used <= 0.5, used  # the 0.3 s of the stage (plus a little of this process), not 0.7
