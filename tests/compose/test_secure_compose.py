"""The secure broker in compose (docker-compose.secure.yml, `WAARDIGWERK_SECURE=1`): clients
without a valid SASL/SCRAM login are refused, on the published listener and from inside the
compose network; a service principal writes only what deploy/kafka/acl.yaml grants it; and the
stack works: a union's report, sent as its own principal, is acknowledged on its own feed.

A compose stack of its own (melding and deling only), in `<compose state>-secure` at
`WAARDIGWERK_COMPOSE_SECURE_PORT_OFFSET` (default: the tier's offset + 200), removed with its
volumes at the end.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError

from deploy.local import acl
from deploy.local.layout import Layout, Record, read_env_file
from shared.topics import IN_MELDINGEN, intern
from tests.compose.conftest import compose_layout, stack_py
from tests.compose.test_stack_compose import INGEDIEND, ONTVANGEN, docker_compose, melding
from tests.conftest import visible
from tools.partner import Partner
from tools.stackenv import client_options

pytestmark = [pytest.mark.compose]
UNION = "fnv"  # deploy/kafka/acl.yaml: melder-fnv writes the intake, reads waardigwerk.uit.melder.fnv


@pytest.fixture(scope="module")
def secure(request: pytest.FixtureRequest) -> Iterator[tuple[Layout, Record, dict[str, str]]]:
    tier = compose_layout()
    offset = os.environ.get("WAARDIGWERK_COMPOSE_SECURE_PORT_OFFSET") or str(tier.offset + 200)
    layout = Layout.from_environ({"WAARDIGWERK_STACK_DIR": f"{tier.state}-secure", "WAARDIGWERK_PORT_OFFSET": offset})
    with visible(request):
        stack_py(layout, "down", check=False, WAARDIGWERK_WIPE="1")
        started = time.monotonic()
        stack_py(layout, "up", WAARDIGWERK_SECURE="1", WAARDIGWERK_SERVICES="melding,deling")
        print(f"\ncompose secure: broker, ACLs and the services healthy in {time.monotonic() - started:.0f} s")
    record = Record.load(layout)
    assert record is not None and record.secure
    try:
        yield layout, record, read_env_file(layout.env_file)
    finally:
        if os.environ.get("WAARDIGWERK_COMPOSE_KEEP") != "1":
            with visible(request):
                stack_py(layout, "down", check=False, WAARDIGWERK_WIPE="1")


async def test_without_a_valid_login_the_published_listener_refuses(
    secure: tuple[Layout, Record, dict[str, str]],
) -> None:
    _, record, env = secure
    bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
    wrong = acl.client_options(f"melder-{UNION}", "geraden")
    for options in ({}, wrong):
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000, **options)
        with pytest.raises(KafkaConnectionError):
            await admin.start()
        await admin.close()
    own = acl.client_options(f"melder-{UNION}", record.kafka_passwords[f"melder-{UNION}"])
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000, **own)
    await admin.start()  # the same principal with its own password gets in
    await admin.close()


ENTRYPOINT = ["python", "-m", "deploy.docker.entrypoint"]  # secret files into variables, as for the service
PROBE = """
import asyncio, sys
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError
from shared.settings import Settings

async def main() -> str:
    options = Settings().kafka_client_options() if sys.argv[1] == "own" else {}
    admin = AIOKafkaAdminClient(bootstrap_servers="kafka:9092", request_timeout_ms=3000, **options)
    try:
        await admin.start()
        return "admitted"
    except KafkaConnectionError:
        return "refused"
    finally:
        await admin.close()

print(asyncio.run(main()))
"""


def test_inside_the_compose_network_a_service_without_credentials_is_refused(
    secure: tuple[Layout, Record, dict[str, str]],
) -> None:
    layout, _, _ = secure
    outcomes = {
        login: docker_compose(
            layout, "exec", "-T", "melding", *ENTRYPOINT, "python", "-c", PROBE, login
        ).stdout.split()[-1]
        for login in ("none", "own")
    }
    assert outcomes == {"none": "refused", "own": "admitted"}


async def test_a_service_principal_writes_only_what_the_acl_table_grants(
    secure: tuple[Layout, Record, dict[str, str]],
) -> None:
    _, record, env = secure
    login = acl.client_options("dienst-melding", record.kafka_passwords["dienst-melding"])
    producer = AIOKafkaProducer(bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"], **login)
    await producer.start()
    try:
        await producer.send_and_wait(intern("melding"), b"{}")  # granted: its own internal topic
        with pytest.raises(TopicAuthorizationFailedError):
            await producer.send_and_wait(intern("loonvordering"), b"{}")
    finally:
        await producer.stop()


async def test_a_union_report_sent_as_its_own_principal_is_acknowledged(
    secure: tuple[Layout, Record, dict[str, str]],
) -> None:
    _, record, env = secure
    principal = f"melder-{UNION}"
    feed = f"waardigwerk.uit.melder.{UNION}"
    login = acl.client_options(principal, record.kafka_passwords[principal])
    data = melding(UNION, 0)
    data["melder"]["referentie"] = f"secure-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"], **client_options(env))
    await admin.start()  # the feed exists before its reader subscribes (the union may not create it)
    try:
        await admin.create_topics([NewTopic(feed, 3, 1)])
    finally:
        await admin.close()
    async with Partner(env["KAFKA_BOOTSTRAP_SERVERS"], [feed], login) as partner:
        await partner.publish(IN_MELDINGEN, INGEDIEND, data, key=data["melder"]["referentie"])
        ack = await partner.expect_record(
            lambda r: r.type == ONTVANGEN and r.data["melder_referentie"] == data["melder"]["referentie"], within_s=120
        )
    assert ack.data["melder_referentie"] == data["melder"]["referentie"]
