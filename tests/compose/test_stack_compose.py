"""The compose stack as an operator runs it: healthy with the same env file as the local stack; a
service killed with `docker kill` mid-stream and brought back with `docker compose up -d` loses
and duplicates nothing; the whole stack stopped and started again keeps its data in the volumes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from deploy.local import compose
from deploy.local.layout import Layout, Record, env_values
from tests.compose.conftest import ROOT, stack_py
from tools.partner import Partner

pytestmark = [pytest.mark.compose, pytest.mark.stack]
IN = "waardigwerk.in.meldingen"
INGEDIEND = "nl.waardigwerk.melding.ingediend"
ONTVANGEN = "nl.waardigwerk.melding.ontvangen"


def docker_compose(layout: Layout, *args: str) -> subprocess.CompletedProcess[str]:
    """The pinned compose binary on this tier's project, as an operator would type it."""
    record = Record.load(layout)
    assert record is not None
    cmd = [*compose.command(layout, record), *args]
    env = compose.environment(layout, record)
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=600)


def melding(org: str, i: int) -> dict[str, Any]:
    return {
        "melder": {"soort": "vakbond", "organisatie": org, "referentie": f"{org}-{i:04d}"},
        "werkgever": {"kvk_nummer": f"{60_000_000 + i}"},
        "categorieen": ["arbeidstijden"],
        "omschrijving": "Te lange diensten.",
    }


async def count_meldingen(database_url: str, org: str) -> tuple[int, int]:
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            "SELECT count(*) AS n, count(DISTINCT zaak_id) AS zaken FROM melding.melding WHERE organisatie = $1", org
        )
    finally:
        await conn.close()
    assert row is not None
    return int(row["n"]), int(row["zaken"])


async def wait_for_acks(partner: Partner, topic: str, n: int, within_s: float = 240) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while len(partner.matching(topic, ONTVANGEN)) < n and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.5)


def test_every_part_is_up_and_healthy_and_the_env_file_is_the_local_one(
    stack_env: dict[str, str], compose_layout_: Layout
) -> None:
    listed = docker_compose(compose_layout_, "ps", "--all", "--format", "json").stdout
    states = [json.loads(line) for line in listed.splitlines() if line.strip()]
    by_name = {state["Service"]: state for state in states}
    record = Record.load(compose_layout_)
    assert record is not None and record.mode == "docker"
    assert set(by_name) == {"kafka", "postgres", "topics", *record.services}
    for name, state in by_name.items():
        if name == "topics":
            assert (state["State"], state["ExitCode"]) == ("exited", 0)
        else:
            assert (state["State"], state["Health"]) == ("running", "healthy"), name
    layout = compose_layout_.with_offset(record.offset)
    local_keys = env_values(layout, record, "k", "d").keys()
    assert set(stack_env) == set(local_keys)
    assert stack_env["KAFKA_BOOTSTRAP_SERVERS"] == f"127.0.0.1:{layout.port('kafka')}"
    assert stack_env["WAARDIGWERK_TEST_CLOCK"] == "1"


async def test_docker_kill_mid_stream_then_compose_up_every_report_exactly_once(
    stack_env: dict[str, str], compose_layout_: Layout
) -> None:
    n = 600
    org = f"kill-{uuid.uuid4().hex[:8]}"
    topic = f"waardigwerk.uit.melder.{org}"
    container = docker_compose(compose_layout_, "ps", "--quiet", "melding").stdout.strip()
    assert container
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [topic]) as partner:
        for i in range(n):
            data = melding(org, i)
            await partner.publish(IN, INGEDIEND, data, key=data["melder"]["referentie"])
            if i == n // 3:
                killed = await asyncio.to_thread(
                    subprocess.run, ["docker", "kill", container], capture_output=True, text=True, check=True
                )
                assert killed.stdout.strip() == container
        await asyncio.to_thread(docker_compose, compose_layout_, "up", "-d", "--wait", "--no-build", "melding")
        await wait_for_acks(partner, topic, n)
        await partner.settle(3)  # anything duplicated would arrive now
        acks = partner.matching(topic, ONTVANGEN)
        assert len(acks) == n, f"{len(acks)} acknowledgements for {n} reports"
        assert len({ack.data["melder_referentie"] for ack in acks}) == n
    assert await count_meldingen(stack_env["DATABASE_URL"], org) == (n, n)


