"""Exactly-once effects across a crash: melding is killed with SIGKILL in the middle of a stream
of 1 000 reports and started again; every report ends up as exactly one case and exactly one
acknowledgement to the reporter."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from tests.e2e.conftest import stack_command
from tools.partner import Partner

pytestmark = pytest.mark.stack
N = 1000


async def test_kill_9_mid_stream_loses_and_duplicates_nothing(stack_env: dict[str, str]) -> None:
    org = f"crash-{uuid.uuid4().hex[:8]}"
    topic = f"waardigwerk.uit.melder.{org}"
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [topic]) as partner:
        for i in range(N):
            ref = f"{org}-{i:04d}"
            data = {
                "melder": {"soort": "vakbond", "organisatie": org, "referentie": ref},
                "werkgever": {"kvk_nummer": f"{50_000_000 + i}"},
                "categorieen": ["arbeidstijden"],
                "omschrijving": "Te lange diensten.",
            }
            await partner.publish("waardigwerk.in.meldingen", "nl.waardigwerk.melding.ingediend", data, key=ref)
            if i == N // 4:
                await asyncio.to_thread(stack_command, "kill", "melding")
        await asyncio.to_thread(stack_command, "start", "melding")
        deadline = asyncio.get_running_loop().time() + 180
        while len(partner.matching(topic)) < N and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.5)
        await partner.settle(3)  # anything duplicated would arrive now
        acks = partner.matching(topic, "nl.waardigwerk.melding.ontvangen")
        assert len(acks) == N, f"{len(acks)} acknowledgements for {N} reports"
        assert len({a.data["melder_referentie"] for a in acks}) == N
    conn = await asyncpg.connect(stack_env["DATABASE_URL"])
    try:
        meldingen = await conn.fetchval("SELECT count(*) FROM melding.melding WHERE organisatie = $1", org)
        zaken = await conn.fetchval("SELECT count(DISTINCT zaak_id) FROM melding.melding WHERE organisatie = $1", org)
    finally:
        await conn.close()
    assert (meldingen, zaken) == (N, N)
