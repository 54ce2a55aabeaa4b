"""The console's web app in-process (httpx over ASGI) on a schema of its own in the stack's PostgreSQL.

No broker: the read model is filled by calling the console's own projection (`opslag`), exactly as
its consumer does, and what a replay publishes is read from the console's outbox.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from services.console import gebruikers, opslag
from services.console.app import maak_app
from services.console.autorisatie import Rol
from services.console.instellingen import ConsoleSettings
from services.console.lezer import MIGRATIONS, ConsoleService
from shared.envelope import CloudEvent
from shared.settings import Settings
from tests.conftest import _stack_for_stack_tests, stack_env  # noqa: F401  (the stack tier's fixtures)

WACHTWOORD = "een-lang-test-wachtwoord"
BASIS = "http://console.test"


@pytest.fixture(scope="session")
def wachtwoord_hash() -> str:
    """One hash at today's cost for every test account (hashing is slow by design)."""
    return gebruikers.hash_wachtwoord(WACHTWOORD)


@dataclass
class Console:
    service: ConsoleService
    app: Starlette
    settings: ConsoleSettings
    wachtwoord_hash: str
    _positie: int = 0

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=BASIS, **kwargs)

    async def account(self, naam: str, rol: Rol, gemeente: str | None = None) -> None:
        await self.service.pool.execute(
            "INSERT INTO gebruiker (naam, rol, gemeentecode, wachtwoord) VALUES ($1, $2, $3, $4)",
            naam,
            rol.value,
            gemeente,
            self.wachtwoord_hash,
        )

    async def ingelogd(self, naam: str, rol: Rol, gemeente: str | None = None) -> httpx.AsyncClient:
        """A client with a session for a new account (one login through the form)."""
        await self.account(naam, rol, gemeente)
        async with self.client() as login:
            antwoord = await login.post("/login", data={"naam": naam, "wachtwoord": WACHTWOORD})
        assert antwoord.status_code == 303, antwoord.text
        return self.client(cookies={"waardigwerk_console": antwoord.cookies["waardigwerk_console"]})

    async def event(self, ce_type: str, data: dict[str, Any], **attrs: Any) -> str:
        event_id = attrs.pop("id", str(uuid.uuid4()))
        event = CloudEvent(
            id=event_id,
            source=attrs.pop("source", "urn:nld:waardigwerk:" + ce_type.split(".")[2]),
            type=ce_type,
            time=attrs.pop("time", datetime.now(UTC)),
            data=data,
            **attrs,
        )
        async with self.service.pool.acquire() as conn, conn.transaction():
            await opslag.bewaar_gebeurtenis(conn, f"waardigwerk.intern.{ce_type.split('.')[2]}", event)
        return str(event_id)

    async def dode_letter(
        self, topic: str, headers: Sequence[tuple[str, bytes]], waarde: bytes, sleutel: bytes | None = b"k"
    ) -> None:
        """One record arriving on `<topic>.dlq`, at the next offset."""
        self._positie += 1
        async with self.service.pool.acquire() as conn, conn.transaction():
            await opslag.bewaar_dode_letter(conn, f"{topic}.dlq", 0, self._positie, sleutel, headers, waarde)

    async def outbox(self) -> list[dict[str, Any]]:
        rijen = await self.service.pool.fetch("SELECT topic, key, headers, value FROM outbox ORDER BY id")
        return [{**dict(r), "headers": [tuple(h) for h in json.loads(r["headers"])]} for r in rijen]


def dlq_headers(bron: Sequence[tuple[str, bytes]], topic: str, reden: str = "schema") -> list[tuple[str, bytes]]:
    """The headers the runtime puts on a dead letter: the record's own, then the reason headers."""
    return [
        *(h for h in bron if not h[0].startswith("dlq_")),
        ("dlq_reden", reden.encode()),
        ("dlq_details", b"melder.referentie: ontbreekt"),
        ("dlq_topic", topic.encode()),
        ("dlq_partitie", b"0"),
        ("dlq_offset", b"7"),
        ("dlq_tijd", datetime.now(UTC).isoformat().encode()),
        ("dlq_dienst", b"melding"),
    ]


@pytest.fixture
async def console(stack_env: dict[str, str], wachtwoord_hash: str) -> AsyncIterator[Console]:  # noqa: F811
    settings_db = Settings(database_url=stack_env["DATABASE_URL"])
    service = ConsoleService("console", migrations=MIGRATIONS, settings=settings_db)
    service.schema = f"test_console_{uuid.uuid4().hex[:10]}"
    await service.open_storage()
    settings = ConsoleSettings(console_login_max_per_account=3, console_login_max_per_adres=5)
    try:
        yield Console(service, maak_app(service, settings, consument=False), settings, wachtwoord_hash)
    finally:
        await service.pool.execute(f'DROP SCHEMA "{service.schema}" CASCADE')
        await service.pool.close()
