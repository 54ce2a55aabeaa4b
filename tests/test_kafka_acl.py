"""Kafka enforces who reads and writes what (issue 7): the ACL table, and a secure broker that applies it.

The first tests check the table (deploy/kafka/acl.yaml) against what the services really consume
and emit, without a broker. The matrix then starts a secure stack of its own (Kafka and
PostgreSQL, no services; port offset 700, a state directory under /tmp) and asks the broker, as
every partner and service principal, to fetch from and produce to every topic there is: exactly
the table's grants succeed, the broker refuses everything else with an authorisation error.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import GroupAuthorizationFailedError, KafkaConnectionError, TopicAuthorizationFailedError
from aiokafka.protocol.fetch import FetchRequest

from deploy.local import acl
from deploy.local.kafka_broker import secure_users, server_properties
from deploy.local.layout import KAFKA_ADMIN_USER, Layout, Record, read_env_file
from deploy.local.service_procs import configured, service_env
from shared.topics import (
    CONSOLE_OPDRACHTEN,
    DOMAIN_SERVICES,
    IN_MELDINGEN,
    INBOUND,
    INTERNAL,
    TEST_KLOK,
    dlq,
    intern,
    precreated,
)
from tools.partner import Partner
from tools.stackenv import SASL_KEYS, client_options, stack_env

ROOT = Path(__file__).resolve().parents[1]
OFFSET = 700
BOOTSTRAP = f"127.0.0.1:{19092 + OFFSET}"
TOPIC_AUTHORIZATION_FAILED = 29
TABLE = acl.load()
PARTNERS = [p for p in TABLE.principals if p.kind == "partner"]
SERVICES = [p for p in TABLE.principals if p.kind == "service"]
FEEDS = sorted({t for p in PARTNERS for t in p.read})
# Every topic the secure stack has once partner feeds exist, plus one nobody has created.
UNIVERSE = sorted({*precreated(), *FEEDS, "waardigwerk.uit.gemeente.GM9999", "waardigwerk.nieuw"})


# -- the table, without a broker ---------------------------------------------------------------
def consumed(module: str) -> set[str]:
    service = importlib.import_module(module).service
    return {route.topic for route in service.routes.values()}


@pytest.mark.parametrize("name", [*DOMAIN_SERVICES, "deling"])
def test_a_service_may_read_what_it_consumes_and_write_its_events_and_dead_letters(name: str) -> None:
    topics = consumed(f"services.{name}.app")
    principal = TABLE.principal(acl.service_principal(name))
    own = {intern(name)} if name in DOMAIN_SERVICES else set()
    assert set(principal.read) == topics | {TEST_KLOK}
    assert set(principal.write) == own | {dlq(t) for t in topics} | {TEST_KLOK}
    assert principal.groups == f"waardigwerk.{name}"


def test_the_console_reads_events_and_dead_letters_and_replays_to_the_original_topic() -> None:
    from services.console.lezer import TOPICS

    console = TABLE.principal("dienst-console")
    assert set(console.read) == {*TOPICS, TEST_KLOK}
    assert set(console.write) == {*INBOUND, *INTERNAL, CONSOLE_OPDRACHTEN, TEST_KLOK}
    assert not any(t.startswith("waardigwerk.uit.") for t in (*console.read, *console.write))


def test_only_deling_writes_partner_feeds_and_no_service_reads_them() -> None:
    assert [(p.name, p.write_prefixed) for p in SERVICES if p.write_prefixed] == [
        ("dienst-deling", ("waardigwerk.uit.",))
    ]
    assert not [t for p in SERVICES for t in p.read if t.startswith("waardigwerk.uit.")]


def test_each_partner_reads_only_its_own_feed_and_writes_only_inbound_topics() -> None:
    assert len(PARTNERS) == 11  # 2 unions as melder and indiener, 5 municipalities, tax office, inspectorate
    assert len(FEEDS) == len(PARTNERS)  # no feed shared by two partners
    for p in PARTNERS:
        assert len(p.read) == 1 and p.read[0].startswith("waardigwerk.uit.")
        assert set(p.write) <= set(INBOUND)
        assert p.groups == f"partner-{p.name}"
    assert TABLE.principal("gemeente-GM0363").read == ("waardigwerk.uit.gemeente.GM0363",)
    assert TABLE.principal("indiener-cnv").write == ("waardigwerk.in.loonvorderingen",)


def test_the_secure_broker_config_is_default_deny_with_scram(tmp_path: Path) -> None:
    layout = Layout(state=tmp_path, cache=tmp_path, offset=OFFSET)
    lines = set(server_properties(layout, dict.fromkeys(secure_users(), "pw")).splitlines())
    assert {
        "listeners=SASL_PLAINTEXT://127.0.0.1:19792,CONTROLLER://127.0.0.1:19793",
        "sasl.enabled.mechanisms=SCRAM-SHA-512",
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found=false",
        "super.users=User:admin;User:controller",
    } <= lines
    assert "listeners=PLAINTEXT://127.0.0.1:19792,CONTROLLER://127.0.0.1:19793" in server_properties(layout)


def test_a_service_on_a_secure_stack_logs_in_as_itself() -> None:
    record = Record(secure=True, kafka_passwords={"dienst-melding": "geheim"})
    env = service_env("melding", BOOTSTRAP, "postgresql://x", {}, record)
    assert (env["KAFKA_SASL_USERNAME"], env["KAFKA_SASL_PASSWORD"]) == ("dienst-melding", "geheim")
    assert "KAFKA_SASL_USERNAME" not in service_env("melding", BOOTSTRAP, "postgresql://x", {}, Record())
    assert configured({"WAARDIGWERK_SERVICES": "none"}) == {}


# -- the matrix, against a secure broker -------------------------------------------------------
@pytest.fixture(scope="module")
def secure_state() -> Iterator[Path]:
    """The state directory of a secure stack started for this module (and stopped after it)."""
    state = Path(tempfile.mkdtemp(prefix="waardigwerk-acl-"))
    state.chmod(0o755)  # PostgreSQL runs as its own user and must reach its data directory
    env = {
        **os.environ,
        "WAARDIGWERK_SECURE": "1",
        "WAARDIGWERK_PORT_OFFSET": str(OFFSET),
        "WAARDIGWERK_STACK_DIR": str(state),
        "WAARDIGWERK_SERVICES": "none",
        "WAARDIGWERK_STACK_MODE": "local",
    }
    stack = [sys.executable, str(ROOT / "deploy" / "local" / "stack.py")]
    try:
        up = subprocess.run([*stack, "up"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if up.returncode != 0:
            pytest.fail(f"the secure stack did not start:\n{up.stdout}{up.stderr}")
        yield state
    finally:
        subprocess.run([*stack, "down"], cwd=ROOT, env=env, capture_output=True, check=False)
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="module")
def secure_stack(secure_state: Path) -> Record:
    record = Record.load(Layout(state=secure_state, cache=secure_state, offset=OFFSET))
    assert record is not None and record.secure
    asyncio.run(create_feeds(record))
    return record


def login(record: Record, user: str) -> dict[str, str]:
    return acl.client_options(user, record.kafka_passwords[user])


async def create_feeds(record: Record) -> None:
    """Every partner feed exists and holds one record, so an allowed read has something to read."""
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP, **login(record, KAFKA_ADMIN_USER))
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, 1, 1) for t in FEEDS])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, **login(record, KAFKA_ADMIN_USER))
    await producer.start()
    try:
        for feed in FEEDS:
            await producer.send_and_wait(feed, f"voor {feed}".encode())
    finally:
        await producer.stop()


async def fetchable(record: Record, user: str) -> set[str]:
    """The topics the broker lets `user` fetch from, asked for every topic in one Fetch request."""
    client = AIOKafkaClient(bootstrap_servers=BOOTSTRAP, **login(record, user))
    await client.bootstrap()
    try:
        request = FetchRequest(0, 1, 1 << 16, 0, [(t, [(0, 0, 1 << 16)]) for t in UNIVERSE])
        response = await client.send(client.get_random_node(), request)
    finally:
        await client.close()
    errors = {topic: partitions[0][1] for topic, partitions in response.topics}
    assert set(errors) == set(UNIVERSE)
    refused = {topic for topic, code in errors.items() if code == TOPIC_AUTHORIZATION_FAILED}
    return set(UNIVERSE) - refused


async def writable(record: Record, user: str) -> set[str]:
    """The topics the broker accepts a record from `user` on; every other send must be refused."""
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, enable_idempotence=True, acks="all", **login(record, user))
    await producer.start()
    accepted: set[str] = set()
    try:
        for topic in UNIVERSE:
            try:
                await producer.send_and_wait(topic, b"acl-test")
                accepted.add(topic)
            except TopicAuthorizationFailedError:
                pass
    finally:
        await producer.stop()
    return accepted


async def read_first(record: Record, user: str, topic: str, group: str, bootstrap: str = BOOTSTRAP) -> bytes:
    """The first record `user` reads; a refusal raises (often from `start`, which then leaves a
    consumer that must be stopped too, or asyncio reports it unclosed when it is collected)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **login(record, user),
    )
    try:
        await consumer.start()
        message = await asyncio.wait_for(consumer.getone(), 15)
        assert message.value is not None
        return message.value
    finally:
        await consumer.stop()


