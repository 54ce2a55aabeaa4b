"""The tables `make bench` prints: figures per stage beside the targets of this 2-core machine."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from bench.cpu import LOAD_GENERATOR
from bench.statements import SHARED

# name -> (comparison, value, unit); docs/performance.md explains where they come from
TARGETS: dict[str, tuple[str, float, str]] = {
    "chain_reports_per_s": (">=", 1000, "reports/s"),
    "intake_reports_per_s": (">=", 3000, "reports/s"),
    "statements_per_report": ("<=", 12, "statements"),
    "cpu_ms_per_report": ("<=", 2.5, "CPU-ms"),
    "idle_cpu_percent": ("<", 5, "% of one core"),
    "rate_p99_ms": ("<", 150, "ms"),
}
COMPARE: dict[str, Callable[[float, float], bool]] = {">=": operator.ge, "<=": operator.le, "<": operator.lt}
REPORT_STAGES = ("rate", "chain", "intake")
WAITED_STAGES = ("warmup", *REPORT_STAGES)  # autovacuum of what they wrote is waited for before the next


def check(target: str, value: float | None) -> str:
    comparison, limit, unit = TARGETS[target]
    verdict = "?" if value is None else "met" if COMPARE[comparison](value, limit) else "MISSED"
    return f"{comparison}{limit:g} {unit}: {verdict}"


def stack_cpu_ms(stage: str, cpu_ms: dict[str, float]) -> float:
    """CPU per report of the stack (the load generator left out; in the ceiling it is the work)."""
    return sum(v for k, v in cpu_ms.items() if stage == "ceiling" or k != LOAD_GENERATOR)


def total_statements(r: dict[str, Any]) -> float:
    return float(sum(r.get("statements_per_report", {}).values()))


def hops(stage: str, r: dict[str, Any]) -> float:
    return 1.0 if stage == "ceiling" else float(r["hops_per_report"])


def targets_of(stage: str, r: dict[str, Any]) -> list[str]:
    found = []
    if stage == "chain":
        found.append(check("chain_reports_per_s", r["events_per_s"]))
    if stage == "intake":
        found.append(check("intake_reports_per_s", r["events_per_s"]))
    if stage == "rate":
        outcomes = ", ".join(f"{k.rpartition('.')[2]} {v}" for k, v in sorted(r.get("outputs", {}).items()))
        found.append(f"{check('rate_p99_ms', r.get('p99_ms'))} (p99 of the first outcome: {outcomes})")
    if stage in REPORT_STAGES:
        found.append(check("statements_per_report", total_statements(r) if r["statements_per_report"] else None))
        if r.get("statement_evictions"):
            found.append(f"statements too low: pg_stat_statements dropped entries {r['statement_evictions']} times")
        found.append(check("cpu_ms_per_report", stack_cpu_ms(stage, r["cpu_ms_per_report"])))
    return found


def cell(value: Any, width: int) -> str:
    if value is None or value == "":
        return f"{'-':>{width}}"
    if isinstance(value, float):
        return f"{value:>{width}.{1 if abs(value) >= 100 else 2}f}"
    return f"{value!s:>{width}}"


def grid(header: list[str], rows: list[list[Any]], first: int = 8) -> list[str]:
    widths = [max(len(h), 7) for h in header]
    widths[0] = max(first, *(len(str(row[0])) for row in rows)) if rows else first
    lines = [" ".join(f"{h:>{w}}" if i else f"{h:<{w}}" for i, (h, w) in enumerate(zip(header, widths, strict=True)))]
    for row in rows:
        lines.append(
            " ".join(f"{v!s:<{w}}" if i == 0 else cell(v, w) for i, (v, w) in enumerate(zip(row, widths, strict=True)))
        )
    return lines


def render(results: dict[str, Any], stages: list[str], parts: list[str]) -> str:
    ceiling = float(results["ceiling"]["events_per_s"])
    header = [
        "stage",
        "reports",
        "done",
        "reports/s",
        "p50 ms",
        "p99 ms",
        "stmt/rep",
        "CPU-ms/rep",
        "hops/rep",
        "appended",
        "hop ceil/s",
        "ratio",
        "load 1m",
    ]
    rows, notes = [], []
    for stage in stages:
        r = results[stage]
        h = hops(stage, r)
        hop_ceiling = ceiling / h if h else None
        rows.append(
            [
                stage,
                r["events"],
                r.get("completed", r["events"]),
                float(r["events_per_s"]),
                r.get("p50_ms"),
                r.get("p99_ms"),
                total_statements(r) if stage != "ceiling" and r.get("statements_per_report") else None,
                stack_cpu_ms(stage, r["cpu_ms_per_report"]),
                h,
                float(r["appended_per_report"]),
                hop_ceiling,
                round(float(r["events_per_s"]) / hop_ceiling, 3) if hop_ceiling else None,
                r.get("load_average_1m"),
            ]
        )
        notes += [f"  {stage}: {t}" for t in targets_of(stage, r)]
    idle = results["idle"]
    idle_stack = sum(v for k, v in idle["cpu_percent"].items() if k != LOAD_GENERATOR)
    lines = ["Per stage (costs: everything the stage's reports caused, until every service was idle again)"]
    lines += grid(header, rows)
    lines += [
        "",
        "Targets:",
        *notes,
        f"  idle: stack {idle_stack:.1f} % of one core, {check('idle_cpu_percent', idle_stack)}",
    ]
    upkeeps = {**results.get("maintenance_between", {})}
    if "maintenance" in results:
        upkeeps["intake"] = results["maintenance"]
    if upkeeps:
        lines += ["", "Maintenance after each stage, before the next (autovacuum of what the stage wrote):"]
    for stage, upkeep in upkeeps.items():
        per = upkeep["cpu_ms_per_report"]
        gave_up = f"; gave up, still due: {', '.join(upkeep['still_due'])}" if upkeep.get("still_due") else ""
        lines.append(
            f"  after {stage}: {upkeep['seconds']:g} s, {stack_cpu_ms('maintenance', per):.2f} CPU-ms per report of "
            f"{stage} ({upkeep['reports']}), PostgreSQL {per.get('postgres', 0):.2f}{gave_up}"
        )

    schemas = sorted({k for s in stages for k in results[s].get("statements_per_report", {}) if k != SHARED})
    if schemas:
        lines += [
            "",
            f"Statements per report per service ({SHARED}: BEGIN, COMMIT, pool resets and other statements "
            "without a table, the same for every service)",
        ]
        stmt_rows: list[list[Any]] = []
        for stage in [s for s in stages if s != "ceiling"]:
            per = results[stage]["statements_per_report"]
            stmt_rows.append(
                [stage, *(float(per.get(k, 0)) for k in [*schemas, SHARED]), total_statements(results[stage])]
            )
        per_s = idle["statements_per_s"]
        stmt_rows.append(["idle /s", *(float(per_s.get(k, 0)) for k in [*schemas, SHARED]), float(sum(per_s.values()))])
        lines += grid(["stage", *schemas, SHARED, "total"], stmt_rows)

    columns = [p for p in parts if any(p in results[s]["cpu_ms_per_report"] for s in stages)] + [LOAD_GENERATOR]
    lines += [
        "",
        f"CPU-ms per report per process (stack = all but {LOAD_GENERATOR}, the load generator; idle: % of one core)",
    ]
    cpu_rows: list[list[Any]] = []
    for stage in stages:
        per = results[stage]["cpu_ms_per_report"]
        cpu_rows.append([stage, *(float(per.get(k, 0)) for k in columns), stack_cpu_ms(stage, per)])
    cpu_rows.append(["idle %", *(float(idle["cpu_percent"].get(k, 0)) for k in columns), idle_stack])
    lines += grid(["stage", *columns, "stack"], cpu_rows)
    return "\n".join(lines)