async def test_whole_stack_down_and_up_keeps_the_data_in_its_volumes(
    stack_env: dict[str, str], compose_layout_: Layout
) -> None:
    n = 20
    org = f"restart-{uuid.uuid4().hex[:8]}"
    topic = f"waardigwerk.uit.melder.{org}"
    sent: list[tuple[str, dict[str, Any]]] = []
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [topic]) as partner:
        for i in range(n):
            data = melding(org, i)
            sent.append((await partner.publish(IN, INGEDIEND, data, key=data["melder"]["referentie"]), data))
        await wait_for_acks(partner, topic, n)
        assert len(partner.matching(topic, ONTVANGEN)) == n
    before = await count_meldingen(stack_env["DATABASE_URL"], org)

    await asyncio.to_thread(stack_py, compose_layout_, "down")  # containers gone, volumes kept
    assert docker_compose(compose_layout_, "ps", "--all", "--quiet").stdout.strip() == ""
    await asyncio.to_thread(lambda: stack_py(compose_layout_, "up", WAARDIGWERK_TEST_CLOCK="1"))
    assert await count_meldingen(stack_env["DATABASE_URL"], org) == before == (n, n)

    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [topic]) as partner:
        event_id, data = sent[0]  # delivered again after the restart: the inbox still knows it
        await partner.publish(IN, INGEDIEND, data, key=data["melder"]["referentie"], event_id=event_id)
        extra = melding(org, n)
        await partner.publish(IN, INGEDIEND, extra, key=extra["melder"]["referentie"])
        await wait_for_acks(partner, topic, 1)
        await partner.settle(5)
        acks = partner.matching(topic, ONTVANGEN)
        assert [ack.data["melder_referentie"] for ack in acks] == [extra["melder"]["referentie"]]
    assert await count_meldingen(stack_env["DATABASE_URL"], org) == (n + 1, n + 1)


def test_the_secrets_are_files_in_the_state_dir_not_in_the_containers_config(compose_layout_: Layout) -> None:
    record = Record.load(compose_layout_)
    assert record is not None
    secrets = compose.secrets_dir(compose_layout_)
    assert (secrets / "db_password").read_text().strip() == record.postgres_password
    inspected = subprocess.run(
        ["docker", "inspect", docker_compose(compose_layout_, "ps", "--quiet", "melding").stdout.strip()],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert record.postgres_password not in inspected
    assert "/run/secrets/db_password" in inspected
    assert Path(secrets).stat().st_mode & 0o077 == 0


def test_down_in_a_new_checkout_also_stops_what_an_earlier_one_left_running(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    """A new checkout in the same place has no stack record, but the engine may still run that
    state directory's project (left by an earlier run): `down` stops it by its project name, so
    its containers do not hold the ports the next `up` needs."""
    layout = Layout(state=tmp_path / "stack", cache=tmp_path, offset=0)
    (tmp_path / "compose.yml").write_text(
        f"services:\n  left-over:\n    image: {os.environ.get('WAARDIGWERK_APP_IMAGE', 'waardigwerk-app:local')}\n"
        "    entrypoint: [sleep, '600']\n"
    )
    project = compose.project(layout)
    started = subprocess.run(
        [*compose.compose_command(), "-p", project, "up", "--detach"], cwd=tmp_path, capture_output=True, text=True
    )
    assert started.returncode == 0, started.stderr
    running = ["docker", "ps", "--quiet", "--filter", f"label=com.docker.compose.project={project}"]
    assert subprocess.run(running, capture_output=True, text=True, check=True).stdout.strip()
    stack_py(layout, "down", WAARDIGWERK_WIPE="1")
    assert subprocess.run(running, capture_output=True, text=True, check=True).stdout.strip() == ""
