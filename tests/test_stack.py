"""The local stack's own rules (deploy/local): ports, broker config, env file, settings, processes.

Fast: no broker and no database, only short-lived Python processes for the process rules. The
`stack`-marked test at the end checks the stack the session runs against.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from deploy.local import procs
from deploy.local.kafka_broker import cluster_id, jars_dir, kafka_version, server_properties
from deploy.local.layout import Layout, Record, StackError, env_values, read_env_file, requested, write_env_file
from deploy.local.service_procs import ServiceProcess, configured
from shared.topics import precreated

SLEEPER = "import sys, time; print('ready', flush=True); time.sleep(60)"
STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
)


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    return Layout(state=tmp_path / "state", cache=tmp_path / "cache", offset=200)


def test_every_port_moves_with_the_offset(layout: Layout) -> None:
    ports = {name: layout.port(name) for name in ("kafka", "kafka-controller", "postgres", "console", "melding")}
    assert ports == {"kafka": 19292, "kafka-controller": 19293, "postgres": 15632, "console": 18280, "melding": 18281}


def test_layout_reads_state_dir_offset_and_cache_from_the_environment(tmp_path: Path) -> None:
    environ = {"WAARDIGWERK_STACK_DIR": str(tmp_path / "s"), "WAARDIGWERK_PORT_OFFSET": "7", "WAARDIGWERK_CACHE": "/c"}
    assert Layout.from_environ(environ) == Layout(state=tmp_path / "s", cache=Path("/c"), offset=7)
    with pytest.raises(StackError, match="WAARDIGWERK_PORT_OFFSET"):
        Layout.from_environ({"WAARDIGWERK_PORT_OFFSET": "two"})


def test_broker_config_is_single_node_kraft_on_the_stack_ports(layout: Layout) -> None:
    lines = set(server_properties(layout).splitlines())
    assert {
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:19293",
        "listeners=PLAINTEXT://127.0.0.1:19292,CONTROLLER://127.0.0.1:19293",
        "advertised.listeners=PLAINTEXT://127.0.0.1:19292",
        "controller.listener.names=CONTROLLER",
        f"log.dirs={layout.state / 'kafka' / 'data'}",
        "num.partitions=3",
        "auto.create.topics.enable=true",
        "offsets.topic.replication.factor=1",
        "group.initial.rebalance.delay.ms=0",
    } <= lines


def test_kafka_version_and_jar_cache_follow_the_pom(layout: Layout) -> None:
    assert kafka_version() == "3.9.1"
    assert jars_dir(layout) == layout.cache / "kafka-3.9.1" / "libs"


def test_cluster_id_is_a_base64url_uuid_as_kafka_storage_expects() -> None:
    ids = {cluster_id() for _ in range(20)}
    assert len(ids) == 20
    for value in ids:
        assert len(value) == 22
        assert len(base64.urlsafe_b64decode(value + "==")) == 16


def test_cluster_id_never_begins_with_a_dash_that_the_storage_tool_reads_as_an_option() -> None:
    # One random id in 64 begins with "-"; `kafka-storage format -t -x…` then fails with
    # "argument --cluster-id/-t: expected one argument" (Kafka's own random-uuid skips those ids).
    assert not [value for value in (cluster_id() for _ in range(2_000)) if value.startswith("-")]


def test_env_file_holds_the_contract_keys_and_a_shell_exports_them(layout: Layout) -> None:
    record = Record(offset=200, services={n: f"services.{n}" for n in ("melding", "inspectie", "deling")})
    values = env_values(layout, record, "127.0.0.1:19292", "postgresql://waardigwerk:pw@127.0.0.1:15632/waardigwerk")
    write_env_file(layout, record, values)

    assert read_env_file(layout.env_file) == values
    assert values["CONSOLE_URL"] == "http://127.0.0.1:18280"
    assert values["WAARDIGWERK_DIENSTEN"] == "melding,inspectie"  # deling does not follow the test clock
    assert values["CONSOLE_ADMIN_USER"] == "admin"
    assert values["CONSOLE_ADMIN_PASSWORD"] == record.console_admin_password
    assert values["WAARDIGWERK_STACK_DIR"] == str(layout.state)
    assert oct(layout.env_file.stat().st_mode & 0o777) == "0o600"
    script = f"source {layout.env_file} && {sys.executable} -c 'import os; print(os.environ[\"DATABASE_URL\"])'"
    shell = subprocess.run(["bash", "-c", script], env={"PATH": os.environ["PATH"]}, capture_output=True, text=True)
    assert shell.stdout.strip() == values["DATABASE_URL"]


def test_generated_secrets_are_long_and_differ_per_stack() -> None:
    one, two = Record(), Record()
    for secret in ("postgres_password", "console_admin_password", "pseudonym_key"):
        assert getattr(one, secret) != getattr(two, secret)
        assert len(getattr(one, secret)) >= 32


def test_record_survives_a_round_trip_through_the_state_dir(layout: Layout) -> None:
    record = Record(offset=200, services={"melding": "services.melding"})
    record.apply("melding", {"WAARDIGWERK_BELEID": "ser2025"})
    record.save(layout)
    assert Record.load(layout) == record
    assert oct(layout.record_file.stat().st_mode & 0o777) == "0o600"


def test_explicit_settings_win_and_unset_ones_keep_what_the_service_ran_with() -> None:
    record = Record(services={"melding": "services.melding"})
    assert record.apply("melding", requested({"WAARDIGWERK_TEST_CLOCK": "true"})) == {
        "WAARDIGWERK_TEST_CLOCK": "1",
        "WAARDIGWERK_BELEID": "huidig",
    }
    assert record.apply("melding", requested({"WAARDIGWERK_BELEID": "ser2025", "OTHER": "x"})) == {
        "WAARDIGWERK_TEST_CLOCK": "1",
        "WAARDIGWERK_BELEID": "ser2025",
    }
    assert requested({"WAARDIGWERK_TEST_CLOCK": "no", "WAARDIGWERK_BELEID": ""}) == {"WAARDIGWERK_TEST_CLOCK": "0"}


def test_stack_setting_is_what_the_clock_followers_share_and_names_the_odd_one_out() -> None:
    record = Record(services={n: f"services.{n}" for n in ("melding", "inspectie", "huisvesting", "deling")})
    for name in record.services:
        record.apply(name, {"WAARDIGWERK_BELEID": "ser2025"})
    record.apply("huisvesting", {"WAARDIGWERK_BELEID": "huidig"})
    assert record.stack_setting("WAARDIGWERK_BELEID") == ("ser2025", ["huisvesting=huidig"])


def test_services_default_to_the_design_and_can_be_overridden() -> None:
    default = configured({})
    assert list(default)[:5] == ["melding", "inspectie", "loonvordering", "huisvesting", "deling"]
    assert default["melding"] == "services.melding"
    assert configured({"WAARDIGWERK_SERVICES": "melding, loonvordering=tools.standin"}) == {
        "melding": "services.melding",
        "loonvordering": "tools.standin",
    }
    with pytest.raises(StackError, match="unknown service 'kafka'"):
        configured({"WAARDIGWERK_SERVICES": "kafka"})


# -- processes -----------------------------------------------------------------------------
def wait_for_ready(log: Path) -> None:
    deadline = time.monotonic() + 10
    while "ready" not in (log.read_text().splitlines() if log.exists() else []):  # a line of its own
        assert time.monotonic() < deadline, "the test process did not start"
        time.sleep(0.02)


@pytest.fixture
def stranger() -> Iterator[subprocess.Popen[bytes]]:
    """A process this stack did not start (no stack marker in its environment)."""
    proc = subprocess.Popen([sys.executable, "-c", SLEEPER], stdout=subprocess.DEVNULL)
    yield proc
    proc.kill()
    proc.wait()


def spawn(layout: Layout, name: str, code: str) -> int:
    env = {**os.environ, procs.MARKER: str(layout.state)}
    log, pidfile = layout.log(name), layout.pidfile(name)
    pid = procs.spawn([sys.executable, "-c", code], env=env, cwd=layout.state.parent, log=log, pidfile=pidfile)
    wait_for_ready(log)
    return pid


def test_a_process_is_ours_only_with_our_marker_and_signature(
    layout: Layout, stranger: subprocess.Popen[bytes]
) -> None:
    pid = spawn(layout, "sleeper", SLEEPER)
    try:
        assert procs.owned(pid, ("-c",), layout.state)
        assert not procs.owned(pid, ("-m", "services.melding"), layout.state)
        assert not procs.owned(pid, ("-c",), layout.state.parent / "other-stack")
        assert not procs.owned(stranger.pid, ("-c",), layout.state)
    finally:
        assert procs.terminate(pid, timeout=5) == "stopped"
    assert not procs.alive(pid)
    assert not procs.owned(pid, ("-c",), layout.state)


def test_terminate_falls_back_to_sigkill(layout: Layout) -> None:
    pid = spawn(layout, "stubborn", STUBBORN)
    outcome = procs.terminate(pid, timeout=0.5)
    assert outcome.startswith("killed")
    assert not procs.alive(pid)


def test_stop_leaves_alone_a_process_that_took_over_a_recorded_pid(
    layout: Layout, stranger: subprocess.Popen[bytes]
) -> None:
    service = ServiceProcess(layout, "melding", "services.melding", {})
    service.pidfile.parent.mkdir(parents=True)
    service.pidfile.write_text(f"{stranger.pid}\n")
    assert service.stop() == "not running"
    assert service.kill() == "not running"
    assert stranger.poll() is None  # still running
    assert not service.pidfile.exists()


def test_a_failure_names_the_log_and_shows_its_last_20_lines(layout: Layout) -> None:
    service = ServiceProcess(layout, "melding", "services.melding", {})
    service.log.parent.mkdir(parents=True)
    service.log.write_text("".join(f"line {i}\n" for i in range(1, 31)))
    message = service.failure("did not become healthy within 60 s")
    assert message.startswith(f"melding did not become healthy within 60 s.\n  log: {service.log}")
    assert "line 11" in message and "line 30" in message and "line 10\n" not in message


# -- the running stack ------------------------------------------------------------------------
@pytest.mark.stack
async def test_the_stack_serves_kafka_with_the_topics_and_postgres(stack_env: dict[str, str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack_env["KAFKA_BOOTSTRAP_SERVERS"])
    await admin.start()
    try:
        topics = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics(precreated())}
    finally:
        await admin.close()
    assert topics == dict.fromkeys(precreated(), 3)
    conn = await asyncpg.connect(stack_env["DATABASE_URL"])
    try:
        assert await conn.fetchval("SELECT current_user") == "waardigwerk"
    finally:
        await conn.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_wal_on_a_tmpfs_lives_until_release_and_the_next_prepare_makes_a_new_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deploy.local.postgres_server import WAL_TMPFS, PostgresServer

    tmp_path.chmod(0o755)  # the cluster's owner must reach it
    layout = Layout(state=tmp_path / "state", cache=tmp_path / "cache", offset=200)
    monkeypatch.setenv(WAL_TMPFS, "64")
    server = PostgresServer(layout, "")
    server.prepare(print)
    try:
        assert server.wal_mount.is_mount()
        assert (server.data / "pg_wal").resolve() == server.wal_mount / "pg_wal"
        assert "max_wal_size = 48MB" in (server.data / "postgresql.conf").read_text()
        (server.data / "old-cluster").touch()
        assert server.release() is not None
        assert not server.wal_mount.is_mount()
        server.prepare(print)  # the old cluster's WAL is gone: a new one
        assert server.wal_mount.is_mount()
        assert (server.data / "PG_VERSION").is_file() and not (server.data / "old-cluster").exists()
    finally:
        server.release()
