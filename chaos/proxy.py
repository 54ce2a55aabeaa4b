"""A TCP proxy the chaos stack puts between one service and the broker or PostgreSQL.

`open` forwards every byte; `cut()` is a network partition (every connection dropped, new ones
accepted and never answered, as a peer behind a dead link looks to the client) until `mend()`;
`delay(s)` holds every chunk `s` seconds in each direction (a slow network to the database),
keeping the order of the bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time


class Proxy:
    def __init__(self, listen_port: int, target_port: int, host: str = "127.0.0.1") -> None:
        self.listen_port, self.target_port, self.host = listen_port, target_port, host
        self.latency_s = 0.0
        self.partitioned = False
        self.connections: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> Proxy:
        self.server = await asyncio.start_server(self._serve, self.host, self.listen_port, reuse_address=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.close()
        self._drop_all()
        if self.server is not None:
            await self.server.wait_closed()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.listen_port}"

    def cut(self) -> None:
        self.partitioned = True
        self._drop_all()

    def mend(self) -> None:
        self.partitioned = False
        self._drop_all()  # the connections accepted during the cut were never answered

    def delay(self, seconds: float) -> None:
        self.latency_s = seconds

    def _drop_all(self) -> None:
        for writer in list(self.connections):
            writer.transport.abort()
        self.connections.clear()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections.add(client_writer)
        if self.partitioned:
            return  # held open, never answered: dropped by mend()
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            client_writer.transport.abort()
            self.connections.discard(client_writer)
            return
        self.connections.add(upstream_writer)
        pumps = [
            asyncio.create_task(self._pump(client_reader, upstream_writer)),
            asyncio.create_task(self._pump(upstream_reader, client_writer)),
        ]
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            pass  # the proxy closes
        finally:
            for task in pumps:
                task.cancel()
            for writer in (client_writer, upstream_writer):
                writer.transport.abort()
                self.connections.discard(writer)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Copies one direction; with a latency each chunk leaves `latency_s` after it arrived."""
        held: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def send() -> None:
            while True:
                due, chunk = await held.get()
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                writer.write(chunk)
                await writer.drain()

        sender = asyncio.create_task(send())
        try:
            while chunk := await reader.read(65536):
                if sender.done():
                    break
                held.put_nowait((time.monotonic() + self.latency_s, chunk))
        except OSError:
            pass
        finally:
            while not held.empty() and not sender.done():
                await asyncio.sleep(0.01)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await sender
