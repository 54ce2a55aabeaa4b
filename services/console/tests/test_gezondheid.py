"""The console's /health tells the truth: ready (200, with its checks) while it can serve pages, 503
within the check's time when its database hangs or is gone, and ready again once it answers;
/metrics counts logins by outcome and carries the database pool's figures."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import pytest

from services.console.app import maak_app
from services.console.autorisatie import Rol
from services.console.instellingen import ConsoleSettings
from services.console.lezer import MIGRATIONS, ConsoleService
from services.console.tests.conftest import WACHTWOORD, Console
from shared.settings import Settings

pytestmark = pytest.mark.stack


@dataclass
class Freezable:
    """A TCP proxy in front of PostgreSQL that can stop passing bytes: a database that hangs."""

    target: tuple[str, int]
    frozen: asyncio.Event = field(default_factory=asyncio.Event)
    thawed: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = 0

    async def start(self) -> asyncio.Server:
        server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self.thawed.set()
        return server

    def freeze(self) -> None:
        self.thawed.clear()

    def thaw(self) -> None:
        self.thawed.set()

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    await self.thawed.wait()
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
async def via_proxy(stack_env: dict[str, str], wachtwoord_hash: str) -> AsyncIterator[tuple[Console, Freezable]]:
    url = urlsplit(stack_env["DATABASE_URL"])
    proxy = Freezable((url.hostname or "127.0.0.1", url.port or 5432))
    server = await proxy.start()
    login, _, _ = url.netloc.rpartition("@")
    via = urlunsplit(url._replace(netloc=f"{login}@127.0.0.1:{proxy.port}" if login else f"127.0.0.1:{proxy.port}"))
    service = ConsoleService("console", migrations=MIGRATIONS, settings=Settings(database_url=via))
    service.schema = f"test_console_{uuid.uuid4().hex[:10]}"
    await service.open_storage()
    settings = ConsoleSettings()
    try:
        yield Console(service, maak_app(service, settings, consument=False), settings, wachtwoord_hash), proxy
    finally:
        proxy.thaw()
        await service.pool.execute(f'DROP SCHEMA "{service.schema}" CASCADE')
        service.pool.terminate()
        server.close()


async def test_ready_fails_in_time_while_the_database_hangs_and_recovers(via_proxy: tuple[Console, Freezable]) -> None:
    console, proxy = via_proxy
    async with console.client() as client:
        before = await client.get("/health/ready")
        proxy.freeze()
        started = time.monotonic()
        hanging = await asyncio.wait_for(client.get("/health/ready"), 10)
        waited = time.monotonic() - started
        live = await client.get("/health/live")
        proxy.thaw()
        after = None
        for _ in range(50):
            after = await client.get("/health/ready")
            if after.status_code == 200:
                break
            await asyncio.sleep(0.2)
    assert before.status_code == 200 and before.json()["checks"]["database"] == "ok"
    assert hanging.status_code == 503 and hanging.json()["checks"]["database"].startswith("no answer within")
    assert waited < 5, "the check answers within its timeout, not when the database does"
    assert live.status_code == 204
    assert after is not None and after.status_code == 200


async def test_ready_needs_only_the_database_and_names_the_rest(console: Console) -> None:
    async with console.client() as client:
        report = (await client.get("/health/ready")).json()
    assert report["status"] == "ready" and report["checks"]["database"] == "ok"
    assert report["checks"]["consumers"] == "ok" or report["reasons"], "the read model's consumer is reported"


async def test_metrics_count_logins_by_outcome_and_show_the_pool(console: Console) -> None:
    await console.account("teller", Rol.OPERATOR)

    def figure(text: str, series: str) -> float:
        return next(float(line.split()[-1]) for line in text.splitlines() if line.startswith(series + " "))

    async with console.client() as client:
        before = (await client.get("/metrics")).text
        await client.post("/login", data={"naam": "teller", "wachtwoord": "fout"})
        await client.post("/login", data={"naam": "teller", "wachtwoord": WACHTWOORD})
        after = await client.get("/metrics")
    text = after.text
    assert after.headers["content-type"].startswith("text/plain")
    for outcome in ("mislukt", "geslaagd"):
        series = f'console_logins_total{{uitkomst="{outcome}"}}'
        assert figure(text, series) == figure(before, series) + 1
    assert figure(text, 'waardigwerk_db_pool_max{service="console"}') >= 1
    assert 'waardigwerk_outbox_unsent{service="console"}' in text
