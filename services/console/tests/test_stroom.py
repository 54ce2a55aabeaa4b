"""The event stream's version poll is shared by every open page (services/console/stroom.py)."""

from __future__ import annotations

import asyncio

from services.console.stroom import Versie, Wijzigingen


async def test_open_streams_share_one_poll_and_each_sees_every_change() -> None:
    reads = [0]
    versie: list[Versie] = [(1, 0)]

    async def lees() -> Versie:
        reads[0] += 1
        return versie[0]

    wijzigingen = Wijzigingen(lees, interval_s=0.02)
    gezien: list[list[Versie]] = [[], [], []]

    async def pagina(i: int) -> None:
        async for v in wijzigingen.volg(controle_s=10):
            if v is not None:
                gezien[i].append(v)

    paginas = [asyncio.create_task(pagina(i)) for i in range(3)]
    await asyncio.sleep(0.2)
    versie[0] = (2, 1)
    await asyncio.sleep(0.2)
    for p in paginas:
        p.cancel()
    await asyncio.gather(*paginas, return_exceptions=True)
    assert gezien == [[(1, 0), (2, 1)]] * 3
    assert 5 <= reads[0] < 40, f"one read per interval for all three pages, not one per page: {reads[0]}"
    await asyncio.sleep(0.1)
    na = reads[0]
    await asyncio.sleep(0.1)
    assert reads[0] == na, "no stream open: no reads"


async def test_a_stream_without_changes_wakes_for_its_login_check() -> None:
    async def lees() -> Versie:
        return (1, 0)

    wijzigingen = Wijzigingen(lees, interval_s=0.01)
    stroom = wijzigingen.volg(controle_s=0.05)
    assert await asyncio.wait_for(anext(stroom), 5) == (1, 0)
    assert await asyncio.wait_for(anext(stroom), 5) is None
    await stroom.aclose()
