"""Memory and open files of every process of the chaos stack, sampled during a stream (the soak)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

from chaos.faults import pid

PARTS = ["kafka", "postgres", "console", "melding", "inspectie", "loonvordering", "huisvesting", "deling"]


def rss_mb(process: int) -> float:
    for line in Path(f"/proc/{process}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_files(process: int) -> int:
    return len(os.listdir(f"/proc/{process}/fd"))


class Sampler:
    """Every `every_s` the RSS (MB) and open file descriptors of each part's main process."""

    def __init__(self, every_s: float = 5.0) -> None:
        self.every_s = every_s
        self.samples: dict[str, list[tuple[float, int]]] = {}

    def take(self) -> None:
        for part in PARTS:
            process = pid(part)
            if process is None:
                continue
            with contextlib.suppress(OSError):
                self.samples.setdefault(part, []).append((rss_mb(process), open_files(process)))

    async def run(self) -> None:
        while True:
            await asyncio.to_thread(self.take)
            await asyncio.sleep(self.every_s)

    def summary(self) -> dict[str, dict[str, list[float]]]:
        """Per part: rss_mb and fds as [start, max, end]."""
        result = {}
        for part, samples in self.samples.items():
            rss, fds = [s[0] for s in samples], [float(s[1]) for s in samples]
            result[part] = {
                "rss_mb": [round(rss[0], 1), round(max(rss), 1), round(rss[-1], 1)],
                "fds": [fds[0], max(fds), fds[-1]],
            }
        return result


def report(summary: dict[str, dict[str, list[float]]]) -> str:
    lines = [f"{'process':14s} {'rss_mb start/max/end':>24s} {'fds start/max/end':>20s}"]
    for part, figures in summary.items():
        rss = "/".join(f"{v:.0f}" for v in figures["rss_mb"])
        fds = "/".join(f"{v:.0f}" for v in figures["fds"])
        lines.append(f"{part:14s} {rss:>24s} {fds:>20s}")
    return "\n".join(lines)
