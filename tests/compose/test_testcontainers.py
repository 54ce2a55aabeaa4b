"""The testcontainers fixture of tests/conftest.py (`WAARDIGWERK_TESTCONTAINERS=1`) for real: Kafka
and PostgreSQL from the testcontainers modules, on the images this engine has (the local
equivalents by default), the services as local processes against them, and the report flow of the
end-to-end tier run on that stack."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from deploy.local.layout import Layout
from tests.compose.conftest import compose_layout
from tests.conftest import containers
from tests.e2e.test_melding_flow import (  # noqa: F401 (collected here, against the containers)
    test_melding_acknowledged_with_deadline_and_planned,
    test_same_event_twice_has_one_effect,
)

pytestmark = [pytest.mark.compose, pytest.mark.stack]


@pytest.fixture(scope="module")
def stack_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    base = compose_layout()
    layout = Layout(
        state=base.state.with_name(base.state.name + "-testcontainers"), cache=base.cache, offset=base.offset + 50
    )
    with containers(request, layout) as values:
        yield values


async def test_the_containers_serve_kafka_and_postgres_to_the_services(stack_env: dict[str, str]) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    assert not bootstrap.endswith((":19092", ":19592")), "a broker of the testcontainers module, on its mapped port"
    conn = await asyncpg.connect(stack_env["DATABASE_URL"])
    try:
        version = await conn.fetchval("SHOW server_version")
        schemas = {row["nspname"] for row in await conn.fetch("SELECT nspname FROM pg_namespace")}
    finally:
        await conn.close()
    assert version.startswith("15.")
    assert {"melding", "inspectie", "loonvordering", "huisvesting", "deling"} <= schemas
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = set(await admin.list_topics())
    finally:
        await admin.close()
    assert {"waardigwerk.in.meldingen", "waardigwerk.test.klok"} <= topics, "stack.py created the topics there"
