"""Finding 1: a dead letter is one item with a history of attempts, and a replay is idempotent per attempt.

Before: every replay-all re-published every row, including the copies earlier replays produced; a
record still invalid came back as a new row each time (1 -> 2 -> 4 -> 8 -> 16 -> 32 in five calls)."""

from __future__ import annotations

import uuid

import pytest

from services.console.autorisatie import Rol
from services.console.tests.conftest import Console, dlq_headers
from shared.service import REPLAY_HEADER

pytestmark = pytest.mark.stack
TOPIC = "waardigwerk.in.meldingen"


def origineel(ce_id: str) -> list[tuple[str, bytes]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", ce_id.encode()),
        ("ce_type", b"nl.waardigwerk.melding.ingediend"),
        ("ce_source", b"urn:nld:fnv"),
    ]


async def nogmaals_afgewezen(console: Console, vanaf: int) -> int:
    """What the service does with each replay of a record that is still invalid: dead-letter it again."""
    uit = await console.outbox()
    for r in uit[vanaf:]:
        headers = [(k, v.encode()) for k, v in r["headers"]]
        sleutel = r["key"] if isinstance(r["key"], bytes) or r["key"] is None else r["key"].encode()
        await console.dode_letter(r["topic"], dlq_headers(headers, r["topic"]), r["value"], sleutel)
    return len(uit)


async def test_replay_all_five_times_keeps_one_item_and_offers_each_attempt_once(console: Console) -> None:
    ce_id = str(uuid.uuid4())
    await console.dode_letter(TOPIC, dlq_headers(origineel(ce_id), TOPIC), b'{"melder": {}}')
    beheerder = await console.ingelogd("beheer", Rol.BEHEERDER)
    token = await csrf(beheerder)
    gezien = 0
    for _ in range(5):
        antwoord = await beheerder.post(
            "/api/dode-letters/replay", json={"bevestigd": True}, headers={"X-CSRF-Token": token}
        )
        assert antwoord.status_code == 200, antwoord.text
        gezien = await nogmaals_afgewezen(console, gezien)
    lijst = (await beheerder.get("/api/dode-letters")).json()
    assert len(lijst["dode_letters"]) == 1, "one record is one item, however often it failed"
    item = lijst["dode_letters"][0]
    assert item["pogingen"] == 6 and len(item["geschiedenis"]) == 6, "the first arrival and five failed replays"
    uit = await console.outbox()
    assert len(uit) == 5, "each call offered the one latest attempt, never the older ones again"
    markers = [dict(r["headers"])[REPLAY_HEADER] for r in uit]
    assert len(set(markers)) == 5, "every replay names the attempt it comes from"


async def test_replaying_the_same_attempt_again_offers_nothing(console: Console) -> None:
    await console.dode_letter(TOPIC, dlq_headers(origineel(str(uuid.uuid4())), TOPIC), b"{}")
    beheerder = await console.ingelogd("beheer", Rol.BEHEERDER)
    token = await csrf(beheerder)
    item = (await beheerder.get("/api/dode-letters")).json()["dode_letters"][0]["id"]
    eerste = (await beheerder.post(f"/api/dode-letters/{item}/replay", headers={"X-CSRF-Token": token})).json()
    tweede = (await beheerder.post(f"/api/dode-letters/{item}/replay", headers={"X-CSRF-Token": token})).json()
    assert (eerste["opnieuw_aangeboden"], tweede["opnieuw_aangeboden"], tweede["al_aangeboden"]) == (1, 0, 1)
    assert len(await console.outbox()) == 1


async def test_replay_acts_on_a_selection_and_needs_confirmation(console: Console) -> None:
    await console.dode_letter(TOPIC, dlq_headers(origineel(str(uuid.uuid4())), TOPIC, "schema"), b"{}")
    andere = "waardigwerk.in.huurcontracten"
    await console.dode_letter(andere, dlq_headers(origineel(str(uuid.uuid4())), andere, "onbekend_type"), b"{}")
    beheerder = await console.ingelogd("beheer", Rol.BEHEERDER)
    token = await csrf(beheerder)
    zonder = await beheerder.post("/api/dode-letters/replay", json={}, headers={"X-CSRF-Token": token})
    assert zonder.status_code == 400 and not await console.outbox(), "no replay without an explicit confirmation"
    antwoord = await beheerder.post(
        "/api/dode-letters/replay", json={"bevestigd": True, "reden": "onbekend_type"}, headers={"X-CSRF-Token": token}
    )
    assert antwoord.json()["opnieuw_aangeboden"] == 1
    assert [r["topic"] for r in await console.outbox()] == [andere]

    # The page asks first, then replays and shows the progress of that replay.
    vraag = await beheerder.post("/dode-letters/replay", data={"csrf": token, "topic": TOPIC})
    assert vraag.status_code == 200 and 'id="bevestiging"' in vraag.text and len(await console.outbox()) == 1
    gedaan = await beheerder.post("/dode-letters/replay", data={"csrf": token, "topic": TOPIC, "bevestigd": "1"})
    assert gedaan.status_code == 303 and "replay=" in gedaan.headers["location"]
    voortgang = await beheerder.get(gedaan.headers["location"])
    assert 'id="voortgang"' in voortgang.text and "<strong>1</strong> opnieuw aangeboden" in voortgang.text
    assert [r["topic"] for r in await console.outbox()] == [andere, TOPIC]


async def csrf(client: object) -> str:
    """The session's CSRF token, as the pages carry it in their forms."""
    import re

    import httpx

    assert isinstance(client, httpx.AsyncClient)
    pagina = await client.get("/dode-letters")
    gevonden = re.search(r'name="csrf" value="([^"]+)"', pagina.text)
    assert gevonden, pagina.text[:500]
    return gevonden.group(1)


async def test_a_replay_that_failed_again_still_shows_it_was_replayed(console: Console) -> None:
    """The replayed record fails again moments after the click: the item says it was offered again
    (and failed again) and can be offered once more, instead of looking as if nobody replayed it."""
    await console.dode_letter(TOPIC, dlq_headers(origineel(str(uuid.uuid4())), TOPIC), b'{"melder": {}}')
    beheerder = await console.ingelogd("beheer", Rol.BEHEERDER)
    token = await csrf(beheerder)
    item = (await beheerder.get("/api/dode-letters")).json()["dode_letters"][0]["id"]
    await beheerder.post(f"/api/dode-letters/{item}/replay", headers={"X-CSRF-Token": token})
    await nogmaals_afgewezen(console, 0)
    rij = (await beheerder.get("/api/dode-letters")).json()["dode_letters"][0]
    assert (rij["laatst_gereplayed"], rij["pogingen"]) == (None, 2), "the latest attempt is the new failure"
    assert rij["eerder_gereplayed"] is not None, "the item was replayed before"
    pagina = (await beheerder.get("/dode-letters")).text
    assert 'class="gereplayed"' in pagina and "opnieuw mislukt" in pagina
    assert 'class="replay"' in pagina, "the new attempt can be offered again"
