"""The service's figures in the Prometheus text format (version 0.0.4), written out by hand: a
handful of gauges and counters needs no client library."""

from __future__ import annotations

from typing import Any

from shared.outbox import Backlog

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class _Text:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def metric(self, name: str, kind: str, help_text: str, samples: list[tuple[dict[str, str], float]]) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        for labels, value in samples:
            inner = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            self.lines.append(f"{name}{{{inner}}} {value:g}")


def render(
    service: str, ready: bool, backlog: Backlog | None, tasks: dict[str, dict[str, Any]], published: int
) -> str:
    svc = {"service": service}
    text = _Text()
    text.metric("waardigwerk_ready", "gauge", "1 when /health/ready answers 200", [(svc, float(ready))])
    if backlog is not None:
        text.metric("waardigwerk_outbox_unsent", "gauge", "Outbox rows waiting to be sent", [(svc, backlog.unsent)])
        age = backlog.oldest_unsent_age_s or 0.0
        text.metric(
            "waardigwerk_outbox_oldest_unsent_age_seconds", "gauge", "Age of the oldest unsent outbox row", [(svc, age)]
        )
        text.metric(
            "waardigwerk_outbox_parked", "gauge", "Outbox rows the broker can never accept", [(svc, backlog.parked)]
        )
    text.metric(
        "waardigwerk_outbox_published_total", "counter", "Outbox rows sent by this process", [(svc, published)]
    )
    per_task = [({**svc, "task": name}, d) for name, d in tasks.items()]
    for name, kind, help_text, figure in (
        ("waardigwerk_task_running", "gauge", "1 while the task runs", lambda d: float(d["running"])),
        ("waardigwerk_task_restarts_total", "counter", "Times the task was started again", lambda d: d["restarts"]),
        ("waardigwerk_task_failures_total", "counter", "Failed rounds of the task", lambda d: d["failures"]),
        ("waardigwerk_task_failing_seconds", "gauge", "Seconds the task has failed", lambda d: d["failing_s"] or 0),
    ):
        text.metric(name, kind, help_text, [(labels, figure(d)) for labels, d in per_task])
    return "\n".join(text.lines) + "\n"
