"""A dead timer on the overview can be retried: the button posts (with the session's CSRF token)
the command `timer.opnieuw` to the timer's service, once per command id, and the timer leaves the
list when the service answers `timer.hersteld`; an answer `niet_hersteld` is shown beside it."""

from __future__ import annotations

import json
import re

import pytest

from services.console.autorisatie import Rol
from services.console.tests.conftest import Console
from shared.service import TIMER_DOOD, TIMER_HERSTELD, TIMER_NIET_HERSTELD, TIMER_OPNIEUW
from shared.topics import CONSOLE_OPDRACHTEN

pytestmark = pytest.mark.stack
TIMER = {
    "dienst": "melding",
    "timer_id": 7,
    "soort": "termijn",
    "sleutel": "Z-1",
    "due_at": "2026-12-01T10:00:00+00:00",
}
DOOD = {**TIMER, "pogingen": 5, "laatste_fout": "RuntimeError (x.py:1)"}


def knop(pagina: str) -> dict[str, str]:
    """The fields of the first retry form on the overview."""
    formulier = re.search(r'<form method="post" action="/timers/opnieuw">(.*?)</form>', pagina, re.S)
    assert formulier, "no retry button on the overview"
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', formulier.group(1)))


async def test_the_button_sends_the_command_once_and_the_timer_leaves_the_list_when_revived(console: Console) -> None:
    dood = await console.event(TIMER_DOOD, DOOD)
    operator = await console.ingelogd("op", Rol.OPERATOR)
    velden = knop((await operator.get("/")).text)
    assert velden["dood"] == dood
    zonder_csrf = await operator.post("/timers/opnieuw", data={k: v for k, v in velden.items() if k != "csrf"})
    assert zonder_csrf.status_code == 403 and await console.outbox() == []
    for _ in range(2):  # a double click: the same command id
        antwoord = await operator.post("/timers/opnieuw", data=velden)
        assert antwoord.status_code == 303, antwoord.text
    (uit,) = await console.outbox()
    assert uit["topic"] == CONSOLE_OPDRACHTEN and dict(uit["headers"])["ce_type"] == TIMER_OPNIEUW
    assert dict(uit["headers"])["ce_id"] == velden["opdracht"]
    opdracht = json.loads(uit["value"])
    assert opdracht == {
        "dienst": "melding",
        "soort": "termijn",
        "sleutel": "Z-1",
        "opdracht": velden["opdracht"],
        "door": "op",
    }
    overzicht = (await operator.get("/api/overzicht")).json()["dode_timers"]
    assert [(t["id"], t["door"]) for t in overzicht] == [(dood, "op")], "listed as asked for, until the answer"

    await console.event(TIMER_HERSTELD, {**TIMER, "opdracht": velden["opdracht"]})
    assert (await operator.get("/api/overzicht")).json()["dode_timers"] == []
    assert "Geen opgegeven timers." in (await operator.get("/")).text


async def test_an_answer_that_nothing_changed_is_shown_and_other_roles_have_no_button(console: Console) -> None:
    await console.event(TIMER_DOOD, DOOD)
    operator = await console.ingelogd("op", Rol.OPERATOR)
    velden = knop((await operator.get("/")).text)
    assert (await operator.post("/timers/opnieuw", data=velden)).status_code == 303
    await console.event(TIMER_NIET_HERSTELD, {**TIMER, "opdracht": velden["opdracht"], "reden": "onbekend"})
    (timer,) = (await operator.get("/api/overzicht")).json()["dode_timers"]
    assert timer["niet_hersteld"] == "onbekend"
    assert "niet hersteld (onbekend)" in (await operator.get("/")).text
    planner = await console.ingelogd("plan", Rol.PLANNER)
    pagina = (await planner.get("/")).text
    assert 'action="/timers/opnieuw"' not in pagina
    token = re.search(r'name="csrf" value="([^"]+)"', pagina)
    assert token is not None
    geweigerd = await planner.post("/timers/opnieuw", data={**velden, "csrf": token.group(1), "opdracht": "x"})
    assert geweigerd.status_code == 403 and len(await console.outbox()) == 1