async def test_a_reader_the_broker_refuses_leaves_no_consumer_open() -> None:
    """Without a broker to talk to (nothing listens on port 1) `start` fails as a refusal does."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with pytest.raises(KafkaConnectionError):
            await read_first(
                Record(kafka_passwords={"melder-fnv": "x"}),
                "melder-fnv",
                IN_MELDINGEN,
                "partner-fnv.test",
                bootstrap="127.0.0.1:1",
            )
        gc.collect()
    assert [str(w.message) for w in caught if "Unclosed AIOKafkaConsumer" in str(w.message)] == []


@pytest.fixture(autouse=True)
def _quiet_aiokafka() -> None:
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # it logs every refusal it is told about


@pytest.mark.parametrize("name", [p.name for p in PARTNERS])
async def test_a_partner_reads_its_own_feed_and_nothing_else(secure_stack: Record, name: str) -> None:
    partner = TABLE.principal(name)
    (feed,) = partner.read
    assert await fetchable(secure_stack, name) == {feed}
    assert await read_first(secure_stack, name, feed, f"{partner.groups}.test") == f"voor {feed}".encode()
    with pytest.raises(TopicAuthorizationFailedError):  # it may write its inbound topic, never read it
        await read_first(secure_stack, name, partner.write[0], f"{partner.groups}.test")
    other = next(p for p in PARTNERS if p.name != name)
    with pytest.raises(GroupAuthorizationFailedError):
        await read_first(secure_stack, name, feed, f"{other.groups}.test")


@pytest.mark.parametrize("name", [p.name for p in PARTNERS])
async def test_a_partner_writes_only_its_own_inbound_topic(secure_stack: Record, name: str) -> None:
    assert await writable(secure_stack, name) == set(TABLE.principal(name).write)


@pytest.mark.parametrize("name", [p.name for p in SERVICES])
async def test_a_service_reads_and_writes_exactly_what_the_table_grants(secure_stack: Record, name: str) -> None:
    service = TABLE.principal(name)
    prefixed = {t for t in UNIVERSE for prefix in service.write_prefixed if t.startswith(prefix)}
    assert await fetchable(secure_stack, name) == set(service.read)
    assert await writable(secure_stack, name) == set(service.write) | prefixed


async def test_without_a_valid_login_the_broker_refuses_the_connection(secure_stack: Record) -> None:
    for options in ({}, acl.client_options("melder-fnv", "geraden"), acl.client_options("onbekend", "x")):
        admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP, request_timeout_ms=3000, **options)
        with pytest.raises(KafkaConnectionError):
            await admin.start()
        await admin.close()


def test_the_env_file_logs_in_as_the_admin_and_only_its_owner_reads_it(
    secure_state: Path, secure_stack: Record
) -> None:
    env = read_env_file(secure_state / "env")
    assert (env["KAFKA_SECURITY_PROTOCOL"], env["KAFKA_SASL_USERNAME"]) == ("SASL_PLAINTEXT", KAFKA_ADMIN_USER)
    assert env["KAFKA_SASL_PASSWORD"] == secure_stack.kafka_passwords[KAFKA_ADMIN_USER]
    assert len(set(secure_stack.kafka_passwords.values())) == len(secure_users())  # one fresh password each
    for secret in (secure_state / "env", secure_state / "stack.json", secure_state / "kafka" / "server.properties"):
        assert secret.stat().st_mode & 0o077 == 0


async def test_the_demo_and_bench_client_logs_in_from_the_env_file(
    secure_state: Path, secure_stack: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", *SASL_KEYS):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("WAARDIGWERK_STACK_DIR", str(secure_state))
    env = stack_env()
    async with Partner(env["KAFKA_BOOTSTRAP_SERVERS"], [IN_MELDINGEN], client_options(env)) as partner:
        await partner.publish(IN_MELDINGEN, "nl.waardigwerk.melding.ingediend", {"proef": 1}, key="acl")
        for _ in range(100):
            if any(e.key == "acl" for e in partner.received):
                break
            await asyncio.sleep(0.1)
    assert [e.key for e in partner.received if e.key == "acl"] == ["acl"]
    assert client_options({"KAFKA_SECURITY_PROTOCOL": "PLAINTEXT"}) == {}, "a plaintext stack needs no login"
