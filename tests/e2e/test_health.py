"""Every domain service of the running stack says what it is doing: /health/ready names its checks,
its background tasks and its outbox backlog; /health/live answers; /metrics has the figures."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import pytest

from deploy.local.layout import BASE_PORTS

pytestmark = pytest.mark.stack
DOMAIN_SERVICES = ["melding", "inspectie", "loonvordering", "huisvesting", "deling"]


def base_url(stack_env: dict[str, str], service: str) -> str:
    offset = (urlsplit(stack_env["CONSOLE_URL"]).port or 0) - BASE_PORTS["console"]
    return f"http://127.0.0.1:{BASE_PORTS[service] + offset}"


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return int(response.status), response.read()


@pytest.mark.parametrize("service", DOMAIN_SERVICES)
def test_readiness_names_its_checks_tasks_and_outbox_backlog(stack_env: dict[str, str], service: str) -> None:
    status, body = get(f"{base_url(stack_env, service)}/health/ready")
    report = json.loads(body)
    assert (status, report["service"], report["status"]) == (200, service, "ready")
    assert {k: report["checks"][k] for k in ("broker", "database", "consumers", "tasks")} == dict.fromkeys(
        ("broker", "database", "consumers", "tasks"), "ok"
    )
    assert set(report["tasks"]) == {"relay", "scheduler", "housekeeping", "consumers"}
    assert all(task["running"] for task in report["tasks"].values())
    assert isinstance(report["outbox"]["unsent"], int) and isinstance(report["outbox"]["parked"], int)
    assert get(f"{base_url(stack_env, service)}/health")[0] == 200
    assert json.loads(get(f"{base_url(stack_env, service)}/health/live")[1])["status"] == "live"


def test_metrics_carry_the_outbox_backlog(stack_env: dict[str, str]) -> None:
    status, body = get(f"{base_url(stack_env, 'melding')}/metrics")
    text = body.decode()
    assert status == 200
    for name in ("waardigwerk_outbox_unsent", "waardigwerk_outbox_oldest_unsent_age_seconds", "waardigwerk_ready"):
        assert f'{name}{{service="melding"}} ' in text
    assert 'waardigwerk_task_running{service="melding",task="relay"} 1' in text
