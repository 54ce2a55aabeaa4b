"""CPU time of the stack's processes, read from /proc/<pid>/stat before and after a stage.

The stack keeps a pid file per part (`<state>/pids/<part>.pid`). A service and the Kafka broker
are one process each (threads included in its own figures). PostgreSQL is a postmaster with a
backend per connection: its CPU is the postmaster's own, the children alive now, and the ones
that exited meanwhile (the postmaster reaps them, so their time lands in its cutime/cstime).
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

TICK_S = 1 / os.sysconf("SC_CLK_TCK")
LOAD_GENERATOR = "bench"  # this process: the partner that offers reports and reads the feeds


@dataclass(frozen=True)
class Stat:
    ppid: int
    own: int  # utime + stime, in clock ticks
    reaped: int  # cutime + cstime: children that exited and were waited for


def read_stat(pid: int) -> Stat | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()  # the name in parentheses may contain spaces
    # fields[0] is field 3 (state) of proc(5): ppid is field 4, utime..cstime are fields 14..17
    return Stat(ppid=int(fields[1]), own=int(fields[11]) + int(fields[12]), reaped=int(fields[13]) + int(fields[14]))


def children_of(pid: int) -> dict[int, int]:
    """Child pid -> its own ticks, for every live child of `pid`."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = read_stat(int(entry.name))
            if stat is not None and stat.ppid == pid:
                found[int(entry.name)] = stat.own
    return found


@dataclass(frozen=True)
class Sample:
    """One part's CPU at one moment."""

    own: int
    reaped: int
    children: dict[int, int]


def sample_part(pid: int, with_children: bool) -> Sample | None:
    stat = read_stat(pid)
    if stat is None:
        return None
    return Sample(stat.own, stat.reaped, children_of(pid) if with_children else {})


def used_s(before: Sample, after: Sample) -> float:
    """Seconds of CPU the part used between the two samples, its children included."""
    ticks = after.own - before.own + after.reaped - before.reaped
    ticks -= sum(t for pid, t in before.children.items() if pid not in after.children)  # in `reaped` whole
    ticks += sum(t - before.children.get(pid, 0) for pid, t in after.children.items())
    return ticks * TICK_S


def stack_pids(state: Path) -> dict[str, int]:
    """Part name -> pid, from the stack's pid files (only parts that run)."""
    pids: dict[str, int] = {}
    for pidfile in sorted((state / "pids").glob("*.pid")):
        try:
            pid = int(pidfile.read_text().strip())
        except (OSError, ValueError):
            continue
        if read_stat(pid) is not None:
            pids[pidfile.stem] = pid
    return pids


def snapshot(pids: dict[str, int]) -> dict[str, Sample]:
    samples = {name: sample_part(pid, with_children=name == "postgres") for name, pid in pids.items()}
    me = resource.getrusage(resource.RUSAGE_SELF)
    seconds = me.ru_utime + me.ru_stime
    samples[LOAD_GENERATOR] = Sample(round(seconds / TICK_S), 0, {})
    return {name: sample for name, sample in samples.items() if sample is not None}


def used(before: dict[str, Sample], after: dict[str, Sample]) -> dict[str, float]:
    """Part -> CPU seconds between two snapshots (parts present in both)."""
    return {name: used_s(before[name], after[name]) for name in before if name in after}
