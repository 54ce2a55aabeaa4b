"""Finding 9: the API does what its OpenAPI document says. Schemathesis generates requests from
/api/openapi.json (valid and invalid ones, a bounded number per operation) against a console on a
real port and a real PostgreSQL, with an administrator's HTTP Basic login, and runs every check."""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import asyncpg
import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks

from services.console import opslag
from services.console.app import maak_app
from services.console.instellingen import ConsoleSettings
from services.console.lezer import MIGRATIONS, ConsoleService
from services.console.tests.conftest import dlq_headers
from shared.envelope import CloudEvent
from shared.settings import Settings

pytestmark = pytest.mark.stack
VOORBEELDEN = 25  # per operation
ADMIN = ("admin", secrets.token_urlsafe(16))
load_all_checks()
# Stateful checks need links between operations, which this document does not declare. `ignored_auth` sends
# wrong credentials on every example: those are rate-limited by design (429 after a few, each costing a
# password hash), so the test below checks once per operation that no credentials get a 401.
NIET_HIER = ("use_after_free", "ensure_resource_availability", "ignored_auth")
ALLE_CHECKS: list[Any] = [c for c in CHECKS.get_all() if c.__name__ not in NIET_HIER]


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _vul(database_url: str, schema: str) -> None:
    """A case, a claim and a dead letter, so the operations have something to show and replay."""
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        for ce_type, data in (
            ("nl.waardigwerk.melding.ontvangen", {"zaak_id": "Z-1", "werkgever": {"kvk_nummer": "12345678"}}),
            ("nl.waardigwerk.loonvordering.vastgesteld", {"vordering_id": "LV-1", "bedrag_eur": "10.50"}),
        ):
            event = CloudEvent(id=str(uuid.uuid4()), source="urn:t", type=ce_type, time=datetime.now(UTC), data=data)
            await opslag.bewaar_gebeurtenis(conn, "waardigwerk.intern.melding", event)
        topic = "waardigwerk.in.meldingen"
        await opslag.bewaar_dode_letter(
            conn, f"{topic}.dlq", 0, 1, b"k", dlq_headers([("ce_id", b"x-1")], topic), b'{"a": 1}'
        )
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def console_url(stack_env: dict[str, str]) -> Iterator[str]:
    service = ConsoleService(
        "console", migrations=MIGRATIONS, settings=Settings(database_url=stack_env["DATABASE_URL"])
    )
    service.schema = f"test_console_{uuid.uuid4().hex[:10]}"
    instellingen = ConsoleSettings(console_admin_user=ADMIN[0], console_admin_password=ADMIN[1])
    app = maak_app(service, instellingen, consument=False)
    poort = _vrije_poort()
    access = logging.getLogger("uvicorn.access")
    saved = access.handlers[:], access.propagate  # access_log=False turns this logger off for the whole process
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=poort, log_config=None, access_log=False))
    draad = threading.Thread(target=server.run, daemon=True)
    draad.start()
    for _ in range(600):
        if server.started:
            break
        time.sleep(0.1)
    assert server.started, "the console did not start"
    asyncio.run(_vul(stack_env["DATABASE_URL"], service.schema))
    try:
        yield f"http://127.0.0.1:{poort}"
    finally:
        server.should_exit = True
        draad.join(timeout=30)
        access.handlers, access.propagate = saved
        asyncio.run(_opruimen(stack_env["DATABASE_URL"], service.schema))


async def _opruimen(database_url: str, schema: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await conn.close()


@pytest.mark.parametrize("modus", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_api_volgens_openapi(console_url: str, modus: schemathesis.GenerationMode) -> None:
    """Valid requests must be accepted and answered as documented; invalid ones refused with a 4xx."""
    schema = schemathesis.openapi.from_url(f"{console_url}/api/openapi.json")
    getest = []
    for resultaat in schema.get_all_operations():
        operatie: Any = cast(Any, resultaat).ok()
        if operatie.path == "/api/stroom":  # an endless event stream
            continue

        @given(case=operatie.as_strategy(generation_mode=modus))
        @settings(max_examples=VOORBEELDEN, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def probeer(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(auth=ADMIN, checks=ALLE_CHECKS)

        probeer()
        getest.append(f"{operatie.method.upper()} {operatie.path}")
    assert len(getest) >= 10, getest


def test_elke_operatie_vraagt_om_een_login(console_url: str) -> None:
    schema = schemathesis.openapi.from_url(f"{console_url}/api/openapi.json")
    for resultaat in schema.get_all_operations():
        operatie: Any = cast(Any, resultaat).ok()
        pad = operatie.path.replace("{zaak_id}", "Z-1").replace("{id}", "1")
        antwoord = requests.request(operatie.method.upper(), f"{console_url}{pad}", params={"q": "x"}, timeout=30)
        assert antwoord.status_code == (200 if operatie.path == "/api/openapi.json" else 401), operatie.path
