"""The TCP proxy of `make chaos` (chaos/proxy.py) and the ports its faults add to a stack.

Fast: a local echo server on loopback, no broker."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chaos.proxy import Proxy
from deploy.local.kafka_broker import PROXIED_LISTENER_STEP, proxied_listener
from deploy.local.layout import Layout
from tests.test_cluster_layout import every_port


@pytest.fixture
async def echo() -> AsyncIterator[int]:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(1024):
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()


async def round_trip(port: int, payload: bytes, within_s: float = 2.0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(payload)
        await writer.drain()
        return await asyncio.wait_for(reader.readexactly(len(payload)), within_s)
    finally:
        writer.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_an_open_proxy_forwards_both_ways(echo: int) -> None:
    async with Proxy(free_port(), echo) as proxy:
        assert await round_trip(proxy.listen_port, b"x" * 200_000) == b"x" * 200_000


async def test_a_cut_drops_open_connections_and_leaves_new_ones_unanswered_until_mended(echo: int) -> None:
    async with Proxy(free_port(), echo) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
        writer.write(b"before")
        assert await reader.readexactly(6) == b"before"
        proxy.cut()
        assert await asyncio.wait_for(reader.read(), 2) == b""  # the open connection is gone
        with pytest.raises(TimeoutError):
            await round_trip(proxy.listen_port, b"during", within_s=0.5)
        proxy.mend()
        assert await round_trip(proxy.listen_port, b"after") == b"after"


async def test_a_delay_holds_each_chunk_each_way_and_keeps_the_order(echo: int) -> None:
    async with Proxy(free_port(), echo) as proxy:
        proxy.delay(0.2)
        started = time.monotonic()
        payload = bytes(range(256)) * 1000
        assert await round_trip(proxy.listen_port, payload) == payload
        assert time.monotonic() - started >= 0.4  # there and back


def test_the_proxied_listener_exists_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAARDIGWERK_KAFKA_PROXIED", raising=False)
    assert proxied_listener(19492) is None
    monkeypatch.setenv("WAARDIGWERK_KAFKA_PROXIED", "1")
    assert proxied_listener(19492) == (19492 + PROXIED_LISTENER_STEP, 19492 + PROXIED_LISTENER_STEP + 1)


def test_the_chaos_proxy_ports_are_no_port_of_any_stack(tmp_path: Path) -> None:
    layouts = [Layout(tmp_path, tmp_path, offset) for offset in range(0, 3000, 100)]
    taken = {port for layout in layouts for port in every_port(layout)}
    for layout in layouts:
        kafka, postgres = layout.port("kafka"), layout.port("postgres")
        chaos = {kafka + PROXIED_LISTENER_STEP, kafka + PROXIED_LISTENER_STEP + 1, postgres + PROXIED_LISTENER_STEP}
        assert not chaos & taken, f"offset {layout.offset}: {sorted(chaos & taken)}"
