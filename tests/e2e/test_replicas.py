"""Two replicas of melding, of inspectie and of deling in one consumer group each, on the real stack.

Per employer three reports arrive at once, each under its reporter's own key (the contract's
partition key), so they spread over partitions and replicas: two about the same problem from two
unions (they must form one case) and one about another problem (a case of its own, yet the same
one inspection). The regions fill beyond their capacity. Afterwards: both replicas of each
service handled records; every report was acknowledged exactly once; no same-employer reports
were split into two cases; every employer has exactly one inspection, holding both of its cases;
no region has more visits on a day than its capacity; nothing was dead-lettered; no deadlock in
any replica's log.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from deploy.local.layout import Layout
from shared.policy import load_policy
from shared.topics import IN_MELDINGEN, dlq, intern, uit_melder
from tests.e2e.conftest import stack_command
from tools.partner import Partner

pytestmark = pytest.mark.stack
DIENSTEN = ["melding", "inspectie", "loonvordering", "huisvesting"]
REPLICATED = ("melding", "inspectie", "deling")
WERKGEVERS = 200
GEMEENTEN = ["GM0363", "GM0518", "GM0599", "GM0344", None]  # four regions and the default one


@pytest.fixture(scope="module")
def replicas(stack_env: dict[str, str]) -> Iterator[Layout]:
    """A second process of each, stopped again at the end."""
    layout = Layout.from_environ(os.environ | {"WAARDIGWERK_STACK_DIR": stack_env["WAARDIGWERK_STACK_DIR"]})
    second = [f"{name}-2" for name in REPLICATED]
    stack_command("start", *second)
    try:
        yield layout
    finally:
        stack_command("stop", *second)


async def group_members(bootstrap: str, group: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        await admin.start()
        (response,) = await admin.describe_consumer_groups([group])
        (described,) = response.to_object()["groups"]
        return len(described["members"]) if described["state"] == "Stable" else 0
    finally:
        await admin.close()


def melding(org: str, ref: str, kvk: str, categorie: str, gemeente: str | None) -> dict[str, Any]:
    plaats = {"postcode": "2671AB", "huisnummer": "12", **({"gemeentecode": gemeente} if gemeente else {})}
    return {
        "melder": {"soort": "vakbond", "organisatie": org, "referentie": ref},
        "werkgever": {"kvk_nummer": kvk},
        "werklocatie": plaats,
        "categorieen": [categorie],
        "aantal_betrokkenen": 5,
        "omschrijving": "Signalen bij dezelfde werkgever.",
    }


def lines_since(log: Path, offset: int) -> list[dict[str, Any]]:
    with log.open("rb") as f:
        f.seek(offset)
        raw = f.read().decode(errors="replace").splitlines()
    parsed = []
    for line in raw:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            parsed.append({"raw": line})
    return parsed


async def test_two_replicas_share_the_load_with_every_effect_once(stack_env: dict[str, str], replicas: Layout) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    for name in REPLICATED:
        deadline = time.monotonic() + 60
        while await group_members(bootstrap, f"waardigwerk.{name}") < 2:
            assert time.monotonic() < deadline, f"the group of {name} never had two members"
            await asyncio.sleep(0.5)
    logs = {f"{n}{s}": replicas.log(f"{n}{s}") for n in REPLICATED for s in ("", "-2")}
    start = {name: log.stat().st_size for name, log in logs.items()}

    tag = uuid.uuid4().hex[:6]
    orgs = [f"fnv{tag}", f"cnv{tag}", f"or{tag}"]
    kvks = [f"{70_000_000 + int(tag, 16) % 1_000_000 * 10 + i:08d}"[-8:] for i in range(WERKGEVERS)]
    assert len(set(kvks)) == WERKGEVERS
    feeds = [uit_melder(org) for org in orgs]
    dead = [dlq(IN_MELDINGEN), dlq(intern("melding"))]
    async with Partner(bootstrap, [*feeds, *dead, "waardigwerk.test.klok"]) as partner:
        await partner.set_clock("2027-03-01T09:00:00+01:00", DIENSTEN)  # a Monday
        for i, kvk in enumerate(kvks):
            gemeente = GEMEENTEN[i % len(GEMEENTEN)]
            for org, categorie in zip(orgs, ["onderbetaling", "onderbetaling", "arbeidstijden"], strict=True):
                ref = f"{org}-{i:04d}"
                await partner.offer(
                    IN_MELDINGEN,
                    "nl.waardigwerk.melding.ingediend",
                    melding(org, ref, kvk, categorie, gemeente),
                    key=ref,
                )
        await partner.flush()
        deadline = time.monotonic() + 240
        while sum(len(partner.matching(feed)) for feed in feeds) < 3 * WERKGEVERS and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        conn = await asyncpg.connect(stack_env["DATABASE_URL"])
        try:
            while time.monotonic() < deadline:  # until inspectie has taken in both cases of every employer
                klaar = await conn.fetchval(
                    "SELECT count(*) FROM inspectie.inspectie WHERE werkgever_kvk = ANY($1::text[]) "
                    "AND jsonb_array_length(aanleidingen) >= 2",
                    kvks,
                )
                if klaar >= WERKGEVERS:
                    break
                await asyncio.sleep(1)
            await partner.settle(3)  # anything duplicated would arrive now
            zaken = await conn.fetch(
                "SELECT z.werkgever_kvk, m.categorieen, count(DISTINCT m.zaak_id) AS zaken, count(*) AS meldingen "
                "FROM melding.melding m JOIN melding.zaak z USING (zaak_id) WHERE organisatie = ANY($1::text[]) "
                "GROUP BY z.werkgever_kvk, m.categorieen",
                orgs,
            )
            inspecties = await conn.fetch(
                "SELECT werkgever_kvk, count(*) AS n, max(aanleidingen::text) AS aanleidingen "
                "FROM inspectie.inspectie WHERE werkgever_kvk = ANY($1::text[]) GROUP BY werkgever_kvk",
                kvks,
            )
            per_dag = await conn.fetch(
                "SELECT regio, gepland_op, count(*) AS n FROM inspectie.inspectie WHERE status = 'gepland' "
                "AND gepland_op >= '2027-03-01' GROUP BY regio, gepland_op"
            )
        finally:
            await conn.close()
        acks = [a for feed in feeds for a in partner.matching(feed, "nl.waardigwerk.melding.ontvangen")]
        dead_letters = [r for topic in dead for r in partner.matching(topic)]

    handled = {
        name: sum(entry["handled"] for entry in lines_since(log, start[name]) if entry.get("event") == "batch_applied")
        for name, log in logs.items()
    }
    print(f"\nrecords handled per process: {handled}")
    assert all(count > 0 for count in handled.values()), f"a replica handled nothing: {handled}"
    deadlocks = [
        (name, entry)
        for name, log in logs.items()
        for entry in lines_since(log, start[name])
        if "deadlock" in json.dumps(entry).lower()
    ]
    assert not deadlocks, f"deadlocks: {deadlocks[:3]}"
    assert not dead_letters, f"{len(dead_letters)} dead letters, e.g. {dead_letters[0].headers}"

    refs = [a.data["melder_referentie"] for a in acks]
    assert len(refs) == 3 * WERKGEVERS and len(set(refs)) == 3 * WERKGEVERS, "every report acknowledged once"
    samen = [z for z in zaken if list(z["categorieen"]) == ["onderbetaling"]]
    assert len(samen) == WERKGEVERS and all(z["meldingen"] == 2 for z in samen)
    split = [z["werkgever_kvk"] for z in samen if z["zaken"] != 1]
    assert not split, f"{len(split)} employers' reports split into two cases, e.g. {split[:3]}"

    assert len(inspecties) == WERKGEVERS, f"{WERKGEVERS - len(inspecties)} employers without an inspection"
    dubbel = [i["werkgever_kvk"] for i in inspecties if i["n"] != 1]
    assert not dubbel, f"{len(dubbel)} employers with more than one inspection, e.g. {dubbel[:3]}"
    assert all(len(json.loads(i["aanleidingen"])) == 2 for i in inspecties), "both cases in the one inspection"

    capaciteit = load_policy(stack_env.get("WAARDIGWERK_BELEID") or "huidig").value(
        "inspectie_capaciteit_per_werkdag", date(2027, 3, 1)
    )
    assert per_dag, "no visit planned: the regions were never filled"
    over = [(r["regio"], r["gepland_op"], r["n"]) for r in per_dag if r["n"] > capaciteit[r["regio"]]]
    assert not over, f"capacity exceeded: {over}"
    full = [r for r in per_dag if r["n"] == capaciteit[r["regio"]]]
    assert full, "no day was filled to capacity: the test did not press on capacity"
